#pragma once
// Shared by the fault suites: the test entity (table faults_item_<pid>), a seeded database per
// backend, client settings for it, a PostgreSQL monitor that finds our client's backends through
// their application_name, a guard that stops and restarts the PostgreSQL cluster, and a helper
// that destroys a client while a scenario runs in another thread.
//
// Thread-safety: `seeded_database`, `pg_monitor` and `pg_server_guard` are used from one thread
// at a time; the entity mappings are immutable.

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <future>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gatherdb/actors/client.hpp"
#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/drivers/connection_executor.hpp"
#include "gatherdb/model/entity.hpp"
#include "gatherdb/model/metadata.hpp"
#include "gatherdb/model/query.hpp"
#include "gatherdb/model/session_state.hpp"
#include "gatherdb/model/statement.hpp"
#include "support/backends.hpp"

#include <boost/test/tools/detail/print_helper.hpp>

// Boost.Test prints these by name in failed checks.
namespace boost::test_tools::tt_detail {
template <>
struct print_log_value<gatherdb::actors::outcome_status> {
  void operator()(std::ostream& os, gatherdb::actors::outcome_status s) {
    os << gatherdb::actors::to_string(s);
  }
};
template <>
struct print_log_value<gatherdb::actors::error_source> {
  void operator()(std::ostream& os, gatherdb::actors::error_source s) {
    os << gatherdb::actors::to_string(s);
  }
};
template <>
struct print_log_value<gatherdb::drivers::error_category> {
  void operator()(std::ostream& os, gatherdb::drivers::error_category c) {
    os << gatherdb::drivers::to_string(c);
  }
};
} // namespace boost::test_tools::tt_detail

namespace gatherdb::faults_test {

/// The entity of the fault suites, like the seed's `A`.
struct item {
  std::int64_t id = 0;
  std::string data;
};

/// Unique to the process: the suites run as parallel processes on one PostgreSQL database.
inline const std::string& item_table() {
  static const std::string name = "faults_item_" + std::to_string(::getpid());
  return name;
}

} // namespace gatherdb::faults_test

template <>
struct gatherdb::model::entity_definition<gatherdb::faults_test::item> {
  static entity_mapping<gatherdb::faults_test::item> define() {
    using gatherdb::faults_test::item;
    return entity_mapping<item>{gatherdb::faults_test::item_table(), "A"}
      .generated_key(&item::id, "id")
      .repr_as("id_")
      .column(&item::data, "data");
  }
};

