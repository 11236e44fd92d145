// client::gather through gatherdb_node processes: one node, or two, give what a local gather
// and the sequential run give (same outcomes, same merged objects), lookups still coalesce
// (on the node), errors keep their SQLSTATE and category, and each outcome says where it ran.

#include <set>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "nodes/nodes_fixture.hpp"

using namespace gatherdb;
using namespace gatherdb::nodes_test;
using test::all_backends;

BOOST_AUTO_TEST_SUITE(nodes_gather)

BOOST_DATA_TEST_CASE(gather_through_one_node_equals_local_gather, all_backends, backend) {
  seeded_database db{backend, "one_node"};
  node_process node{{"default=" + db.dsn()}};
  const auto statements = suite::random_selects(300, 23);
  actors::client local{db.settings(2)};
  const auto want = local.gather(statements);
  actors::client remote{node_settings({node.endpoint()})};
  const auto got = remote.gather(statements);
  check_equals_sequential(got, run_sequentially(db.dsn(), statements));
  BOOST_TEST(got.repr() == want.repr());
  BOOST_TEST(got.session->size<item>() == want.session->size<item>());
  std::size_t coalesced = 0;
  for (const auto& o : got.outcomes) {
    BOOST_TEST(o.metrics.node == node.endpoint());
    coalesced += o.metrics.coalesced > 1 ? 1 : 0;
  }
  // Lookups of one shape still share a statement: the node coalesces them.
  BOOST_TEST(coalesced > 0u);
}

BOOST_DATA_TEST_CASE(gather_through_two_nodes_equals_local_gather, all_backends, backend) {
  seeded_database db{backend, "two_nodes"};
  node_process a{{"default=" + db.dsn()}};
  node_process b{{"default=" + db.dsn()}};
  const auto statements = suite::random_selects(1000, 7);
  actors::client local{db.settings(2)};
  const auto want = local.gather(statements);
  actors::client remote{node_settings({a.endpoint(), b.endpoint()})};
  BOOST_REQUIRE(wait_attached(remote, 4));
  const auto got = remote.gather(statements);
  check_equals_sequential(got, run_sequentially(db.dsn(), statements));
  BOOST_TEST(got.repr() == want.repr());
  std::set<std::string> used;
  for (const auto& o : got.outcomes) {
    BOOST_TEST((o.metrics.node == a.endpoint() || o.metrics.node == b.endpoint()));
    used.insert(o.metrics.node);
  }
  BOOST_TEST_MESSAGE("statements ran on " << used.size() << " node(s)");
}

BOOST_DATA_TEST_CASE(errors_and_writes_through_a_node_match_a_local_gather, all_backends, backend) {
  seeded_database db{backend, "errors"};
  node_process node{{"default=" + db.dsn()}};
  const auto table = suite::item_table();
  const std::vector<model::statement> statements{
      suite::select_data(5),
      model::statement::raw("SELECT * FROM nodes_no_such_table_x"),
      model::statement::raw("UPDATE " + table + " SET data = data WHERE data = ?",
                            {model::value{std::string{"a_7"}}}),
      model::statement::raw("SELEC 1"),
      suite::select_data(5),
  };
  actors::client local{db.settings(2)};
  const auto want = local.gather(statements, collect());
  actors::client remote{node_settings({node.endpoint()})};
  const auto got = remote.gather(statements, collect());
  BOOST_REQUIRE_EQUAL(got.outcomes.size(), want.outcomes.size());
  for (std::size_t i = 0; i < got.outcomes.size(); ++i) {
    BOOST_TEST_CONTEXT("statement " << i) {
      const auto& g = got.outcomes[i];
      const auto& w = want.outcomes[i];
      BOOST_TEST(to_string(g.status) == to_string(w.status));
      BOOST_TEST(to_string(g.error.source) == to_string(w.error.source));
      BOOST_TEST(g.error.info.sqlstate == w.error.info.sqlstate);
      BOOST_TEST(to_string(g.error.info.category) == to_string(w.error.info.category));
      BOOST_TEST(g.error.info.native_code == w.error.info.native_code);
      BOOST_TEST(g.result.repr() == w.result.repr());
      BOOST_TEST(g.metrics.node == node.endpoint());
    }
  }
  // The same row read twice is one object, as in a local gather.
  BOOST_TEST(&got.outcomes[0].result.get<item>(0) == &got.outcomes[4].result.get<item>(0));
}

BOOST_AUTO_TEST_SUITE_END()
