// The value types (date, time_of_day, timestamp, timestamptz, decimal, uuid, json_text): their
// ranges and refusals with SQLSTATEs, `value` over them, their storage in row chunks and their
// Python reprs (expected strings are what CPython 3.11 prints).

#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "gatherdb/model/dialect.hpp"
#include "gatherdb/model/repr.hpp"
#include "gatherdb/model/row_chunk.hpp"
#include "gatherdb/model/value.hpp"
#include "gatherdb/model/value_error.hpp"

#include "value_printing.hpp"

using namespace gatherdb::model;

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

constexpr std::int64_t day = 86'400'000'000;

timestamp ts(std::int64_t y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s,
             unsigned us = 0) {
  return timestamp::from_parts(date::from_ymd(y, mo, d), time_of_day::from_hms(h, mi, s, us));
}

} // namespace

BOOST_AUTO_TEST_SUITE(model_value_types)

BOOST_AUTO_TEST_CASE(date_range_ends_are_years_1_and_9999) {
  BOOST_TEST(date::min_days == -719162);
  BOOST_TEST(date::max_days == 2932896);
  BOOST_TEST(date::from_ymd(1, 1, 1).days_since_epoch() == date::min_days);
  BOOST_TEST(date::from_ymd(9999, 12, 31).days_since_epoch() == date::max_days);
  BOOST_TEST(date::from_days(date::min_days) == date::from_ymd(1, 1, 1));
  BOOST_TEST(date::from_days(date::max_days) == date::from_ymd(9999, 12, 31));
  BOOST_TEST(date{}.days_since_epoch() == 0);
  BOOST_TEST(date{} == date::from_ymd(1970, 1, 1));
  BOOST_TEST(sqlstate_of([] { (void)date::from_days(date::min_days - 1); }) == "22008");
  BOOST_TEST(sqlstate_of([] { (void)date::from_days(date::max_days + 1); }) == "22008");
  BOOST_TEST(sqlstate_of([] { (void)date::from_days(std::numeric_limits<std::int64_t>::min()); }) ==
             "22008");
  BOOST_TEST(sqlstate_of([] { (void)date::from_ymd(0, 12, 31); }) == "22008");
  BOOST_TEST(sqlstate_of([] { (void)date::from_ymd(10000, 1, 1); }) == "22008");
  BOOST_TEST(sqlstate_of([] { (void)date::from_ymd(-1, 1, 1); }) == "22008");
  BOOST_TEST(date::from_ymd(1, 1, 2) < date::from_ymd(9999, 1, 1));
}

BOOST_AUTO_TEST_CASE(date_leap_days_follow_the_gregorian_rule) {
  BOOST_TEST(date::from_ymd(2024, 2, 29).days_since_epoch() == 19782);
  BOOST_TEST(date::from_ymd(2000, 2, 29).days_since_epoch() == 11016);
  BOOST_TEST(date::from_ymd(4, 2, 29).ymd().day == 29u);
  BOOST_TEST(sqlstate_of([] { (void)date::from_ymd(2023, 2, 29); }) == "22008");
  BOOST_TEST(sqlstate_of([] { (void)date::from_ymd(1900, 2, 29); }) == "22008");
  BOOST_TEST(sqlstate_of([] { (void)date::from_ymd(2024, 2, 30); }) == "22008");
  BOOST_TEST(sqlstate_of([] { (void)date::from_ymd(2024, 4, 31); }) == "22008");
  BOOST_TEST(sqlstate_of([] { (void)date::from_ymd(2024, 0, 1); }) == "22008");
  BOOST_TEST(sqlstate_of([] { (void)date::from_ymd(2024, 13, 1); }) == "22008");
  BOOST_TEST(sqlstate_of([] { (void)date::from_ymd(2024, 1, 0); }) == "22008");
  BOOST_TEST(sqlstate_of([] { (void)date::from_ymd(2024, 1, 32); }) == "22008");
}

