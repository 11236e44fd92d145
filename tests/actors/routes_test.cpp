// Routes: one gather over several databases (shards, and a route's replicas), merged into one
// session. Every shard holds rows "<route>_<i>" with its own generated keys 1..n, so the same
// key on two shards names two rows. The shards are two SQLite files plus, when the run has them,
// two PostgreSQL databases and MariaDB; "down" is a PostgreSQL address where nothing listens.

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "gatherdb/model/metadata.hpp"

#include "actors_fixture.hpp"

namespace gatherdb::actors_test {

/// A row of a shard.
struct shard_row {
  std::int64_t id = 0;
  std::string data;
};

/// The same rows with a global key: one object per id whatever the route.
struct global_row {
  std::int64_t id = 0;
  std::string data;
};

inline const std::string& shard_table() {
  static const std::string name = "actors_routes_" + std::to_string(::getpid());
  return name;
}

} // namespace gatherdb::actors_test

template <>
struct gatherdb::model::entity_definition<gatherdb::actors_test::shard_row> {
  static entity_mapping<gatherdb::actors_test::shard_row> define() {
    using row = gatherdb::actors_test::shard_row;
    return entity_mapping<row>{gatherdb::actors_test::shard_table(), "R"}
        .generated_key(&row::id, "id")
        .column(&row::data, "data");
  }
};

template <>
struct gatherdb::model::entity_definition<gatherdb::actors_test::global_row> {
  static entity_mapping<gatherdb::actors_test::global_row> define() {
    using row = gatherdb::actors_test::global_row;
    return entity_mapping<row>{gatherdb::actors_test::shard_table(), "G"}
        .generated_key(&row::id, "id")
        .column(&row::data, "data")
        .global_identity();
  }
};

namespace gatherdb::actors_test {

namespace {

constexpr int rows_per_shard = 20;

/// A PostgreSQL connection string where nothing listens: connects fail at once.
const std::string unreachable_dsn =
    "Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=1;Database=none;Uid=nobody;"
    "Pwd=not-a-secret-to-show;";

/// The shards of a test: name -> connection string, each with its table of rows.
class shards {
public:
  shards() {
    add("default", test::sqlite_connection_string(test::unique_name("routes_default")));
    add("eu", test::sqlite_connection_string(test::unique_name("routes_eu")));
    if (test::enabled(backend::postgresql)) {
      add("us", test::postgres_connection_string());
      if (auto second = test::postgres_second_connection_string())
        add("us2", *second);
    }
    if (test::enabled(backend::mariadb))
      add("asia", test::mariadb_connection_string());
  }
  shards(const shards&) = delete;
  shards& operator=(const shards&) = delete;
  ~shards() {
    for (const auto& [name, dsn] : dsns_) {
      try {
        auto conn = drivers::connection::open(dsn);
        drivers::connection_executor ex{conn};
        md_.drop_all(ex);
      } catch (...) {
        // The SQLite files go with the scratch directory.
      }
    }
  }

  /// Settings with every shard as a route (the first as `default`).
  [[nodiscard]] actors::settings settings() const {
    actors::settings s;
    s.pool_size = 2;
    for (const auto& [name, dsn] : dsns_)
      if (name == "default")
        s.dsn = dsn;
      else
        s.routes[name].dsns = {dsn};
    return s;
  }

  /// The routes in route order: default, then the others by name.
  [[nodiscard]] std::vector<std::string> names() const {
    std::vector<std::string> out{"default"};
    for (const auto& [name, dsn] : dsns_)
      if (name != "default")
        out.push_back(name);
    std::sort(out.begin() + 1, out.end());
    return out;
  }

