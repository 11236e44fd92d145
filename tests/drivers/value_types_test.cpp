// Dates, times, timestamps, decimals, UUIDs and JSON through the drivers: bound as parameters,
// stored in each backend's own type, read back as the same value; lookups by them; values a
// backend returns that are no value of the type are refused, never changed.

#include <string>
#include <vector>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/drivers/error.hpp"
#include "gatherdb/drivers/prepared_statement.hpp"
#include "gatherdb/model/detail/backend_text.hpp"

#include "support/backends.hpp"
#include "support/open_connection.hpp"
#include "support/scoped_table.hpp"

namespace drivers = gatherdb::drivers;
namespace model = gatherdb::model;
using gatherdb::test::all_backends;
using gatherdb::test::backend;
using gatherdb::test::is_postgres;
using gatherdb::test::open_connection;
using gatherdb::test::scoped_table;

namespace {

// One column per type, declared as `create_table_sql` declares it for the backend.
std::string typed_columns(backend b) {
  switch (b) {
  case backend::sqlite:
    return "k INTEGER, d DATE, t TIME, ts TIMESTAMP, tz TIMESTAMPTZ, n TEXT, u TEXT, j TEXT";
  case backend::mariadb:
    return "k BIGINT, d DATE, t TIME(6), ts DATETIME(6), tz DATETIME(6), n DECIMAL(38, 6), "
           "u UUID, j JSON";
  default:
    break;
  }
  return "k BIGINT, d DATE, t TIME(6), ts TIMESTAMP(6), tz TIMESTAMP(6) WITH TIME ZONE, "
         "n NUMERIC(38, 6), u UUID, j JSONB";
}

struct typed_row {
  model::date d;
  model::time_of_day t;
  model::timestamp ts;
  model::timestamptz tz;
  model::decimal n;
  model::uuid u;
  model::json_text j;
};

std::vector<typed_row> edge_rows() {
  using model::detail::parse_timestamp;
  using model::detail::parse_timestamptz;
  return {
      {model::date::from_ymd(1, 1, 1), model::time_of_day::from_hms(0, 0, 0),
       parse_timestamp("0001-01-01 00:00:00"), parse_timestamptz("0001-01-01 00:00:00Z"),
       model::decimal::parse("-12345678901234567890123456789012.000001"),
       model::uuid::parse("00000000-0000-0000-0000-000000000000"), model::json_text::parse("{}")},
      {model::date::from_ymd(9999, 12, 31), model::time_of_day::from_hms(23, 59, 59, 999999),
       parse_timestamp("9999-12-31 23:59:59.999999"),
       parse_timestamptz("9999-12-31 23:59:59.999999Z"), model::decimal::parse("0.000001"),
       model::uuid::parse("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"),
       model::json_text::parse("[1, \"\\u00e9\", null]")},
      {model::date::from_ymd(2024, 2, 29), model::time_of_day::from_hms(12, 0, 0, 1),
       parse_timestamp("2024-02-29 02:30:00.5"),
       // An instant given with an offset is stored as that instant, whatever the server's zone.
       parse_timestamptz("2024-03-31 02:30:00.000001+02:00"), model::decimal::parse("1.500000"),
       model::uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
       model::json_text::parse("\"text\"")},
  };
}

std::vector<model::value> params_of(std::int64_t k, const typed_row& r) {
  return {k, r.d, r.t, r.ts, r.tz, r.n, r.u, r.j};
}

} // namespace

BOOST_AUTO_TEST_SUITE(drivers_value_types)

BOOST_DATA_TEST_CASE(typed_parameters_are_stored_and_read_back_as_the_same_values, all_backends,
                     backend) {
  auto conn = open_connection(backend);
  scoped_table table{conn, "gdb_types", typed_columns(backend)};
  const auto rows = edge_rows();
  drivers::prepared_statement insert{
      conn, "INSERT INTO " + table.name() +
                " (k, d, t, ts, tz, n, u, j) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"};
  for (std::size_t k = 0; k < rows.size(); ++k)
    (void)insert.run(params_of(static_cast<std::int64_t>(k), rows[k]));
  auto result = conn.execute("SELECT d, t, ts, tz, n, u, j FROM " + table.name() + " ORDER BY k");
  BOOST_REQUIRE_EQUAL(result->row_count(), rows.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const auto row = result->row(k);
    const auto& want = rows[k];
    BOOST_TEST_CONTEXT("row " << k) {
      if (backend == backend::sqlite) {
        // SQLite holds the ISO text it was sent; the mapping converts it (model tests).
        BOOST_TEST(row.text_at(0) == model::detail::format_date(want.d));
        BOOST_TEST(row.text_at(3) == model::detail::format_timestamptz(want.tz));
        BOOST_TEST(row.text_at(4) == want.n.to_string());
        continue;
      }
      BOOST_TEST(row.at(0) == model::value{want.d});
      BOOST_TEST(row.at(1) == model::value{want.t});
      BOOST_TEST(row.at(2) == model::value{want.ts});
      if (backend == backend::mariadb) // DATETIME(6) holds the UTC wall time
        BOOST_TEST(row.at(3) == model::value{want.tz.utc()});
      else
        BOOST_TEST(row.at(3) == model::value{want.tz});
      BOOST_TEST(row.at(4) == model::value{want.n});
      if (is_postgres(backend))
        BOOST_TEST(row.at(5) == model::value{want.u});
      else // MariaDB's Connector/ODBC reports UUID as CHAR(36)
        BOOST_TEST(model::uuid::parse(row.text_at(5)) == want.u);
    }
  }
}

