// How the gatherdb tool prints results (table, CSV, JSON), on frozen results built here: no
// database. Mirrors examples/gatherdb_cli/result_writer.hpp.
#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "result_writer.hpp"

using namespace gatherdb;
using cli::output_format;
using model::value_type;
using json = nlohmann::json;

namespace {

// One cell to push: a value of any type, stored as a driver stores it.
void push(model::column_store& s, const model::value& v) {
  if (v.is_null())
    s.push_null();
  else if (auto d = v.get_if<model::date>())
    s.push_int64(d->days_since_epoch());
  else if (auto t = v.get_if<model::time_of_day>())
    s.push_int64(t->micros_since_midnight());
  else if (auto ts = v.get_if<model::timestamp>())
    s.push_int64(ts->micros_since_epoch());
  else if (auto tz = v.get_if<model::timestamptz>())
    s.push_int64(tz->micros_since_epoch());
  else if (auto n = v.get_if<model::decimal>())
    s.push_text(n->to_string());
  else if (auto u = v.get_if<model::uuid>())
    s.push_uuid(*u);
  else if (auto j = v.get_if<model::json_text>())
    s.push_text(j->text());
  else if (auto i = v.get_if<std::int64_t>())
    s.push_int64(*i);
  else if (auto x = v.get_if<std::string>())
    s.push_text(*x);
}

// A successful statement whose rows are `rows` (one chunk per row, to cross chunks).
actors::outcome ok_outcome(std::vector<model::column_info> columns,
                           const std::vector<std::vector<model::value>>& rows) {
  std::vector<model::row_chunk> chunks;
  for (const auto& row : rows) {
    model::row_chunk chunk{columns};
    for (std::size_t c = 0; c < row.size(); ++c)
      push(chunk.column(c), row[c]);
    chunk.finish_row();
    chunks.push_back(std::move(chunk));
  }
  actors::outcome o;
  o.status = actors::outcome_status::ok;
  o.rows = model::freeze(std::move(columns), std::move(chunks), -1);
  return o;
}

std::string written(output_format format, const std::vector<actors::outcome>& outcomes) {
  std::ostringstream out;
  cli::write_results(out, format, outcomes);
  return out.str();
}

const model::date leap_day = model::date::from_ymd(2024, 2, 29);
const model::time_of_day last_micro = model::time_of_day::from_hms(23, 59, 59, 999999);
const model::timestamp stamp =
    model::timestamp::from_parts(leap_day, model::time_of_day::from_hms(23, 59, 59, 1));

// One column of each added type, a row of values and a row of NULLs.
actors::outcome every_type() {
  return ok_outcome({{"d", value_type::date},
                     {"t", value_type::time_of_day},
                     {"ts", value_type::timestamp},
                     {"tz", value_type::timestamptz},
                     {"n", value_type::decimal},
                     {"u", value_type::uuid},
                     {"j", value_type::json}},
                    {{leap_day, last_micro, stamp, model::timestamptz::from_utc(stamp),
                      model::decimal::parse("-12345678901234567890.123456789012345678"),
                      model::uuid::parse("0A1B2C3D4E5F60718293A4B5C6D7E8F9"),
                      model::json_text::parse(
                          " { \"a b\" : [ 1 , \"x\\\" y\" , 123456789012345678901234567890 ] } ")},
                     std::vector<model::value>(7)});
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli_result_writer)

BOOST_AUTO_TEST_CASE(cell_text_is_the_iso_and_canonical_forms) {
  BOOST_TEST(cli::cell_text(leap_day) == "2024-02-29");
  BOOST_TEST(cli::cell_text(last_micro) == "23:59:59.999999");
  BOOST_TEST(cli::cell_text(stamp) == "2024-02-29 23:59:59.000001");
  BOOST_TEST(cli::cell_text(model::timestamptz::from_utc(stamp)) ==
             "2024-02-29 23:59:59.000001+00:00");
  BOOST_TEST(cli::cell_text(model::date::from_ymd(1, 1, 1)) == "0001-01-01");
  BOOST_TEST(cli::cell_text(model::decimal::parse("1.50")) == "1.50");
  BOOST_TEST(cli::cell_text(model::decimal::parse("-.5")) == "-0.5");
  BOOST_TEST(cli::cell_text(model::uuid::parse("0A1B2C3D4E5F60718293A4B5C6D7E8F9")) ==
             "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9");
  BOOST_TEST(cli::cell_text(model::json_text::parse("[1, 2]")) == "[1, 2]");
}

BOOST_AUTO_TEST_CASE(json_has_strings_for_dates_decimals_and_uuids_and_embeds_documents) {
  const auto text = written(output_format::json, {every_type()});
  const auto j = json::parse(text);
  const auto& row = j[0]["rows"][0];
  BOOST_TEST(row[0] == "2024-02-29");
  BOOST_TEST(row[1] == "23:59:59.999999");
  BOOST_TEST(row[2] == "2024-02-29 23:59:59.000001");
  BOOST_TEST(row[3] == "2024-02-29 23:59:59.000001+00:00");
  BOOST_TEST(row[4] == "-12345678901234567890.123456789012345678"); // a string: every digit
  BOOST_TEST(row[5] == "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9");
  BOOST_TEST_REQUIRE(row[6].is_object()); // the document itself, not a string holding it
  BOOST_TEST(row[6]["a b"][1] == "x\" y");
  BOOST_TEST(j[0]["rows"][1] == json::parse("[null,null,null,null,null,null,null]"));
  // Copied, not parsed: the 30-digit integer keeps its digits, whitespace inside strings stays,
  // the rest goes, and the statement stays on one line.
  BOOST_TEST(text.find(R"({"a b":[1,"x\" y",123456789012345678901234567890]})") !=
                 std::string::npos,
             text);
  BOOST_TEST(std::count(text.begin(), text.end(), '\n') == 3);
}

