// A failing statement among good ones: collect mode keeps the others, fail_fast throws and
// cancels what is still running; deadlines cancel a statement and leave the pool usable.

#include <future>
#include <thread>
#include <unistd.h>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "actors_fixture.hpp"
#include "support/poll.hpp"
#include "support/server_monitor.hpp"

using namespace gatherdb;
using namespace gatherdb::actors_test;
using test::all_backends;

namespace {

model::statement missing_table() {
  return model::statement::raw("SELECT * FROM actors_missing_table_x", {}, false);
}

/// How long the scenarios' long statements sleep unless cancelled.
constexpr int long_seconds = 30;

/// Every sleep of the scenario `app` ends on the server well before it would have ended by
/// itself (SQLite: nothing to check). Polled: the throw may come before the server has acted
/// on the cancel, and pg_stat_activity lags behind it.
void check_no_sleep_running(backend b, std::string_view app) {
  if (b == backend::sqlite)
    return;
  test::server_monitor<suite_tag> monitor{b, app};
  BOOST_TEST(test::poll_until([&] { return monitor.active_sleeps() == 0; },
                              std::chrono::seconds{long_seconds / 2}),
             "a sleep still runs " << long_seconds / 2 << " s after the throw");
}

/// Every outcome from `first` on ended cancelled, for `why`.
void check_cancelled_from(const actors::gather_result& r, std::size_t first,
                          drivers::error_category why) {
  for (std::size_t i = first; i < r.outcomes.size(); ++i) {
    const auto& o = r.outcomes[i];
    BOOST_TEST_CONTEXT("statement " << i) {
      BOOST_TEST(o.status == actors::outcome_status::cancelled, o.error.to_string());
      BOOST_TEST(o.error.info.category == why);
    }
  }
}

} // namespace

BOOST_AUTO_TEST_SUITE(actors_failure)

BOOST_DATA_TEST_CASE(collect_mode_returns_29_results_and_the_one_database_error, all_backends,
                     backend) {
  seeded_database db{backend};
  client c{db.settings()};
  auto statements = random_selects(30, 7);
  constexpr std::size_t bad = 17;
  statements[bad] = missing_table();
  actors::gather_options options;
  options.mode = actors::gather_mode::collect;
  const auto result = c.gather(statements, options);
  BOOST_REQUIRE_EQUAL(result.outcomes.size(), 30u);
  const auto want = run_sequentially(db.dsn(), random_selects(30, 7));
  for (std::size_t i = 0; i < 30; ++i) {
    BOOST_TEST_CONTEXT("statement " << i) {
      const auto& o = result.outcomes[i];
      if (i == bad) {
        BOOST_TEST(o.status == actors::outcome_status::failed);
        BOOST_TEST(o.error.source == actors::error_source::database);
        BOOST_TEST(o.error.info.sqlstate == test::missing_table_sqlstate(backend));
        BOOST_TEST(o.error.info.category == drivers::error_category::syntax);
        BOOST_TEST(o.error.info.message.find("actors_missing_table_x") != std::string::npos,
                   o.error.info.message);
        BOOST_TEST(o.metrics.attempts == 1);
      } else {
        BOOST_REQUIRE_MESSAGE(o.ok(), o.error.to_string());
        BOOST_TEST(o.result.repr() == want.results[i].repr());
      }
    }
  }
  BOOST_REQUIRE(result.failure);
  BOOST_TEST(result.failure->index == bad);
  BOOST_TEST(result.failure->error.info.sqlstate == test::missing_table_sqlstate(backend));
  BOOST_TEST(result.metrics.succeeded == 29u);
  BOOST_TEST(result.metrics.failed == 1u);
  // repr prints None for the failed statement.
  BOOST_TEST(result.repr().find("None") != std::string::npos);
}

