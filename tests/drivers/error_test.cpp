// database_error: SQLSTATE, native code, category and retryability of real failures, and that
// no password ever reaches an error.

#include <cctype>
#include <chrono>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <thread>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/drivers/connection_string.hpp"
#include "gatherdb/drivers/error.hpp"
#include "gatherdb/drivers/prepared_statement.hpp"

#include "support/backends.hpp"
#include "support/open_connection.hpp"
#include "support/scoped_table.hpp"

namespace drivers = gatherdb::drivers;
using drivers::error_category;
using gatherdb::test::all_backends;
using gatherdb::test::backend;
using gatherdb::test::open_connection;

namespace boost::test_tools::tt_detail {
template <>
struct print_log_value<error_category> {
  void operator()(std::ostream& os, error_category c) { os << drivers::to_string(c); }
};
} // namespace boost::test_tools::tt_detail

namespace {

constexpr const char* sentinel_password = "S3ntinel-pw-xyz";

/// Runs `f`, which must throw `database_error`, and returns what it threw.
drivers::error_info expect_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const drivers::database_error& e) {
    BOOST_TEST_MESSAGE("got: " << e.what());
    // The exception's text is the info's rendering.
    BOOST_TEST(std::string{e.what()} == e.info().to_string());
    BOOST_TEST(e.sqlstate() == e.info().sqlstate);
    BOOST_TEST(e.category() == e.info().category);
    return e.info();
  }
  BOOST_FAIL("expected a database_error, nothing was thrown");
  return {};
}

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// `key=value;`, the value braced only when it has to be.
std::string attribute(const drivers::connection_attribute& a) {
  if (a.value.find_first_of(";{}") == std::string::npos)
    return a.key + "=" + a.value + ";";
  std::string escaped;
  for (char c : a.value)
    escaped += c == '}' ? std::string{"}}"} : std::string(1, c);
  return a.key + "={" + escaped + "};";
}

/// The connection string without its password attributes.
std::string without_password(std::string_view cs) {
  std::string out;
  for (const auto& a : drivers::parse_connection_string(cs)) {
    if (drivers::is_secret_key(a.key))
      continue;
    out += attribute(a);
  }
  return out;
}

/// Asserts the sentinel password appears nowhere in an error.
void check_no_sentinel(const drivers::error_info& e) {
  const auto rendered = e.to_string();
  BOOST_TEST(rendered.find(sentinel_password) == std::string::npos, rendered);
  BOOST_TEST(e.message.find(sentinel_password) == std::string::npos, e.message);
  const drivers::database_error ex{e};
  BOOST_TEST(std::string{ex.what()}.find(sentinel_password) == std::string::npos);
}

} // namespace

BOOST_AUTO_TEST_SUITE(drivers_error)

BOOST_DATA_TEST_CASE(syntax_error_is_a_syntax_error, all_backends, backend) {
  auto conn = open_connection(backend);
  auto e = expect_error([&] { conn.execute("SELEC 1"); });
  BOOST_TEST(e.category == error_category::syntax);
  BOOST_TEST(!e.retryable);
  if (is_postgres(backend)) {
    BOOST_TEST(e.sqlstate == "42601");
  } else if (backend == backend::mariadb) {
    BOOST_TEST(e.sqlstate == "42000");
    BOOST_TEST(e.native_code == 1064);
  } else {
    BOOST_TEST(e.sqlstate == "HY000");
    BOOST_TEST(e.native_code == 1);
  }
  BOOST_TEST(e.message.find("SELEC") != std::string::npos, e.message);
  // The connection is still fine.
  BOOST_TEST(conn.execute("SELECT 1")->row_count() == 1u);
}

BOOST_DATA_TEST_CASE(missing_table_is_a_syntax_error, all_backends, backend) {
  auto conn = open_connection(backend);
  auto e = expect_error([&] { conn.execute("SELECT * FROM drivers_error_no_such_table"); });
  BOOST_TEST(e.category == error_category::syntax);
  BOOST_TEST(!e.retryable);
  if (is_postgres(backend))
    BOOST_TEST(e.sqlstate == "42P01");
  else if (backend == backend::mariadb)
    BOOST_TEST((e.sqlstate == "42S02" && e.native_code == 1146));
  else
    BOOST_TEST(e.native_code == 1);
  BOOST_TEST(e.message.find("drivers_error_no_such_table") != std::string::npos, e.message);
}

