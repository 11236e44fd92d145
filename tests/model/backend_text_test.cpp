// The text forms of dates, times, timestamps, decimals, UUIDs and JSON per backend dialect
// (detail/backend_text.hpp): what is sent, what is read back, and what is refused.

#include <cstdint>
#include <random>
#include <string>

#include <boost/test/unit_test.hpp>

#include "gatherdb/model/detail/backend_text.hpp"
#include "gatherdb/model/value_error.hpp"

#include "value_printing.hpp"

using namespace gatherdb::model;
using namespace gatherdb::model::detail;

namespace {

// The SQLSTATE `f` throws as a value_error, or "none".
template <class F>
std::string sqlstate_of(F f) {
  try {
    f();
  } catch (const value_error& e) {
    return e.sqlstate();
  }
  return "none";
}

timestamp ts(std::int64_t y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s,
             unsigned us = 0) {
  return timestamp::from_parts(date::from_ymd(y, mo, d), time_of_day::from_hms(h, mi, s, us));
}

timestamptz utc(std::int64_t y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s,
                unsigned us = 0) {
  return timestamptz::from_utc(ts(y, mo, d, h, mi, s, us));
}

constexpr dialect all_dialects[] = {dialect::sqlite, dialect::postgresql, dialect::mariadb,
                                    dialect::other};

} // namespace

BOOST_AUTO_TEST_SUITE(model_backend_text)

BOOST_AUTO_TEST_CASE(format_writes_iso_forms_with_all_six_fraction_digits) {
  BOOST_TEST(format_date(date::from_ymd(2024, 2, 29)) == "2024-02-29");
  BOOST_TEST(format_date(date::from_ymd(1, 1, 1)) == "0001-01-01");
  BOOST_TEST(format_date(date::from_ymd(9999, 12, 31)) == "9999-12-31");
  BOOST_TEST(format_date(date::from_ymd(999, 10, 5)) == "0999-10-05");
  BOOST_TEST(format_time(time_of_day{}) == "00:00:00.000000");
  BOOST_TEST(format_time(time_of_day::from_hms(23, 59, 59, 999999)) == "23:59:59.999999");
  BOOST_TEST(format_time(time_of_day::from_hms(7, 8, 9, 10)) == "07:08:09.000010");
  BOOST_TEST(format_timestamp(ts(2024, 2, 29, 23, 59, 59, 1)) == "2024-02-29 23:59:59.000001");
  BOOST_TEST(format_timestamp(timestamp::from_micros(-1)) == "1969-12-31 23:59:59.999999");
  BOOST_TEST(format_timestamp(timestamp::from_micros(timestamp::min_micros)) ==
             "0001-01-01 00:00:00.000000");
  BOOST_TEST(format_timestamp(timestamp::from_micros(timestamp::max_micros)) ==
             "9999-12-31 23:59:59.999999");
  BOOST_TEST(format_timestamptz(utc(2024, 2, 29, 23, 59, 59, 1)) ==
             "2024-02-29 23:59:59.000001+00:00");
  BOOST_TEST(format_timestamptz(timestamptz{}) == "1970-01-01 00:00:00.000000+00:00");
}

BOOST_AUTO_TEST_CASE(parse_date_reads_iso_dates_and_refuses_other_text_with_22007) {
  BOOST_TEST(parse_date("2024-02-29") == date::from_ymd(2024, 2, 29));
  BOOST_TEST(parse_date("0001-01-01") == date::from_ymd(1, 1, 1));
  BOOST_TEST(parse_date("9999-12-31") == date::from_ymd(9999, 12, 31));
  BOOST_TEST(parse_date("2000-02-29") == date::from_ymd(2000, 2, 29));
  for (const char* bad : {"",
                          "2024-2-29",
                          "2024-02-9",
                          "24-02-29",
                          "2024/02/29",
                          "2024-02-29 ",
                          " 2024-02-29",
                          "2024-02-30",
                          "2023-02-29",
                          "1900-02-29",
                          "2024-13-01",
                          "2024-00-10",
                          "2024-01-00",
                          "2024-02-29T00:00:00",
                          "infinity",
                          "-infinity",
                          "-2024-01-01",
                          "2024-02-29 AD",
                          "2024-02-29 bc",
                          "0000-01-01 BC",
                          "99999999999999-01-01"})
    BOOST_TEST(sqlstate_of([&] { (void)parse_date(bad); }) == "22007", "input: " << bad);
  // Years outside 1 to 9999 are dates, just not ones gatherdb holds.
  BOOST_TEST(sqlstate_of([] { (void)parse_date("0000-01-01"); }) == "22008");
  BOOST_TEST(sqlstate_of([] { (void)parse_date("10000-01-01"); }) == "22008");
}