  [[nodiscard]] const std::string& dsn(const std::string& name) const {
    for (const auto& [n, dsn] : dsns_)
      if (n == name)
        return dsn;
    throw std::out_of_range(name);
  }

private:
  void add(std::string name, std::string dsn) {
    auto conn = drivers::connection::open(dsn);
    drivers::connection_executor ex{conn};
    md_.drop_all(ex);
    md_.create_all(ex);
    model::session_state s;
    std::vector<shard_row> rows;
    for (int i = 0; i < rows_per_shard; ++i)
      rows.push_back(shard_row{0, name + "_" + std::to_string(i)});
    s.add_all(std::move(rows));
    s.commit(ex);
    dsns_.emplace_back(std::move(name), std::move(dsn));
  }

  model::metadata md_ = [] {
    model::metadata md;
    md.add<shard_row>();
    return md;
  }();
  std::vector<std::pair<std::string, std::string>> dsns_;
};

model::statement select_row(const std::string& data) {
  return model::select<shard_row>().where(model::col(&shard_row::data) == data);
}

// The shard a row's data names ("eu_3" -> "eu"), as an application's chooser would.
std::string shard_of(const model::statement& stmt) {
  const auto compiled = stmt.compile(model::dialect::sqlite);
  const auto* data = compiled.params.empty() ? nullptr : compiled.params[0].get_if<std::string>();
  if (data == nullptr)
    return {};
  return data->substr(0, data->rfind('_'));
}

} // namespace

BOOST_AUTO_TEST_SUITE(actors_routes)

BOOST_AUTO_TEST_CASE(statements_run_on_their_routes_and_equal_each_database_alone) {
  shards db;
  actors::client c{db.settings()};
  std::vector<model::statement> statements;
  std::vector<std::string> expected;
  for (int i = 0; i < rows_per_shard; ++i)
    for (const auto& route : db.names()) {
      const auto data = route + "_" + std::to_string(i);
      statements.push_back(route == "default" ? select_row(data) : select_row(data).on(route));
      expected.push_back(data);
    }
  const auto result = c.gather(statements, collect());
  BOOST_TEST_REQUIRE(result.outcomes.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& o = result.outcomes[i];
    BOOST_TEST_REQUIRE(o.ok(), o.error.to_string());
    BOOST_TEST_REQUIRE(o.result.size() == 1u);
    BOOST_TEST(o.result.get<shard_row>(0).data == expected[i]);
    BOOST_TEST(o.route == shard_of(statements[i]));
  }
  // Each database alone gives the same rows, with the same keys.
  for (const auto& route : db.names()) {
    actors::settings alone;
    alone.dsn = db.dsn(route);
    alone.pool_size = 1;
    actors::client single{alone};
    const auto reference =
        single.gather({model::select<shard_row>().order_by(model::col(&shard_row::id))});
    BOOST_TEST_REQUIRE(reference.outcomes[0].ok());
    for (const auto* row : reference.outcomes[0].result.all<shard_row>()) {
      const auto* merged = result.session->find<shard_row>(row->id, route);
      BOOST_TEST_REQUIRE(merged != nullptr, route << " id " << row->id);
      BOOST_TEST(merged->data == row->data);
    }
  }
  // Key 1 exists on every shard: one object per route.
  const auto* a = result.session->find<shard_row>(std::int64_t{1}, "default");
  const auto* b = result.session->find<shard_row>(std::int64_t{1}, "eu");
  BOOST_TEST_REQUIRE((a != nullptr && b != nullptr));
  BOOST_TEST(a != b);
  BOOST_TEST(result.session->size<shard_row>() == expected.size());
}

BOOST_AUTO_TEST_CASE(a_gathers_chooser_routes_the_statements_that_name_none) {
  shards db;
  actors::client c{db.settings()};
  std::vector<model::statement> statements;
  for (const auto& route : db.names())
    for (int i = 0; i < 5; ++i)
      statements.push_back(select_row(route + "_" + std::to_string(i)));
  // One that names its route wins over the chooser.
  statements.push_back(select_row("eu_7").on("default"));
  auto options = collect();
  options.route_chooser = shard_of;
  const auto result = c.gather(statements, options);
  for (std::size_t i = 0; i + 1 < statements.size(); ++i) {
    const auto& o = result.outcomes[i];
    BOOST_TEST_REQUIRE(o.ok(), o.error.to_string());
    BOOST_TEST(o.result.size() == 1u);
    BOOST_TEST(o.route == shard_of(statements[i]));
  }
  BOOST_TEST(result.outcomes.back().ok());
  BOOST_TEST(result.outcomes.back().result.size() == 0u); // "eu_7" is not on default
  BOOST_TEST(result.outcomes.back().route == "default");
}

BOOST_AUTO_TEST_CASE(on_all_routes_concatenates_the_rows_in_route_order) {
  shards db;
  actors::client c{db.settings()};
  const auto all = model::select<shard_row>().order_by(model::col(&shard_row::id));
  const auto result = c.gather({all.on_all_routes(), all.on("eu")});
  const auto& o = result.outcomes[0];
  BOOST_TEST_REQUIRE(o.ok(), o.error.to_string());
  const auto names = db.names();
  BOOST_TEST_REQUIRE(o.result.size() == names.size() * rows_per_shard);
  BOOST_TEST(o.rows->row_count() == o.result.size());
  BOOST_TEST_REQUIRE(o.parts.size() == names.size());
  for (std::size_t r = 0; r < names.size(); ++r) {
    BOOST_TEST(o.parts[r].route == names[r]);
    BOOST_TEST(o.parts[r].rows == std::size_t{rows_per_shard});
    BOOST_TEST(o.parts[r].metrics.attempts >= 1);
    for (int i = 0; i < rows_per_shard; ++i)
      BOOST_TEST(o.result.get<shard_row>(r * rows_per_shard + i).data ==
                 names[r] + "_" + std::to_string(i));
  }
  BOOST_TEST(o.route.empty());
  // The fan-out's eu objects are the ones the statement on eu alone merged into.
  const auto& eu = result.outcomes[1];
  BOOST_TEST_REQUIRE(eu.ok());
  const auto eu_at =
      static_cast<std::size_t>(std::find(names.begin(), names.end(), "eu") - names.begin());
  BOOST_TEST(&eu.result.get<shard_row>(0) == &o.result.get<shard_row>(eu_at * rows_per_shard));
  BOOST_TEST(result.session->size<shard_row>() == names.size() * rows_per_shard);
}

BOOST_AUTO_TEST_CASE(a_global_key_is_one_object_across_routes) {
  shards db;
  actors::client c{db.settings()};
  const auto all = model::select<global_row>().order_by(model::col(&global_row::id));
  const auto result = c.gather({all.on_all_routes()});
  const auto& o = result.outcomes[0];
  BOOST_TEST_REQUIRE(o.ok(), o.error.to_string());
  const auto names = db.names();
  BOOST_TEST(o.result.size() == names.size() * rows_per_shard);
  BOOST_TEST(result.session->size<global_row>() == std::size_t{rows_per_shard});
  // Merged in route order with `overwrite`: the last route's row wins.
  const auto* one = result.session->find<global_row>(std::int64_t{1});
  BOOST_TEST_REQUIRE(one != nullptr);
  BOOST_TEST(one->data == names.back() + "_0");
  BOOST_TEST(&o.result.get<global_row>(0) == one);
}

BOOST_AUTO_TEST_CASE(an_unknown_route_fails_only_its_own_statement) {
  shards db;
  actors::client c{db.settings()};
  auto options = collect();
  const auto result =
      c.gather({select_row("default_1"), select_row("x_1").on("mars"), select_row("eu_1").on("eu")},
               options);
  BOOST_TEST(result.outcomes[0].ok());
  BOOST_TEST(result.outcomes[2].ok());
  const auto& lost = result.outcomes[1];
  BOOST_TEST(lost.status == actors::outcome_status::failed);
  BOOST_TEST(lost.error.source == actors::error_source::route);
  BOOST_TEST(lost.error.info.message.find("'mars'") != std::string::npos, lost.error.to_string());
  BOOST_TEST(lost.error.info.message.find("eu") != std::string::npos); // the routes it has
  BOOST_TEST(lost.route.empty());
  BOOST_REQUIRE(result.failure);
  BOOST_TEST(result.failure->index == 1u);
  // In fail_fast mode it fails the gather.
  BOOST_CHECK_THROW((void)c.gather({select_row("x").on("mars")}), actors::gather_error);
}

BOOST_AUTO_TEST_CASE(a_chooser_that_throws_fails_the_statements_it_was_asked_about) {
  shards db;
  actors::client c{db.settings()};
  auto options = collect();
  options.route_chooser = [](const model::statement&) -> std::string {
    throw std::runtime_error("no shard key");
  };
  const auto result = c.gather({select_row("default_1"), select_row("eu_1").on("eu")}, options);
  BOOST_TEST(result.outcomes[0].error.source == actors::error_source::route);
  BOOST_TEST(result.outcomes[0].error.info.message.find("no shard key") != std::string::npos);
  BOOST_TEST(result.outcomes[1].ok());
}

BOOST_AUTO_TEST_CASE(a_route_that_is_down_fails_only_its_own_statements) {
  shards db;
  auto s = db.settings();
  s.routes["down"].dsns = {unreachable_dsn};
  actors::client c{s};
  std::vector<model::statement> statements;
  for (int i = 0; i < 10; ++i) {
    statements.push_back(select_row("default_" + std::to_string(i)));
    statements.push_back(select_row("x").on("down"));
    statements.push_back(select_row("eu_" + std::to_string(i)).on("eu"));
  }
  const auto result = c.gather(statements, collect());
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const auto& o = result.outcomes[i];
    if (i % 3 == 1) {
      BOOST_TEST(o.status == actors::outcome_status::failed);
      BOOST_TEST((o.error.info.category == drivers::error_category::connection),
                 o.error.to_string());
      BOOST_TEST(o.error.to_string().find("not-a-secret-to-show") == std::string::npos);
      BOOST_TEST(o.route == "down");
    } else {
      BOOST_TEST(o.ok(), o.error.to_string());
      BOOST_TEST(o.result.size() == 1u);
    }
  }
  BOOST_REQUIRE(result.failure);
  BOOST_TEST(result.failure->index == 1u);
  // In fail_fast mode the first failure, from the route that is down, fails the gather.
  try {
    (void)c.gather({select_row("default_1"), select_row("x").on("down")});
    BOOST_FAIL("the gather did not fail");
  } catch (const actors::gather_error& e) {
    BOOST_REQUIRE(e.partial().failure);
    BOOST_TEST(e.partial().failure->index == 1u);
    BOOST_TEST((e.partial().failure->error.info.category == drivers::error_category::connection));
    BOOST_TEST(std::string{e.what()}.find("not-a-secret-to-show") == std::string::npos);
  }
  // On every route, the route that is down fails the statement, named.
  const auto all = c.gather({model::select<shard_row>().on_all_routes()}, collect());
  BOOST_TEST(all.outcomes[0].status == actors::outcome_status::failed);
  BOOST_TEST(all.outcomes[0].error.info.message.find("route 'down'") != std::string::npos,
             all.outcomes[0].error.to_string());
}