BOOST_DATA_TEST_CASE(fail_fast_throws_the_error_quickly_and_leaves_nothing_running, all_backends,
                     backend) {
  seeded_database db{backend, "failfast"};
  client c{db.settings(4)};
  // The bad statement first, so it fails while the long ones behind it run.
  std::vector<model::statement> statements{missing_table()};
  for (int i = 0; i < 29; ++i)
    statements.push_back(i % 3 == 0 ? long_statement(backend, long_seconds) : select_data(i));
  const auto t0 = clock_type::now();
  bool thrown = false;
  try {
    (void)c.gather(statements);
  } catch (const actors::gather_error& e) {
    thrown = true;
    const auto elapsed = clock_type::now() - t0;
    BOOST_TEST_MESSAGE(backend << ": fail_fast threw after " << millis(elapsed)
                               << " ms: " << e.what());
    // Bounds here are what the test itself started, never this machine's speed: waiting for
    // a long statement takes its 5 s.
    BOOST_TEST(millis(elapsed) < long_seconds * 1000, "the throw waited for the long statements");
    BOOST_TEST(e.failure().index == 0u);
    BOOST_TEST(e.error().source == actors::error_source::database);
    BOOST_TEST(e.error().info.sqlstate == test::missing_table_sqlstate(backend));
    BOOST_REQUIRE_EQUAL(e.partial().outcomes.size(), statements.size());
    BOOST_TEST(e.partial().outcomes[0].status == actors::outcome_status::failed);
    std::size_t cancelled = 0;
    for (std::size_t i = 1; i < statements.size(); ++i) {
      const auto& o = e.partial().outcomes[i];
      BOOST_TEST_CONTEXT("statement " << i) {
        BOOST_TEST(o.status != actors::outcome_status::failed, o.error.to_string());
        if (o.status == actors::outcome_status::cancelled) {
          ++cancelled;
          BOOST_TEST(o.error.info.category == drivers::error_category::cancelled);
        }
      }
    }
    // Every long statement ended cancelled (none can have finished within 2 s).
    BOOST_TEST(cancelled >= 10u);
    check_no_sleep_running(backend, "failfast");
    const auto s = c.stats();
    BOOST_TEST(s.busy == 0u);
    BOOST_TEST(s.queued == 0u);
  }
  BOOST_TEST(thrown, "fail_fast gather with a bad statement did not throw");
  // The client stays usable.
  const auto after = c.gather({select_data(1)});
  BOOST_TEST(after.outcomes.at(0).ok());
}

BOOST_DATA_TEST_CASE(fail_fast_ends_the_statements_its_window_has_not_started_without_running_them,
                     all_backends, backend) {
  seeded_database db{backend, "failwindow"};
  auto s = db.settings(2);
  s.session_window = 2;
  client c{s};
  // Only statements 0 and 1 start: 0 fails at once, 1 sleeps until fail_fast cancels it; the
  // 38 long statements behind them must end without reaching the database.
  std::vector<model::statement> statements{missing_table()};
  for (int i = 0; i < 39; ++i)
    statements.push_back(long_statement(backend, long_seconds));
  const auto t0 = clock_type::now();
  try {
    (void)c.gather(statements);
    BOOST_FAIL("fail_fast gather with a bad statement did not throw");
  } catch (const actors::gather_error& e) {
    const auto elapsed = clock_type::now() - t0;
    BOOST_TEST_MESSAGE(backend << ": fail_fast with window 2 threw after " << millis(elapsed)
                               << " ms");
    BOOST_TEST(millis(elapsed) < long_seconds * 1000, "an unstarted statement ran");
    BOOST_TEST(e.failure().index == 0u);
    BOOST_REQUIRE_EQUAL(e.partial().outcomes.size(), statements.size());
    check_cancelled_from(e.partial(), 1, drivers::error_category::cancelled);
  }
  check_no_sleep_running(backend, "failwindow");
  BOOST_TEST(c.stats().queued == 0u);
  BOOST_TEST(c.gather({select_data(1)}).outcomes.at(0).ok());
}