BOOST_AUTO_TEST_CASE(a_year_bc_is_refused_with_22008_never_read_as_a_year_ad) {
  for (const char* bc : {"0001-01-01 BC", "0044-03-15 BC", "9999-12-31 BC",
                         // Leap years BC are those of the astronomical year: 1 BC and 5 BC.
                         "0001-02-29 BC", "0005-02-29 BC"})
    BOOST_TEST(sqlstate_of([&] { (void)parse_date(bc); }) == "22008", "input: " << bc);
  BOOST_TEST(sqlstate_of([] { (void)parse_date("0002-02-29 BC"); }) == "22007");
  // There is no year 0 BC: not a date at all, and certainly not 0001-01-01.
  BOOST_TEST(sqlstate_of([] { (void)parse_date("0000-01-01 BC"); }) == "22007");
  BOOST_TEST(sqlstate_of([] { (void)parse_timestamp("0044-03-15 12:00:00 BC"); }) == "22008");
  BOOST_TEST(sqlstate_of([] { (void)parse_timestamp("0000-01-01 00:00:00 BC"); }) == "22007");
  BOOST_TEST(sqlstate_of([] { (void)parse_timestamptz("0044-03-15 12:00:00+00 BC"); }) == "22008");
  BOOST_TEST(sqlstate_of([] { (void)parse_timestamptz("0001-12-31 23:59:59.999999+00 BC"); }) ==
             "22008");
  BOOST_TEST(sqlstate_of([] { (void)parse_timestamptz("0000-12-31 23:00:00-02 BC"); }) == "22007");
  BOOST_TEST(sqlstate_of([] {
               (void)parse_backend_text(value_type::date, "0001-01-01 BC", dialect::postgresql);
             }) == "22008");
}

BOOST_AUTO_TEST_CASE(parse_time_reads_zero_to_six_fraction_digits) {
  BOOST_TEST(parse_time("00:00:00") == time_of_day{});
  BOOST_TEST(parse_time("23:59:59.999999") == time_of_day::from_hms(23, 59, 59, 999999));
  const char* forms[] = {"12:34:56",      "12:34:56.1",     "12:34:56.12",    "12:34:56.123",
                         "12:34:56.1234", "12:34:56.12345", "12:34:56.123456"};
  const unsigned micros[] = {0, 100000, 120000, 123000, 123400, 123450, 123456};
  for (std::size_t i = 0; i < 7; ++i)
    BOOST_TEST(parse_time(forms[i]) == time_of_day::from_hms(12, 34, 56, micros[i]),
               "input: " << forms[i]);
  BOOST_TEST(parse_time("12:00:00.000001").micros_since_midnight() == 43200000001);
  for (const char* bad :
       {"", "12:00", "1:00:00", "12:0:00", "12:00:0", "12:00:00.", "12:00:00.1234567", "12:00:00,5",
        "12:00:00 ", "12:00:00Z", "12:00:00+01", "T12:00:00", "12-00-00", "allballs"})
    BOOST_TEST(sqlstate_of([&] { (void)parse_time(bad); }) == "22007", "input: " << bad);
  for (const char* out : {"24:00:00", "12:60:00", "12:00:60", "99:99:99"})
    BOOST_TEST(sqlstate_of([&] { (void)parse_time(out); }) == "22008", "input: " << out);
}