BOOST_AUTO_TEST_CASE(json_documents_json_libraries_cannot_hold_are_still_written) {
  const auto o = ok_outcome({{"j", value_type::json}},
                            {{model::json_text::parse("[1e400,\n-0.0E-7,\"\\u0000\",{}]")},
                             {model::json_text::parse("\"tab\\there\"")}});
  BOOST_TEST(written(output_format::json, {o}) ==
             "[\n{\"statement\":1,\"status\":\"ok\",\"columns\":[\"j\"],\"rows\":"
             "[[[1e400,-0.0E-7,\"\\u0000\",{}]],[\"tab\\there\"]]}\n]\n");
}

BOOST_AUTO_TEST_CASE(json_lines_of_the_first_types_are_unchanged) {
  auto rows = ok_outcome({{"i", value_type::int64}, {"s", value_type::text}},
                         {{std::int64_t{-1}, "a\"b"}, {model::value{}, model::value{}}});
  actors::outcome failed;
  failed.status = actors::outcome_status::failed;
  failed.error.source = actors::error_source::database;
  failed.error.info.sqlstate = "42P01";
  failed.error.info.message = "no such table";
  const auto text = written(output_format::json, {rows, failed});
  BOOST_TEST(text.substr(0, text.find(",\n{\"statement\":2")) ==
             "[\n{\"statement\":1,\"status\":\"ok\",\"columns\":[\"i\",\"s\"],\"rows\":"
             "[[-1,\"a\\\"b\"],[null,null]]}");
  const auto j = json::parse(text);
  BOOST_TEST(j[1]["status"] == "failed");
  BOOST_TEST(j[1]["error"]["sqlstate"] == "42P01");
}

BOOST_AUTO_TEST_CASE(csv_has_the_text_forms_and_empty_fields_for_nulls) {
  const auto text = written(output_format::csv, {every_type()});
  BOOST_TEST(
      text ==
      "d,t,ts,tz,n,u,j\r\n"
      "2024-02-29,23:59:59.999999,2024-02-29 23:59:59.000001,"
      "2024-02-29 23:59:59.000001+00:00,-12345678901234567890.123456789012345678,"
      "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9,"
      "\" { \"\"a b\"\" : [ 1 , \"\"x\\\"\" y\"\" , 123456789012345678901234567890 ] } \"\r\n"
      ",,,,,,\r\n");
}

BOOST_AUTO_TEST_CASE(table_aligns_decimals_to_the_right_and_dates_to_the_left) {
  const auto o =
      ok_outcome({{"n", value_type::decimal}, {"d", value_type::date}, {"u", value_type::uuid}},
                 {{model::decimal::parse("1.50"), leap_day, model::uuid{}},
                  {model::decimal::parse("-12345.6"), model::value{}, model::value{}}});
  BOOST_TEST(written(output_format::table, {o}) ==
             " n        | d          | u\n"
             "----------+------------+--------------------------------------\n"
             "     1.50 | 2024-02-29 | 00000000-0000-0000-0000-000000000000\n"
             " -12345.6 | NULL       | NULL\n"
             "(2 rows)\n");
}

BOOST_AUTO_TEST_CASE(table_shows_times_timestamps_and_json_text) {
  const auto o = ok_outcome(
      {{"t", value_type::time_of_day}, {"tz", value_type::timestamptz}, {"j", value_type::json}},
      {{last_micro, model::timestamptz::from_utc(stamp), model::json_text::parse("{\"a\":\n1}")}});
  BOOST_TEST(written(output_format::table, {o}) ==
             " t               | tz                               | j\n"
             "-----------------+----------------------------------+-----------\n"
             " 23:59:59.999999 | 2024-02-29 23:59:59.000001+00:00 | {\"a\":\\n1}\n"
             "(1 row)\n");
}

BOOST_AUTO_TEST_SUITE_END()
