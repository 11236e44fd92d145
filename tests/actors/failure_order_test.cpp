// Which failure a collect gather reports when several statements fail: the first in statement
// order (`gather_result::failure`), not the first to happen.

#include <future>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "actors_fixture.hpp"
#include "support/pg_advisory_lock.hpp"
#include "support/poll.hpp"

using namespace gatherdb;
using namespace gatherdb::actors_test;

BOOST_AUTO_TEST_SUITE(actors_failure_order)

BOOST_AUTO_TEST_CASE(collect_reports_the_first_failure_in_statement_order_not_the_first_to_happen) {
  // PostgreSQL: statement 0 waits for a lock the test holds and fails (division by zero) only
  // once statement 1 has failed (missing table) and the test released the lock.
  const std::string app = "failorder";
  seeded_database db{backend::postgresql, app};
  auto s = db.settings(2);
  s.max_chunk = 1; // one statement per chunk: statement 1 never queues behind statement 0
  client c{s};
  BOOST_REQUIRE_MESSAGE(test::poll_until([&] { return c.stats().connections == 2; }),
                        "the pool did not open its two connections");
  std::future<actors::gather_result> running;
  test::pg_advisory_lock lock; // released before `running` is waited for on any exit
  const std::vector<model::statement> statements{
      model::statement::raw("SELECT 1 / (length(" + lock.waiting_sql() + "::text) * 0)"),
      model::statement::raw("SELECT * FROM actors_missing_table_x")};
  const auto completed = c.stats().completed;
  running = std::async(std::launch::async,
                       [&c, statements] { return c.gather(statements, test::collect()); });
  BOOST_REQUIRE_EQUAL(lock.wait_for_waiters(suite::application_name(app)), 1);
  BOOST_REQUIRE_MESSAGE(test::poll_until([&] { return c.stats().completed >= completed + 1; }),
                        "statement 1 did not fail while statement 0 waited");
  BOOST_TEST(lock.waiters(suite::application_name(app)) == 1, "statement 0 ended first");
  lock.release();
  const auto r = running.get();
  BOOST_REQUIRE_EQUAL(r.outcomes.size(), 2u);
  BOOST_TEST(r.outcomes[0].status == actors::outcome_status::failed);
  BOOST_TEST(r.outcomes[0].error.info.sqlstate == "22012", r.outcomes[0].error.to_string());
  BOOST_TEST(r.outcomes[1].status == actors::outcome_status::failed);
  BOOST_TEST(r.outcomes[1].error.info.sqlstate == "42P01", r.outcomes[1].error.to_string());
  BOOST_REQUIRE(r.failure);
  BOOST_TEST(r.failure->index == 0u);
  BOOST_TEST(r.failure->error.info.sqlstate == "22012", r.failure->error.to_string());
  BOOST_TEST(r.metrics.failed == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
