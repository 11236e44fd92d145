#pragma once
// Statements that take a while on either backend, and the clock the suites time them with.
//
// Thread-safety: every function here is thread-safe.

#include <chrono>
#include <string>
#include <unistd.h>

#include "gatherdb/model/statement.hpp"

#include "support/backends.hpp"

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

/// A statement that runs for many seconds unless cancelled (`pg_sleep(seconds)` on
/// PostgreSQL, `SLEEP(seconds)` on MariaDB, a long recursive CTE on SQLite, whose driver
/// ignores query timeouts).
[[nodiscard]] inline model::statement long_statement(backend b, int seconds = 30) {
  if (is_postgres(b))
    return model::statement::raw("SELECT pg_sleep(" + std::to_string(seconds) + ")", {}, true);
  if (b == backend::mariadb)
    return model::statement::raw(mariadb_sleep_sql(seconds), {}, true);
  return model::statement::raw(
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) "
      "SELECT count(*) FROM c",
      {}, true);
}

/// A statement taking roughly `ms` milliseconds on either backend.
[[nodiscard]] inline model::statement slow_statement(backend b, int ms) {
  if (is_postgres(b))
    return model::statement::raw("SELECT pg_sleep(" + std::to_string(ms / 1000.0) + ")", {}, true);
  if (b == backend::mariadb)
    return model::statement::raw(mariadb_sleep_sql(ms / 1000.0), {}, true);
  // About 5 million steps per second here; not exact, and that is fine.
  return model::statement::raw(
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " +
          std::to_string(static_cast<long long>(ms) * 5000) + ") SELECT count(*) FROM c",
      {}, true);
}

} // namespace gatherdb::test
