#include <cstdint>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "gatherdb/model/frozen_result_codec.hpp"

using namespace gatherdb::model;

namespace {

frozen_result sample() {
  std::vector<column_info> cols{{"id", value_type::int64, -5, false},
                                {"data", value_type::text, 12, true},
                                {"score", value_type::float64, 8, true},
                                {"blob", value_type::bytes, -3, true},
                                {"flag", value_type::boolean, -7, false}};
  std::vector<row_chunk> chunks;
  for (int c = 0; c < 3; ++c) {
    row_chunk chunk{cols};
    for (int r = 0; r < 4; ++r) {
      const int i = c * 4 + r;
      chunk.column(0).push_int64(i == 0 ? INT64_MIN : i);
      if (i % 3 == 0)
        chunk.column(1).push_null();
      else
        chunk.column(1).push_text("ü€😀 'x' " + std::to_string(i));
      chunk.column(2).push_float64(i * 0.5);
      chunk.column(3).push_text(std::string("\0a\0", 3));
      chunk.column(4).push_bool(i % 2 == 0);
      chunk.finish_row();
    }
    chunks.push_back(std::move(chunk));
  }
  return freeze(std::move(cols), std::move(chunks), 12);
}

// Every type added after the format's first version, with their extreme values, NULLs in
// every column and three chunks (the last one empty).
frozen_result typed_sample() {
  std::vector<column_info> cols{
      {"d", value_type::date, 91, true},       {"t", value_type::time_of_day, 92, true},
      {"ts", value_type::timestamp, 93, true}, {"tz", value_type::timestamptz, 93, true},
      {"n", value_type::decimal, 2, true},     {"u", value_type::uuid, -11, true},
      {"j", value_type::json, -10, true},      {"nothing", value_type::null, 0, true}};
  const std::vector<value> dates{date::from_days(date::min_days), date::from_ymd(2024, 2, 29),
                                 date::from_days(date::max_days), date{}};
  const std::vector<value> times{time_of_day{}, time_of_day::from_hms(23, 59, 59, 999999),
                                 time_of_day::from_hms(12, 0, 0, 1), time_of_day{}};
  const std::vector<value> stamps{timestamp::from_micros(timestamp::min_micros),
                                  timestamp::from_micros(timestamp::max_micros),
                                  timestamp::from_micros(-1), timestamp{}};
  const std::vector<value> instants{
      timestamptz::from_micros(timestamp::max_micros),
      timestamptz::from_micros(timestamp::min_micros),
      timestamptz::from_utc(
          timestamp::from_parts(date::from_ymd(2024, 2, 29), time_of_day::from_hms(1, 2, 3))),
      timestamptz{}};
  const std::vector<value> decimals{decimal::parse("-12345678901234567890.123456789012345678"),
                                    decimal::parse("1.50"), decimal::parse("0"),
                                    decimal::parse("-0.001")};
  const std::vector<value> uuids{uuid::parse("00000000-0000-0000-0000-000000000000"),
                                 uuid::parse("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"),
                                 uuid::parse("0a1b2c3d4e5f60718293a4b5c6d7e8f9"), uuid{}};
  const std::vector<value> docs{json_text::parse("{\"a\": [1, 2.5e400, null], \"ü\": \"😀\"}"),
                                json_text::parse(" \"\\u0000\" "), json_text::parse("[]"),
                                json_text::parse("-0")};

  std::vector<row_chunk> chunks;
  for (int c = 0; c < 3; ++c) {
    row_chunk chunk{cols};
    for (int r = 0; c < 2 && r < 4; ++r) {
      const int i = c * 4 + r;
      // Column k is NULL in rows where i % 3 == k % 3, so every column has NULLs and values.
      auto cell = [&](int k, const value& v) { return i % 3 == k % 3 ? value{} : v; };
      chunk.column(0).push(cell(0, dates[r]));
      chunk.column(1).push(cell(1, times[r]));
      chunk.column(2).push(cell(2, stamps[r]));
      chunk.column(3).push(cell(3, instants[r]));
      chunk.column(4).push(cell(4, decimals[r]));
      chunk.column(5).push(cell(5, uuids[r]));
      chunk.column(6).push(cell(6, docs[r]));
      chunk.column(7).push_null();
      chunk.finish_row();
    }
    chunks.push_back(std::move(chunk));
  }
  return freeze(std::move(cols), std::move(chunks), -1);
}

std::string le64(std::int64_t x) {
  std::string out;
  for (int i = 0; i < 8; ++i)
    out += static_cast<char>(static_cast<std::uint64_t>(x) >> (8 * i));
  return out;
}

std::string le32(std::uint32_t x) {
  return le64(x).substr(0, 4);
}

// Length-prefixed characters, as text and char-stored cells are encoded.
std::string chars(std::string_view x) {
  return le32(static_cast<std::uint32_t>(x.size())) + std::string{x};
}

// A version 1 encoding of one column "x" of type tag `tag` holding one cell of bytes `cell`;
// `null` marks the cell NULL.
std::string one_cell(std::uint8_t tag, const std::string& cell, bool null = false) {
  return "GDBF\x01" + le32(1) + chars("x") + static_cast<char>(tag) + std::string(2, '\0') +
         '\x01' + le64(-1) + le32(1) + le32(1) +
         (null ? std::string("\x01\x01", 2) : std::string(1, '\0')) + cell;
}

std::string one_cell(value_type t, const std::string& cell, bool null = false) {
  return one_cell(static_cast<std::uint8_t>(t), cell, null);
}

// The one cell of a decoded `one_cell` encoding.
value decoded_cell(const std::string& bytes) {
  auto result = decode_frozen_result(bytes);
  BOOST_TEST_REQUIRE(result->row_count() == 1U);
  return result->row(0).at(0);
}

} // namespace