BOOST_AUTO_TEST_CASE(parse_timestamp_takes_a_space_or_T_and_no_offset) {
  const auto x = ts(2024, 2, 29, 23, 59, 59, 1);
  BOOST_TEST(parse_timestamp("2024-02-29 23:59:59.000001") == x);
  BOOST_TEST(parse_timestamp("2024-02-29T23:59:59.000001") == x);
  BOOST_TEST(parse_timestamp("2024-02-29 23:59:59") == ts(2024, 2, 29, 23, 59, 59));
  BOOST_TEST(parse_timestamp("2024-02-29 23:59:59.5") == ts(2024, 2, 29, 23, 59, 59, 500000));
  BOOST_TEST(parse_timestamp("0001-01-01 00:00:00") ==
             timestamp::from_micros(timestamp::min_micros));
  BOOST_TEST(parse_timestamp("9999-12-31 23:59:59.999999") ==
             timestamp::from_micros(timestamp::max_micros));
  BOOST_TEST(parse_timestamp("1969-12-31 23:59:59.999999") == timestamp::from_micros(-1));
  for (const char* bad :
       {"", "2024-02-29", "2024-02-29  12:00:00", "2024-02-29t12:00:00", "2024-02-29_12:00:00",
        "2024-02-29 12:00:00Z", "2024-02-29 12:00:00+01", "2024-02-30 12:00:00", "2024-02-29 12:00",
        "2024-02-29 12:00:00.1234567", "infinity"})
    BOOST_TEST(sqlstate_of([&] { (void)parse_timestamp(bad); }) == "22007", "input: " << bad);
  for (const char* out :
       {"0000-12-31 23:59:59.999999", "10000-01-01 00:00:00", "2024-02-29 24:00:00"})
    BOOST_TEST(sqlstate_of([&] { (void)parse_timestamp(out); }) == "22008", "input: " << out);
}

BOOST_AUTO_TEST_CASE(parse_timestamptz_applies_the_offset_and_reads_none_as_utc) {
  const auto noon = utc(2024, 2, 29, 12, 0, 0);
  BOOST_TEST(parse_timestamptz("2024-02-29 12:00:00") == noon); // MariaDB's DATETIME: UTC
  BOOST_TEST(parse_timestamptz("2024-02-29 12:00:00Z") == noon);
  BOOST_TEST(parse_timestamptz("2024-02-29T12:00:00Z") == noon);
  BOOST_TEST(parse_timestamptz("2024-02-29 12:00:00+00") == noon);
  BOOST_TEST(parse_timestamptz("2024-02-29 12:00:00-00") == noon);
  BOOST_TEST(parse_timestamptz("2024-02-29 12:00:00+00:00") == noon);
  BOOST_TEST(parse_timestamptz("2024-02-29 13:00:00+01") == noon);
  BOOST_TEST(parse_timestamptz("2024-02-29 17:30:00+05:30") == noon);
  BOOST_TEST(parse_timestamptz("2024-02-29 17:30:00+0530") == noon);
  BOOST_TEST(parse_timestamptz("2024-02-29 07:03:58-04:56:02") == noon); // an LMT offset
  BOOST_TEST(parse_timestamptz("2024-03-01 03:00:00.000000+15") == noon);
  BOOST_TEST(parse_timestamptz("2024-02-29 00:00:01-11:59:59") == noon);
  BOOST_TEST(parse_timestamptz("2024-02-29 12:00:00.123+01") == utc(2024, 2, 29, 11, 0, 0, 123000));
  // The offset moves the instant across midnight and the year.
  BOOST_TEST(parse_timestamptz("2024-01-01 00:30:00+01") == utc(2023, 12, 31, 23, 30, 0));
  BOOST_TEST(parse_timestamptz("1969-12-31 23:00:00-01") == timestamptz{});
  for (const char* bad :
       {"2024-02-29 12:00:00+16", "2024-02-29 12:00:00+05:60", "2024-02-29 12:00:00+5",
        "2024-02-29 12:00:00+05:", "2024-02-29 12:00:00+05:30:", "2024-02-29 12:00:00 +01",
        "2024-02-29 12:00:00Z+01", "2024-02-29 12:00:00z", "2024-02-29 12:00:00+01 AD",
        "2024-02-29 12:00:00 UTC", "2024-02-29 12:00:00+", "2024-02-29 12:00:00+05:30:6",
        "infinity", "-infinity", ""})
    BOOST_TEST(sqlstate_of([&] { (void)parse_timestamptz(bad); }) == "22007", "input: " << bad);
}

