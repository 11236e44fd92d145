#pragma once
// Statements that take a while on either backend, and the clock the suites time them with.
//
// Thread-safety: every function here is thread-safe.

#include <algorithm>
#include <chrono>
#include <string>
#include <unistd.h>

#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/drivers/prepared_statement.hpp"
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

/// SQL counting to `steps` with a recursive CTE: SQLite has no sleep.
[[nodiscard]] inline std::string sqlite_counting_sql(long long steps) {
  return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " +
         std::to_string(steps) + ") SELECT count(*) FROM c";
}

/// How many steps of `sqlite_counting_sql` this machine runs per millisecond, measured once
/// per process (the best of three runs on an in-memory database), so that a "slow" SQLite
/// statement is slow on a fast machine too.
[[nodiscard]] inline long long sqlite_steps_per_ms() {
  static const long long measured = [] {
    constexpr long long steps = 1'000'000;
    auto conn = drivers::connection::open("Driver=SQLite3;Database=:memory:;");
    drivers::prepared_statement count{conn, sqlite_counting_sql(steps)};
    auto best = clock_type::duration::max();
    for (int i = 0; i < 3; ++i) {
      const auto started = clock_type::now();
      (void)count.run({});
      best = std::min(best, clock_type::now() - started);
    }
    const auto us =
        std::max<long long>(1, std::chrono::duration_cast<std::chrono::microseconds>(best).count());
    return std::max<long long>(1, steps * 1000 / us);
  }();
  return measured;
}

/// A statement that runs for at least about `seconds` unless cancelled (`pg_sleep` on
/// PostgreSQL, `SLEEP` on MariaDB, a count sized to this machine on SQLite, whose driver
/// ignores query timeouts).
[[nodiscard]] inline model::statement long_statement(backend b, int seconds = 30) {
  if (is_postgres(b))
    return model::statement::raw("SELECT pg_sleep(" + std::to_string(seconds) + ")", {}, true);
  if (b == backend::mariadb)
    return model::statement::raw(mariadb_sleep_sql(seconds), {}, true);
  return model::statement::raw(sqlite_counting_sql(2LL * seconds * 1000 * sqlite_steps_per_ms()),
                               {}, true);
}

/// A statement taking at least about `ms` milliseconds on any backend: a server-side sleep, or
/// on SQLite a count sized to this machine's speed (twice the measured steps, since a run
/// measured under less load than it meets later would end early).
[[nodiscard]] inline model::statement slow_statement(backend b, int ms) {
  if (is_postgres(b))
    return model::statement::raw("SELECT pg_sleep(" + std::to_string(ms / 1000.0) + ")", {}, true);
  if (b == backend::mariadb)
    return model::statement::raw(mariadb_sleep_sql(ms / 1000.0), {}, true);
  return model::statement::raw(sqlite_counting_sql(2LL * ms * sqlite_steps_per_ms()), {}, true);
}

} // namespace gatherdb::test
