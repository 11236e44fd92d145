#pragma once
// Shared by the fault suites: the seeded database of tests/support under the suite family name
// "faults" (table faults_item_<pid>, application names gatherdb_faults_<what>_<pid>), helpers
// for gather results, a guard that stops and restarts the PostgreSQL cluster, and a helper that
// destroys a client while a scenario runs in another thread.
//
// Thread-safety: `seeded_database`, `pg_monitor` and `pg_server_guard` are used from one thread
// at a time; the entity mappings are immutable.

#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <future>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <unistd.h>
#include <vector>

#include "gatherdb/actors/client.hpp"
#include "gatherdb/model/statement.hpp"

#include "support/backends.hpp"
#include "support/gather_options.hpp"
#include "support/pg_monitor.hpp"
#include "support/print_log_values.hpp"
#include "support/seeded_database.hpp"
#include "support/slow_statements.hpp"

namespace gatherdb::faults_test {

/// The fault suites' family name in table, application and SQLite file names.
struct suite_tag {
  static constexpr std::string_view name = "faults";
};
using suite = test::seeded_suite<suite_tag>;

/// The entity of the fault suites, like the seed's `A`.
using item = suite::item;
using seeded_database = test::seeded_database<suite_tag>;
using pg_monitor = test::pg_monitor<suite_tag>;

using test::backend;
using test::clock_type;
using test::long_statement;
using test::millis;
using test::seeded_rows;
using test::slow_statements;
using namespace std::chrono_literals;

/// `faults_item_<pid>`: unique to the process.
inline const std::string& item_table() {
  return suite::item_table();
}

/// A value that identifies one scenario's client connections in pg_stat_activity.
inline std::string application_name(std::string_view what) {
  return suite::application_name(what);
}

/// `GATHERDB_PG_DSN` (fails the test when unset) with `application_name` set to `app`.
inline std::string postgres_dsn(std::string_view app) {
  return suite::postgres_dsn(app);
}

/// The connection string for `b`: SQLite gets a fresh database file per call.
inline std::string connection_string(backend b, std::string_view app = "default") {
  return suite::connection_string(b, app);
}

/// `select(A).where(A.data == "a_<k>")`.
inline model::statement select_data(int k) {
  return suite::select_data(k);
}

/// `n` statements selecting random rows (seeded, so reproducible), with duplicates.
inline std::vector<model::statement> random_selects(std::size_t n, unsigned seed) {
  return suite::random_selects(n, seed);
}

using test::collect;

/// Every outcome ok; the first error otherwise (for BOOST_TEST messages).
inline std::string first_error(const actors::gather_result& r) {
  for (std::size_t i = 0; i < r.outcomes.size(); ++i)
    if (!r.outcomes[i].ok())
      return "statement " + std::to_string(i) + ": " + r.outcomes[i].error.to_string();
  return {};
}

inline bool all_ok(const actors::gather_result& r) {
  for (const auto& o : r.outcomes)
    if (!o.ok())
      return false;
  return true;
}

/// Runs a cluster-control command as root: directly when we are root, else through
/// `sudo -n`. Returns the shell's exit status.
inline int run_as_root(const std::string& command) {
  const std::string full = (::geteuid() == 0 ? command : "sudo -n " + command) + " >/dev/null 2>&1";
  return std::system(full.c_str());
}

/// Whether PostgreSQL on 127.0.0.1:5432 accepts connections now.
inline bool pg_ready() {
  return std::system("pg_isready -q -h 127.0.0.1 -p 5432 >/dev/null 2>&1") == 0;
}

/// Waits (up to `timeout`) until PostgreSQL accepts connections.
inline bool wait_pg_ready(std::chrono::seconds timeout = 60s) {
  const auto until = clock_type::now() + timeout;
  while (clock_type::now() < until) {
    if (pg_ready())
      return true;
    std::this_thread::sleep_for(200ms);
  }
  return false;
}

/// Stops the local PostgreSQL 15 cluster on request and always starts it again: in `start()`,
/// or at the latest in the destructor (also when the test failed), then waits with pg_isready
/// until it accepts connections.
class pg_server_guard {
public:
  /// Throws when neither root nor passwordless sudo can control the cluster (the caller's test
  /// fails with this message).
  pg_server_guard() {
    if (::geteuid() != 0 && std::system("sudo -n true >/dev/null 2>&1") != 0)
      throw std::runtime_error("cannot stop/start PostgreSQL: not root and `sudo -n` is refused; "
                               "run the fault tests as root or allow passwordless sudo for "
                               "pg_ctlcluster");
  }
  pg_server_guard(const pg_server_guard&) = delete;
  pg_server_guard& operator=(const pg_server_guard&) = delete;
  ~pg_server_guard() {
    try {
      start();
    } catch (...) {
    }
  }

  /// `pg_ctlcluster 15 main stop -m fast`; throws when it fails.
  void stop() {
    stopped_ = true;
    if (run_as_root("pg_ctlcluster 15 main stop -m fast") != 0)
      throw std::runtime_error("`pg_ctlcluster 15 main stop -m fast` failed");
  }

  /// `pg_ctlcluster 15 main start` (when stopped), then waits for pg_isready; throws when the
  /// server does not come back.
  void start() {
    if (!stopped_)
      return;
    int rc = run_as_root("pg_ctlcluster 15 main start");
    if (rc != 0 && !pg_ready()) {
      std::this_thread::sleep_for(1s);
      rc = run_as_root("pg_ctlcluster 15 main start");
    }
    if (!wait_pg_ready())
      throw std::runtime_error("PostgreSQL did not accept connections after "
                               "`pg_ctlcluster 15 main start` (exit " +
                               std::to_string(rc) + ")");
    stopped_ = false;
  }

private:
  bool stopped_ = false;
};

/// Destroys `c` (while a scenario using it runs in another thread); returns how long that took.
inline clock_type::duration destroy_client(std::unique_ptr<actors::client>& c) {
  const auto t0 = clock_type::now();
  c.reset();
  return clock_type::now() - t0;
}

/// Runs `statements` on `c` in collect mode for a scenario that destroys `c` meanwhile; the
/// result, or what a `gather_error` carries (no outcomes: the gather did not end properly).
inline actors::gather_result gather_until_destroyed(const actors::client& c,
                                                    const std::vector<model::statement>& statements,
                                                    actors::gather_options options) {
  try {
    return c.gather(statements, std::move(options));
  } catch (const actors::gather_error& e) {
    return e.partial();
  }
}

/// Checks what a gather that the client's destruction ended returned: one outcome per
/// statement, each one ok or ended by the shutdown or on the database (cancelled there, or its
/// connection lost), at least `at_least_shutdown` of them by the shutdown.
inline void check_ended_by_shutdown(const actors::gather_result& r, std::size_t statements,
                                    std::size_t at_least_shutdown = 1) {
  BOOST_TEST_REQUIRE(r.outcomes.size() == statements);
  std::size_t by_shutdown = 0;
  for (const auto& o : r.outcomes) {
    if (o.ok())
      continue;
    const auto source = o.error.source;
    BOOST_TEST(
        (source == actors::error_source::shutdown || source == actors::error_source::database),
        o.error.to_string());
    by_shutdown += source == actors::error_source::shutdown ? 1 : 0;
  }
  BOOST_TEST(by_shutdown >= at_least_shutdown);
}

} // namespace gatherdb::faults_test