BOOST_DATA_TEST_CASE(fail_fast_reports_a_failure_before_the_long_statements_of_its_chunk,
                     all_backends, backend) {
  seeded_database db{backend, "failchunk"};
  // One connection, busy for 100 ms with the first statement while the others queue: the
  // failing statement and the long ones behind it then travel in one chunk.
  client c{db.settings(1)};
  slow_statements slow{backend, db.dsn()};
  std::vector<model::statement> statements{slow.lasting(100), missing_table()};
  for (int i = 0; i < 3; ++i)
    statements.push_back(long_statement(backend, long_seconds));
  const auto t0 = clock_type::now();
  try {
    (void)c.gather(statements);
    BOOST_FAIL("fail_fast gather with a bad statement did not throw");
  } catch (const actors::gather_error& e) {
    const auto elapsed = clock_type::now() - t0;
    BOOST_TEST_MESSAGE(backend << ": failure reported after " << millis(elapsed) << " ms");
    BOOST_TEST(millis(elapsed) < long_seconds * 1000,
               "the failure waited for the chunk's long statements");
    BOOST_TEST(e.failure().index == 1u);
    // Statement 0 usually runs first; should statement 1 reach the idle worker first, its
    // failure cancels statement 0 instead.
    BOOST_TEST(e.partial().outcomes.at(0).status != actors::outcome_status::failed);
    for (std::size_t i = 2; i < statements.size(); ++i)
      BOOST_TEST(e.partial().outcomes.at(i).status == actors::outcome_status::cancelled);
  }
  check_no_sleep_running(backend, "failchunk");
}

BOOST_DATA_TEST_CASE(deadline_ends_the_statements_a_window_of_one_has_not_started, all_backends,
                     backend) {
  seeded_database db{backend};
  auto s = db.settings(1);
  s.session_window = 1;
  client c{s};
  actors::gather_options options;
  options.mode = actors::gather_mode::collect;
  options.timeout = 300ms;
  std::vector<model::statement> statements;
  for (int i = 0; i < 10; ++i)
    statements.push_back(long_statement(backend, long_seconds));
  const auto t0 = clock_type::now();
  const auto result = c.gather(statements, options);
  const auto elapsed = clock_type::now() - t0;
  BOOST_TEST_MESSAGE(backend << ": 10 statements, window 1, deadline after " << millis(elapsed)
                             << " ms");
  BOOST_TEST(millis(elapsed) < long_seconds * 1000, "a long statement ran to its end");
  BOOST_REQUIRE_EQUAL(result.outcomes.size(), statements.size());
  check_cancelled_from(result, 0, drivers::error_category::timeout);
  BOOST_TEST(result.metrics.cancelled == statements.size());
  BOOST_TEST(c.gather({select_data(2)}).outcomes.at(0).ok());
}

BOOST_DATA_TEST_CASE(deadline_cancels_a_long_statement_and_the_pool_stays_usable, all_backends,
                     backend) {
  seeded_database db{backend};
  client c{db.settings(2)};
  actors::gather_options options;
  options.mode = actors::gather_mode::collect;
  options.timeout = 500ms;
  const auto t0 = clock_type::now();
  const auto result = c.gather({long_statement(backend, 30)}, options);
  const auto elapsed = clock_type::now() - t0;
  BOOST_TEST_MESSAGE(backend << ": deadline reported after " << millis(elapsed) << " ms");
  BOOST_TEST(millis(elapsed) < 30000, "the statement of 30 s ran to its end");
  BOOST_TEST(millis(elapsed) >= 450);
  BOOST_REQUIRE_EQUAL(result.outcomes.size(), 1u);
  const auto& o = result.outcomes[0];
  BOOST_TEST(o.status == actors::outcome_status::cancelled);
  BOOST_TEST(o.error.info.category == drivers::error_category::timeout, o.error.to_string());
  BOOST_TEST(o.error.source == actors::error_source::database);
  BOOST_TEST(result.metrics.cancelled == 1u);
  // The connection that ran it works for the next gather (pool of 2: all reused).
  const auto after = c.gather(random_selects(10, 3));
  for (const auto& a : after.outcomes)
    BOOST_TEST(a.ok(), a.error.to_string());
  BOOST_TEST(c.stats().connections <= 2u);
}

