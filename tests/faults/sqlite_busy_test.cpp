// SQLite busy: a writer holds the database lock (a transaction with an uncommitted INSERT) while a
// gather reads and writes with `Timeout=200` in the DSN. Reads succeed, writes end with a clear
// busy error (category timeout, native 5) after the busy timeout, never a crash; once the writer
// commits, gathers succeed; destroying the client while writes wait returns within 3 s.

#include <future>
#include <thread>

#include <boost/test/unit_test.hpp>

#include "faults_fixture.hpp"
#include "support/poll.hpp"

using namespace gatherdb;
using namespace gatherdb::faults_test;

namespace {

model::statement insert_row(int k) {
  return model::statement::raw("INSERT INTO " + item_table() + " (data) VALUES (?)",
                               {model::value{"w_" + std::to_string(k)}}, false);
}

model::statement count_rows() {
  return model::statement::raw("SELECT count(*) FROM " + item_table(), {}, true);
}

} // namespace

BOOST_AUTO_TEST_SUITE(faults_sqlite_busy)

BOOST_AUTO_TEST_CASE(writes_behind_a_held_lock_fail_with_busy_and_succeed_after_commit) {
  seeded_database db{backend::sqlite};
  const std::string dsn = db.dsn() + "Timeout=200;";
  auto writer = drivers::connection::open(dsn);
  writer.begin();
  writer.execute("INSERT INTO " + item_table() + " (data) VALUES ('held')");
  auto s = db.settings(4);
  s.dsn = dsn;
  client c{s};

  std::vector<model::statement> statements;
  for (int i = 0; i < 24; ++i)
    statements.push_back(i % 3 == 0 ? insert_row(i) : select_data(i));
  const auto t0 = clock_type::now();
  const auto busy = c.gather(statements, collect());
  const auto elapsed = millis(clock_type::now() - t0);
  std::size_t ok_writes = 0, busy_writes = 0;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const auto& o = busy.outcomes[i];
    BOOST_TEST_CONTEXT("statement " << i) {
      if (i % 3 != 0) {
        BOOST_TEST(o.ok(), o.error.to_string()); // readers are not blocked by a RESERVED lock
        continue;
      }
      if (o.ok()) {
        ++ok_writes;
        continue;
      }
      ++busy_writes;
      // Failed, not cancelled: the database's busy timeout expired, not the deadline.
      BOOST_TEST(o.status == actors::outcome_status::failed);
      BOOST_TEST(o.error.source == actors::error_source::database);
      BOOST_TEST(o.error.info.category == drivers::error_category::timeout, o.error.to_string());
      BOOST_TEST(o.error.info.native_code == 5, o.error.to_string());
      BOOST_TEST(o.metrics.attempts == 1); // a write is never retried
    }
  }
  BOOST_TEST_MESSAGE("sqlite busy: " << busy_writes << " writes busy, " << ok_writes
                                     << " ok, gather took " << elapsed << " ms; "
                                     << (busy.failure ? busy.failure->error.to_string() : ""));
  BOOST_TEST(busy_writes > 0u);
  BOOST_TEST(busy.metrics.failed == busy_writes);
  BOOST_TEST(busy.metrics.cancelled == 0u);
  // The uncommitted row is invisible to readers.
  const auto counted = c.gather({count_rows()}, collect());
  BOOST_REQUIRE_MESSAGE(all_ok(counted), first_error(counted));
  BOOST_TEST(counted.outcomes[0].rows->row(0).int64_at(0) ==
             static_cast<std::int64_t>(seeded_rows + ok_writes));

  writer.commit();
  const auto after = c.gather(statements, collect());
  BOOST_TEST(all_ok(after), first_error(after));
  const auto recounted = c.gather({count_rows()}, collect());
  BOOST_REQUIRE_MESSAGE(all_ok(recounted), first_error(recounted));
  BOOST_TEST(recounted.outcomes[0].rows->row(0).int64_at(0) ==
             static_cast<std::int64_t>(seeded_rows + 1 + ok_writes + 8));
}

BOOST_AUTO_TEST_CASE(destroying_the_client_while_writes_wait_for_the_lock_returns_within_3_s) {
  seeded_database db{backend::sqlite};
  const std::string dsn = db.dsn() + "Timeout=200;";
  auto writer = drivers::connection::open(dsn);
  writer.begin();
  writer.execute("INSERT INTO " + item_table() + " (data) VALUES ('held')");
  auto s = db.settings(2);
  s.dsn = dsn;
  auto c = std::make_unique<client>(s);
  std::vector<model::statement> statements;
  for (int i = 0; i < 60; ++i)
    statements.push_back(insert_row(i)); // about 400 ms each, two at a time: 12 s in all
  auto running = std::async(std::launch::async,
                            [&] { return gather_until_destroyed(*c, statements, collect()); });
  // Both connections wait for the lock with an insert each.
  BOOST_REQUIRE(test::poll_until([&] { return c->stats().busy == 2; }));
  BOOST_REQUIRE((running.wait_for(0s) == std::future_status::timeout));
  const auto took = destroy_client(c);
  BOOST_TEST_MESSAGE("sqlite busy: client destroyed in " << millis(took) << " ms");
  BOOST_TEST(millis(took) < 3000);
  BOOST_REQUIRE((running.wait_for(2s) == std::future_status::ready));
  check_ended_by_shutdown(running.get(), statements.size());
  writer.rollback();
}

BOOST_AUTO_TEST_SUITE_END()