BOOST_AUTO_TEST_CASE(date_ymd_matches_a_day_by_day_walk_of_the_whole_range) {
  // An independent calendar: step one day at a time from 0001-01-01 with its own month lengths.
  std::int64_t y = 1;
  unsigned m = 1;
  unsigned d = 1;
  std::size_t mismatches = 0;
  for (auto days = date::min_days; days <= date::max_days; ++days) {
    const auto got = date::from_days(days).ymd();
    if (got.year != y || got.month != m || got.day != d)
      ++mismatches;
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    const unsigned length[] = {31, leap ? 29u : 28u, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (++d > length[m - 1]) {
      d = 1;
      if (++m > 12) {
        m = 1;
        ++y;
      }
    }
  }
  BOOST_TEST(mismatches == 0u);
  BOOST_TEST(y == 10000); // the walk ended right after 9999-12-31
}

BOOST_AUTO_TEST_CASE(date_from_ymd_inverts_ymd_on_a_seeded_sample) {
  std::mt19937_64 rng{20240229};
  std::uniform_int_distribution<std::int64_t> pick{date::min_days, date::max_days};
  for (int i = 0; i < 20000; ++i) {
    const auto days = pick(rng);
    const auto ymd = date::from_days(days).ymd();
    BOOST_TEST_REQUIRE(date::from_ymd(ymd.year, ymd.month, ymd.day).days_since_epoch() == days);
  }
}

BOOST_AUTO_TEST_CASE(time_of_day_holds_midnight_to_the_last_microsecond) {
  BOOST_TEST(time_of_day::from_hms(0, 0, 0).micros_since_midnight() == 0);
  BOOST_TEST(time_of_day{} == time_of_day::from_micros(0));
  const auto last = time_of_day::from_hms(23, 59, 59, 999999);
  BOOST_TEST(last.micros_since_midnight() == day - 1);
  BOOST_TEST(last == time_of_day::from_micros(day - 1));
  BOOST_TEST(last.hour() == 23u);
  BOOST_TEST(last.minute() == 59u);
  BOOST_TEST(last.second() == 59u);
  BOOST_TEST(last.microsecond() == 999999u);
  BOOST_TEST(time_of_day::from_hms(12, 34, 56, 7).micros_since_midnight() == 45296000007);
  BOOST_TEST(time_of_day::from_hms(1, 0, 0) < time_of_day::from_hms(1, 0, 0, 1));
}

BOOST_AUTO_TEST_CASE(time_of_day_refuses_24_00_and_parts_out_of_range) {
  BOOST_TEST(sqlstate_of([] { (void)time_of_day::from_hms(24, 0, 0); }) == "22008");
  BOOST_TEST(sqlstate_of([] { (void)time_of_day::from_hms(23, 60, 0); }) == "22008");
  BOOST_TEST(sqlstate_of([] { (void)time_of_day::from_hms(23, 59, 60); }) == "22008");
  BOOST_TEST(sqlstate_of([] { (void)time_of_day::from_hms(0, 0, 0, 1'000'000); }) == "22008");
  BOOST_TEST(sqlstate_of([] { (void)time_of_day::from_micros(day); }) == "22008");
  BOOST_TEST(sqlstate_of([] { (void)time_of_day::from_micros(-1); }) == "22008");
  BOOST_TEST(sqlstate_of([] {
               (void)time_of_day::from_micros(std::numeric_limits<std::int64_t>::max());
             }) == "22008");
}

BOOST_AUTO_TEST_CASE(timestamp_range_is_years_1_to_9999_to_the_microsecond) {
  BOOST_TEST(timestamp::min_micros == -62135596800000000);
  BOOST_TEST(timestamp::max_micros == 253402300799999999);
  BOOST_TEST(timestamp::from_micros(timestamp::min_micros) == ts(1, 1, 1, 0, 0, 0));
  BOOST_TEST(timestamp::from_micros(timestamp::max_micros) == ts(9999, 12, 31, 23, 59, 59, 999999));
  BOOST_TEST(sqlstate_of([] { (void)timestamp::from_micros(timestamp::min_micros - 1); }) ==
             "22008");
  BOOST_TEST(sqlstate_of([] { (void)timestamp::from_micros(timestamp::max_micros + 1); }) ==
             "22008");
  BOOST_TEST(sqlstate_of([] {
               (void)timestamp::from_micros(std::numeric_limits<std::int64_t>::min());
             }) == "22008");
  BOOST_TEST(ts(2024, 2, 29, 23, 59, 59, 1).micros_since_epoch() == 1709251199000001);
  BOOST_TEST(timestamp{}.micros_since_epoch() == 0);
}

BOOST_AUTO_TEST_CASE(timestamp_parts_of_instants_before_1970_round_down_to_the_day) {
  const auto just_before = timestamp::from_micros(-1);
  BOOST_TEST(just_before.date_part() == date::from_ymd(1969, 12, 31));
  BOOST_TEST(just_before.time_part() == time_of_day::from_hms(23, 59, 59, 999999));
  const auto midnight = timestamp::from_micros(-day);
  BOOST_TEST(midnight.date_part() == date::from_ymd(1969, 12, 31));
  BOOST_TEST(midnight.time_part() == time_of_day{});
  const auto t = ts(1900, 1, 1, 12, 30, 0);
  BOOST_TEST(t.micros_since_epoch() == -2208943800000000);
  BOOST_TEST(t.date_part() == date::from_ymd(1900, 1, 1));
  BOOST_TEST(t.time_part() == time_of_day::from_hms(12, 30, 0));
  const auto first = timestamp::from_micros(timestamp::min_micros);
  BOOST_TEST(first.date_part() == date::from_ymd(1, 1, 1));
  BOOST_TEST(first.time_part() == time_of_day{});
  const auto last = timestamp::from_micros(timestamp::max_micros);
  BOOST_TEST(last.date_part() == date::from_ymd(9999, 12, 31));
  BOOST_TEST(last.time_part().micros_since_midnight() == day - 1);
}

BOOST_AUTO_TEST_CASE(timestamptz_is_an_instant_whose_utc_wall_time_is_a_timestamp) {
  const auto wall = ts(1969, 12, 31, 23, 0, 0, 5);
  const auto t = timestamptz::from_utc(wall);
  BOOST_TEST(t.utc() == wall);
  BOOST_TEST(t.micros_since_epoch() == wall.micros_since_epoch());
  BOOST_TEST(timestamptz::from_micros(t.micros_since_epoch()) == t);
  BOOST_TEST(timestamptz::from_time_point(t.to_time_point()) == t);
  BOOST_TEST(t.to_time_point().time_since_epoch().count() == wall.micros_since_epoch());
  BOOST_TEST(timestamptz{}.utc() == timestamp{});
  BOOST_TEST(timestamptz::from_micros(timestamp::min_micros).utc() == ts(1, 1, 1, 0, 0, 0));
  BOOST_TEST(timestamptz::from_micros(timestamp::max_micros).utc().date_part() ==
             date::from_ymd(9999, 12, 31));
  BOOST_TEST(sqlstate_of([] { (void)timestamptz::from_micros(timestamp::max_micros + 1); }) ==
             "22008");
  BOOST_TEST(sqlstate_of([] { (void)timestamptz::from_micros(timestamp::min_micros - 1); }) ==
             "22008");
  const timestamptz::time_point far{std::chrono::microseconds{timestamp::max_micros + 1}};
  BOOST_TEST(sqlstate_of([&] { (void)timestamptz::from_time_point(far); }) == "22008");
}

BOOST_AUTO_TEST_CASE(decimal_parse_gives_the_canonical_text_and_keeps_the_scale) {
  const auto canon = [](std::string_view s) { return decimal::parse(s).to_string(); };
  BOOST_TEST(decimal{}.to_string() == "0");
  BOOST_TEST(canon("1.50") == "1.50");
  BOOST_TEST(canon("001.50") == "1.50");
  BOOST_TEST(canon("+1.50") == "1.50");
  BOOST_TEST(canon("-1.50") == "-1.50");
  BOOST_TEST(canon(".5") == "0.5");
  BOOST_TEST(canon("-.5") == "-0.5");
  BOOST_TEST(canon("5.") == "5");
  BOOST_TEST(canon("000") == "0");
  BOOST_TEST(canon("0.000") == "0.000");
  BOOST_TEST(canon("100") == "100");
  BOOST_TEST(canon("00.0100") == "0.0100");
  // Zero has no sign, as the class documents: -0 and -0.00 are 0 and 0.00.
  BOOST_TEST(canon("-0") == "0");
  BOOST_TEST(canon("-0.00") == "0.00");
  BOOST_TEST(canon("-000.") == "0");
  BOOST_TEST(decimal::parse("-0") == decimal{});
  BOOST_TEST(decimal::parse("1.5") != decimal::parse("1.50")); // the scale is part of the value
  BOOST_TEST(decimal::parse("1.5") == decimal::parse("01.5"));
  BOOST_TEST(decimal::parse("1.50").scale() == 2u);
  BOOST_TEST(decimal::parse("5.").scale() == 0u);
  BOOST_TEST(decimal::parse("-0.000").scale() == 3u);
  BOOST_TEST(decimal::parse("12").scale() == 0u);
}

BOOST_AUTO_TEST_CASE(decimal_holds_38_digits_and_refuses_39_with_22003) {
  const std::string d38(38, '9');
  BOOST_TEST(decimal::parse(d38).to_string() == d38);
  BOOST_TEST(decimal::parse("-" + d38).to_string() == "-" + d38);
  BOOST_TEST(decimal::parse("0." + d38).to_string() == "0." + d38);
  BOOST_TEST(decimal::parse("1234567890123456789.0123456789012345678").scale() == 19u);
  BOOST_TEST(decimal::parse(std::string(100, '0') + "7").to_string() == "7"); // leading zeros
  BOOST_TEST(sqlstate_of([] { (void)decimal::parse(std::string(39, '9')); }) == "22003");
  BOOST_TEST(sqlstate_of([&] { (void)decimal::parse("9." + d38); }) == "22003");
  BOOST_TEST(sqlstate_of([&] { (void)decimal::parse("0." + d38 + "0"); }) == "22003");
  BOOST_TEST(sqlstate_of([] { (void)decimal::parse(std::string(1000, '1')); }) == "22003");
}

BOOST_AUTO_TEST_CASE(decimal_refuses_every_other_text_with_22P02) {
  for (const char* bad :
       {"",      "-",        "+",         ".",   "-.",  "+-1", "--1",    "1.2.3", "NaN",
        "nan",   "Infinity", "-Infinity", "inf", "1e5", "1E5", "1.5e-3", " 1",    "1 ",
        "1 000", "1,5",      "0x10",      "١",   "12a", "+.",  "1..2"})
    BOOST_TEST(sqlstate_of([&] { (void)decimal::parse(bad); }) == "22P02", "input: " << bad);
  BOOST_TEST(sqlstate_of([] { (void)decimal::parse(std::string_view("1\0", 2)); }) == "22P02");
}

BOOST_AUTO_TEST_CASE(uuid_parses_32_hex_digits_with_or_without_hyphens_in_either_case) {
  const auto u = uuid::parse("123e4567-e89b-12d3-a456-426614174000");
  BOOST_TEST(u.to_string() == "123e4567-e89b-12d3-a456-426614174000");
  BOOST_TEST(uuid::parse("123E4567-E89B-12D3-A456-426614174000") == u);
  BOOST_TEST(uuid::parse("123e4567e89b12d3a456426614174000") == u);
  BOOST_TEST(uuid::parse("123E4567E89B12D3A456426614174000") == u);
  BOOST_TEST(u.bytes()[0] == 0x12);
  BOOST_TEST(u.bytes()[15] == 0x00);
  BOOST_TEST(u.bytes()[6] == 0x12);
  BOOST_TEST(uuid{}.to_string() == "00000000-0000-0000-0000-000000000000");
  BOOST_TEST(uuid::parse("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF").to_string() ==
             "ffffffff-ffff-ffff-ffff-ffffffffffff");
  uuid::octets b{};
  for (std::size_t i = 0; i < b.size(); ++i)
    b[i] = static_cast<std::uint8_t>(i * 17);
  BOOST_TEST(uuid{b}.to_string() == "00112233-4455-6677-8899-aabbccddeeff");
  BOOST_TEST(uuid::parse(uuid{b}.to_string()) == uuid{b});
  BOOST_TEST(uuid{b} != uuid{});
}

BOOST_AUTO_TEST_CASE(uuid_refuses_wrong_lengths_misplaced_hyphens_and_non_hex_with_22P02) {
  for (const char* bad :
       {"", "123e4567-e89b-12d3-a456-42661417400", "123e4567-e89b-12d3-a456-4266141740000",
        "123e4567e89b12d3a45642661417400", "123e4567e89b12d3a4564266141740000",
        "{123e4567-e89b-12d3-a456-426614174000}", "123e4567-e89b-12d3-a456_426614174000",
        "123e4567e-89b-12d3-a456-426614174000", "g23e4567-e89b-12d3-a456-426614174000",
        "123e4567-e89b-12d3-a456-42661417400z", "123e4567 e89b 12d3 a456 426614174000",
        "123e4567-e89b-12d3-a456-4266-4174000", "123e4567e89b12d3a45642661417400-"})
    BOOST_TEST(sqlstate_of([&] { (void)uuid::parse(bad); }) == "22P02", "input: " << bad);
}

BOOST_AUTO_TEST_CASE(json_text_accepts_rfc_8259_documents_verbatim) {
  for (const char* good : {"null",
                           "true",
                           "false",
                           "0",
                           "-0",
                           "12",
                           "-1.5e+10",
                           "1E-2",
                           "0.0e0",
                           "\"\"",
                           "\"text\"",
                           "[]",
                           "{}",
                           "[1,\"a\",null,true,false,{},[]]",
                           "{\"a\":{\"b\":[1,{\"c\":null}]},\"d\":\"e\"}",
                           " \t\r\n{ \"a\" : [ 1 , 2 ] }\n ",
                           "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
                           "\"\\u00e9\\u65E5\"",
                           "\"\\ud83d\\ude00\"",
                           "\"\\u0000\"",
                           "\"Grüße 日本 😀\"",
                           "\"\x7f\"",
                           "{\"a\":1,\"a\":2}",
                           "1e400",
                           "-1E+400",
                           "[123456789012345678901234567890123456789012345678901234567890]"}) {
    BOOST_TEST(json_text::parse(good).text() == good);
  }
  // The integer PostgreSQL's jsonb prints for 1e400: too big for a double, still JSON.
  const auto big = "1" + std::string(400, '0');
  BOOST_TEST(json_text::parse(big).text() == big);
  BOOST_TEST(json_text{}.text() == "null");
  BOOST_TEST(json_text::parse("[1]") != json_text::parse("[ 1 ]")); // equality is textual
}

BOOST_AUTO_TEST_CASE(json_text_refuses_malformed_documents_with_22P02) {
  for (const char* bad :
       {"", " ", "[1,]", "{\"a\":1,}", "[,1]", "{'a':1}", "'a'", "{a:1}", "[1 2]", "{\"a\" 1}",
        "{\"a\":}", "{1:2}", "[1]]", "[[1]", "{}{}", "[1]x", "01", "-01", "1.", ".5", "+1", "-",
        "1e", "1e+", "0x10", "NaN", "Infinity", "-Infinity", "tru", "nul", "True", "None", "\"abc",
        "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"a\tb\"", "\"a\nb\"", "\"\x01\"", "/* c */ 1",
        "// c\n1", "\f1",
        "\xc2\xa0"
        "1",
        "[1]\f", "\xef\xbb\xbf{}",
        // Lone or reversed UTF-16 surrogate escapes decode to no character (see json_text.hpp).
        "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\\ud800x\"", "\"\\ude00\\ud83d\"",
        "\"\\ud800\\ud800\""})
    BOOST_TEST(sqlstate_of([&] { (void)json_text::parse(bad); }) == "22P02", "input: " << bad);
  BOOST_TEST(sqlstate_of([] { (void)json_text::parse(std::string_view("1\0", 2)); }) == "22P02");
  BOOST_TEST(sqlstate_of([] { (void)json_text::parse(std::string_view("\"\0\"", 3)); }) == "22P02");
}

BOOST_AUTO_TEST_CASE(json_text_refuses_ill_formed_utf8_with_22021) {
  for (const char* bad : {"\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"ok\xc3\"",
                          "[\"\xf4\x90\x80\x80\"]", "{\"\x80\":1}"})
    BOOST_TEST(sqlstate_of([&] { (void)json_text::parse(bad); }) == "22021", "input: " << bad);
}

BOOST_AUTO_TEST_CASE(json_text_nesting_of_any_depth_is_checked_without_recursion) {
  const std::size_t depth = 100000;
  BOOST_TEST(sqlstate_of([&] { (void)json_text::parse(std::string(depth, '[')); }) == "22P02");
  const auto arrays = std::string(depth, '[') + std::string(depth, ']');
  BOOST_TEST(json_text::parse(arrays).text().size() == 2 * depth);
  std::string objects;
  for (std::size_t i = 0; i < depth; ++i)
    objects += "{\"a\":";
  objects += "1" + std::string(depth, '}');
  BOOST_TEST(json_text::parse(objects).text() == objects);
  BOOST_TEST(sqlstate_of([&] { (void)json_text::parse(arrays + "]"); }) == "22P02");
  BOOST_TEST(sqlstate_of([&] { (void)json_text::parse(std::string(depth, '{')); }) == "22P02");
}

BOOST_AUTO_TEST_CASE(value_reports_the_type_of_each_new_kind_of_data) {
  BOOST_TEST(value{date::from_ymd(2024, 2, 29)}.type() == value_type::date);
  BOOST_TEST(value{time_of_day{}}.type() == value_type::time_of_day);
  BOOST_TEST(value{timestamp{}}.type() == value_type::timestamp);
  BOOST_TEST(value{timestamptz{}}.type() == value_type::timestamptz);
  BOOST_TEST(value{decimal{}}.type() == value_type::decimal);
  BOOST_TEST(value{uuid{}}.type() == value_type::uuid);
  BOOST_TEST(value{json_text{}}.type() == value_type::json);
  BOOST_TEST(value{json_text{}}.get<json_text>().text() == "null");
  BOOST_TEST(value{decimal{}}.get_if<uuid>() == nullptr);
  BOOST_TEST(to_string(value_type::date) == "date");
  BOOST_TEST(to_string(value_type::time_of_day) == "time_of_day");
  BOOST_TEST(to_string(value_type::timestamp) == "timestamp");
  BOOST_TEST(to_string(value_type::timestamptz) == "timestamptz");
  BOOST_TEST(to_string(value_type::decimal) == "decimal");
  BOOST_TEST(to_string(value_type::uuid) == "uuid");
  BOOST_TEST(to_string(value_type::json) == "json");
  BOOST_TEST(last_value_type == value_type::json);
  // Where each kind is stored in a column: one int64, or characters in the arena.
  for (auto t : {value_type::boolean, value_type::int64, value_type::date, value_type::time_of_day,
                 value_type::timestamp, value_type::timestamptz}) {
    BOOST_TEST(stored_as_int64(t));
    BOOST_TEST(!stored_as_chars(t));
  }
  for (auto t : {value_type::text, value_type::bytes, value_type::decimal, value_type::uuid,
                 value_type::json}) {
    BOOST_TEST(stored_as_chars(t));
    BOOST_TEST(!stored_as_int64(t));
  }
  BOOST_TEST(!stored_as_int64(value_type::float64));
  BOOST_TEST(!stored_as_chars(value_type::null));
}

BOOST_AUTO_TEST_CASE(value_equality_needs_the_same_type_and_the_same_data) {
  const auto d = date::from_ymd(2024, 2, 29);
  BOOST_TEST(value{d} == value{date::from_days(19782)});
  BOOST_TEST(value{d} != value{std::int64_t{19782}}); // the same count, another type
  BOOST_TEST(value{timestamp::from_micros(5)} != value{timestamptz::from_micros(5)});
  BOOST_TEST(value{timestamp::from_micros(5)} == value{timestamp::from_micros(5)});
  BOOST_TEST(value{decimal::parse("1.5")} != value{decimal::parse("1.50")});
  BOOST_TEST(value{decimal::parse("1.50")} != value{std::string{"1.50"}});
  BOOST_TEST(value{uuid::parse("123e4567e89b12d3a456426614174000")} ==
             value{uuid::parse("123E4567-E89B-12D3-A456-426614174000")});
  BOOST_TEST(value{json_text::parse("{}")} != value{std::string{"{}"}});
  BOOST_TEST(value{time_of_day{}} != value{null});
}

BOOST_AUTO_TEST_CASE(value_to_string_renders_sql_literals_of_the_new_types) {
  BOOST_TEST(to_string(value{date::from_ymd(2024, 2, 29)}) == "DATE '2024-02-29'");
  BOOST_TEST(to_string(value{date::from_ymd(1, 1, 1)}) == "DATE '0001-01-01'");
  BOOST_TEST(to_string(value{time_of_day::from_hms(12, 0, 0)}) == "TIME '12:00:00.000000'");
  BOOST_TEST(to_string(value{ts(2024, 2, 29, 23, 59, 59, 1)}) ==
             "TIMESTAMP '2024-02-29 23:59:59.000001'");
  BOOST_TEST(to_string(value{timestamptz::from_micros(-1)}) ==
             "TIMESTAMP WITH TIME ZONE '1969-12-31 23:59:59.999999+00:00'");
  BOOST_TEST(to_string(value{decimal::parse("-1.50")}) == "-1.50");
  BOOST_TEST(to_string(value{uuid::parse("123E4567E89B12D3A456426614174000")}) ==
             "UUID '123e4567-e89b-12d3-a456-426614174000'");
  BOOST_TEST(to_string(value{json_text::parse("{\"a\":\"it's\"}")}) == "JSON '{\"a\":\"it''s\"}'");
}

BOOST_AUTO_TEST_CASE(row_chunk_stores_each_new_type_and_reads_back_equal_values) {
  const std::vector<column_info> columns{
      {"d", value_type::date},       {"t", value_type::time_of_day},
      {"ts", value_type::timestamp}, {"tz", value_type::timestamptz},
      {"n", value_type::decimal},    {"u", value_type::uuid},
      {"j", value_type::json}};
  const std::vector<std::vector<value>> rows{
      {date::from_ymd(1, 1, 1), time_of_day{}, timestamp::from_micros(timestamp::min_micros),
       timestamptz::from_micros(-1), decimal::parse("-0.0000001"),
       uuid::parse("123e4567-e89b-12d3-a456-426614174000"), json_text::parse("{\"a\":[1,2]}")},
      {null, null, null, null, null, null, null},
      {date::from_ymd(9999, 12, 31), time_of_day::from_micros(day - 1),
       timestamp::from_micros(timestamp::max_micros), timestamptz::from_micros(0),
       decimal::parse("12345678901234567890.123456789012345678"), uuid{},
       json_text::parse(" \"\\u00e9\" ")}};
  row_chunk chunk{columns};
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      auto& store = chunk.column(c);
      const auto& v = row[c];
      if (v.is_null())
        store.push_null();
      else if (const auto* x = v.get_if<date>())
        store.push_int64(x->days_since_epoch());
      else if (const auto* x = v.get_if<time_of_day>())
        store.push_int64(x->micros_since_midnight());
      else if (const auto* x = v.get_if<timestamp>())
        store.push_int64(x->micros_since_epoch());
      else if (const auto* x = v.get_if<timestamptz>())
        store.push_int64(x->micros_since_epoch());
      else if (const auto* x = v.get_if<decimal>())
        store.push_text(x->to_string());
      else if (const auto* x = v.get_if<uuid>())
        store.push_uuid(*x);
      else
        store.push_text(v.get<json_text>().text());
    }
    chunk.finish_row();
  }
  BOOST_TEST(chunk.row_count() == rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::size_t c = 0; c < columns.size(); ++c) {
      BOOST_TEST(chunk.column(c).at(r) == rows[r][c], "row " << r << " column " << c);
      BOOST_TEST(chunk.column(c).is_null(r) == rows[r][c].is_null());
    }
  BOOST_TEST(chunk.column(5).uuid_at(0) == rows[0][5].get<uuid>());
  BOOST_TEST(chunk.column(5).text_at(0).size() == 16u);
  // Fixed-width cells count 8 bytes each, NULL ones included; arena cells their characters.
  BOOST_TEST(chunk.column(0).payload_bytes() == 24u);
  BOOST_TEST(chunk.column(3).payload_bytes() == 24u);
  BOOST_TEST(chunk.column(5).payload_bytes() == 32u);
  BOOST_TEST(chunk.column(4).payload_bytes() == 10u + 39u);
  BOOST_TEST(chunk.column(6).payload_bytes() == 11u + 10u);
  std::size_t payload = 0;
  for (std::size_t c = 0; c < columns.size(); ++c)
    payload += chunk.column(c).payload_bytes();
  BOOST_TEST(chunk.payload_bytes() == payload);
  BOOST_TEST(chunk.memory_bytes() >= payload);
  const auto owner = std::make_shared<row_chunk>(chunk);
  const auto slice = row_chunk::slice_of(*owner, 2, 1, 4, 3, owner);
  BOOST_TEST(slice.column(0).at(0) == rows[2][4]);
  BOOST_TEST(slice.column(1).at(0) == rows[2][5]);
  BOOST_TEST(slice.column(1).payload_bytes() == 16u);
  BOOST_TEST(slice.payload_bytes() == 39u + 16u + 10u);
}