BOOST_AUTO_TEST_CASE(reads_move_to_a_live_replica_and_writes_stay_on_the_primary) {
  shards db;
  auto s = db.settings();
  // eu's primary is down, its replica is the eu file; default's replica is down.
  s.routes["eu"].dsns = {unreachable_dsn, db.dsn("eu")};
  s.dsn.clear();
  s.routes["default"].dsns = {db.dsn("default"), unreachable_dsn};
  // Opened on demand: the first reads reach the pools that are down before anyone knows.
  s.min_connections = 0;
  actors::client c{s};
  std::vector<model::statement> statements;
  for (int i = 0; i < 100; ++i) {
    const auto k = std::to_string(i % rows_per_shard);
    statements.push_back(select_row("default_" + k));
    statements.push_back(select_row("eu_" + k).on("eu"));
  }
  const auto result = c.gather(statements, collect());
  std::size_t moved = 0;
  for (const auto& o : result.outcomes) {
    BOOST_TEST_REQUIRE(o.ok(), o.error.to_string());
    BOOST_TEST(o.result.size() == 1u);
    moved += o.metrics.moved ? 1 : 0;
  }
  BOOST_TEST_MESSAGE(moved << " of " << statements.size() << " reads moved to another pool");
  BOOST_TEST(moved >= 1u);
  // A write goes to the primary only: eu's is down.
  const auto table = shard_table();
  const auto writes =
      c.gather({model::statement::raw("UPDATE " + table + " SET data = ? WHERE id = ?",
                                      {model::value{"w"}, model::value{std::int64_t{1}}})
                    .on("eu"),
                model::statement::raw("UPDATE " + table + " SET data = data WHERE id = ?",
                                      {model::value{std::int64_t{1}}})},
               collect());
  BOOST_TEST(writes.outcomes[0].status == actors::outcome_status::failed);
  BOOST_TEST((writes.outcomes[0].error.info.category == drivers::error_category::connection));
  BOOST_TEST(writes.outcomes[0].metrics.attempts <= 1);
  BOOST_TEST(writes.outcomes[1].ok(), writes.outcomes[1].error.to_string());
}