BOOST_DATA_TEST_CASE(deadline_holds_while_the_statement_waits_for_a_connection, all_backends,
                     backend) {
  seeded_database db{backend};
  client c{db.settings(1)};
  // Another gather holds the only connection for seconds.
  actors::gather_options hog_options;
  hog_options.mode = actors::gather_mode::collect;
  constexpr auto hog_deadline = 6000ms; // the test waits for it at its end
  hog_options.timeout = hog_deadline;
  auto hog = std::async(std::launch::async, [&] {
    return c.gather({long_statement(backend, 2 * long_seconds)}, hog_options);
  });
  BOOST_REQUIRE(test::poll_until([&] { return c.stats().busy == 1; }));
  actors::gather_options options;
  options.mode = actors::gather_mode::collect;
  options.timeout = 300ms;
  const auto t0 = clock_type::now();
  const auto result = c.gather({select_data(1)}, options);
  const auto elapsed = clock_type::now() - t0;
  BOOST_TEST_MESSAGE(backend << ": queued statement reported after " << millis(elapsed) << " ms");
  // Without it, the statement would have waited for the hog's deadline.
  BOOST_TEST(millis(elapsed) < hog_deadline.count() / 2,
             "the deadline was not enforced while queued");
  const auto& o = result.outcomes.at(0);
  BOOST_TEST(o.status == actors::outcome_status::cancelled, o.error.to_string());
  BOOST_TEST(o.error.info.category == drivers::error_category::timeout);
  const auto hogged = hog.get();
  BOOST_TEST(hogged.outcomes.at(0).status == actors::outcome_status::cancelled);
}

BOOST_DATA_TEST_CASE(fail_fast_deadline_throws_with_category_timeout, all_backends, backend) {
  seeded_database db{backend};
  auto s = db.settings(2);
  // One statement per connection: the fast one never waits behind the long one in a chunk
  // (under ASan beside a CPU hog it did, and timed out with it).
  s.max_chunk = 1;
  client c{s};
  // Both connections open first, and a deadline a tenth of the long statement's length: the
  // fast statement ends long before it however loaded this machine (300 ms was not enough
  // beside a CPU hog through PgBouncer).
  (void)c.gather({select_data(1), select_data(2)});
  actors::gather_options options;
  options.timeout = std::chrono::seconds{test::long_statement_seconds / 10};
  const auto t0 = clock_type::now();
  try {
    (void)c.gather({select_data(1), long_statement(backend)}, options);
    BOOST_FAIL("a gather past its deadline did not throw in fail_fast mode");
  } catch (const actors::gather_error& e) {
    BOOST_TEST(millis(clock_type::now() - t0) < 1000 * test::long_statement_seconds,
               "the long statement ran to its end");
    BOOST_TEST(e.failure().index == 1u, e.error().to_string());
    BOOST_TEST(e.error().info.category == drivers::error_category::timeout, e.error().to_string());
    BOOST_TEST(e.partial().outcomes.at(0).ok(), e.partial().outcomes.at(0).error.to_string());
  }
}

