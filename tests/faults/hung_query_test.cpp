// A hung query (a long-running statement, or on PostgreSQL one blocked on a lock held by another
// transaction) is cancelled by its deadline; the connection is reused or replaced, so the next
// gather succeeds; destroying the client while it hangs returns within 3 s.

#include <future>
#include <thread>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "faults_fixture.hpp"
#include "support/mariadb_monitor.hpp"
#include "support/poll.hpp"

using namespace gatherdb;
using namespace gatherdb::faults_test;
using test::all_backends;

BOOST_AUTO_TEST_SUITE(faults_hung_query)

BOOST_DATA_TEST_CASE(hung_query_is_cancelled_by_its_deadline_and_the_pool_stays_usable,
                     all_backends, backend) {
  seeded_database db{backend, "hung"};
  client c{db.settings(1)}; // one connection: the next gather must reuse or replace it
  const auto t0 = clock_type::now();
  const auto result = c.gather({long_statement(backend), select_data(3)}, collect(400ms));
  const auto elapsed = millis(clock_type::now() - t0);
  BOOST_TEST_MESSAGE(backend << ": hung query cancelled after " << elapsed
                             << " ms: " << result.outcomes.at(0).error.to_string());
  BOOST_TEST(elapsed >= 350);
  BOOST_TEST(elapsed < test::long_statement_seconds * 1000 / 2, "the statement ran to its end");
  const auto& o = result.outcomes.at(0);
  BOOST_TEST(o.status == actors::outcome_status::cancelled);
  BOOST_TEST(o.error.info.category == drivers::error_category::timeout, o.error.to_string());
  const auto after = c.gather(random_selects(20, 4), collect());
  BOOST_TEST(all_ok(after), first_error(after));
  BOOST_TEST(c.stats().connections <= 1u);
  if (is_postgres(backend)) {
    pg_monitor monitor{"hung", backend};
    BOOST_TEST(monitor.active_sleeps() == 0);
    BOOST_TEST(monitor.connections() <= 1);
  } else if (backend == backend::mariadb) {
    BOOST_TEST(test::mariadb_monitor{}.active_sleeps() == 0);
  }
}

BOOST_AUTO_TEST_CASE(query_blocked_on_a_lock_is_cancelled_by_its_deadline) {
  seeded_database db{backend::postgresql, "hunglock"};
  client c{db.settings(2)};
  auto locker = drivers::connection::open(test::postgres_connection_string());
  locker.begin();
  locker.execute("LOCK TABLE " + item_table() + " IN ACCESS EXCLUSIVE MODE");
  const auto t0 = clock_type::now();
  const auto blocked = c.gather({select_data(1), select_data(2)}, collect(500ms));
  const auto elapsed = millis(clock_type::now() - t0);
  BOOST_TEST_MESSAGE("lock wait cancelled after "
                     << elapsed << " ms: " << blocked.outcomes.at(0).error.to_string());
  // The lock is held until the test ends: only the deadline can end the wait.
  BOOST_TEST(elapsed < test::poll_bound.count());
  for (const auto& o : blocked.outcomes) {
    BOOST_TEST(o.status == actors::outcome_status::cancelled);
    BOOST_TEST(o.error.info.category == drivers::error_category::timeout, o.error.to_string());
    // 57014: cancelled while blocked in the server; HYT00: the deadline passed while it waited
    // (behind the blocked one for the same connection, or before the cancel was reported).
    BOOST_TEST((o.error.info.sqlstate == "57014" || o.error.info.sqlstate == "HYT00"),
               o.error.to_string());
  }
  // Cancelled in the server too, not abandoned there: none of our backends waits for the lock.
  auto watcher = drivers::connection::open(test::postgres_connection_string());
  std::int64_t waiting = 1;
  for (int i = 0; i < 100 && waiting > 0; ++i) {
    waiting = watcher
                  .execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = ? AND "
                           "wait_event_type = 'Lock'",
                           {model::value{application_name("hunglock")}})
                  ->row(0)
                  .int64_at(0);
    if (waiting > 0)
      std::this_thread::sleep_for(20ms);
  }
  BOOST_TEST(waiting == 0, "a cancelled statement still waits for the lock in the server");
  locker.rollback();
  const auto after = c.gather(random_selects(20, 5), collect());
  BOOST_TEST(all_ok(after), first_error(after));
}

BOOST_DATA_TEST_CASE(destroying_the_client_during_a_hung_query_cancels_it, all_backends, backend) {
  seeded_database db{backend, "hungstop"};
  auto c = std::make_unique<client>(db.settings(2));
  std::vector<model::statement> statements{long_statement(backend), long_statement(backend),
                                           select_data(1)};
  auto running = std::async(
      std::launch::async, [&] { return gather_until_destroyed(*c, statements, collect(60000ms)); });
  // A connection holds a hung statement (both, unless one chunk took the two).
  BOOST_REQUIRE(test::poll_until([&] { return c->stats().busy >= 1; }));
  BOOST_REQUIRE((running.wait_for(0s) == std::future_status::timeout));
  const auto took = destroy_client(c);
  BOOST_TEST_MESSAGE(backend << ": client destroyed during a hung query in " << millis(took)
                             << " ms");
  BOOST_TEST(millis(took) < test::long_statement_seconds * 1000 / 2,
             "the destruction waited for a statement's end");
  BOOST_REQUIRE(
      (running.wait_for(test::long_statement_seconds * 1s / 2) == std::future_status::ready));
  const auto ended = running.get();
  check_ended_by_shutdown(ended, statements.size());
  BOOST_TEST(ended.metrics.cancelled >= 2u); // both hung statements
  if (is_postgres(backend)) {
    pg_monitor monitor{"hungstop", backend};
    BOOST_TEST(test::poll_until([&] { return monitor.active_sleeps() == 0; }));
    BOOST_TEST(monitor.wait_connections_at_most(0) == 0);
  } else if (backend == backend::mariadb) {
    // The kill of a cancel may still be on its way when the client is gone.
    test::mariadb_monitor monitor;
    BOOST_TEST(monitor.wait_running_at_most(test::mariadb_sleep_marker(), 0) == 0);
  }
}

BOOST_AUTO_TEST_SUITE_END()
