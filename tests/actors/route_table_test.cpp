// Choosing a pool of a route without actors or a database: writes go to the primary, reads to
// the least busy pool (or, on a route whose pools stand by, to the first while it is up),
// equally busy pools take turns, a pool that found its database
// unreachable is left alone for a while, and the route table is built in route order.

#include <set>
#include <stdexcept>

#include <boost/test/unit_test.hpp>

#include "route_table.hpp"

using namespace gatherdb::actors;

namespace {

// A route "r" of `n` pools without actors (only their loads matter to `pick`).
route_table table_of(std::size_t n, bool standby = false) {
  route_table t;
  std::vector<route_table::pool> pools;
  for (std::size_t i = 0; i < n; ++i)
    pools.push_back({pool_actor{}, std::make_shared<pool_load>()});
  t.add("r", std::move(pools), standby);
  return t;
}

pool_load& load(const route_table& t, std::size_t i) {
  return *t.routes()[0]->pools[i].load;
}

} // namespace

BOOST_AUTO_TEST_SUITE(actors_route_table)

BOOST_AUTO_TEST_CASE(writes_go_to_the_primary_whatever_the_load) {
  auto t = table_of(3);
  load(t, 0).backlog = 100;
  load(t, 0).down_since_ms = steady_ms();
  for (int i = 0; i < 5; ++i)
    BOOST_TEST(t.pick(0, false) == 0u);
}

BOOST_AUTO_TEST_CASE(reads_go_to_the_least_busy_pool) {
  auto t = table_of(3);
  load(t, 0).backlog = 50;
  load(t, 1).backlog = 10;
  load(t, 2).backlog = 30;
  BOOST_TEST(t.pick(0, true) == 1u);
  BOOST_TEST(load(t, 1).backlog == 11u); // counted at once, before the pool publishes
}

BOOST_AUTO_TEST_CASE(a_burst_of_reads_spreads_over_equally_busy_pools) {
  auto t = table_of(2);
  std::size_t on[2] = {0, 0};
  for (int i = 0; i < 100; ++i)
    ++on[t.pick(0, true)];
  BOOST_TEST(on[0] == 50u);
  BOOST_TEST(on[1] == 50u);
}

BOOST_AUTO_TEST_CASE(standby_pools_take_reads_only_while_the_first_is_down_or_avoided) {
  auto t = table_of(2, true);
  load(t, 0).backlog = 100; // however busy the nodes' pool, the standby waits
  for (int i = 0; i < 5; ++i)
    BOOST_TEST(t.pick(0, true) == 0u);
  BOOST_TEST(t.pick(0, true, 0) == 1u); // a read moving off the first pool
  load(t, 0).down_since_ms = steady_ms();
  BOOST_TEST(t.pick(0, true) == 1u);
  BOOST_TEST(t.pick(0, false) == 0u); // writes never stand by
  load(t, 0).down_since_ms = steady_ms() - route_table::down_retry.count();
  BOOST_TEST(t.pick(0, true) == 0u); // tried again after down_retry
}

BOOST_AUTO_TEST_CASE(a_pool_that_is_down_gets_no_reads_for_a_while_unless_all_are) {
  auto t = table_of(3);
  load(t, 1).down_since_ms = steady_ms();
  std::set<std::uint16_t> used;
  for (int i = 0; i < 30; ++i)
    used.insert(t.pick(0, true));
  BOOST_TEST((used == std::set<std::uint16_t>{0, 2}));
  // Down long enough ago: it is tried again.
  load(t, 1).down_since_ms = steady_ms() - 2 * route_table::down_retry.count();
  load(t, 1).backlog = 0;
  load(t, 0).backlog = 5;
  load(t, 2).backlog = 5;
  BOOST_TEST(t.pick(0, true) == 1u);
  // Every pool down: the one down longest.
  const auto now = steady_ms();
  load(t, 0).down_since_ms = now - 10;
  load(t, 1).down_since_ms = now - 30;
  load(t, 2).down_since_ms = now - 20;
  BOOST_TEST(t.pick(0, true) == 1u);
}

BOOST_AUTO_TEST_CASE(a_read_that_moves_avoids_the_pool_it_left) {
  auto t = table_of(2);
  load(t, 1).backlog = 1000;
  BOOST_TEST(t.pick(0, true, 0) == 1u);
  load(t, 1).down_since_ms = steady_ms();
  BOOST_TEST(t.pick(0, true, 0) == 1u); // the only other one, even down
}

BOOST_AUTO_TEST_CASE(routes_come_default_first_then_by_name) {
  settings s;
  s.dsn = "main";
  s.routes["us"].dsns = {"u"};
  s.routes["eu"].dsns = {"e1", "e2"};
  const auto routes = route_table::routes_of(s);
  BOOST_TEST_REQUIRE(routes.size() == 3u);
  BOOST_TEST(routes[0].first == "default");
  BOOST_TEST(routes[0].second.dsns == std::vector<std::string>{"main"});
  BOOST_TEST(routes[1].first == "eu");
  BOOST_TEST(routes[1].second.dsns.size() == 2u);
  BOOST_TEST(routes[2].first == "us");
  // A route named default replaces dsn; no dsn with routes: no default route.
  s.routes["default"].dsns = {"other"};
  BOOST_TEST(route_table::routes_of(s)[0].second.dsns == std::vector<std::string>{"other"});
  s.routes.erase("default");
  s.dsn.clear();
  BOOST_TEST(route_table::routes_of(s).front().first == "eu");
  // Nothing at all: dsn as it is (a connect then fails with the driver manager's error).
  settings nothing;
  nothing.dsn.clear();
  const auto only = route_table::routes_of(nothing);
  BOOST_TEST_REQUIRE(only.size() == 1u);
  BOOST_TEST(only[0].second.dsns == std::vector<std::string>{""});
}

BOOST_AUTO_TEST_CASE(routes_without_a_usable_connection_string_are_refused) {
  settings s;
  s.routes["eu"] = {};
  BOOST_CHECK_THROW((void)route_table::routes_of(s), std::invalid_argument);
  s.routes["eu"].dsns = {""};
  BOOST_CHECK_THROW((void)route_table::routes_of(s), std::invalid_argument);
  settings unnamed;
  unnamed.routes[""].dsns = {"x"};
  BOOST_CHECK_THROW((void)route_table::routes_of(unnamed), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
