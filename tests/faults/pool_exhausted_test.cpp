// Pool exhausted: statements wait a bounded time for a connection, then fail with
// pool_exhausted; nothing leaks (our connections in pg_stat_activity stay within the pool size);
// destroying the client while statements are queued returns within 3 s.

#include <future>
#include <thread>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "faults_fixture.hpp"
#include "support/poll.hpp"

using namespace gatherdb;
using namespace gatherdb::faults_test;
using test::all_backends;

BOOST_AUTO_TEST_SUITE(faults_pool_exhausted)

BOOST_DATA_TEST_CASE(waiting_for_a_busy_pool_is_bounded_and_leaks_nothing, all_backends, backend) {
  seeded_database db{backend, "exhausted"};
  auto s = db.settings(2);
  s.pool_wait_timeout = 200ms;
  s.max_chunk = 1;
  s.worker_queue_chunks = 1;
  client c{s};
  // Both connections open first: one still connecting when the statements arrive would leave
  // every statement but one to expire.
  BOOST_REQUIRE(test::poll_until([&] { return c.stats().connections == 2; }));
  slow_statements slow{backend, db.dsn()};
  std::vector<model::statement> statements;
  for (int i = 0; i < 12; ++i)
    statements.push_back(slow.lasting(500));
  const auto t0 = clock_type::now();
  const auto result = c.gather(statements, collect());
  const auto elapsed = millis(clock_type::now() - t0);
  std::size_t exhausted = 0, ok = 0;
  long long slowest_ms = 0;
  for (const auto& o : result.outcomes) {
    if (o.ok()) {
      ++ok;
      slowest_ms = std::max<long long>(slowest_ms, o.metrics.execute_us / 1000);
      continue;
    }
    BOOST_TEST(o.status == actors::outcome_status::failed);
    BOOST_TEST(o.error.source == actors::error_source::pool_exhausted, o.error.to_string());
    if (o.error.source == actors::error_source::pool_exhausted)
      ++exhausted;
  }
  BOOST_TEST_MESSAGE(backend << ": " << ok << " ok, " << exhausted << " pool_exhausted in "
                             << elapsed << " ms (slowest statement " << slowest_ms << " ms)");
  BOOST_TEST(exhausted > 0u);
  BOOST_TEST(ok >= 2u);
  BOOST_TEST(ok + exhausted == statements.size());
  // Bounded: the waiting statements gave up after the 200 ms wait; the gather took as long as
  // the statements that got a connection, not 12 statements / 2 connections of them.
  BOOST_TEST(ok <= 4u);
  BOOST_TEST(elapsed < 2 * slowest_ms + 1500);
  BOOST_REQUIRE(result.failure);
  BOOST_TEST(result.failure->error.source == actors::error_source::pool_exhausted);
  const auto st = c.stats();
  BOOST_TEST(st.connections <= 2u);
  BOOST_TEST(st.queued == 0u);
  BOOST_TEST(st.exhausted == exhausted);
  if (is_postgres(backend)) {
    pg_monitor monitor{"exhausted", backend};
    BOOST_TEST(monitor.connections() <= 2);
  }
  // The pool serves the next gather.
  const auto after = c.gather(random_selects(30, 6), collect());
  BOOST_TEST(all_ok(after), first_error(after));
  if (is_postgres(backend)) {
    pg_monitor monitor{"exhausted", backend};
    BOOST_TEST(monitor.connections() <= 2);
  }
}

BOOST_DATA_TEST_CASE(destroying_the_client_while_statements_wait_for_a_connection_cancels_them,
                     all_backends, backend) {
  seeded_database db{backend, "exhaustedstop"};
  auto s = db.settings(2);
  s.pool_wait_timeout = 60000ms;
  auto c = std::make_unique<client>(s);
  // Statements that only a cancel ends (on SQLite a wait for another connection's lock would
  // not be: the driver's busy handler ignores cancels).
  std::vector<model::statement> statements;
  for (int i = 0; i < 200; ++i)
    statements.push_back(long_statement(backend));
  auto running = std::async(std::launch::async,
                            [&] { return gather_until_destroyed(*c, statements, collect()); });
  // Both connections are busy and the rest wait for them.
  BOOST_REQUIRE(test::poll_until([&] { return c->stats().busy == 2 && c->stats().queued > 0; }));
  BOOST_REQUIRE((running.wait_for(0s) == std::future_status::timeout));
  const auto took = destroy_client(c);
  BOOST_TEST_MESSAGE(backend << ": client destroyed with a full queue in " << millis(took)
                             << " ms");
  BOOST_TEST(millis(took) < test::long_statement_seconds * 1000 / 2,
             "the shutdown waited for a statement's end");
  BOOST_REQUIRE(
      (running.wait_for(test::long_statement_seconds * 1s / 2) == std::future_status::ready));
  // Most statements still waited for a connection: the shutdown ended them.
  check_ended_by_shutdown(running.get(), statements.size(), statements.size() / 2);
  if (is_postgres(backend)) {
    pg_monitor monitor{"exhaustedstop", backend};
    BOOST_TEST(test::poll_until([&] { return monitor.active_sleeps() == 0; }),
               "statements still running after shutdown");
    BOOST_TEST(monitor.wait_connections_at_most(0) == 0, "connections left after shutdown");
  }
}

BOOST_AUTO_TEST_SUITE_END()
