// Deadlines and stops reach the node: statements a node runs are cancelled there (its
// connections stop running them) when their gather's deadline passes or when the gather stops
// (fail_fast after a failure), not left running until they end on their own.

#include <future>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "nodes/nodes_fixture.hpp"
#include "support/slow_statements.hpp"

using namespace gatherdb;
using namespace gatherdb::nodes_test;

namespace {

const std::vector<backend> postgres_backends = [] {
  std::vector<backend> out;
  for (auto b : test::all_backends)
    if (test::is_postgres(b))
      out.push_back(b);
  return out;
}();

// Reads that sleep a minute, each of its own SQL (never one batch).
std::vector<model::statement> minute_sleeps(int n) {
  std::vector<model::statement> out;
  for (int i = 0; i < n; ++i)
    out.push_back(model::statement::raw("SELECT pg_sleep(60." + std::to_string(i) + ")", {}, true));
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(nodes_cancel)

BOOST_DATA_TEST_CASE(a_deadline_reaches_the_node_which_cancels_what_it_runs, postgres_backends,
                     backend) {
  seeded_database db{backend};
  node_process node{{"default=" + suite::connection_string(backend, "deadline")}};
  pg_monitor on_node{"deadline", backend};
  actors::client c{node_settings({node.endpoint()})};
  BOOST_REQUIRE(wait_attached(c, 2));
  auto running = std::async(std::launch::async, [&] {
    return c.gather(minute_sleeps(2), collect(std::chrono::milliseconds{5000}));
  });
  BOOST_REQUIRE(poll_until([&] { return on_node.active_sleeps() == 2; }));
  BOOST_REQUIRE(running.wait_for(std::chrono::seconds{50}) == std::future_status::ready);
  const auto result = running.get();
  for (const auto& o : result.outcomes) {
    BOOST_TEST(to_string(o.status) == "cancelled");
    BOOST_TEST(to_string(o.error.info.category) == "timeout");
  }
  // Long before the sleeps would end, the node has cancelled them.
  BOOST_TEST(
      poll_until([&] { return on_node.active_sleeps() == 0; }, std::chrono::milliseconds{30000}));
}

BOOST_DATA_TEST_CASE(a_stopped_gather_is_stopped_on_the_node, postgres_backends, backend) {
  seeded_database db{backend};
  node_process node{{"default=" + suite::connection_string(backend, "stopped")}, 0, 3};
  pg_monitor on_node{"stopped", backend};
  actors::client c{node_settings({node.endpoint()})};
  BOOST_REQUIRE(wait_attached(c, 2));
  auto statements = minute_sleeps(2);
  // Fails with a division by zero once it has slept 4 s: fail_fast then stops the others.
  statements.push_back(
      model::statement::raw("SELECT 1 / (count(*) - count(*))::int FROM pg_sleep(4)", {}, true));
  auto running = std::async(std::launch::async, [&] {
    try {
      (void)c.gather(statements);
    } catch (const actors::gather_error& e) {
      return e.failure().index;
    }
    return std::size_t{99};
  });
  BOOST_REQUIRE(poll_until([&] { return on_node.active_sleeps() >= 2; }));
  BOOST_REQUIRE(running.wait_for(std::chrono::seconds{50}) == std::future_status::ready);
  BOOST_TEST(running.get() == 2u);
  BOOST_TEST(
      poll_until([&] { return on_node.active_sleeps() == 0; }, std::chrono::milliseconds{30000}));
}

BOOST_AUTO_TEST_SUITE_END()
