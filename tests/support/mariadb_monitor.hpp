#pragma once
// A MariaDB monitor connection that finds this process' client connections in
// information_schema.processlist by what they run, and kills them: the counterpart of
// `pg_monitor`. Connector/ODBC sets no application name, so a scenario marks its statements
// instead (the alias `mariadb_sleep_marker()`, or its process' unique table name).
//
// Thread-safety: not thread-safe; used from one thread at a time.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

#include "gatherdb/drivers/connection.hpp"

#include "support/backends.hpp"
#include "support/slow_statements.hpp"

namespace gatherdb::test {

/// A monitoring connection to MariaDB, of the same user as the clients (a user may see and
/// kill its own connections without further privileges).
class mariadb_monitor {
public:
  mariadb_monitor() : conn_(drivers::connection::open(mariadb_connection_string())) {}

  /// Connections other than this one running a statement that contains `fragment`.
  std::int64_t running(std::string_view fragment) {
    auto r = conn_.execute("SELECT count(*) FROM information_schema.processlist WHERE "
                           "ID <> CONNECTION_ID() AND INSTR(INFO, ?) > 0",
                           {model::value{std::string{fragment}}});
    return r->row(0).int64_at(0);
  }

  /// This process' connections running a `SLEEP` of `long_statement` or `slow_statement`.
  std::int64_t active_sleeps() { return running(mariadb_sleep_marker()); }

  /// Kills (`KILL CONNECTION`) one connection running a statement that contains `fragment`,
  /// the longest-running one; returns how many were killed (0 or 1).
  std::int64_t kill_one_running(std::string_view fragment) {
    auto r = conn_.execute("SELECT ID FROM information_schema.processlist WHERE "
                           "ID <> CONNECTION_ID() AND INSTR(INFO, ?) > 0 ORDER BY TIME_MS DESC "
                           "LIMIT 1",
                           {model::value{std::string{fragment}}});
    if (r->row_count() == 0)
      return 0;
    try {
      conn_.execute("KILL CONNECTION ?", {model::value{r->row(0).int64_at(0)}});
    } catch (const drivers::database_error&) {
      return 0; // it ended between the two statements (1094: unknown thread id)
    }
    return 1;
  }

  /// Kills one of this process' connections running a `SLEEP` (0 or 1).
  std::int64_t kill_one_sleeping() { return kill_one_running(mariadb_sleep_marker()); }

  /// Waits up to `timeout` for no connection to run a statement containing `fragment`.
  std::int64_t wait_running_at_most(std::string_view fragment, std::int64_t at_most,
                                    std::chrono::milliseconds timeout = std::chrono::milliseconds{
                                        3000}) {
    const auto until = clock_type::now() + timeout;
    auto n = running(fragment);
    while (n > at_most && clock_type::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
      n = running(fragment);
    }
    return n;
  }

private:
  drivers::connection conn_;
};

} // namespace gatherdb::test
