// Destroying a client while a gather runs: it returns promptly, the blocked gather returns or
// throws, nothing hangs or crashes.

#include <future>
#include <memory>
#include <thread>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "actors_fixture.hpp"
#include "support/poll.hpp"
#include "support/server_monitor.hpp"

using namespace gatherdb;
using namespace gatherdb::actors_test;
using test::all_backends;

BOOST_AUTO_TEST_SUITE(actors_shutdown)

BOOST_DATA_TEST_CASE(destroying_the_client_with_100_long_statements_in_flight_returns_quickly,
                     all_backends, backend) {
  seeded_database db{backend, "shutdown"};
  auto c = std::make_unique<client>(db.settings(4));
  std::vector<model::statement> statements;
  for (int i = 0; i < 100; ++i)
    statements.push_back(long_statement(backend));
  actors::gather_options options;
  options.mode = actors::gather_mode::collect;
  auto running = std::async(std::launch::async, [&] { return c->gather(statements, options); });
  // The first statements reach their connections: every worker holds one, and on a server
  // they run there.
  BOOST_REQUIRE(test::poll_until([&] { return c->stats().busy == 4; }));
  if (backend != backend::sqlite) {
    test::server_monitor<suite_tag> running{backend, "shutdown"};
    BOOST_REQUIRE(test::poll_until([&] { return running.active_sleeps() >= 1; }));
  }
  BOOST_TEST((running.wait_for(0s) == std::future_status::timeout));
  const auto t0 = clock_type::now();
  c.reset();
  const auto elapsed = clock_type::now() - t0;
  BOOST_TEST_MESSAGE(backend << ": client destroyed in " << millis(elapsed) << " ms");
  BOOST_TEST(millis(elapsed) < test::long_statement_seconds * 1000 / 2,
             "the destruction waited for a statement's end");
  BOOST_REQUIRE_MESSAGE(running.wait_for(2s) == std::future_status::ready,
                        "the blocked gather did not return after the client was destroyed");
  // A collect gather ends with an outcome per statement, never an exception: the client waits
  // for its callers before it stops its actors.
  const auto result = running.get();
  BOOST_REQUIRE_EQUAL(result.outcomes.size(), statements.size());
  std::size_t by_shutdown = 0;
  for (const auto& o : result.outcomes) {
    BOOST_TEST(o.status == actors::outcome_status::cancelled, o.error.to_string());
    by_shutdown += o.error.source == actors::error_source::shutdown ? 1 : 0;
  }
  BOOST_TEST(result.metrics.cancelled == statements.size());
  BOOST_TEST(by_shutdown >= statements.size() - 4); // all but those on the 4 connections
  if (backend != backend::sqlite) {
    test::server_monitor<suite_tag> monitor{backend, "shutdown"};
    BOOST_TEST(monitor.active_sleeps() == 0);
  }
}

BOOST_DATA_TEST_CASE(gather_after_shutdown_throws_gather_error, all_backends, backend) {
  seeded_database db{backend};
  client c{db.settings(2)};
  BOOST_TEST(c.gather({select_data(1)}).outcomes.at(0).ok());
  c.shutdown();
  c.shutdown(); // idempotent
  BOOST_CHECK_THROW((void)c.gather({select_data(1)}), actors::gather_error);
  // The pool is gone: stats say so instead of crashing or blocking.
  const auto s = c.stats();
  BOOST_TEST(s.connections == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
