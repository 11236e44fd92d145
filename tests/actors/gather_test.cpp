// client::gather against real databases: it returns what running the statements one after the
// other in one session returns, in statement order, with one object per row identity; its
// metrics add up; and one client serves many threads at once.

#include <future>
#include <thread>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "actors_fixture.hpp"
#include "support/poll.hpp"

using namespace gatherdb;
using namespace gatherdb::actors_test;
using test::all_backends;

BOOST_AUTO_TEST_SUITE(actors_gather)

BOOST_DATA_TEST_CASE(gather_of_30_selects_equals_sequential_run_in_one_session, all_backends,
                     backend) {
  seeded_database db{backend};
  client c{db.settings()};
  const auto statements = random_selects(30, 30);
  const auto result = c.gather(statements);
  check_equals_sequential(result, run_sequentially(db.dsn(), statements));
  BOOST_TEST(!result.failure);
}

BOOST_DATA_TEST_CASE(gather_of_300_selects_equals_sequential_run_in_one_session, all_backends,
                     backend) {
  seeded_database db{backend};
  client c{db.settings()};
  const auto statements = random_selects(300, 300);
  const auto result = c.gather(statements);
  check_equals_sequential(result, run_sequentially(db.dsn(), statements));
  // 300 draws from 100 rows: the session holds each row once.
  const auto distinct = run_sequentially(db.dsn(), statements).session.size<item>();
  BOOST_TEST(result.session->size<item>() == distinct);
}

BOOST_DATA_TEST_CASE(gather_larger_than_the_queue_bound_equals_sequential_run, all_backends,
                     backend) {
  seeded_database db{backend};
  auto s = db.settings(2);
  // A gather keeps at most queue_bound statements in the pool's queue (its session window is
  // clamped to it), so 300 statements pass through 8 places without pool_exhausted.
  s.queue_bound = 8;
  client c{s};
  const auto statements = random_selects(300, 8);
  const auto result = c.gather(statements);
  check_equals_sequential(result, run_sequentially(db.dsn(), statements));
  BOOST_TEST(!result.failure);
  BOOST_TEST(c.stats().exhausted == 0u);
}

BOOST_DATA_TEST_CASE(session_window_of_one_still_returns_results_in_statement_order, all_backends,
                     backend) {
  seeded_database db{backend};
  auto s = db.settings(4);
  s.session_window = 1;
  client c{s};
  const auto statements = random_selects(40, 1);
  const auto result = c.gather(statements);
  check_equals_sequential(result, run_sequentially(db.dsn(), statements));
}

BOOST_DATA_TEST_CASE(every_statement_runs_exactly_once_whatever_the_window_and_its_ramp,
                     all_backends, backend) {
  // The first window's sessions start in slices of max_chunk / 4, each starting session
  // starting the one a slice further on; the rest start as sessions end. A statement started
  // twice would still merge once, so count executions at the pool.
  seeded_database db{backend};
  const auto statements = random_selects(100, 100);
  const auto want = run_sequentially(db.dsn(), statements);
  for (const std::size_t window : {1, 3, 16, 37, 100, 1024}) {
    for (const std::size_t max_chunk : {1, 8, 64}) {
      BOOST_TEST_CONTEXT("window " << window << ", max_chunk " << max_chunk) {
        auto s = db.settings(2);
        s.session_window = window;
        s.max_chunk = max_chunk;
        client c{s};
        const auto result = c.gather(statements);
        check_equals_sequential(result, want);
        BOOST_TEST(c.stats().completed == statements.size());
      }
    }
  }
}

BOOST_DATA_TEST_CASE(a_slow_statement_does_not_hold_back_the_statements_after_it, all_backends,
                     backend) {
  // When a session ends, the first statement not started yet starts: with a window of two, the
  // twenty quick statements after a slow first one (waiting for a lock this test holds) all
  // run on the second connection meanwhile. (Starting the one `window` places further on instead
  // made every second statement wait for the slow one.)
  seeded_database db{backend};
  auto s = db.settings(2);
  s.session_window = 2;
  client c{s};
  test::slow_statements slow{backend, db.dsn()};
  std::vector<model::statement> statements{slow.until_released()};
  for (int k = 0; k < 20; ++k)
    statements.push_back(select_data(k));
  auto running = std::async(std::launch::async, [&] { return c.gather(statements); });
  // Every quick statement ends while the slow one still waits: none waited for it.
  const bool quick_ones_ended = test::poll_until([&] { return c.stats().completed >= 20; });
  slow.release();
  const actors::gather_result result = running.get();
  BOOST_TEST(quick_ones_ended, "the quick statements waited for the slow one");
  BOOST_REQUIRE_EQUAL(result.outcomes.size(), statements.size());
  for (std::size_t i = 0; i < result.outcomes.size(); ++i)
    BOOST_REQUIRE_MESSAGE(result.outcomes[i].ok(),
                          "statement " << i << ": " << result.outcomes[i].error.to_string());
  for (std::size_t i = 1; i < result.outcomes.size(); ++i) {
    BOOST_REQUIRE_EQUAL(result.outcomes[i].result.size(), 1u);
    BOOST_TEST(result.outcomes[i].result.get<item>(0).data == "a_" + std::to_string(i - 1));
  }
}