namespace gatherdb::faults_test {

using test::backend;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

/// Whole milliseconds of a duration (Boost.Test cannot print durations).
inline long long millis(clock_type::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

/// Rows in the seeded table: `a_0` ... `a_99`.
inline constexpr int seeded_rows = 100;

/// A value that identifies one scenario's client connections in pg_stat_activity.
inline std::string application_name(std::string_view what) {
  return "gatherdb_faults_" + std::string{what} + "_" + std::to_string(::getpid());
}

/// `GATHERDB_PG_DSN` (fails the test when unset) with `application_name` set to `app`.
inline std::string postgres_dsn(std::string_view app) {
  return test::postgres_connection_string() + "pqopt={application_name=" + application_name(app) +
         "};";
}

/// The connection string for `b`: SQLite gets a fresh database file per call.
inline std::string connection_string(backend b, std::string_view app = "default") {
  if (b == backend::sqlite)
    return test::sqlite_connection_string(test::unique_name("faults"));
  return postgres_dsn(app);
}

/// Collect-mode options with an optional deadline.
inline actors::gather_options collect(std::chrono::milliseconds timeout = 0ms) {
  actors::gather_options o;
  o.mode = actors::gather_mode::collect;
  o.timeout = timeout;
  return o;
}

/// A backend with the `item` table created and seeded with 100 rows; drops it at the end.
class seeded_database {
public:
  explicit seeded_database(backend b, std::string_view app = "default")
    : backend_(b),
      dsn_(connection_string(b, app)),
      // Not under the client's application name, so that it never counts as one of its
      // connections in pg_stat_activity.
      conn_(drivers::connection::open(b == backend::sqlite ? dsn_
                                                           : test::postgres_connection_string())) {
    drivers::connection_executor ex{conn_};
    md_.add<item>();
    md_.drop_all(ex);
    md_.create_all(ex);
    model::session_state s;
    std::vector<item> rows;
    for (int i = 0; i < seeded_rows; ++i)
      rows.push_back(item{0, "a_" + std::to_string(i)});
    s.add_all(std::move(rows));
    s.commit(ex);
  }
  seeded_database(const seeded_database&) = delete;
  seeded_database& operator=(const seeded_database&) = delete;
  ~seeded_database() {
    try {
      drivers::connection_executor ex{conn_};
      md_.drop_all(ex);
    } catch (...) {
      // A test that stopped the server broke this connection: drop with a fresh one.
      try {
        auto fresh = drivers::connection::open(
          backend_ == backend::sqlite ? dsn_ : test::postgres_connection_string());
        drivers::connection_executor ex{fresh};
        md_.drop_all(ex);
      } catch (...) {
        // The table dies with the SQLite file; on PostgreSQL its name is unique to the process.
      }
    }
  }

  [[nodiscard]] backend which() const noexcept { return backend_; }
  [[nodiscard]] const std::string& dsn() const noexcept { return dsn_; }
  [[nodiscard]] drivers::connection& connection() noexcept { return conn_; }

  /// Client settings for this database.
  [[nodiscard]] actors::settings settings(std::size_t pool_size = 4) const {
    actors::settings s;
    s.dsn = dsn_;
    s.pool_size = pool_size;
    return s;
  }

private:
  backend backend_;
  std::string dsn_;
  drivers::connection conn_;
  model::metadata md_;
};

/// `select(A).where(A.data == "a_<k>")`.
inline model::statement select_data(int k) {
  return model::select<item>().where(model::col(&item::data) == "a_" + std::to_string(k));
}

/// `n` statements selecting random rows (seeded, so reproducible), with duplicates.
inline std::vector<model::statement> random_selects(std::size_t n, unsigned seed) {
  std::mt19937 rng{seed};
  std::uniform_int_distribution<int> pick{0, seeded_rows - 1};
  std::vector<model::statement> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(select_data(pick(rng)));
  return out;
}

/// A statement that runs for many seconds unless cancelled (`pg_sleep` on PostgreSQL, a long
/// recursive CTE on SQLite, whose driver ignores query timeouts).
inline model::statement long_statement(backend b, int seconds = 30) {
  if (b == backend::postgresql)
    return model::statement::raw("SELECT pg_sleep(" + std::to_string(seconds) + ")", {}, true);
  return model::statement::raw(
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) "
    "SELECT count(*) FROM c",
    {}, true);
}

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

/// A monitoring connection to PostgreSQL (no application name of ours, so it never counts
/// itself), of the same role as the client, that inspects the backends of one application.
class pg_monitor {
public:
  explicit pg_monitor(std::string_view app)
    : app_(application_name(app)),
      conn_(drivers::connection::open(test::postgres_connection_string())) {}

  /// Connections of our application open now.
  std::int64_t connections() {
    return scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?");
  }

  /// Our application's backends running a pg_sleep now.
  std::int64_t active_sleeps() {
    return scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = ? AND "
                  "state = 'active' AND query LIKE '%pg_sleep%'");
  }

  /// Terminates one of our application's backends (the one with the lowest pid, so a retried
  /// statement's fresh connection is rarely the next victim); returns how many (0 or 1).
  std::int64_t terminate_one() {
    return scalar("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM "
                  "(SELECT pid FROM pg_stat_activity WHERE application_name = ? "
                  "ORDER BY backend_start LIMIT 1) p) t");
  }

  /// Waits up to `timeout` for our application's connection count to drop to `at_most`.
  std::int64_t wait_connections_at_most(std::int64_t at_most,
                                        std::chrono::milliseconds timeout = 3000ms) {
    const auto until = clock_type::now() + timeout;
    auto n = connections();
    while (n > at_most && clock_type::now() < until) {
      std::this_thread::sleep_for(20ms);
      n = connections();
    }
    return n;
  }

private:
  std::int64_t scalar(const std::string& sql) {
    auto r = conn_.execute(sql, {model::value{app_}});
    return r->row(0).int64_at(0);
  }

  std::string app_;
  drivers::connection conn_;
};

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
                               "`pg_ctlcluster 15 main start` (exit " + std::to_string(rc) + ")");
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

} // namespace gatherdb::faults_test