BOOST_AUTO_TEST_SUITE(model_frozen_result_codec)

BOOST_AUTO_TEST_CASE(encoding_round_trips_every_cell_type_null_and_chunk) {
  auto original = sample();
  auto copy = decode_frozen_result(encode_frozen_result(*original));
  BOOST_TEST((copy->columns() == original->columns()));
  BOOST_TEST(copy->rows_affected() == 12);
  BOOST_TEST_REQUIRE(copy->chunks().size() == 3U);
  BOOST_TEST_REQUIRE(copy->row_count() == original->row_count());
  for (std::size_t i = 0; i < original->row_count(); ++i)
    for (std::size_t c = 0; c < original->columns().size(); ++c)
      BOOST_TEST(copy->row(i).at(c) == original->row(i).at(c), "row " << i << " col " << c);
}

BOOST_AUTO_TEST_CASE(empty_result_round_trips) {
  auto empty = freeze(std::vector<column_info>{}, {}, 7);
  auto copy = decode_frozen_result(encode_frozen_result(*empty));
  BOOST_TEST(copy->row_count() == 0U);
  BOOST_TEST(copy->rows_affected() == 7);
}

BOOST_AUTO_TEST_CASE(encoding_round_trips_dates_times_decimals_uuids_json_nulls_and_chunks) {
  auto original = typed_sample();
  auto copy = decode_frozen_result(encode_frozen_result(*original));
  BOOST_TEST((copy->columns() == original->columns()));
  BOOST_TEST(copy->rows_affected() == -1);
  BOOST_TEST_REQUIRE(copy->chunks().size() == 3U);
  BOOST_TEST(copy->chunks()[2].row_count() == 0U);
  BOOST_TEST_REQUIRE(copy->row_count() == 8U);
  std::size_t nulls = 0;
  for (std::size_t i = 0; i < original->row_count(); ++i)
    for (std::size_t c = 0; c < original->columns().size(); ++c) {
      BOOST_TEST(copy->row(i).at(c) == original->row(i).at(c), "row " << i << " col " << c);
      BOOST_TEST(copy->row(i).is_null(c) == original->row(i).is_null(c));
      nulls += copy->row(i).is_null(c) ? 1 : 0;
    }
  BOOST_TEST(nulls > 8U); // the NULL-typed column's 8, and some of every other column
  BOOST_TEST(copy->row(1).at(0) == value{date::from_ymd(2024, 2, 29)});
  BOOST_TEST(copy->row(5).at(4) == value{decimal::parse("1.50")});
  BOOST_TEST(copy->row(6).at(5) == value{uuid::parse("0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9")});
  BOOST_TEST(copy->row(4).at(6).get<json_text>().text() ==
             "{\"a\": [1, 2.5e400, null], \"ü\": \"😀\"}");
  // Decoding and encoding again gives the same bytes.
  BOOST_TEST(encode_frozen_result(*copy) == encode_frozen_result(*original));
}