BOOST_DATA_TEST_CASE(two_statements_hitting_one_row_return_the_same_object, all_backends, backend) {
  seeded_database db{backend};
  client c{db.settings()};
  std::vector<model::statement> statements{select_data(7), select_data(41), select_data(7),
                                           select_data(99), select_data(41)};
  const auto result = c.gather(statements);
  BOOST_REQUIRE_EQUAL(result.outcomes.size(), 5u);
  for (const auto& o : result.outcomes)
    BOOST_REQUIRE_MESSAGE(o.ok() && o.result.size() == 1, o.error.to_string());
  const item& first = result.outcomes[0].result.get<item>(0);
  BOOST_TEST(&first == &result.outcomes[2].result.get<item>(0));
  BOOST_TEST(&result.outcomes[1].result.get<item>(0) == &result.outcomes[4].result.get<item>(0));
  BOOST_TEST(&first != &result.outcomes[1].result.get<item>(0));
  BOOST_TEST(first.data == "a_7");
  BOOST_TEST(result.session->find<item>(first.id) == &first);
  BOOST_TEST(result.session->size<item>() == 3u);
}

BOOST_DATA_TEST_CASE(gather_of_no_statements_returns_an_empty_result, all_backends, backend) {
  seeded_database db{backend};
  client c{db.settings()};
  const auto result = c.gather({});
  BOOST_TEST(result.outcomes.empty());
  BOOST_TEST(!result.failure);
  BOOST_TEST(result.repr() == "[]");
  BOOST_TEST(result.metrics.statements == 0u);
}

BOOST_DATA_TEST_CASE(gather_into_a_shared_session_reuses_its_objects, all_backends, backend) {
  seeded_database db{backend};
  client c{db.settings()};
  auto session = std::make_shared<model::session_state>();
  actors::gather_options options;
  options.session = session;
  const auto first = c.gather({select_data(3)}, options);
  const auto second = c.gather({select_data(3), select_data(4)}, options);
  BOOST_REQUIRE(first.outcomes[0].ok());
  BOOST_REQUIRE(second.outcomes[0].ok());
  BOOST_TEST(&first.outcomes[0].result.get<item>(0) == &second.outcomes[0].result.get<item>(0));
  BOOST_TEST(session->size<item>() == 2u);
}

BOOST_DATA_TEST_CASE(metrics_of_ok_outcomes_are_set_and_gather_metrics_add_up, all_backends,
                     backend) {
  seeded_database db{backend};
  client c{db.settings()};
  auto statements = random_selects(40, 40);
  statements.push_back(model::statement::raw("SELECT * FROM actors_no_such_table", {}, false));
  actors::gather_options options;
  options.mode = actors::gather_mode::collect;
  const auto result = c.gather(statements, options);
  const auto& m = result.metrics;
  BOOST_TEST(m.statements == statements.size());
  BOOST_TEST(m.succeeded == 40u);
  BOOST_TEST(m.failed == 1u);
  BOOST_TEST(m.cancelled == 0u);
  BOOST_TEST(m.succeeded + m.failed + m.cancelled == m.statements);
  BOOST_TEST(m.retried == 0u);
  std::chrono::microseconds queue_wait{0}, execute{0}, fetch{0}, merge{0}, max_wait{0};
  for (std::size_t i = 0; i < result.outcomes.size(); ++i) {
    const auto& o = result.outcomes[i];
    queue_wait += std::chrono::microseconds{o.metrics.queue_wait_us};
    execute += std::chrono::microseconds{o.metrics.execute_us};
    fetch += std::chrono::microseconds{o.metrics.fetch_us};
    merge += std::chrono::microseconds{o.metrics.merge_us};
    max_wait = std::max(max_wait, std::chrono::microseconds{o.metrics.queue_wait_us});
    if (!o.ok())
      continue;
    BOOST_TEST_CONTEXT("statement " << i) {
      BOOST_TEST(o.metrics.attempts == 1);
      BOOST_TEST(o.metrics.execute_us > 0u);
      BOOST_TEST(o.metrics.queue_wait_us > 0u);
      // Everything a statement did happened within the gather's wall time.
      const auto spent = std::chrono::microseconds{std::uint64_t{o.metrics.queue_wait_us} +
                                                   o.metrics.execute_us + o.metrics.fetch_us};
      BOOST_TEST(spent.count() <= m.wall.count());
      BOOST_TEST(o.metrics.execute_us < 10'000'000u);
    }
  }
  BOOST_TEST(m.queue_wait.count() == queue_wait.count());
  BOOST_TEST(m.execute.count() == execute.count());
  BOOST_TEST(m.fetch.count() == fetch.count());
  BOOST_TEST(m.merge.count() == merge.count());
  BOOST_TEST(m.max_queue_wait.count() == max_wait.count());
  BOOST_TEST(m.wall.count() > 0);
}

BOOST_DATA_TEST_CASE(eight_threads_sharing_one_client_each_get_their_own_correct_result,
                     all_backends, backend) {
  seeded_database db{backend};
  client c{db.settings()};
  constexpr unsigned threads = 8;
  std::vector<std::vector<model::statement>> inputs;
  for (unsigned t = 0; t < threads; ++t)
    inputs.push_back(random_selects(30 + 10 * t, 1000 + t));
  std::vector<std::future<actors::gather_result>> futures;
  std::promise<void> go;
  auto start = go.get_future().share();
  for (unsigned t = 0; t < threads; ++t)
    futures.push_back(std::async(std::launch::async, [&, t] {
      start.wait();
      return c.gather(inputs[t]);
    }));
  go.set_value();
  for (unsigned t = 0; t < threads; ++t) {
    BOOST_TEST_CONTEXT("thread " << t) {
      const auto result = futures[t].get();
      check_equals_sequential(result, run_sequentially(db.dsn(), inputs[t]));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