BOOST_AUTO_TEST_CASE(parse_timestamptz_range_is_that_of_the_instant_not_of_the_local_time) {
  // Local time in year 10000, instant in 9999 (UTC): held.
  BOOST_TEST(parse_timestamptz("10000-01-01 00:59:59.999999+01") ==
             timestamptz::from_micros(timestamp::max_micros));
  BOOST_TEST(sqlstate_of([] { (void)parse_timestamptz("10000-01-01 01:00:00+01"); }) == "22008");
  BOOST_TEST(sqlstate_of([] { (void)parse_timestamptz("9999-12-31 23:00:00-01"); }) == "22008");
  BOOST_TEST(sqlstate_of([] { (void)parse_timestamptz("10000-01-01 00:00:00"); }) == "22008");
  // Local time in 1 BC (PostgreSQL prints it with " BC" after the offset), instant in year 1.
  BOOST_TEST(parse_timestamptz("0001-12-31 23:00:00-02 BC") == utc(1, 1, 1, 1, 0, 0));
  BOOST_TEST(sqlstate_of([] { (void)parse_timestamptz("0001-01-01 00:00:00+01"); }) == "22008");
  BOOST_TEST(parse_timestamptz("0001-01-01 00:00:00-01") == utc(1, 1, 1, 1, 0, 0));
  // Years far out are refused without overflowing on the way.
  for (const char* far : {"99999-01-01 00:00:00+00", "999999999999-12-31 23:59:59-15",
                          "999999999999-01-01 00:00:00 BC", "0002-01-01 00:00:00+00 BC"})
    BOOST_TEST(sqlstate_of([&] { (void)parse_timestamptz(far); }) == "22008", "input: " << far);
}

BOOST_AUTO_TEST_CASE(format_and_parse_round_trip_over_a_seeded_sample) {
  std::mt19937_64 rng{7};
  std::uniform_int_distribution<std::int64_t> micros{timestamp::min_micros, timestamp::max_micros};
  for (int i = 0; i < 20000; ++i) {
    const auto m = micros(rng);
    const auto t = timestamp::from_micros(m);
    BOOST_TEST_REQUIRE(parse_timestamp(format_timestamp(t)) == t);
    const auto tz = timestamptz::from_micros(m);
    BOOST_TEST_REQUIRE(parse_timestamptz(format_timestamptz(tz)) == tz);
    BOOST_TEST_REQUIRE(parse_date(format_date(t.date_part())) == t.date_part());
    BOOST_TEST_REQUIRE(parse_time(format_time(t.time_part())) == t.time_part());
  }
}

