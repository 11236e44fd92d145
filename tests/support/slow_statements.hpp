#pragma once
// Statements that take a while on any backend, whatever this machine's speed, and the clock the
// suites time them with.
//
// Thread-safety: the free functions are thread-safe; a `slow_statements` object is not (one
// test thread uses it; its own releasing thread shares nothing else with callers).

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <unistd.h>

#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/model/statement.hpp"

#include "support/backends.hpp"
#include "support/pg_advisory_lock.hpp"

namespace gatherdb::test {

/// The clock the suites measure with.
using clock_type = std::chrono::steady_clock;

/// Whole milliseconds of a duration (Boost.Test cannot print durations).
[[nodiscard]] inline long long millis(clock_type::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

/// The column alias of this process' MariaDB sleeps: Connector/ODBC sets no application name,
/// so `mariadb_monitor` finds this process' sleeping connections by it in the processlist.
[[nodiscard]] inline std::string mariadb_sleep_marker() {
  return "gatherdb_sleep_" + std::to_string(::getpid());
}

/// A select-list item that sleeps `seconds` on a server backend: `pg_sleep(<seconds>)` on
/// PostgreSQL, `SLEEP(<seconds>) AS <marker>` on MariaDB (a kill or a cancel ends it with
/// error 1317).
[[nodiscard]] inline std::string sleep_column(backend b, double seconds) {
  if (is_postgres(b))
    return "pg_sleep(" + std::to_string(seconds) + ")";
  return "SLEEP(" + std::to_string(seconds) + ") AS " + mariadb_sleep_marker();
}

/// `SELECT SLEEP(<seconds>) AS <marker>` on MariaDB.
[[nodiscard]] inline std::string mariadb_sleep_sql(double seconds) {
  return "SELECT " + sleep_column(backend::mariadb, seconds);
}

/// How long a `long_statement` runs by default. A test that ends such statements by a cancel,
/// a deadline or a shutdown bounds its own duration by half of it: it then fails only when the
/// statements ran to their end, however slow the machine.
inline constexpr int long_statement_seconds = 60;

/// A statement that runs for many seconds unless cancelled (`pg_sleep(seconds)` on
/// PostgreSQL, `SLEEP(seconds)` on MariaDB; on SQLite, whose driver ignores query timeouts, a
/// recursive CTE of two billion steps: minutes on any machine, ended only by a cancel).
[[nodiscard]] inline model::statement long_statement(backend b,
                                                     int seconds = long_statement_seconds) {
  if (is_postgres(b))
    return model::statement::raw("SELECT pg_sleep(" + std::to_string(seconds) + ")", {}, true);
  if (b == backend::mariadb)
    return model::statement::raw(mariadb_sleep_sql(seconds), {}, true);
  return model::statement::raw(
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) "
      "SELECT count(*) FROM c",
      {}, true);
}

/// Statements that end no sooner than a given time, on one database. A server sleeps
/// (`pg_sleep`, `SLEEP`) from the statement's start. SQLite cannot sleep in SQL, and a CPU-bound
/// query lasts as long as this machine makes it; so there the statement is a write that waits
/// in the driver's busy handler for a write lock this object holds on the same file, from
/// `lasting()` until the time is up or `release()`. Reads are not blocked by that lock.
class slow_statements {
public:
  /// For the database `dsn` of backend `b` (for SQLite, the file the client under test uses).
  slow_statements(backend b, std::string dsn) : backend_(b) {
    if (backend_ != backend::sqlite)
      return;
    conn_.emplace(drivers::connection::open(dsn));
    conn_->execute("CREATE TABLE IF NOT EXISTS gatherdb_slow_lock (n INTEGER)");
    conn_->execute("INSERT INTO gatherdb_slow_lock (n) VALUES (0)");
  }
  slow_statements(const slow_statements&) = delete;
  slow_statements& operator=(const slow_statements&) = delete;
  ~slow_statements() {
    release();
    if (releaser_.joinable())
      releaser_.join();
  }

  /// A statement ending no sooner than `ms` milliseconds from now (from its start on a
  /// server). On SQLite every such statement waits for the same lock: they all end once the
  /// longest time asked for is up, one after another.
  [[nodiscard]] model::statement lasting(int ms) {
    if (backend_ != backend::sqlite) {
      const double seconds = ms / 1000.0;
      if (is_postgres(backend_))
        return model::statement::raw("SELECT " + sleep_column(backend_, seconds), {}, true);
      return model::statement::raw(mariadb_sleep_sql(seconds), {}, true);
    }
    hold_until(clock_type::now() + std::chrono::milliseconds{ms});
    return model::statement::raw("UPDATE gatherdb_slow_lock SET n = n + 1");
  }

  /// A statement that waits until `release()`, on every backend: SQLite's write; on
  /// PostgreSQL (also through PgBouncer) an advisory lock, on MariaDB a named lock, that this
  /// object holds on a connection straight to the server.
  [[nodiscard]] model::statement until_released() {
    if (backend_ == backend::sqlite) {
      hold_until(clock_type::now() + std::chrono::hours{1});
      return model::statement::raw("UPDATE gatherdb_slow_lock SET n = n + 1");
    }
    if (is_postgres(backend_)) {
      if (!pg_lock_)
        pg_lock_.emplace();
      return model::statement::raw("SELECT " + pg_lock_->waiting_sql(), {}, true);
    }
    const auto name = "gatherdb_hold_" + std::to_string(::getpid());
    if (!conn_) {
      conn_.emplace(drivers::connection::open(mariadb_connection_string()));
      conn_->execute("SELECT GET_LOCK(?, 0)", {model::value{name}});
    }
    return model::statement::raw(
        "SELECT GET_LOCK('" + name + "', 600) AS g, RELEASE_LOCK('" + name + "') AS r", {}, true);
  }

  /// Lets the waiting statements run now.
  void release() {
    if (pg_lock_)
      pg_lock_->release();
    if (conn_ && backend_ == backend::mariadb) {
      conn_.reset(); // a named lock ends with its connection
      return;
    }
    {
      std::lock_guard<std::mutex> lock{mutex_};
      released_ = true;
    }
    changed_.notify_all();
  }

private:
  void hold_until(clock_type::time_point until) {
    std::unique_lock<std::mutex> lock{mutex_};
    if (held_ && !released_) {
      until_ = std::max(until_, until);
      return;
    }
    lock.unlock();
    if (releaser_.joinable())
      releaser_.join();
    lock.lock();
    // The write takes the lock at once (nothing else writes this table); the statements under
    // test then wait for it in the driver's busy handler (its timeout is 100 s by default).
    conn_->begin();
    conn_->execute("UPDATE gatherdb_slow_lock SET n = n + 1");
    held_ = true;
    released_ = false;
    until_ = until;
    releaser_ = std::thread{[this] {
      std::unique_lock<std::mutex> hold{mutex_};
      while (!released_ && clock_type::now() < until_)
        changed_.wait_until(hold, until_);
      conn_->rollback();
      held_ = false;
    }};
  }

  backend backend_;
  std::optional<drivers::connection> conn_;
  std::optional<pg_advisory_lock> pg_lock_;
  std::mutex mutex_;
  std::condition_variable changed_;
  clock_type::time_point until_{};
  bool held_ = false;
  bool released_ = false;
  std::thread releaser_;
};

} // namespace gatherdb::test
