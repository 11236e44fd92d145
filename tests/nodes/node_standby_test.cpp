// A route served by nodes whose connection string the client has too: its local pool stands
// by, unopened, while a node runs the route; once no node is left, idempotent reads run there
// (once, marked moved) and writes still fail with the node's connection error.

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "nodes/nodes_fixture.hpp"

using namespace gatherdb;
using namespace gatherdb::nodes_test;
using test::all_backends;

namespace {

// Open connections of the route's local pool (its second pool: the first is the nodes').
std::size_t standby_connections(const actors::client& c) {
  for (const auto& p : c.pool_stats_by_route())
    if (p.route == "default" && p.replica == 1)
      return p.connections;
  BOOST_FAIL("the route has no standby pool");
  return 0;
}

} // namespace

BOOST_AUTO_TEST_SUITE(nodes_standby)

BOOST_DATA_TEST_CASE(reads_run_on_the_standby_once_no_node_is_left_and_writes_never_do,
                     all_backends, backend) {
  seeded_database db{backend};
  auto node = std::make_unique<node_process>(std::vector<std::string>{"default=" + db.dsn()});
  const auto node_name = node->endpoint();
  actors::settings s;
  s.pool_size = 2;
  s.routes["default"].nodes = {node_name};
  s.routes["default"].dsns = {db.dsn()};
  actors::client c{s};
  BOOST_REQUIRE(wait_attached(c, 2));

  const auto reads = suite::random_selects(50, 7);
  const auto on_node = c.gather(reads, collect());
  for (const auto& o : on_node.outcomes) {
    BOOST_TEST(o.ok(), o.error.to_string());
    BOOST_TEST(o.metrics.node == node_name);
    BOOST_TEST(!o.metrics.moved);
  }
  BOOST_TEST(standby_connections(c) == 0u);

  node->kill_now();
  node.reset();
  auto statements = reads;
  statements.push_back(model::statement::raw("INSERT INTO " + suite::item_table() +
                                             " (data) VALUES ('standby_write')"));
  const auto without_node = c.gather(statements, collect());
  for (std::size_t i = 0; i < reads.size(); ++i) {
    const auto& o = without_node.outcomes[i];
    BOOST_TEST_CONTEXT("read " << i) {
      BOOST_TEST(o.ok(), o.error.to_string());
      BOOST_TEST(o.metrics.node.empty());
      BOOST_TEST(o.result.repr() == on_node.outcomes[i].result.repr());
    }
  }
  const auto& write = without_node.outcomes.back();
  BOOST_TEST(!write.ok());
  BOOST_TEST(to_string(write.error.source) == "node");
  BOOST_TEST(to_string(write.error.info.category) == "connection");
  BOOST_TEST(!write.metrics.moved);
  BOOST_TEST(standby_connections(c) > 0u);
  // The write ran nowhere.
  const auto written = run_sequentially(
      db.dsn(), {model::select<item>().where(model::col(&item::data) == "standby_write")});
  BOOST_TEST(written.results[0].all<item>().empty());
}

BOOST_AUTO_TEST_SUITE_END()