BOOST_AUTO_TEST_CASE(reads_are_shared_by_a_routes_replicas) {
  shards db;
  auto s = db.settings();
  s.routes["eu"].dsns = {db.dsn("eu"), db.dsn("eu")};
  actors::client c{s};
  std::vector<model::statement> statements;
  for (int i = 0; i < 400; ++i)
    statements.push_back(select_row("eu_" + std::to_string(i % rows_per_shard)).on("eu"));
  const auto result = c.gather(statements, collect());
  for (const auto& o : result.outcomes)
    BOOST_TEST_REQUIRE(o.ok(), o.error.to_string());
  std::vector<std::uint64_t> completed;
  for (const auto& p : c.pool_stats_by_route())
    if (p.route == "eu")
      completed.push_back(p.completed);
  BOOST_TEST_REQUIRE(completed.size() == 2u);
  BOOST_TEST(completed[0] > 0u);
  BOOST_TEST(completed[1] > 0u);
  BOOST_TEST(completed[0] + completed[1] == statements.size());
  // The metrics name every pool.
  const auto m = c.metrics();
  BOOST_TEST(m.routes.size() == db.names().size() + 1);
  BOOST_TEST(c.stats().completed == statements.size());
}

BOOST_AUTO_TEST_CASE(a_statement_that_may_write_is_not_run_on_every_route) {
  shards db;
  actors::client c{db.settings()};
  const auto result =
      c.gather({model::statement::raw("DELETE FROM " + shard_table()).on_all_routes()}, collect());
  BOOST_TEST(result.outcomes[0].error.source == actors::error_source::route);
  // Nothing was deleted anywhere.
  const auto all = c.gather({model::select<shard_row>().on_all_routes()});
  BOOST_TEST(all.outcomes[0].result.size() == db.names().size() * rows_per_shard);
}

BOOST_AUTO_TEST_CASE(routes_without_a_connection_string_are_refused_at_construction) {
  actors::settings s;
  s.routes["eu"].dsns = {};
  BOOST_CHECK_THROW(actors::client{s}, std::invalid_argument);
  actors::settings blank;
  blank.routes["eu"].dsns = {""};
  BOOST_CHECK_THROW(actors::client{blank}, std::invalid_argument);
  actors::settings empty_name;
  empty_name.routes[""].dsns = {"Driver=SQLite3;Database=x;"};
  BOOST_CHECK_THROW(actors::client{empty_name}, std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace gatherdb::actors_test
