#pragma once
// One scenario's view of its server connections on either server backend: `pg_monitor` on
// PostgreSQL (connections found by application name), `mariadb_monitor` on MariaDB (found by
// what they run), for the scenarios that kill a connection or check that a sleep has ended.
//
// Thread-safety: not thread-safe; used from one thread at a time.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "support/backends.hpp"
#include "support/mariadb_monitor.hpp"
#include "support/pg_monitor.hpp"

namespace gatherdb::test {

/// A monitor connection to server backend `b` for the scenario `app` of suite family `Suite`.
template <class Suite>
class server_monitor {
public:
  server_monitor(backend b, std::string_view app) {
    if (is_postgres(b))
      pg_.emplace(app);
    else if (b == backend::mariadb)
      maria_.emplace();
    else
      throw std::logic_error("server_monitor: SQLite has no server");
  }

  /// The scenario's connections running a `sleep_column`, `long_statement` or `slow_statement`.
  std::int64_t active_sleeps() { return pg_ ? pg_->active_sleeps() : maria_->active_sleeps(); }

  /// Kills one of the scenario's connections running a sleep; returns how many (0 or 1).
  std::int64_t kill_one_sleeping() {
    return pg_ ? pg_->terminate_one_sleeping() : maria_->kill_one_sleeping();
  }

  /// Kills one of the scenario's connections running a statement containing `fragment` (on
  /// MariaDB the fragment alone identifies the scenario: use one unique to the process).
  std::int64_t kill_one_running(std::string_view fragment) {
    return pg_ ? pg_->terminate_one_running(fragment) : maria_->kill_one_running(fragment);
  }

private:
  std::optional<pg_monitor<Suite>> pg_;
  std::optional<mariadb_monitor> maria_;
};

} // namespace gatherdb::test