BOOST_AUTO_TEST_CASE(the_first_types_encode_as_in_version_1_and_such_encodings_decode) {
  // Written out byte by byte: adding types must not change how the first six are encoded, so
  // results encoded by an older build still decode (and the version stays 1).
  const std::string golden =
      "GDBF\x01" + le32(2) +                                         // magic, version, columns
      chars("i") + '\x02' + std::string("\xfb\xff\x00", 3) +         // int64, -5, not nullable
      chars("s") + '\x04' + std::string("\x0c\x00\x01", 3) +         // text, 12, nullable
      le64(2) + le32(1) + le32(2) +                                  // rows affected, chunks, rows
      '\0' + le64(7) + le64(-1) +                                    // i: no NULLs, 7, -1
      '\x01' + std::string("\x00\x01", 2) + chars("ab") + chars(""); // s: "ab", NULL
  std::vector<column_info> cols{{"i", value_type::int64, -5, false},
                                {"s", value_type::text, 12, true}};
  row_chunk chunk{cols};
  chunk.column(0).push_int64(7);
  chunk.column(1).push_text("ab");
  chunk.finish_row();
  chunk.column(0).push_int64(-1);
  chunk.column(1).push_null();
  chunk.finish_row();
  std::vector<row_chunk> chunks;
  chunks.push_back(std::move(chunk));
  const auto result = freeze(std::move(cols), std::move(chunks), 2);
  BOOST_TEST(encode_frozen_result(*result) == golden);
  auto copy = decode_frozen_result(golden);
  BOOST_TEST_REQUIRE(copy->row_count() == 2U);
  BOOST_TEST(copy->row(0).at(1) == value{"ab"});
  BOOST_TEST(copy->row(1).at(1).is_null());
}

BOOST_AUTO_TEST_CASE(dates_times_and_timestamps_outside_their_ranges_are_codec_errors) {
  const std::int64_t day = 86'400'000'000;
  const std::vector<std::pair<value_type, std::vector<std::int64_t>>> bad{
      {value_type::date, {date::min_days - 1, date::max_days + 1, INT64_MIN, INT64_MAX}},
      {value_type::time_of_day, {-1, day, INT64_MIN, INT64_MAX}},
      {value_type::timestamp,
       {timestamp::min_micros - 1, timestamp::max_micros + 1, INT64_MIN, INT64_MAX}},
      {value_type::timestamptz,
       {timestamp::min_micros - 1, timestamp::max_micros + 1, INT64_MIN, INT64_MAX}}};
  for (const auto& [type, values] : bad)
    for (auto x : values)
      BOOST_CHECK_THROW((void)decode_frozen_result(one_cell(type, le64(x))), codec_error);
  // The ends of each range are values.
  BOOST_TEST(decoded_cell(one_cell(value_type::date, le64(date::min_days))) ==
             value{date::from_ymd(1, 1, 1)});
  BOOST_TEST(decoded_cell(one_cell(value_type::date, le64(date::max_days))) ==
             value{date::from_ymd(9999, 12, 31)});
  BOOST_TEST(decoded_cell(one_cell(value_type::time_of_day, le64(day - 1))) ==
             value{time_of_day::from_hms(23, 59, 59, 999999)});
  BOOST_TEST(decoded_cell(one_cell(value_type::timestamp, le64(timestamp::min_micros))) ==
             value{timestamp::from_micros(timestamp::min_micros)});
  BOOST_TEST(decoded_cell(one_cell(value_type::timestamptz, le64(timestamp::max_micros))) ==
             value{timestamptz::from_micros(timestamp::max_micros)});
}

BOOST_AUTO_TEST_CASE(uuid_cells_of_other_than_16_bytes_are_codec_errors) {
  for (std::size_t n : {0, 1, 15, 17, 32, 36})
    BOOST_CHECK_THROW(
        (void)decode_frozen_result(one_cell(value_type::uuid, chars(std::string(n, 'a')))),
        codec_error);
  // Hex text is not the encoding either: 36 characters of a UUID's text form are refused above.
  const std::string raw("\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff", 16);
  BOOST_TEST(decoded_cell(one_cell(value_type::uuid, chars(raw))) ==
             value{uuid::parse("00112233-4455-6677-8899-aabbccddeeff")});
}

BOOST_AUTO_TEST_CASE(decimal_cells_not_in_canonical_form_are_codec_errors) {
  // Each is refused by decimal::parse or is not the text it prints (so not canonical).
  std::vector<std::string> bad{
      "",       "-",  ".",  "1.",  ".5",       "+1",        "-0",  "-0.00", "01",     "00.5", "1e3",
      "1.5E-2", " 1", "1 ", "NaN", "Infinity", "-Infinity", "1,5", "0x10",  "\uff11", "1.2.3"};
  bad.emplace_back("1\0", 2);
  bad.emplace_back(39, '9'); // 39 digits
  for (const auto& x : bad)
    BOOST_CHECK_THROW((void)decode_frozen_result(one_cell(value_type::decimal, chars(x))),
                      codec_error);
  for (const std::string& good :
       std::vector<std::string>{"0", "1.50", "-0.001", "0.0",
                                "-12345678901234567890.123456789012345678", std::string(38, '9')})
    BOOST_TEST(decoded_cell(one_cell(value_type::decimal, chars(good))) ==
               value{decimal::parse(good)});
}