BOOST_DATA_TEST_CASE(unique_violation_is_a_constraint_error, all_backends, backend) {
  auto conn = open_connection(backend);
  gatherdb::test::scoped_table table{conn, "drivers_error_unique", "id BIGINT PRIMARY KEY"};
  drivers::prepared_statement insert{conn, "INSERT INTO " + table.name() + " (id) VALUES (?)"};
  insert.run({1});
  auto e = expect_error([&] { insert.run({1}); });
  BOOST_TEST(e.category == error_category::constraint);
  BOOST_TEST(!e.retryable);
  if (is_postgres(backend)) {
    BOOST_TEST(e.sqlstate == "23505");
  } else if (backend == backend::mariadb) {
    BOOST_TEST(e.sqlstate == "23000");
    BOOST_TEST(e.native_code == 1062);
  } else {
    BOOST_TEST(e.sqlstate.substr(0, 2) == "HY");
    BOOST_TEST(e.native_code == 19);
  }
  // The same prepared statement works again after the failure.
  insert.run({2});
  BOOST_TEST(conn.execute("SELECT id FROM " + table.name())->row_count() == 2u);
}

BOOST_DATA_TEST_CASE(failed_commit_of_a_transaction_keeps_the_connection_usable, all_backends,
                     backend) {
  auto conn = open_connection(backend);
  gatherdb::test::scoped_table table{conn, "drivers_error_tx", "id BIGINT PRIMARY KEY"};
  const auto insert = "INSERT INTO " + table.name() + " (id) VALUES (?)";
  conn.begin();
  conn.execute(insert, {1});
  auto e = expect_error([&] { conn.execute(insert, {1}); });
  BOOST_TEST(e.category == error_category::constraint);
  conn.rollback();
  BOOST_TEST(conn.autocommit());
  BOOST_TEST(conn.execute("SELECT id FROM " + table.name())->row_count() == 0u);
}

BOOST_DATA_TEST_CASE(wrong_password_is_a_login_error_without_the_password,
                     gatherdb::test::server_backends, backend) {
  const auto cs = without_password(gatherdb::test::connection_string(backend)) +
                  "Pwd=" + sentinel_password + ";";
  auto e = expect_error([&] { (void)drivers::connection::open(cs); });
  BOOST_TEST((e.sqlstate.substr(0, 2) == "08" || e.sqlstate.substr(0, 2) == "28"), e.sqlstate);
  BOOST_TEST(
      (e.category == error_category::permission || e.category == error_category::connection));
  BOOST_TEST(!e.retryable);
  check_no_sentinel(e);
  // Braced, with characters that need the braces.
  const auto braced = without_password(gatherdb::test::connection_string(backend)) + "Password={" +
                      sentinel_password + ";}}x};";
  auto e2 = expect_error([&] { (void)drivers::connection::open(braced); });
  BOOST_TEST(!e2.retryable);
  check_no_sentinel(e2);
  BOOST_TEST(e2.message.find(";}x") == std::string::npos, e2.message);
}

BOOST_DATA_TEST_CASE(nothing_listening_fails_within_the_login_timeout,
                     gatherdb::test::server_backends, backend) {
  auto cs = without_password(gatherdb::test::connection_string(backend));
  std::string rebuilt;
  for (const auto& a : drivers::parse_connection_string(cs)) {
    if (lower(a.key) == "server" || lower(a.key) == "servername" || lower(a.key) == "port")
      continue;
    rebuilt += attribute(a);
  }
  rebuilt += "Server=127.0.0.1;Port=1;Pwd=" + std::string{sentinel_password} + ";";
  const auto start = std::chrono::steady_clock::now();
  auto e = expect_error(
      [&] { (void)drivers::connection::open(rebuilt, std::chrono::milliseconds{2000}); });
  const auto elapsed = std::chrono::steady_clock::now() - start;
  BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() < 3000);
  // Connector/ODBC: HY000 with client error 2002 (cannot connect).
  BOOST_TEST((e.sqlstate.substr(0, 2) == "08" || e.native_code == 2002), e.sqlstate);
  BOOST_TEST(e.category == error_category::connection);
  check_no_sentinel(e);
}

BOOST_AUTO_TEST_CASE(sqlite_file_in_a_missing_directory_is_a_connection_error) {
  const auto file = gatherdb::test::scratch_dir::path() / "no-such-dir" / "x.db";
  auto e = expect_error(
      [&] { (void)drivers::connection::open("Driver=SQLite3;Database=" + file.string() + ";"); });
  BOOST_TEST(e.sqlstate == "HY000");
  BOOST_TEST(e.native_code == 14);
  BOOST_TEST(e.category == error_category::connection);
  BOOST_TEST(!e.retryable);
}

BOOST_AUTO_TEST_CASE(unknown_driver_is_a_final_connection_error) {
  auto e = expect_error([&] {
    (void)drivers::connection::open(
        "Driver={gatherdb no such driver};Pwd=" + std::string{sentinel_password} + ";");
  });
  BOOST_TEST((e.sqlstate == "IM002" || e.sqlstate == "01000"), e.sqlstate);
  BOOST_TEST(e.category == error_category::connection);
  BOOST_TEST(!e.retryable);
  check_no_sentinel(e);
  auto e2 = expect_error([&] { (void)drivers::connection::open("DSN=gatherdb_no_such_dsn;"); });
  BOOST_TEST(e2.sqlstate == "IM002");
  BOOST_TEST(!e2.retryable);
}