BOOST_AUTO_TEST_CASE(repr_prints_what_cpython_prints_for_dates_and_times) {
  BOOST_TEST(repr_value(date::from_ymd(2024, 2, 29)) == "datetime.date(2024, 2, 29)");
  BOOST_TEST(repr_value(date::from_ymd(1, 1, 1)) == "datetime.date(1, 1, 1)");
  BOOST_TEST(repr_value(date::from_ymd(9999, 12, 31)) == "datetime.date(9999, 12, 31)");
  BOOST_TEST(repr_value(time_of_day::from_hms(12, 0, 0)) == "datetime.time(12, 0)");
  BOOST_TEST(repr_value(time_of_day::from_hms(0, 0, 0)) == "datetime.time(0, 0)");
  BOOST_TEST(repr_value(time_of_day::from_hms(12, 0, 1)) == "datetime.time(12, 0, 1)");
  BOOST_TEST(repr_value(time_of_day::from_hms(0, 0, 0, 5)) == "datetime.time(0, 0, 0, 5)");
  BOOST_TEST(repr_value(time_of_day::from_micros(day - 1)) == "datetime.time(23, 59, 59, 999999)");
  BOOST_TEST(repr_value(ts(2024, 2, 29, 12, 0, 0)) == "datetime.datetime(2024, 2, 29, 12, 0)");
  BOOST_TEST(repr_value(ts(1900, 1, 1, 12, 30, 0)) == "datetime.datetime(1900, 1, 1, 12, 30)");
  BOOST_TEST(repr_value(timestamp::from_micros(-1)) ==
             "datetime.datetime(1969, 12, 31, 23, 59, 59, 999999)");
  BOOST_TEST(repr_value(timestamptz::from_utc(ts(2024, 2, 29, 12, 0, 0, 5))) ==
             "datetime.datetime(2024, 2, 29, 12, 0, 0, 5, tzinfo=datetime.timezone.utc)");
  BOOST_TEST(repr_value(timestamptz::from_micros(timestamp::min_micros)) ==
             "datetime.datetime(1, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)");
}

