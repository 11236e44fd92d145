#pragma once
// A PostgreSQL monitor connection that watches one scenario's client backends through
// pg_stat_activity, found by the application_name `seeded_suite<Suite>` gives them.
//
// Thread-safety: not thread-safe; used from one thread at a time.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

#include "gatherdb/drivers/connection.hpp"

#include "support/backends.hpp"
#include "support/own_connections.hpp"
#include "support/seeded_database.hpp"
#include "support/slow_statements.hpp"

namespace gatherdb::test {

/// A monitoring connection to PostgreSQL (no application name of ours, so it never counts
/// itself), of the same role as the client, that inspects the backends of one application.
template <class Suite>
class pg_monitor {
public:
  /// Watches the connections opened with `seeded_suite<Suite>::postgres_dsn(app)`; behind
  /// PgBouncer (`b == backend::pgbouncer`) the client's connections are this process' own.
  explicit pg_monitor(std::string_view app, backend b = backend::postgresql)
      : app_(seeded_suite<Suite>::application_name(app)),
        proxy_port_(b == backend::pgbouncer ? port_of(pgbouncer_connection_string()) : 0),
        conn_(drivers::connection::open(postgres_connection_string())) {}

  /// The client's connections open now: our application's backends, or behind PgBouncer
  /// (which keeps its server connections) this process' connections to PgBouncer.
  std::int64_t connections() {
    if (proxy_port_ != 0)
      return own_connections_to(proxy_port_);
    return scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?");
  }

  /// Our application's backends running a pg_sleep now.
  std::int64_t active_sleeps() {
    return scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = ? AND "
                  "state = 'active' AND query LIKE '%pg_sleep%'");
  }

  /// Terminates one of our application's backends that runs a pg_sleep; returns how many
  /// were terminated (0 or 1).
  std::int64_t terminate_one_sleeping() {
    return scalar("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                  "WHERE application_name = ? AND state = 'active' AND query LIKE '%pg_sleep%' "
                  "LIMIT 1) t");
  }

  /// Terminates one of our application's backends that runs a batch of pg_sleep statements
  /// (one query of several, as psqlODBC sends a parameter array); returns how many (0 or 1).
  std::int64_t terminate_one_sleeping_batch() {
    return scalar("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                  "WHERE application_name = ? AND state = 'active' AND "
                  "query LIKE '%pg_sleep%;%pg_sleep%' LIMIT 1) t");
  }

  /// Terminates one of our application's backends that runs a query containing `fragment`;
  /// returns how many were terminated (0 or 1).
  std::int64_t terminate_one_running(std::string_view fragment) {
    auto r = conn_.execute("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM "
                           "pg_stat_activity WHERE application_name = ? AND state = 'active' "
                           "AND strpos(query, ?) > 0 LIMIT 1) t",
                           {model::value{app_}, model::value{std::string{fragment}}});
    return r->row(0).int64_at(0);
  }

  /// Terminates one backend of any application that runs a query containing `fragment` (one
  /// unique to the process, such as its table's name); returns how many (0 or 1). Behind
  /// PgBouncer, whose server connections serve every client in turn, this is the only safe
  /// way to pick one of ours.
  std::int64_t terminate_one_running_anywhere(std::string_view fragment) {
    auto r = conn_.execute("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM "
                           "pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() "
                           "AND strpos(query, ?) > 0 AND strpos(query, 'pg_stat_activity') = 0 "
                           "LIMIT 1) t",
                           {model::value{std::string{fragment}}});
    return r->row(0).int64_at(0);
  }

  /// Terminates one of our application's backends (the one with the lowest pid, so a retried
  /// statement's fresh connection is rarely the next victim); returns how many (0 or 1).
  std::int64_t terminate_one() {
    return scalar("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM "
                  "(SELECT pid FROM pg_stat_activity WHERE application_name = ? "
                  "ORDER BY backend_start LIMIT 1) p) t");
  }

  /// Waits up to `timeout` for our application's connection count to drop to `at_most`.
  std::int64_t
  wait_connections_at_most(std::int64_t at_most,
                           std::chrono::milliseconds timeout = std::chrono::milliseconds{3000}) {
    const auto until = clock_type::now() + timeout;
    auto n = connections();
    while (n > at_most && clock_type::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
      n = connections();
    }
    return n;
  }

private:
  static int port_of(const std::string& dsn) {
    const auto at = dsn.find("Port=");
    return at == std::string::npos ? 5432 : std::stoi(dsn.substr(at + 5));
  }

  std::int64_t scalar(const std::string& sql) {
    auto r = conn_.execute(sql, {model::value{app_}});
    return r->row(0).int64_at(0);
  }

  std::string app_;
  int proxy_port_;
  drivers::connection conn_;
};

} // namespace gatherdb::test