BOOST_AUTO_TEST_CASE(classify_decodes_sqlite_native_codes) {
  struct row {
    int native;
    error_category category;
    bool retryable;
  };
  const row table[] = {
      {5, error_category::timeout, true},        // SQLITE_BUSY: database is locked
      {9, error_category::cancelled, false},     // SQLITE_INTERRUPT
      {14, error_category::connection, false},   // SQLITE_CANTOPEN
      {19, error_category::constraint, false},   // SQLITE_CONSTRAINT
      {1, error_category::syntax, false},        // SQLITE_ERROR
      {18, error_category::data, false},         // SQLITE_TOOBIG
      {20, error_category::data, false},         // SQLITE_MISMATCH
      {2067, error_category::constraint, false}, // SQLITE_CONSTRAINT_UNIQUE (extended)
  };
  for (const auto& r : table) {
    BOOST_TEST_CONTEXT("native " << r.native) {
      auto e = drivers::classify("HY000", r.native, "m", true);
      BOOST_TEST(e.category == r.category);
      BOOST_TEST(e.retryable == r.retryable);
      BOOST_TEST(e.native_code == r.native);
      BOOST_TEST(e.sqlstate == "HY000");
      BOOST_TEST(e.message == "m");
    }
  }
  // The same HY000 from another driver says nothing about the category.
  BOOST_TEST(drivers::classify("HY000", 19, "m", false).category == error_category::other);
}