BOOST_AUTO_TEST_CASE(repr_prints_what_cpython_prints_for_decimals_uuids_and_json) {
  const auto dec = [](std::string_view s) { return repr_value(decimal::parse(s)); };
  BOOST_TEST(dec("1.50") == "Decimal('1.50')");
  BOOST_TEST(dec(".5") == "Decimal('0.5')");
  BOOST_TEST(dec("5.") == "Decimal('5')");
  BOOST_TEST(dec("-1.5") == "Decimal('-1.5')");
  BOOST_TEST(dec("123.000") == "Decimal('123.000')");
  BOOST_TEST(dec("0.000001") == "Decimal('0.000001')");
  BOOST_TEST(dec("0.0000123") == "Decimal('0.0000123')");
  BOOST_TEST(dec("0.000000") == "Decimal('0.000000')");
  // Below an adjusted exponent of -6 Python switches to exponent form.
  BOOST_TEST(dec("0.0000001") == "Decimal('1E-7')");
  BOOST_TEST(dec("0.00000010") == "Decimal('1.0E-7')");
  BOOST_TEST(dec("-0.0000001") == "Decimal('-1E-7')");
  BOOST_TEST(dec("0.0000000") == "Decimal('0E-7')");
  BOOST_TEST(dec("0." + std::string(37, '0') + "1") == "Decimal('1E-38')");
  BOOST_TEST(dec(std::string(38, '9')) == "Decimal('" + std::string(38, '9') + "')");
  BOOST_TEST(repr_value(uuid::parse("123E4567E89B12D3A456426614174000")) ==
             "UUID('123e4567-e89b-12d3-a456-426614174000')");
  BOOST_TEST(repr_value(json_text::parse("{\"a\": \"it's\"}")) == "'{\"a\": \"it\\'s\"}'");
}

BOOST_AUTO_TEST_SUITE_END()
