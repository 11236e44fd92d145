// Nodes that die: a node killed (SIGKILL) mid-gather, of 8 statements or of 30,000, costs only
// the statements it held, its reads run again on the other node and its writes fail with a
// connection error (which ends a fail_fast gather), nothing hangs; a node restarted on its port is
// used again; SIGTERM drains a node (what it runs is answered) and it exits 0.

#include <future>
#include <optional>
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

// 30,000 statements: lookups of the seeded rows with `slow` spread evenly among them, so that
// the gather is still running when a node dies under one of them.
std::vector<model::statement> lookups_around(const std::vector<model::statement>& slow) {
  constexpr std::size_t total = 30000;
  auto lookups = suite::random_selects(total - slow.size(), 11);
  std::vector<model::statement> out;
  out.reserve(total);
  const auto every = total / (slow.size() + 1);
  std::size_t next_slow = 0;
  for (auto& l : lookups) {
    if (next_slow < slow.size() && out.size() == every * (next_slow + 1))
      out.push_back(slow[next_slow++]);
    out.push_back(std::move(l));
  }
  while (next_slow < slow.size())
    out.push_back(slow[next_slow++]);
  return out;
}

// Two nodes A and B on `b`: runs `run` on a client of both and kills A (SIGKILL) once A runs
// one of the sleeps in what `run` gathers. Returns what `run` returned and B's endpoint.
template <class Run>
auto killed_mid_gather(backend b, Run run) {
  seeded_database db{b};
  node_process a{{"default=" + suite::connection_string(b, "node_a")}};
  node_process other{{"default=" + suite::connection_string(b, "node_b")}};
  pg_monitor on_a{"node_a", b};
  actors::client c{node_settings({a.endpoint(), other.endpoint()})};
  BOOST_REQUIRE(wait_attached(c, 4));
  auto running = std::async(std::launch::async, [&] { return run(c); });
  BOOST_REQUIRE(poll_until([&] { return on_a.active_sleeps() > 0; }));
  a.kill_now();
  BOOST_REQUIRE(running.wait_for(std::chrono::seconds{120}) == std::future_status::ready);
  return std::make_pair(running.get(), other.endpoint());
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
  const auto [result, b] = killed_mid_gather(
      backend, [](actors::client& c) { return c.gather(sleeping_reads(8, 2.0), collect()); });
  std::size_t moved = 0;
  for (std::size_t i = 0; i < result.outcomes.size(); ++i) {
    const auto& o = result.outcomes[i];
    BOOST_TEST_CONTEXT("statement " << i) {
      BOOST_TEST(o.ok(), o.error.to_string());
      if (o.metrics.moved) {
        ++moved;
        BOOST_TEST(o.metrics.node == b);
      }
    }
  }
  // A was running reads when it died: they ran again on B.
  BOOST_TEST(moved > 0u);
}

BOOST_DATA_TEST_CASE(writes_on_a_killed_node_fail_with_a_connection_error, postgres_backends,
                     backend) {
  const auto [result, b] = killed_mid_gather(
      backend, [](actors::client& c) { return c.gather(sleeping_writes(8, 2.0), collect()); });
  std::size_t failed = 0;
  for (std::size_t i = 0; i < result.outcomes.size(); ++i) {
    const auto& o = result.outcomes[i];
    BOOST_TEST_CONTEXT("statement " << i) {
      if (o.ok()) {
        BOOST_TEST(o.metrics.node == b);
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

BOOST_DATA_TEST_CASE(a_node_killed_mid_gather_of_30000_statements_costs_only_what_it_held,
                     postgres_backends, backend) {
  const auto statements = lookups_around(sleeping_reads(8, 2.0));
  const auto [result, b] = killed_mid_gather(
      backend, [&](actors::client& c) { return c.gather(statements, collect()); });
  BOOST_REQUIRE_EQUAL(result.outcomes.size(), statements.size());
  std::size_t moved = 0;
  std::size_t on_b = 0;
  for (std::size_t i = 0; i < result.outcomes.size(); ++i) {
    const auto& o = result.outcomes[i];
    if (!o.ok()) {
      BOOST_ERROR("statement " << i << ": " << o.error.to_string());
      continue;
    }
    on_b += o.metrics.node == b ? 1 : 0;
    if (o.metrics.moved) {
      ++moved;
      BOOST_TEST(o.metrics.node == b);
    }
  }
  BOOST_TEST(moved > 0u);
  // Both nodes ran part of it: A until it died.
  BOOST_TEST(on_b < statements.size());
}

BOOST_DATA_TEST_CASE(a_fail_fast_gather_of_30000_statements_ends_at_a_write_its_node_lost,
                     postgres_backends, backend) {
  const auto statements = lookups_around(sleeping_writes(8, 2.0));
  const auto [error, b] = killed_mid_gather(backend, [&](actors::client& c) {
    try {
      (void)c.gather(statements);
    } catch (const actors::gather_error& e) {
      return std::optional<actors::gather_error>{e};
    }
    return std::optional<actors::gather_error>{};
  });
  BOOST_REQUIRE(error.has_value());
  BOOST_TEST(to_string(error->error().source) == "node");
  BOOST_TEST(to_string(error->error().info.category) == "connection");
  const auto& failing = statements.at(error->failure().index);
  BOOST_TEST(!failing.idempotent());
  const auto& outcomes = error->partial().outcomes;
  BOOST_REQUIRE_EQUAL(outcomes.size(), statements.size());
  for (const auto& o : outcomes)
    BOOST_TEST((o.ok() || o.status == actors::outcome_status::failed ||
                o.status == actors::outcome_status::cancelled));
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
  // As many reads as the node has connections, all running before the SIGTERM: a chunk sent
  // after it would be refused (a draining node takes no new work), and that is not this test.
  auto reads = sleeping_reads(2, 1.0);
  auto running = std::async(std::launch::async, [&] { return c.gather(reads, collect()); });
  BOOST_REQUIRE(poll_until([&] { return on_node.active_sleeps() >= 2; }));
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