BOOST_AUTO_TEST_CASE(classify_decodes_postgresql_sqlstates) {
  struct row {
    const char* sqlstate;
    const char* message;
    error_category category;
    bool retryable;
  };
  const row table[] = {
      {"57014", "ERROR: canceling statement due to user request", error_category::cancelled, false},
      {"57014", "ERROR: canceling statement due to statement timeout", error_category::timeout,
       false},
      {"57P01", "FATAL: terminating connection due to administrator command",
       error_category::connection, true},
      {"08S01", "SQLExecDirect unable due to the connection lost", error_category::connection,
       true},
      {"08001", "could not connect to server: Connection refused", error_category::connection,
       true},
      {"08001", "FATAL: password authentication failed for user \"u\"", error_category::permission,
       false},
      {"40001", "could not serialize access due to concurrent update", error_category::other, true},
      {"40P01", "deadlock detected", error_category::other, true},
      {"23505", "duplicate key value violates unique constraint", error_category::constraint,
       false},
      {"42601", "syntax error", error_category::syntax, false},
      {"42P01", "relation does not exist", error_category::syntax, false},
      {"42501", "permission denied for table t", error_category::permission, false},
      {"28P01", "password authentication failed", error_category::permission, false},
      {"HYT00", "timeout expired", error_category::timeout, true},
      {"HY008", "operation cancelled", error_category::cancelled, false},
      {"IM002", "Data source name not found", error_category::connection, false},
      {"01000", "[unixODBC][Driver Manager]Can't open lib 'x' : file not found",
       error_category::connection, false},
      {"22012", "division by zero", error_category::data, false},
      {"22021", "invalid byte sequence for encoding \"UTF8\": 0xc3 0x28", error_category::data,
       false},
      {"22P02", "invalid input syntax for type integer", error_category::data, false},
      {"XX000", "internal error", error_category::other, false},
  };
  for (const auto& r : table) {
    BOOST_TEST_CONTEXT(r.sqlstate << " " << r.message) {
      auto e = drivers::classify(r.sqlstate, 1, r.message, false);
      BOOST_TEST(e.category == r.category);
      BOOST_TEST(e.retryable == r.retryable);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_lost_prepared_statement_says_what_to_do_and_a_read_may_retry_it) {
  auto e = drivers::classify("26000", 1, "ERROR: prepared statement \"_PLAN0x7f\" does not exist",
                             gatherdb::model::dialect::postgresql);
  BOOST_TEST(e.message.find("UseServerSidePrepare=0") != std::string::npos, e.message);
  BOOST_TEST(e.message.find("_PLAN0x7f") != std::string::npos);
  // It did not run: a fresh connection may run it.
  BOOST_TEST(drivers::to_string(e.category) == "connection");
  BOOST_TEST(e.retryable);
}

BOOST_AUTO_TEST_CASE(error_renders_sqlstate_native_and_category) {
  auto e = drivers::classify("42P01", 1, "relation \"x\" does not exist", false);
  BOOST_TEST(e.to_string() == "[SQLSTATE 42P01, native 1, syntax] relation \"x\" does not exist");
  BOOST_TEST(drivers::to_string(error_category::cancelled) == "cancelled");
  BOOST_TEST(drivers::to_string(error_category::other) == "other");
}

BOOST_AUTO_TEST_CASE(classify_decodes_mariadb_native_codes) {
  struct row {
    const char* sqlstate;
    int native;
    error_category category;
    bool retryable;
  };
  // SQLSTATEs as Connector/ODBC 3.1 reports them (HY018 for an interrupted query).
  const row table[] = {
      {"23000", 1062, error_category::constraint, false}, // duplicate key
      {"HY000", 1205, error_category::timeout, true},     // lock wait timeout
      {"40001", 1213, error_category::other, true},       // deadlock
      {"HY000", 2002, error_category::connection, true},  // cannot connect (refused)
      {"HY000", 2006, error_category::connection, true},  // server has gone away
      {"08S01", 2013, error_category::connection, true},  // lost connection during query
      {"70100", 1927, error_category::connection, true},  // connection was killed
      {"28000", 1045, error_category::permission, false}, // access denied (login)
      {"42000", 1142, error_category::permission, false}, // command denied on a table
      {"HY018", 1317, error_category::cancelled, false},  // query interrupted (KILL QUERY)
      {"HY018", 1969, error_category::timeout, false},    // max_statement_time exceeded
      {"HY000", 3024, error_category::timeout, false},    // MySQL's max_execution_time
      {"42000", 1064, error_category::syntax, false},     // syntax error
      {"42S02", 1146, error_category::syntax, false},     // no such table
      {"22001", 1406, error_category::data, false},       // data too long
      {"22007", 1366, error_category::data, false},       // incorrect string value
  };
  for (const auto& r : table) {
    BOOST_TEST_CONTEXT(r.sqlstate << " " << r.native) {
      auto e = drivers::classify(r.sqlstate, r.native, "m", gatherdb::model::dialect::mariadb);
      BOOST_TEST(e.category == r.category);
      BOOST_TEST(e.retryable == r.retryable);
    }
  }
  // The same numbers mean nothing from another driver.
  BOOST_TEST(drivers::classify("HY000", 1205, "m", false).category == error_category::other);
}

namespace {

/// Whether this run tests MariaDB (the server scenarios below need one).
boost::test_tools::assertion_result mariadb_enabled(boost::unit_test::test_unit_id) {
  return gatherdb::test::enabled(backend::mariadb);
}

} // namespace

BOOST_AUTO_TEST_CASE(mariadb_lock_wait_timeout_is_a_retryable_timeout,
                     *boost::unit_test::precondition(mariadb_enabled)) {
  auto holder = open_connection(backend::mariadb);
  auto waiter = open_connection(backend::mariadb);
  gatherdb::test::scoped_table table{holder, "drivers_error_lock", "id BIGINT PRIMARY KEY"};
  holder.execute("INSERT INTO " + table.name() + " (id) VALUES (1)");
  waiter.execute("SET SESSION innodb_lock_wait_timeout = 1");
  holder.begin();
  holder.execute("UPDATE " + table.name() + " SET id = 2 WHERE id = 1");
  auto e =
      expect_error([&] { waiter.execute("UPDATE " + table.name() + " SET id = 3 WHERE id = 1"); });
  holder.rollback();
  BOOST_TEST(e.native_code == 1205);
  BOOST_TEST(e.category == error_category::timeout);
  BOOST_TEST(e.retryable);
  BOOST_TEST(waiter.execute("SELECT id FROM " + table.name())->row_count() == 1u);
}

BOOST_AUTO_TEST_CASE(mariadb_killed_connection_is_a_retryable_connection_error,
                     *boost::unit_test::precondition(mariadb_enabled)) {
  auto victim = open_connection(backend::mariadb);
  auto killer = open_connection(backend::mariadb);
  const auto id = victim.execute("SELECT CONNECTION_ID()")->row(0).int64_at(0);
  drivers::prepared_statement sleep{victim, "SELECT SLEEP(30)"};
  auto kill = std::async(std::launch::async, [&] {
    // Poll until the sleep runs: a kill before it would end an idle connection instead.
    for (int i = 0; i < 1000; ++i) {
      auto r = killer.execute("SELECT count(*) FROM information_schema.processlist WHERE ID = ? "
                              "AND INFO LIKE 'SELECT SLEEP%'",
                              {gatherdb::model::value{id}});
      if (r->row(0).int64_at(0) > 0)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    killer.execute("KILL CONNECTION ?", {gatherdb::model::value{id}});
  });
  auto e = expect_error([&] { sleep.run({}); });
  kill.get();
  BOOST_TEST((e.native_code == 2013 || e.native_code == 2006), e.native_code);
  BOOST_TEST(e.category == error_category::connection);
  BOOST_TEST(e.retryable);
  BOOST_TEST(victim.is_dead());
}

BOOST_AUTO_TEST_SUITE_END()
