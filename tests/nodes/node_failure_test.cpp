// Nodes that die: a node killed (SIGKILL) mid-gather costs only the statements it held, its
// reads run again on the other node and its writes fail with a connection error, nothing
// hangs; a node restarted on its port is used again; SIGTERM drains a node (what it runs is
// answered) and it exits 0.

#include <future>
#include <set>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "nodes/nodes_fixture.hpp"

using namespace gatherdb;
using namespace gatherdb::nodes_test;
using test::all_backends;

namespace {

// `n` reads of about `seconds` each on PostgreSQL, each of its own SQL so that a node runs
// them on separate connections (never as one batch).
std::vector<model::statement> sleeping_reads(int n, double seconds) {
  std::vector<model::statement> out;
  for (int i = 0; i < n; ++i)
    out.push_back(model::statement::raw("SELECT pg_sleep(" + std::to_string(seconds + 0.001 * i) +
                                            "), " + std::to_string(i),
                                        {}, true));
  return out;
}

// `n` writes that sleep `seconds` before inserting a row.
std::vector<model::statement> sleeping_writes(int n, double seconds) {
  std::vector<model::statement> out;
  for (int i = 0; i < n; ++i)
    out.push_back(model::statement::raw(
        "INSERT INTO " + suite::item_table() + " (data) SELECT 'w_" + std::to_string(i) +
        "' FROM pg_sleep(" + std::to_string(seconds + 0.001 * i) + ")"));
  return out;
}

const std::vector<backend> postgres_backends = [] {
  std::vector<backend> out;
  for (auto b : test::all_backends)
    if (test::is_postgres(b))
      out.push_back(b);
  return out;
}();

} // namespace

BOOST_AUTO_TEST_SUITE(nodes_failure)

BOOST_DATA_TEST_CASE(a_node_killed_mid_gather_costs_only_its_statements_and_reads_move,
                     postgres_backends, backend) {
  seeded_database db{backend};
  node_process a{{"default=" + suite::connection_string(backend, "node_a")}};
  node_process b{{"default=" + suite::connection_string(backend, "node_b")}};
  pg_monitor on_a{"node_a", backend};
  actors::client c{node_settings({a.endpoint(), b.endpoint()})};
  BOOST_REQUIRE(wait_attached(c, 4));
  auto reads = sleeping_reads(8, 2.0);
  auto running = std::async(std::launch::async, [&] { return c.gather(reads, collect()); });
  BOOST_REQUIRE(poll_until([&] { return on_a.active_sleeps() > 0; }));
  a.kill_now();
  BOOST_REQUIRE(running.wait_for(std::chrono::seconds{120}) == std::future_status::ready);
  const auto result = running.get();
  std::size_t moved = 0;
  for (std::size_t i = 0; i < result.outcomes.size(); ++i) {
    const auto& o = result.outcomes[i];
    BOOST_TEST_CONTEXT("statement " << i) {
      BOOST_TEST(o.ok(), o.error.to_string());
      if (o.metrics.moved) {
        ++moved;
        BOOST_TEST(o.metrics.node == b.endpoint());
      }
    }
  }
  // A was running reads when it died: they ran again on B.
  BOOST_TEST(moved > 0u);
}

BOOST_DATA_TEST_CASE(writes_on_a_killed_node_fail_with_a_connection_error, postgres_backends,
                     backend) {
  seeded_database db{backend};
  node_process a{{"default=" + suite::connection_string(backend, "node_a")}};
  node_process b{{"default=" + suite::connection_string(backend, "node_b")}};
  pg_monitor on_a{"node_a", backend};
  actors::client c{node_settings({a.endpoint(), b.endpoint()})};
  BOOST_REQUIRE(wait_attached(c, 4));
  auto writes = sleeping_writes(8, 2.0);
  auto running = std::async(std::launch::async, [&] { return c.gather(writes, collect()); });
  BOOST_REQUIRE(poll_until([&] { return on_a.active_sleeps() > 0; }));
  a.kill_now();
  BOOST_REQUIRE(running.wait_for(std::chrono::seconds{120}) == std::future_status::ready);
  const auto result = running.get();
  std::size_t failed = 0;
  for (std::size_t i = 0; i < result.outcomes.size(); ++i) {
    const auto& o = result.outcomes[i];
    BOOST_TEST_CONTEXT("statement " << i) {
      if (o.ok()) {
        BOOST_TEST(o.metrics.node == b.endpoint());
        continue;
      }
      ++failed;
      BOOST_TEST(to_string(o.error.info.category) == "connection");
      BOOST_TEST(to_string(o.error.source) == "node");
      BOOST_TEST(!o.metrics.moved);
    }
  }
  BOOST_TEST(failed > 0u);
}

BOOST_DATA_TEST_CASE(a_restarted_node_is_used_again, all_backends, backend) {
  seeded_database db{backend};
  auto a = std::make_unique<node_process>(std::vector<std::string>{"default=" + db.dsn()});
  node_process b{{"default=" + db.dsn()}};
  const auto port = a->port();
  const auto a_name = a->endpoint();
  actors::client c{node_settings({a_name, b.endpoint()})};
  BOOST_REQUIRE(wait_attached(c, 4));
  a->kill_now();
  a.reset();
  // With A gone, every statement runs on B.
  const auto statements = suite::random_selects(200, 3);
  auto without_a = c.gather(statements, collect());
  for (const auto& o : without_a.outcomes) {
    BOOST_TEST(o.ok(), o.error.to_string());
    BOOST_TEST(o.metrics.node == b.endpoint());
  }
  a = std::make_unique<node_process>(std::vector<std::string>{"default=" + db.dsn()}, port);
  BOOST_REQUIRE_EQUAL(a->endpoint(), a_name);
  // A lane attaches again on a chunk that comes after its backoff: some later gather uses A.
  bool used = false;
  BOOST_TEST(poll_until([&] {
    auto r = c.gather(statements, collect());
    for (const auto& o : r.outcomes) {
      BOOST_TEST(o.ok(), o.error.to_string());
      used = used || o.metrics.node == a_name;
    }
    return used;
  }));
}

BOOST_AUTO_TEST_CASE(sigterm_on_an_idle_node_exits_0) {
  node_process node{{"default=" + test::sqlite_connection_string("sigterm")}};
  const int status = node.terminate();
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 0);
}

BOOST_DATA_TEST_CASE(sigterm_drains_what_a_node_runs_then_exits_0, postgres_backends, backend) {
  seeded_database db{backend};
  node_process node{{"default=" + suite::connection_string(backend, "drained")}};
  pg_monitor on_node{"drained", backend};
  actors::client c{node_settings({node.endpoint()})};
  auto reads = sleeping_reads(4, 1.0);
  auto running = std::async(std::launch::async, [&] { return c.gather(reads, collect()); });
  BOOST_REQUIRE(poll_until([&] { return on_node.active_sleeps() > 0; }));
  std::promise<int> stopped;
  std::thread stopper{[&] { stopped.set_value(node.terminate()); }};
  BOOST_REQUIRE(running.wait_for(std::chrono::seconds{120}) == std::future_status::ready);
  const auto result = running.get();
  stopper.join();
  const int status = stopped.get_future().get();
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 0);
  for (const auto& o : result.outcomes)
    BOOST_TEST(o.ok(), o.error.to_string());
}

BOOST_AUTO_TEST_SUITE_END()
