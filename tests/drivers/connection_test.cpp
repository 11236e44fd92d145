// drivers::connection and drivers::prepared_statement against real SQLite and PostgreSQL.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/drivers/connection_string.hpp"
#include "gatherdb/drivers/prepared_statement.hpp"

#include "support/backends.hpp"
#include "support/open_connection.hpp"
#include "support/scoped_table.hpp"

namespace drivers = gatherdb::drivers;
namespace model = gatherdb::model;
using gatherdb::test::all_backends;
using gatherdb::test::backend;
using gatherdb::test::open_connection;
using gatherdb::test::scoped_table;

namespace {

model::bytes make_bytes(std::initializer_list<int> xs) {
  model::bytes out;
  for (int x : xs)
    out.push_back(static_cast<std::byte>(x));
  return out;
}

std::string all_columns(backend b) {
  return "id BIGINT NOT NULL PRIMARY KEY, t TEXT, n BIGINT, d DOUBLE PRECISION, b " +
         std::string{gatherdb::test::bytes_type(b)};
}

std::vector<std::int64_t> ids(const model::frozen_result& r) {
  std::vector<std::int64_t> out;
  r->for_each_row([&](model::row_ref row) { out.push_back(row.int64_at(0)); });
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(drivers_connection)

BOOST_DATA_TEST_CASE(connect_detects_dialect_and_version, all_backends, backend) {
  auto conn = open_connection(backend);
  BOOST_TEST(!conn.dbms_version().empty());
  BOOST_TEST(!conn.is_dead());
  BOOST_TEST(conn.autocommit());
  if (backend == backend::sqlite) {
    BOOST_TEST(conn.dbms_name() == "SQLite");
    BOOST_TEST(model::to_string(conn.sql_dialect()) == "sqlite");
    BOOST_TEST(conn.is_sqlite());
  } else if (backend == backend::mariadb) {
    BOOST_TEST(conn.dbms_name() == "MariaDB");
    BOOST_TEST(model::to_string(conn.sql_dialect()) == "mariadb");
    BOOST_TEST(!conn.is_sqlite());
    // Connector/ODBC returns no result per parameter set: no batched reads there.
    BOOST_TEST(!conn.batches_param_arrays());
  } else {
    BOOST_TEST(conn.dbms_name() == "PostgreSQL");
    BOOST_TEST(model::to_string(conn.sql_dialect()) == "postgresql");
    BOOST_TEST(!conn.is_sqlite());
  }
}

BOOST_DATA_TEST_CASE(bound_parameters_round_trip_exactly, all_backends, backend) {
  auto conn = open_connection(backend);
  scoped_table table{conn, "drivers_connection_rt", all_columns(backend)};
  const std::vector<std::vector<model::value>> rows{
      {1, "ü€😀", std::numeric_limits<std::int64_t>::min(), 3.25, make_bytes({0, 1, 0, 255, 0})},
      {2, "O'Reilly \"x\"", std::numeric_limits<std::int64_t>::max(), -1e300, make_bytes({0})},
      {3, "", model::null, 0.1, make_bytes({'a', 0, 'b'})},
      {4, model::null, 0, model::null, model::null},
      {5, "Grüße 日本 😀; DROP TABLE x; --", -1, 1.5e-300, make_bytes({255, 254, 0, 0})},
  };
  drivers::prepared_statement insert{conn, "INSERT INTO " + table.name() +
                                               " (id, t, n, d, b) VALUES (?, ?, ?, ?, ?)"};
  for (const auto& row : rows) {
    auto r = insert.run(row);
    BOOST_TEST(r->rows_affected() == 1);
    BOOST_TEST(r->columns().empty());
  }
  auto result = conn.execute("SELECT id, t, n, d, b FROM " + table.name() + " ORDER BY id");
  BOOST_TEST_REQUIRE(result->row_count() == rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto row = result->row(i);
    for (std::size_t c = 0; c < rows[i].size(); ++c)
      BOOST_TEST(row.at(c) == rows[i][c], "row " << i << " column " << c << ": got " << row.at(c)
                                                 << ", expected " << rows[i][c]);
  }
}

BOOST_DATA_TEST_CASE(reexecuting_a_statement_sends_each_execution_s_own_parameters, all_backends,
                     backend) {
  // One prepared statement keeps its bindings while the types stay: every execution must still
  // send its own values, whatever their lengths and whatever the execution before it bound.
  auto conn = open_connection(backend);
  scoped_table table{conn, "drivers_connection_rebind", all_columns(backend)};
  const std::string long_text(300, 'x');   // longer than the copied-text buffer
  const std::string very_long(20000, 'y'); // a long-data type
  const std::vector<std::vector<model::value>> rows{
      {1, "a", 1, 0.5, make_bytes({1})},
      {2, "", 2, 1.5, make_bytes({1, 2, 3})},
      {3, model::null, model::null, model::null, model::null},
      {4, long_text, 4, 4.5, make_bytes({})},
      {5, "bb", 5, 5.5, make_bytes({9})},
      {6, very_long, 6, 6.5, make_bytes({0, 0})},
      {7, "c", 7, 7.5, make_bytes({7, 7, 7, 7})},
      {8, 42, "8", 8, make_bytes({8})}, // other types in the same places
      {9, "d", 9, 9.5, make_bytes({9, 9})},
  };
  drivers::prepared_statement insert{conn, "INSERT INTO " + table.name() +
                                               " (id, t, n, d, b) VALUES (?, ?, ?, ?, ?)"};
  for (const auto& row : rows)
    BOOST_TEST(insert.run(row)->rows_affected() == 1);
  auto result = conn.execute("SELECT id, t, n, d, b FROM " + table.name() + " ORDER BY id");
  BOOST_TEST_REQUIRE(result->row_count() == rows.size());
  const std::vector<model::value> expected_t{"a",       "",  model::null, long_text, "bb",
                                             very_long, "c", "42",        "d"};
  const std::vector<model::value> expected_n{1, 2, model::null, 4, 5, 6, 7, 8, 9};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto row = result->row(i);
    BOOST_TEST(row.at(1) == expected_t[i], "row " << i << " t");
    BOOST_TEST(row.at(2) == expected_n[i], "row " << i << " n: " << row.at(2));
    BOOST_TEST(row.at(4) == rows[i][4], "row " << i << " b: " << row.at(4));
  }
}

BOOST_DATA_TEST_CASE(text_and_bytes_around_the_first_read_s_size_come_back_whole, all_backends,
                     backend) {
  // A value is read in a first part of 256 bytes and, when longer, in one more part: each
  // length around that edge must come back byte for byte, in one chunk with its neighbours.
  auto conn = open_connection(backend);
  scoped_table table{conn, "drivers_connection_edges", all_columns(backend)};
  drivers::prepared_statement insert{conn, "INSERT INTO " + table.name() +
                                               " (id, t, n, d, b) VALUES (?, ?, ?, ?, ?)"};
  const std::vector<std::size_t> lengths{0, 1, 15, 16, 254, 255, 256, 257, 511, 512, 513, 4096};
  std::vector<std::string> texts;
  std::vector<model::bytes> blobs;
  for (std::size_t i = 0; i < lengths.size(); ++i) {
    std::string t(lengths[i], 'a');
    model::bytes b(lengths[i]);
    for (std::size_t k = 0; k < lengths[i]; ++k) {
      t[k] = static_cast<char>('a' + (k + i) % 26); // no two lengths share a prefix pattern
      b[k] = static_cast<std::byte>((k * 7 + i) % 256);
    }
    texts.push_back(t);
    blobs.push_back(b);
    BOOST_TEST(insert.run({static_cast<std::int64_t>(i), t, model::null, model::null, b})
                   ->rows_affected() == 1);
  }
  auto result = conn.execute("SELECT id, t, b FROM " + table.name() + " ORDER BY id");
  BOOST_TEST_REQUIRE(result->row_count() == lengths.size());
  for (std::size_t i = 0; i < lengths.size(); ++i) {
    auto row = result->row(i);
    BOOST_TEST(row.text_at(1) == texts[i], "text of length " << lengths[i]);
    BOOST_TEST(row.at(2) == model::value{blobs[i]}, "bytes of length " << lengths[i]);
  }
}

BOOST_DATA_TEST_CASE(bound_parameters_are_values_not_sql, all_backends, backend) {
  auto conn = open_connection(backend);
  auto r = conn.execute("SELECT ?", {model::value{"1'; SELECT 2; --"}});
  BOOST_TEST_REQUIRE(r->row_count() == 1u);
  BOOST_TEST(r->row(0).at(0) == model::value{"1'; SELECT 2; --"});
}

BOOST_DATA_TEST_CASE(column_metadata_names_types_and_nullability, all_backends, backend) {
  auto conn = open_connection(backend);
  scoped_table table{conn, "drivers_connection_meta", all_columns(backend)};
  auto r = conn.execute("SELECT id, t, n, d, b FROM " + table.name());
  BOOST_TEST(r->row_count() == 0u);
  const auto& cols = r->columns();
  BOOST_TEST_REQUIRE(cols.size() == 5u);
  const char* names[] = {"id", "t", "n", "d", "b"};
  const model::value_type types[] = {model::value_type::int64, model::value_type::text,
                                     model::value_type::int64, model::value_type::float64,
                                     model::value_type::bytes};
  for (std::size_t i = 0; i < cols.size(); ++i) {
    BOOST_TEST_CONTEXT("column " << names[i]) {
      BOOST_TEST(cols[i].name == names[i]);
      BOOST_TEST(model::to_string(cols[i].type) == model::to_string(types[i]));
      BOOST_TEST(cols[i].sql_type != 0);
    }
  }
  for (std::size_t i = 1; i < cols.size(); ++i)
    BOOST_TEST(cols[i].nullable, "column " << names[i] << " is nullable");
  BOOST_TEST(r->find_column("d") == 3u);
}

BOOST_DATA_TEST_CASE(rollback_discards_and_commit_keeps, all_backends, backend) {
  auto conn = open_connection(backend);
  scoped_table table{conn, "drivers_connection_tx", "id BIGINT PRIMARY KEY"};
  const auto insert = "INSERT INTO " + table.name() + " (id) VALUES (?)";
  const auto select = "SELECT id FROM " + table.name() + " ORDER BY id";

  conn.begin();
  BOOST_TEST(!conn.autocommit());
  conn.execute(insert, {1});
  conn.execute(insert, {2});
  BOOST_TEST(conn.execute(select)->row_count() == 2u); // visible inside the transaction
  conn.rollback();
  BOOST_TEST(conn.autocommit());
  BOOST_TEST(conn.execute(select)->row_count() == 0u);

  conn.begin();
  conn.execute(insert, {3});
  conn.execute(insert, {4});
  conn.commit();
  BOOST_TEST(conn.autocommit());
  // Seen from another connection too: it was really committed.
  auto other = open_connection(backend);
  BOOST_TEST(ids(other.execute(select)) == (std::vector<std::int64_t>{3, 4}),
             boost::test_tools::per_element());

  // Back in autocommit: a statement after commit is kept without another commit.
  conn.execute(insert, {5});
  BOOST_TEST(other.execute(select)->row_count() == 3u);
}

BOOST_DATA_TEST_CASE(redacted_connection_string_has_no_password, all_backends, backend) {
  const std::string secret = "S3ntinel-redact-pw";
  std::string cs;
  if (backend != backend::sqlite) {
    cs = gatherdb::test::connection_string(backend);
    auto pw = drivers::find_attribute(cs, "pwd");
    if (pw.empty())
      pw = drivers::find_attribute(cs, "password");
    BOOST_TEST_REQUIRE(!pw.empty(), backend << "'s connection string has a password");
    auto conn = drivers::connection::open(cs);
    BOOST_TEST(conn.redacted_connection_string().find(pw) == std::string::npos,
               conn.redacted_connection_string());
    BOOST_TEST(conn.redacted_connection_string().find("***") != std::string::npos,
               conn.redacted_connection_string());
  } else {
    // sqlite3odbc ignores a password it cannot use; it must not leak either way.
    cs = gatherdb::test::sqlite_connection_string() + "PWD=" + secret + ";";
    auto conn = drivers::connection::open(cs);
    BOOST_TEST(!conn.redacted_connection_string().empty());
    BOOST_TEST(conn.redacted_connection_string().find(secret) == std::string::npos,
               conn.redacted_connection_string());
  }
}

BOOST_DATA_TEST_CASE(one_megabyte_text_round_trips, all_backends, backend) {
  auto conn = open_connection(backend);
  scoped_table table{conn, "drivers_connection_big",
                     "id BIGINT PRIMARY KEY, t " +
                         std::string{gatherdb::test::long_text_type(backend)}};
  // 4-byte pattern with a 3-byte character: the first 255-byte part ends inside one.
  std::string big;
  big.reserve(1 << 20);
  while (big.size() < (1u << 20))
    big += "a€";
  conn.execute("INSERT INTO " + table.name() + " (id, t) VALUES (?, ?)", {1, big});
  auto r = conn.execute("SELECT t, id FROM " + table.name());
  BOOST_TEST_REQUIRE(r->row_count() == 1u);
  const auto got = r->row(0).text_at(0);
  BOOST_TEST(got.size() == big.size());
  BOOST_TEST((got == big));
  BOOST_TEST(r->row(0).int64_at(1) == 1); // the column after the long one is read too
}

BOOST_DATA_TEST_CASE(large_result_is_fetched_in_chunks_in_order, all_backends, backend) {
  auto conn = open_connection(backend);
  scoped_table table{conn, "drivers_connection_chunks", "id BIGINT PRIMARY KEY, t TEXT"};
  {
    drivers::prepared_statement insert{conn,
                                       "INSERT INTO " + table.name() + " (id, t) VALUES (?, ?)"};
    conn.begin();
    for (std::int64_t i = 1; i <= 10000; ++i)
      insert.run({i, "row " + std::to_string(i)});
    conn.commit();
  }
  drivers::prepared_statement select{conn, "SELECT id, t FROM " + table.name() + " ORDER BY id"};
  drivers::run_options options;
  options.chunk_rows = 1000;
  auto r = select.run({}, options);
  BOOST_TEST(r->row_count() == 10000u);
  BOOST_TEST_REQUIRE(r->chunks().size() == 10u);
  for (const auto& chunk : r->chunks())
    BOOST_TEST(chunk.row_count() == 1000u);
  std::int64_t expected = 1;
  bool in_order = true;
  r->for_each_row([&](model::row_ref row) {
    if (row.int64_at(0) != expected || row.text_at(1) != "row " + std::to_string(expected))
      in_order = false;
    ++expected;
  });
  BOOST_TEST(in_order);
  BOOST_TEST(r->row(9999).int64_at(0) == 10000);

  // The same prepared statement runs again, with the default chunk size: one chunk.
  auto again = select.run({});
  BOOST_TEST(again->row_count() == 10000u);
  BOOST_TEST(again->chunks().size() == 3u); // 4096 + 4096 + 1808
}

BOOST_DATA_TEST_CASE(empty_result_has_columns_and_no_rows, all_backends, backend) {
  auto conn = open_connection(backend);
  auto r = conn.execute("SELECT 1 AS one WHERE 1 = 0");
  BOOST_TEST(r->row_count() == 0u);
  BOOST_TEST(r->empty());
  BOOST_TEST_REQUIRE(r->columns().size() == 1u);
  BOOST_TEST(r->columns()[0].name == "one");
}

BOOST_DATA_TEST_CASE(moved_connection_stays_usable, all_backends, backend) {
  auto a = open_connection(backend);
  auto b = std::move(a);
  BOOST_TEST(b.execute("SELECT 1")->row_count() == 1u);
  a = open_connection(backend);
  b = std::move(a);
  BOOST_TEST(b.execute("SELECT 1")->row_count() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