BOOST_DATA_TEST_CASE(typed_parameters_find_the_rows_whose_column_equals_them, all_backends,
                     backend) {
  auto conn = open_connection(backend);
  scoped_table table{conn, "gdb_types_key", typed_columns(backend)};
  const auto rows = edge_rows();
  for (std::size_t k = 0; k < rows.size(); ++k)
    (void)conn.execute("INSERT INTO " + table.name() +
                           " (k, d, t, ts, tz, n, u, j) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       params_of(static_cast<std::int64_t>(k), rows[k]));
  const char* columns[] = {"d", "t", "ts", "tz", "n", "u"};
  for (std::size_t c = 0; c < std::size(columns); ++c) {
    drivers::prepared_statement lookup{conn, "SELECT k FROM " + table.name() + " WHERE " +
                                                 columns[c] + " = ? ORDER BY k"};
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const auto params = params_of(static_cast<std::int64_t>(k), rows[k]);
      const auto result = lookup.run({params[c + 1]});
      BOOST_TEST_CONTEXT("column " << columns[c] << ", row " << k) {
        BOOST_REQUIRE_EQUAL(result->row_count(), 1u);
        BOOST_TEST(result->row(0).int64_at(0) == static_cast<std::int64_t>(k));
      }
    }
  }
}

BOOST_DATA_TEST_CASE(a_batch_of_typed_keys_finds_what_single_runs_find, all_backends, backend) {
  auto conn = open_connection(backend);
  if (!conn.batches_param_arrays())
    return; // only psqlODBC batches selects
  scoped_table table{conn, "gdb_types_batch", typed_columns(backend)};
  const auto rows = edge_rows();
  std::vector<std::vector<model::value>> sets;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    (void)conn.execute("INSERT INTO " + table.name() +
                           " (k, d, t, ts, tz, n, u, j) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       params_of(static_cast<std::int64_t>(k), rows[k]));
    sets.push_back({rows[k].ts, rows[k].n});
  }
  drivers::prepared_statement lookup{conn,
                                     "SELECT k FROM " + table.name() + " WHERE ts = ? AND n = ?"};
  std::vector<const std::vector<model::value>*> pointers;
  for (const auto& s : sets) {
    BOOST_REQUIRE(drivers::batchable(s));
    pointers.push_back(&s);
  }
  const auto results = lookup.run_batch(pointers, {});
  BOOST_REQUIRE_EQUAL(results.size(), rows.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    BOOST_REQUIRE_EQUAL(results[k]->row_count(), 1u);
    BOOST_TEST(results[k]->row(0).int64_at(0) == static_cast<std::int64_t>(k));
  }
}

BOOST_DATA_TEST_CASE(a_cell_that_is_no_value_of_its_type_is_a_data_error, all_backends, backend) {
  auto conn = open_connection(backend);
  std::string sql;
  switch (backend) {
  case backend::sqlite:
    return; // SQLite's dates are text; what they hold is the mapping's to convert
  case backend::mariadb:
    // A zero date, which MariaDB keeps where strict mode is off.
    sql = "SELECT CAST('0000-00-00' AS DATE) AS d";
    break;
  default:
    sql = "SELECT CAST('NaN' AS NUMERIC) AS n";
    break;
  }
  try {
    (void)conn.execute(sql);
    BOOST_FAIL("a value outside its type was read");
  } catch (const drivers::database_error& e) {
    BOOST_TEST(drivers::to_string(e.info().category) == "data");
    BOOST_TEST(e.info().sqlstate.substr(0, 2) == "22");
  }
}

BOOST_DATA_TEST_CASE(a_decimal_of_38_digits_round_trips_to_the_last_digit, all_backends, backend) {
  auto conn = open_connection(backend);
  const auto big = model::decimal::parse("12345678901234567890123456789012.345678");
  scoped_table table{conn, "gdb_decimal", typed_columns(backend)};
  (void)conn.execute("INSERT INTO " + table.name() + " (k, n) VALUES (1, ?)", {big});
  const auto result = conn.execute("SELECT n FROM " + table.name());
  BOOST_REQUIRE_EQUAL(result->row_count(), 1u);
  BOOST_TEST(result->row(0).text_at(0) == big.to_string());
}

BOOST_DATA_TEST_CASE(a_timestamptz_is_the_same_instant_whatever_zone_the_session_starts_in,
                     all_backends, backend) {
  if (!is_postgres(backend))
    return; // only PostgreSQL has session time zones that move a timestamptz
  // The login's own setting puts the session in India; the instant must not move.
  auto conn = drivers::connection::open(gatherdb::test::connection_string(backend) +
                                        "ConnSettings={SET TIME ZONE 'Asia/Kolkata'};");
  const auto instant = model::detail::parse_timestamptz("2024-03-31 01:30:00.25Z");
  const auto result =
      conn.execute("SELECT CAST(? AS TIMESTAMPTZ), CAST('2024-03-31 07:00:00.25+05:30' AS "
                   "TIMESTAMPTZ)",
                   {instant});
  BOOST_REQUIRE_EQUAL(result->row_count(), 1u);
  BOOST_TEST(result->row(0).at(0) == model::value{instant});
  BOOST_TEST(result->row(0).at(1) == model::value{instant});
}

BOOST_AUTO_TEST_SUITE_END()
