#pragma once
// A seeded test database for the suites that run the actors against a real backend (actors,
// faults): the test entity `seeded_item` (like the seed's `A`), the names one suite family
// uses (table `<suite>_item_<pid>`, application_name `gatherdb_<suite>_<what>_<pid>`), a
// database per backend with 100 rows, and the statements that select them.
//
// Every template here takes a `Suite` tag with `static constexpr std::string_view name`
// ("actors", "faults"): the suites run as parallel processes on one PostgreSQL database, so
// each family's table and application names must differ from the others'.
//
// Thread-safety: `seeded_database` is used from one thread at a time; the entity mapping and
// the name functions are immutable once built.

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#include "gatherdb/actors/settings.hpp"
#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/drivers/connection_executor.hpp"
#include "gatherdb/model/entity.hpp"
#include "gatherdb/model/metadata.hpp"
#include "gatherdb/model/query.hpp"
#include "gatherdb/model/session_state.hpp"
#include "gatherdb/model/statement.hpp"

#include "support/backends.hpp"

namespace gatherdb::test {

/// The entity of a suite family, like the seed's `A`: mapped to `<Suite::name>_item_<pid>`.
template <class Suite>
struct seeded_item {
  std::int64_t id = 0;
  std::string data;
};

/// Rows in the seeded table: `a_0` ... `a_99`.
inline constexpr int seeded_rows = 100;

/// The names and statements of the suite family `Suite`.
template <class Suite>
struct seeded_suite {
  using item = seeded_item<Suite>;

  /// `<suite>_item_<pid>`: unique to the process and to the suite family.
  [[nodiscard]] static const std::string& item_table() {
    static const std::string name =
        std::string{Suite::name} + "_item_" + std::to_string(::getpid());
    return name;
  }

  /// `gatherdb_<suite>_<what>_<pid>`: identifies one scenario's client connections in
  /// pg_stat_activity.
  [[nodiscard]] static std::string application_name(std::string_view what) {
    return "gatherdb_" + std::string{Suite::name} + "_" + std::string{what} + "_" +
           std::to_string(::getpid());
  }

  /// `GATHERDB_PG_DSN` (fails the test when unset) with `application_name` set to `app`.
  [[nodiscard]] static std::string postgres_dsn(std::string_view app) {
    return postgres_connection_string() + "pqopt={application_name=" + application_name(app) + "};";
  }

  /// The connection string for `b`: SQLite gets a fresh database file per call; PostgreSQL
  /// gets `postgres_dsn(app)`, and through PgBouncer the same application name (PgBouncer sets
  /// it on the server connection a client's transaction runs on); MariaDB its DSN (Connector/ODBC
  /// sets no application name: its scenarios find their connections by what they run, see
  /// `mariadb_monitor`).
  [[nodiscard]] static std::string connection_string(backend b, std::string_view app = "default") {
    switch (b) {
    case backend::sqlite:
      return sqlite_connection_string(unique_name(Suite::name));
    case backend::postgresql:
      return postgres_dsn(app);
    case backend::pgbouncer:
      return pgbouncer_connection_string() + "pqopt={application_name=" + application_name(app) +
             "};";
    case backend::mariadb:
      break;
    }
    return mariadb_connection_string();
  }

  /// `select(A).where(A.data == "a_<k>")`.
  [[nodiscard]] static model::statement select_data(int k) {
    return model::select<item>().where(model::col(&item::data) == "a_" + std::to_string(k));
  }

  /// `n` statements selecting random rows (seeded, so reproducible), with duplicates.
  [[nodiscard]] static std::vector<model::statement> random_selects(std::size_t n, unsigned seed) {
    std::mt19937 rng{seed};
    std::uniform_int_distribution<int> pick{0, seeded_rows - 1};
    std::vector<model::statement> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
      out.push_back(select_data(pick(rng)));
    return out;
  }
};

} // namespace gatherdb::test

namespace gatherdb::model {

template <class Suite>
struct entity_definition<test::seeded_item<Suite>> {
  static entity_mapping<test::seeded_item<Suite>> define() {
    using item = test::seeded_item<Suite>;
    return entity_mapping<item>{test::seeded_suite<Suite>::item_table(), "A"}
        .generated_key(&item::id, "id")
        .repr_as("id_")
        .column(&item::data, "data");
  }
};

} // namespace gatherdb::model

namespace gatherdb::test {

/// A backend with the suite's item table created and seeded with `seeded_rows` rows (one
/// transaction, one session); drops the table when it goes out of scope.
template <class Suite>
class seeded_database {
public:
  explicit seeded_database(backend b, std::string_view app = "default")
      : backend_(b), dsn_(seeded_suite<Suite>::connection_string(b, app)),
        // Not under the client's application name, so that it never counts as one of its
        // connections in pg_stat_activity.
        conn_(drivers::connection::open(admin_dsn())) {
    using item = seeded_item<Suite>;
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
        auto fresh = drivers::connection::open(admin_dsn());
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
  // The SQLite file itself; the servers without our application name.
  // Behind PgBouncer, straight to PostgreSQL: the client's connections are the only ones to it.
  [[nodiscard]] std::string admin_dsn() const {
    if (backend_ == backend::pgbouncer)
      return postgres_connection_string();
    return backend_ == backend::sqlite ? dsn_ : test::connection_string(backend_);
  }

  backend backend_;
  std::string dsn_;
  drivers::connection conn_;
  model::metadata md_;
};

} // namespace gatherdb::test
