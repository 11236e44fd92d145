#pragma once
// Statements that take a while on either backend, and the clock the suites time them with.
//
// Thread-safety: every function here is thread-safe.

#include <chrono>
#include <string>

#include "gatherdb/model/statement.hpp"

#include "support/backends.hpp"

namespace gatherdb::test {

/// The clock the suites measure with.
using clock_type = std::chrono::steady_clock;

/// Whole milliseconds of a duration (Boost.Test cannot print durations).
[[nodiscard]] inline long long millis(clock_type::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

/// A statement that runs for many seconds unless cancelled (`pg_sleep(seconds)` on
/// PostgreSQL, a long recursive CTE on SQLite, whose driver ignores query timeouts).
[[nodiscard]] inline model::statement long_statement(backend b, int seconds = 30) {
  if (b == backend::postgresql)
    return model::statement::raw("SELECT pg_sleep(" + std::to_string(seconds) + ")", {}, true);
  return model::statement::raw(
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) "
      "SELECT count(*) FROM c",
      {}, true);
}

/// A statement taking roughly `ms` milliseconds on either backend.
[[nodiscard]] inline model::statement slow_statement(backend b, int ms) {
  if (b == backend::postgresql)
    return model::statement::raw("SELECT pg_sleep(" + std::to_string(ms / 1000.0) + ")", {}, true);
  // About 5 million steps per second here; not exact, and that is fine.
  return model::statement::raw(
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " +
          std::to_string(static_cast<long long>(ms) * 5000) + ") SELECT count(*) FROM c",
      {}, true);
}

} // namespace gatherdb::test
