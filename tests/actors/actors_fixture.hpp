#pragma once
// Shared by the actors suites: the test entity, a seeded database per backend, a client
// configured for it, the sequential reference (one session, one connection) and a PostgreSQL
// monitor connection that watches our own backends through pg_stat_activity.
//
// Thread-safety: `seeded_database` and `pg_monitor` are used from one thread at a time; the
// entity mapping is immutable.

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <string>
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

namespace gatherdb::actors_test {

/// The entity of every actors suite, like the seed's `A`.
struct item {
  std::int64_t id = 0;
  std::string data;
};

/// Its table name is unique to the process: the suites run as parallel processes on one
/// PostgreSQL database.
inline const std::string& item_table() {
  static const std::string name = "actors_item_" + std::to_string(::getpid());
  return name;
}

} // namespace gatherdb::actors_test

template <>
struct gatherdb::model::entity_definition<gatherdb::actors_test::item> {
  static entity_mapping<gatherdb::actors_test::item> define() {
    using gatherdb::actors_test::item;
    return entity_mapping<item>{gatherdb::actors_test::item_table(), "A"}
      .generated_key(&item::id, "id")
      .repr_as("id_")
      .column(&item::data, "data");
  }
};

namespace gatherdb::actors_test {

using test::backend;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

/// Whole milliseconds of a duration (Boost.Test cannot print durations).
inline long long millis(clock_type::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

/// Rows in the seeded table: `a_0` ... `a_99`.
inline constexpr int seeded_rows = 100;

/// A value that identifies our client's connections in pg_stat_activity.
inline std::string application_name(std::string_view what) {
  return "gatherdb_actors_" + std::string{what} + "_" + std::to_string(::getpid());
}

/// The connection string for `b`: SQLite gets a fresh database file per call; PostgreSQL gets
/// GATHERDB_PG_DSN (fails the test when unset) with `application_name` set to `app`.
inline std::string connection_string(backend b, std::string_view app = "default") {
  if (b == backend::sqlite)
    return test::sqlite_connection_string(test::unique_name("actors"));
  return test::postgres_connection_string() + "pqopt={application_name=" + application_name(app) +
         "};";
}

/// A backend with the `item` table created and seeded with 100 rows (one transaction, one
/// session); drops the table when it goes out of scope.
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
      // The table dies with the SQLite file; on PostgreSQL the name is unique to the process.
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

/// The reference: every statement in order in ONE session on ONE connection.
struct sequential_run {
  model::session_state session;
  std::vector<model::merged_result> results;
};

inline sequential_run run_sequentially(const std::string& dsn,
                                       const std::vector<model::statement>& statements) {
  sequential_run out;
  auto conn = drivers::connection::open(dsn);
  drivers::connection_executor ex{conn};
  for (const auto& st : statements) {
    auto sql = st.compile(conn.sql_dialect());
    auto rows = ex.execute(sql.sql, sql.params);
    out.results.push_back(out.session.merge(st, rows));
  }
  return out;
}

/// A statement that runs for many seconds unless cancelled (`pg_sleep(seconds)` on
/// PostgreSQL, a long recursive CTE on SQLite, whose driver ignores query timeouts).
inline model::statement long_statement(backend b, int seconds = 30) {
  if (b == backend::postgresql)
    return model::statement::raw("SELECT pg_sleep(" + std::to_string(seconds) + ")", {}, true);
  return model::statement::raw(
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) "
    "SELECT count(*) FROM c",
    {}, true);
}

/// A statement taking roughly `ms` milliseconds on either backend.
inline model::statement slow_statement(backend b, int ms) {
  if (b == backend::postgresql)
    return model::statement::raw("SELECT pg_sleep(" + std::to_string(ms / 1000.0) + ")", {}, true);
  // About 5 million steps per second here; not exact, and that is fine.
  return model::statement::raw(
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " +
      std::to_string(static_cast<long long>(ms) * 5000) + ") SELECT count(*) FROM c",
    {}, true);
}

/// A monitoring connection to PostgreSQL (no application name of ours, so it never counts
/// itself) that inspects the backends of one application name.
class pg_monitor {
public:
  explicit pg_monitor(std::string app)
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

  /// Terminates one of our application's backends that runs a pg_sleep; returns how many
  /// were terminated (0 or 1).
  std::int64_t terminate_one_sleeping() {
    return scalar("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                  "WHERE application_name = ? AND state = 'active' AND query LIKE '%pg_sleep%' "
                  "LIMIT 1) t");
  }

private:
  std::int64_t scalar(const std::string& sql) {
    auto r = conn_.execute(sql, {model::value{app_}});
    return r->row(0).int64_at(0);
  }

  std::string app_;
  drivers::connection conn_;
};

} // namespace gatherdb::actors_test