BOOST_AUTO_TEST_CASE(backend_text_sends_iso_forms_and_mariadb_gets_utc_wall_time) {
  const value tz{utc(2024, 2, 29, 23, 59, 59, 1)};
  BOOST_TEST(backend_text(tz, dialect::postgresql) == "2024-02-29 23:59:59.000001+00:00");
  BOOST_TEST(backend_text(tz, dialect::sqlite) == "2024-02-29 23:59:59.000001+00:00");
  BOOST_TEST(backend_text(tz, dialect::other) == "2024-02-29 23:59:59.000001+00:00");
  BOOST_TEST(backend_text(tz, dialect::mariadb) == "2024-02-29 23:59:59.000001");
  for (auto d : all_dialects) {
    BOOST_TEST(backend_text(value{date::from_ymd(1, 1, 1)}, d) == "0001-01-01");
    BOOST_TEST(backend_text(value{time_of_day::from_hms(12, 0, 0)}, d) == "12:00:00.000000");
    BOOST_TEST(backend_text(value{timestamp::from_micros(-1)}, d) == "1969-12-31 23:59:59.999999");
    BOOST_TEST(backend_text(value{decimal::parse("-001.50")}, d) == "-1.50");
    BOOST_TEST(backend_text(value{uuid::parse("123E4567E89B12D3A456426614174000")}, d) ==
               "123e4567-e89b-12d3-a456-426614174000");
    BOOST_TEST(backend_text(value{json_text::parse(" [1, {\"a\": null}] ")}, d) ==
               " [1, {\"a\": null}] ");
  }
  BOOST_TEST(sent_as_text(value_type::date));
  BOOST_TEST(sent_as_text(value_type::json));
  BOOST_TEST(!sent_as_text(value_type::text));
  BOOST_TEST(!sent_as_text(value_type::bytes));
  BOOST_TEST(!sent_as_text(value_type::int64));
}

BOOST_AUTO_TEST_CASE(parse_backend_text_reads_back_what_backend_text_sent_per_dialect) {
  const value values[] = {date::from_ymd(2024, 2, 29),
                          date::from_ymd(1, 1, 1),
                          time_of_day::from_hms(23, 59, 59, 999999),
                          timestamp::from_micros(timestamp::min_micros),
                          timestamp::from_micros(-1),
                          timestamptz::from_micros(timestamp::max_micros),
                          timestamptz::from_micros(-86'400'000'001),
                          decimal::parse("-12345678901234567890.123456789012345678"),
                          decimal::parse("0.00"),
                          uuid::parse("123e4567-e89b-12d3-a456-426614174000"),
                          json_text::parse("{\"k\":[\"\\u00e9\",1e400]}")};
  for (auto d : all_dialects)
    for (const auto& v : values)
      BOOST_TEST(parse_backend_text(v.type(), backend_text(v, d), d) == v,
                 to_string(v) << " on " << to_string(d));
}

BOOST_AUTO_TEST_CASE(parse_backend_text_refuses_what_no_value_of_the_type_means) {
  const auto pg = dialect::postgresql;
  BOOST_TEST(sqlstate_of([&] {
               (void)parse_backend_text(value_type::timestamptz, "infinity", pg);
             }) == "22007");
  BOOST_TEST(sqlstate_of([&] { (void)parse_backend_text(value_type::date, "-infinity", pg); }) ==
             "22007");
  BOOST_TEST(sqlstate_of([&] { (void)parse_backend_text(value_type::decimal, "NaN", pg); }) ==
             "22P02");
  BOOST_TEST(sqlstate_of([&] { (void)parse_backend_text(value_type::decimal, "Infinity", pg); }) ==
             "22P02");
  BOOST_TEST(sqlstate_of([&] {
               (void)parse_backend_text(value_type::decimal, std::string(39, '1'), pg);
             }) == "22003");
  BOOST_TEST(sqlstate_of([&] { (void)parse_backend_text(value_type::uuid, "not-a-uuid", pg); }) ==
             "22P02");
  BOOST_TEST(sqlstate_of([&] { (void)parse_backend_text(value_type::json, "{", pg); }) == "22P02");
  BOOST_TEST(sqlstate_of([&] { (void)parse_backend_text(value_type::json, "\"\xff\"", pg); }) ==
             "22021");
  BOOST_TEST(sqlstate_of([&] {
               (void)parse_backend_text(value_type::date, "0000-00-00", dialect::mariadb);
             }) == "22007");
  BOOST_TEST(sqlstate_of([&] {
               (void)parse_backend_text(value_type::time_of_day, "838:59:59", dialect::mariadb);
             }) == "22007");
  BOOST_TEST(sqlstate_of([&] { (void)parse_backend_text(value_type::int64, "1", pg); }) == "22P02");
  BOOST_TEST(sqlstate_of([&] { (void)parse_backend_text(value_type::text, "x", pg); }) == "22P02");
}

BOOST_AUTO_TEST_SUITE_END()