BOOST_AUTO_TEST_CASE(json_cells_that_are_not_json_are_codec_errors) {
  for (const std::string& bad :
       std::vector<std::string>{"", " ", "{", "[1,]", "{\"a\"}", "'a'", "nul", "01", "1.", "[1] 2",
                                "\"\xff\"", "\"\\ud800\"", "\"a\nb\"", std::string(100000, '[')})
    BOOST_CHECK_THROW((void)decode_frozen_result(one_cell(value_type::json, chars(bad))),
                      codec_error);
  for (const std::string& good :
       std::vector<std::string>{"null", " {\"a\": [1, -2.5e-3, true]} ", "\"\\u00fc\"",
                                std::string(100000, '[') + std::string(100000, ']')})
    BOOST_TEST(decoded_cell(one_cell(value_type::json, chars(good))).get<json_text>().text() ==
               good);
}

BOOST_AUTO_TEST_CASE(type_tags_after_the_last_type_are_codec_errors) {
  const auto last = static_cast<std::uint8_t>(last_value_type);
  for (unsigned tag = last + 1; tag < 256; ++tag)
    BOOST_CHECK_THROW((void)decode_frozen_result(one_cell(static_cast<std::uint8_t>(tag), le64(0))),
                      codec_error);
  BOOST_TEST(decoded_cell(one_cell(last, chars("[]"))) == value{json_text::parse("[]")});
}

BOOST_AUTO_TEST_CASE(the_bytes_under_a_null_are_not_checked) {
  // The encoder writes whatever placeholder the store holds under a NULL (an empty UUID, a 0
  // day); they are never read as a value, so anything of the right shape is accepted.
  BOOST_TEST(decoded_cell(one_cell(value_type::date, le64(INT64_MAX), true)).is_null());
  BOOST_TEST(decoded_cell(one_cell(value_type::uuid, chars(""), true)).is_null());
  BOOST_TEST(decoded_cell(one_cell(value_type::decimal, chars("x"), true)).is_null());
  BOOST_TEST(decoded_cell(one_cell(value_type::json, chars("{"), true)).is_null());
}

BOOST_AUTO_TEST_CASE(a_bad_cell_names_its_column_type_and_row) {
  BOOST_CHECK_EXCEPTION((void)decode_frozen_result(one_cell(value_type::uuid, chars("abc"))),
                        codec_error, [](const codec_error& e) {
                          const std::string what = e.what();
                          return what.find("uuid column \"x\", row 0") != std::string::npos &&
                                 what.find("3 bytes") != std::string::npos;
                        });
}

BOOST_AUTO_TEST_CASE(every_truncation_is_a_codec_error) {
  for (const auto& result : {sample(), typed_sample()}) {
    const auto bytes = encode_frozen_result(*result);
    for (std::size_t n = 0; n < bytes.size(); ++n)
      BOOST_CHECK_THROW((void)decode_frozen_result(std::string_view{bytes}.substr(0, n)),
                        codec_error);
  }
}

BOOST_AUTO_TEST_CASE(bad_magic_version_type_and_trailing_bytes_are_rejected) {
  auto bytes = encode_frozen_result(*sample());
  auto corrupt = [&](std::size_t at, char value) {
    auto copy = bytes;
    copy[at] = value;
    return copy;
  };
  BOOST_CHECK_THROW((void)decode_frozen_result(corrupt(0, 'X')), codec_error);
  BOOST_CHECK_THROW((void)decode_frozen_result(corrupt(4, 9)), codec_error);
  // The first column's type byte follows magic, version, count and its name ("id").
  BOOST_CHECK_THROW((void)decode_frozen_result(corrupt(4 + 1 + 4 + 4 + 2, 42)), codec_error);
  BOOST_CHECK_THROW((void)decode_frozen_result(bytes + "x"), codec_error);
}

BOOST_AUTO_TEST_CASE(huge_declared_counts_fail_without_allocating) {
  std::string bytes = "GDBF\x01";
  bytes += std::string("\xff\xff\xff\x7f", 4); // 2^31 columns in a 9-byte input
  BOOST_CHECK_THROW((void)decode_frozen_result(bytes), codec_error);
  std::string rows_without_columns = std::string("GDBF\x01", 5) + std::string(4, '\0') +
                                     std::string(8, '\0') + std::string("\x01\0\0\0", 4) +
                                     std::string("\xff\xff\xff\xff", 4);
  BOOST_CHECK_THROW((void)decode_frozen_result(rows_without_columns), codec_error);
}

BOOST_AUTO_TEST_SUITE_END()