// Servers only: SQLite has no server whose connection could be lost.
BOOST_DATA_TEST_CASE(idempotent_read_is_retried_once_after_its_backend_is_terminated,
                     test::server_backends, backend) {
  seeded_database db{backend, "retry"};
  client c{db.settings(2)};
  // Statement 0 waits for a lock this test holds, so that the kill always finds it running,
  // however slow this machine; its retry finds the lock released. The others are short.
  test::slow_statements slow{backend, db.dsn()};
  std::vector<model::statement> statements{slow.until_released()};
  const auto victim = statements[0].compile(model::dialect::postgresql).sql;
  for (int i = 1; i < 8; ++i)
    statements.push_back(model::statement::raw(
        "SELECT " + test::sleep_column(backend, 0.4) + ", " + std::to_string(i), {}, true));
  actors::gather_options options;
  options.mode = actors::gather_mode::collect;
  auto running = std::async(std::launch::async, [&] { return c.gather(statements, options); });
  test::server_monitor<suite_tag> monitor{backend, "retry"};
  BOOST_REQUIRE_MESSAGE(test::poll_until([&] { return monitor.kill_one_running(victim) == 1; }),
                        "statement 0 never ran");
  slow.release();
  const auto result = running.get();
  std::size_t retried = 0;
  for (std::size_t i = 0; i < result.outcomes.size(); ++i) {
    const auto& o = result.outcomes[i];
    BOOST_TEST_CONTEXT("statement " << i) {
      BOOST_TEST(o.ok(), o.error.to_string());
      BOOST_TEST((o.metrics.attempts == 1 || o.metrics.attempts == 2));
      if (o.metrics.attempts == 2)
        ++retried;
      if (o.ok() && i > 0)
        BOOST_TEST(o.rows->row(0).int64_at(1) == static_cast<std::int64_t>(i));
    }
  }
  BOOST_TEST(result.outcomes[0].metrics.attempts == 2);
  BOOST_TEST(retried == 1u);
  BOOST_TEST(result.metrics.retried == 1u);
}

BOOST_DATA_TEST_CASE(non_idempotent_statement_is_not_retried_after_its_backend_is_terminated,
                     test::server_backends, backend) {
  seeded_database db{backend, "noretry"};
  client c{db.settings(2)};
  // Statement 0 runs until it is killed (its deadline is far off), so that the kill always
  // finds it running, however slow this machine; the others are short.
  const auto victim = "victim_" + std::to_string(::getpid());
  std::vector<model::statement> statements;
  statements.push_back(model::statement::raw(
      "SELECT " + test::sleep_column(backend, test::long_statement_seconds) + ", 0 AS " + victim,
      {}, false));
  for (int i = 1; i < 4; ++i)
    statements.push_back(model::statement::raw(
        "SELECT " + test::sleep_column(backend, 0.6) + ", " + std::to_string(i), {}, false));
  actors::gather_options options;
  options.mode = actors::gather_mode::collect;
  options.timeout = std::chrono::seconds{2 * test::long_statement_seconds};
  auto running = std::async(std::launch::async, [&] { return c.gather(statements, options); });
  test::server_monitor<suite_tag> monitor{backend, "noretry"};
  BOOST_REQUIRE_MESSAGE(test::poll_until([&] { return monitor.kill_one_running(victim) == 1; }),
                        "statement 0 never ran");
  const auto result = running.get();
  std::size_t lost = 0;
  for (std::size_t i = 0; i < result.outcomes.size(); ++i) {
    const auto& o = result.outcomes[i];
    BOOST_TEST_CONTEXT("statement " << i) {
      BOOST_TEST(o.metrics.attempts == 1);
      if (!o.ok()) {
        ++lost;
        BOOST_TEST(o.status == actors::outcome_status::failed);
        BOOST_TEST(o.error.info.category == drivers::error_category::connection,
                   o.error.to_string());
      }
    }
  }
  BOOST_TEST(lost == 1u);
  BOOST_TEST(result.metrics.retried == 0u);
  // The worker replaced its connection: the next gather runs.
  const auto after = c.gather(random_selects(6, 9));
  for (const auto& a : after.outcomes)
    BOOST_TEST(a.ok(), a.error.to_string());
}

BOOST_AUTO_TEST_SUITE_END()
