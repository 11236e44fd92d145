#pragma once
// A test database with an entity that has an optimistic-locking version column, for the suites
// that check merge policies and optimistic locking against a real backend: the entity
// `versioned_item<Suite>` (id, version, name) mapped to `<suite>_versioned_<pid>`, a database
// per backend seeded with `v_0` ... `v_<n-1>` (ids 1 ... n, version 1), the statements that
// load them, and the concurrent writer that changes a row behind a session's back.
//
// Like `seeded_database`, every template takes the suite family's tag, so that parallel test
// processes of different families never share a table or an application name.
//
// Thread-safety: `versioned_database` is used from one thread at a time; the entity mapping and
// the name functions are immutable once built.

#include <cstdint>
#include <string>
#include <string_view>
#include <unistd.h>
#include <utility>
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
#include "support/seeded_database.hpp"

namespace gatherdb::test {

/// An entity with a version column (checked by `merge_policy::check_version`, bumped and
/// compared by `session_state::commit`).
template <class Suite>
struct versioned_item {
  std::int64_t id = 0;
  std::int64_t version = 0;
  std::string name;
};

/// `<suite>_versioned_<pid>`: unique to the process and to the suite family.
template <class Suite>
[[nodiscard]] const std::string& versioned_table() {
  static const std::string name =
      std::string{Suite::name} + "_versioned_" + std::to_string(::getpid());
  return name;
}

} // namespace gatherdb::test

namespace gatherdb::model {

template <class Suite>
struct entity_definition<test::versioned_item<Suite>> {
  static entity_mapping<test::versioned_item<Suite>> define() {
    using item = test::versioned_item<Suite>;
    return entity_mapping<item>{test::versioned_table<Suite>(), "V"}
        .generated_key(&item::id, "id")
        .version(&item::version, "version")
        .column(&item::name, "name");
  }
};

} // namespace gatherdb::model

namespace gatherdb::test {

/// A backend with the suite's versioned table created and seeded with `rows` rows named
/// `v_0` ... (ids 1 ..., version 1) in one transaction; drops the table when it goes out of
/// scope. Its own connection (`connection()`, not under the client's application name) is the
/// concurrent writer of the tests.
template <class Suite>
class versioned_database {
public:
  using item = versioned_item<Suite>;

  explicit versioned_database(backend b, std::string_view app = "default", int rows = 5)
      : backend_(b), dsn_(seeded_suite<Suite>::connection_string(b, app)),
        conn_(drivers::connection::open(b == backend::sqlite ? dsn_ : connection_string(b))) {
    drivers::connection_executor ex{conn_};
    md_.add<item>();
    md_.drop_all(ex);
    md_.create_all(ex);
    model::session_state s;
    std::vector<item> seed;
    for (int i = 0; i < rows; ++i)
      seed.push_back(item{0, 0, "v_" + std::to_string(i)});
    s.add_all(std::move(seed));
    s.commit(ex);
  }
  versioned_database(const versioned_database&) = delete;
  versioned_database& operator=(const versioned_database&) = delete;
  ~versioned_database() {
    try {
      if (!conn_.autocommit())
        conn_.rollback();
      drivers::connection_executor ex{conn_};
      md_.drop_all(ex);
    } catch (...) {
      // The table dies with the SQLite file; on a server its name is unique to the process.
    }
  }

  [[nodiscard]] const std::string& dsn() const noexcept { return dsn_; }
  [[nodiscard]] drivers::connection& connection() noexcept { return conn_; }

  /// Client settings for this database.
  [[nodiscard]] actors::settings settings(std::size_t pool_size = 2) const {
    actors::settings s;
    s.dsn = dsn_;
    s.pool_size = pool_size;
    return s;
  }

  /// `select(V).where(V.id == id)`.
  [[nodiscard]] static model::statement select_id(std::int64_t id) {
    return model::select<item>().where(model::col(&item::id) == id);
  }

  /// `select(V).order_by(V.id)`: every row.
  [[nodiscard]] static model::statement select_all() {
    return model::select<item>().order_by(model::col(&item::id));
  }

  /// A concurrent writer, as another application would be: sets the row's name and, when
  /// `bump_version`, increments its version, in its own autocommit statement.
  void write_behind_the_session(std::int64_t id, const std::string& name, bool bump_version) {
    const auto& t = versioned_table<Suite>();
    conn_.execute("UPDATE " + t + " SET name = ?" +
                      (bump_version ? ", version = version + 1" : "") + " WHERE id = ?",
                  {model::value{name}, model::value{id}});
  }

  /// The row as the database holds it now: (version, name); version -1 when it is missing.
  [[nodiscard]] std::pair<std::int64_t, std::string> row(std::int64_t id) {
    auto r =
        conn_.execute("SELECT version, name FROM " + versioned_table<Suite>() + " WHERE id = ?",
                      {model::value{id}});
    if (r->row_count() == 0)
      return {-1, {}};
    return {r->row(0).int64_at(0), std::string{r->row(0).text_at(1)}};
  }

  /// Rows whose name is `name`.
  [[nodiscard]] std::int64_t count_named(const std::string& name) {
    auto r = conn_.execute("SELECT count(*) FROM " + versioned_table<Suite>() + " WHERE name = ?",
                           {model::value{name}});
    return r->row(0).int64_at(0);
  }

private:
  backend backend_;
  std::string dsn_;
  drivers::connection conn_;
  model::metadata md_;
};

} // namespace gatherdb::test
