// Writes are never retried: on PostgreSQL, the backend of an INSERT or an UPDATE is terminated
// (pg_terminate_backend) while the statement runs in the server, waiting for an advisory lock
// the test holds. The outcome is a connection error after one attempt and the write did not
// happen twice (nor, killed before its commit, at all). An idempotent read is retried once on
// a fresh connection, unless `settings::retry_idempotent_reads` is off.

#include <functional>
#include <future>
#include <string>

#include <boost/test/unit_test.hpp>

#include "faults_fixture.hpp"
#include "support/pg_advisory_lock.hpp"

using namespace gatherdb;
using namespace gatherdb::faults_test;

namespace {

/// Gathers the statement `make(wait)` builds, where `wait` is an SQL expression that waits for
/// a lock the test holds; once the statement waits in the server, terminates its backend, then
/// releases the lock (a wrongly retried statement then runs to its end instead of waiting) and
/// returns the gather's result.
actors::gather_result
gather_and_kill_mid_flight(const client& c, const std::string& app,
                           const std::function<model::statement(const std::string&)>& make) {
  std::future<actors::gather_result> running;
  test::pg_advisory_lock lock; // released before `running` is waited for on any exit
  const auto statement = make(lock.waiting_sql());
  running = std::async(std::launch::async, [&c, statement] {
    return c.gather({statement}, collect(std::chrono::milliseconds{-1}));
  });
  BOOST_REQUIRE_EQUAL(lock.wait_for_waiters(application_name(app)), 1);
  BOOST_REQUIRE_EQUAL(lock.terminate_waiters(application_name(app)), 1);
  lock.release();
  return running.get();
}

/// The one outcome failed for the lost connection, after a single attempt.
void check_lost_once(const actors::gather_result& r) {
  BOOST_REQUIRE_EQUAL(r.outcomes.size(), 1u);
  const auto& o = r.outcomes[0];
  BOOST_TEST_CONTEXT("outcome error: " << o.error.to_string()) {
    BOOST_TEST(o.status == actors::outcome_status::failed);
    BOOST_TEST(o.error.source == actors::error_source::database);
    BOOST_TEST(o.error.info.category == drivers::error_category::connection);
    BOOST_TEST(o.metrics.attempts == 1);
    BOOST_TEST(r.metrics.retried == 0u);
  }
}

std::int64_t rows_with_data(seeded_database& db, const std::string& data) {
  return db.connection()
      .execute("SELECT count(*) FROM " + item_table() + " WHERE data = ?", {model::value{data}})
      ->row(0)
      .int64_at(0);
}

} // namespace

BOOST_AUTO_TEST_SUITE(faults_write_retry)

BOOST_AUTO_TEST_CASE(an_insert_killed_mid_flight_fails_after_one_attempt_and_inserts_no_row) {
  const std::string app = "killinsert";
  seeded_database db{backend::postgresql, app};
  client c{db.settings(1)}; // retry_idempotent_reads stays on: writes are never retried anyway
  auto insert = [](const std::string& wait) {
    return model::statement::raw("INSERT INTO " + item_table() +
                                 " (data) SELECT 'killed_insert' FROM (SELECT " + wait + ") l");
  };
  check_lost_once(gather_and_kill_mid_flight(c, app, insert));
  // Killed before its commit, it inserted nothing; retried, it would have inserted the row.
  BOOST_TEST(rows_with_data(db, "killed_insert") == 0);
  // The control: the same INSERT, not killed, inserts one row (the connection was replaced).
  const auto r = c.gather({insert("1")}, collect());
  BOOST_TEST(all_ok(r), first_error(r));
  BOOST_TEST(rows_with_data(db, "killed_insert") == 1);
}

BOOST_AUTO_TEST_CASE(an_update_killed_mid_flight_fails_after_one_attempt_and_changes_nothing) {
  const std::string app = "killupdate";
  seeded_database db{backend::postgresql, app};
  client c{db.settings(1)};
  // Not idempotent: each run appends one more '+'.
  auto update = [](const std::string& wait) {
    return model::statement::raw("UPDATE " + item_table() +
                                 " SET data = data || '+' FROM (SELECT " + wait +
                                 ") l WHERE data = 'a_7'");
  };
  check_lost_once(gather_and_kill_mid_flight(c, app, update));
  BOOST_TEST(rows_with_data(db, "a_7") == 1);
  BOOST_TEST(rows_with_data(db, "a_7+") == 0);
  // The control: the same UPDATE, not killed, appends exactly one '+'.
  const auto r = c.gather({update("1")}, collect());
  BOOST_TEST(all_ok(r), first_error(r));
  BOOST_TEST(rows_with_data(db, "a_7") == 0);
  BOOST_TEST(rows_with_data(db, "a_7+") == 1);
}

BOOST_AUTO_TEST_CASE(an_idempotent_read_killed_mid_flight_is_not_retried_when_retries_are_off) {
  const std::string app = "killreadoff";
  seeded_database db{backend::postgresql, app};
  auto s = db.settings(1);
  s.retry_idempotent_reads = false;
  client c{s};
  check_lost_once(gather_and_kill_mid_flight(c, app, [](const std::string& wait) {
    return model::statement::raw(
        "SELECT count(*) FROM " + item_table() + ", (SELECT " + wait + ") l", {}, true);
  }));
}

BOOST_AUTO_TEST_CASE(an_idempotent_read_killed_mid_flight_is_retried_once_when_retries_are_on) {
  // The control of the test above: the same scenario with the default setting.
  const std::string app = "killreadon";
  seeded_database db{backend::postgresql, app};
  auto s = db.settings(1);
  BOOST_REQUIRE(s.retry_idempotent_reads);
  client c{s};
  const auto r = gather_and_kill_mid_flight(c, app, [](const std::string& wait) {
    return model::statement::raw(
        "SELECT count(*) FROM " + item_table() + ", (SELECT " + wait + ") l", {}, true);
  });
  BOOST_REQUIRE_EQUAL(r.outcomes.size(), 1u);
  const auto& o = r.outcomes[0];
  BOOST_REQUIRE_MESSAGE(o.ok(), o.error.to_string());
  BOOST_TEST(o.metrics.attempts == 2);
  BOOST_TEST(o.rows->row(0).int64_at(0) == seeded_rows);
  BOOST_TEST(r.metrics.retried == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
