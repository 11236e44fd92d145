// Cancelling a running statement: from another thread, by deadline, by stop flag; and that a
// cancel never leaks into the next execution.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/drivers/error.hpp"
#include "gatherdb/drivers/prepared_statement.hpp"
#include "gatherdb/drivers/watchdog.hpp"

#include "support/backends.hpp"
#include "support/open_connection.hpp"
#include "support/poll.hpp"

namespace drivers = gatherdb::drivers;
namespace model = gatherdb::model;
using drivers::error_category;
using gatherdb::test::all_backends;
using gatherdb::test::backend;
using gatherdb::test::open_connection;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace boost::test_tools::tt_detail {
template <>
struct print_log_value<error_category> {
  void operator()(std::ostream& os, error_category c) { os << drivers::to_string(c); }
};
} // namespace boost::test_tools::tt_detail

namespace {

/// A statement that runs well over 5 s unless cancelled.
std::string long_running_sql(backend b) {
  if (is_postgres(b))
    return "SELECT pg_sleep(10)";
  if (b == backend::mariadb)
    return "SELECT SLEEP(10)";
  return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 500000000) "
         "SELECT count(*) FROM c";
}

/// `n` rows of (x, 'value ' || x) for x = 1..n. MariaDB stops recursion at
/// max_recursive_iterations (1000) and reads `||` as OR: its sequence engine instead.
std::string numbered_rows_sql(backend b, int n) {
  if (b == backend::mariadb)
    return "SELECT seq AS x, CONCAT('value ', seq) FROM seq_1_to_" + std::to_string(n);
  return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " +
         std::to_string(n) + ") SELECT x, 'value ' || x FROM c";
}

/// Runs `stmt` expecting it to be stopped; returns the error and how long the run took.
std::pair<drivers::error_info, clock_type::duration>
run_expecting_error(drivers::prepared_statement& stmt, const drivers::run_options& options = {}) {
  const auto start = clock_type::now();
  try {
    stmt.run({}, options);
  } catch (const drivers::database_error& e) {
    BOOST_TEST_MESSAGE("got: " << e.what());
    return {e.info(), clock_type::now() - start};
  }
  BOOST_FAIL("the statement ran to completion: it was not cancelled");
  return {};
}

/// Runs `stmt` with a deadline `after` from now, expecting it to be stopped.
std::pair<drivers::error_info, clock_type::duration>
run_with_deadline_in(drivers::prepared_statement& stmt, clock_type::duration after) {
  drivers::run_options options;
  options.deadline = clock_type::now() + after;
  return run_expecting_error(stmt, options);
}

void check_usable(drivers::connection& conn) {
  auto r = conn.execute("SELECT ?", {model::value{"still alive"}});
  BOOST_TEST_REQUIRE(r->row_count() == 1u);
  BOOST_TEST(r->row(0).at(0) == model::value{"still alive"});
}

long long ms(clock_type::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

// Waits until `canceller`'s statement is inside SQLExecute; false if it never got there.
// Calls no Boost.Test macro: the tests call it from their helper threads.
bool await_executing(const std::shared_ptr<drivers::cancel_handle>& canceller) {
  return gatherdb::test::poll_until([&] { return canceller->executing(); });
}

} // namespace

BOOST_AUTO_TEST_SUITE(drivers_cancel)

BOOST_DATA_TEST_CASE(cancel_from_another_thread_stops_the_statement, all_backends, backend) {
  auto conn = open_connection(backend);
  drivers::prepared_statement stmt{conn, long_running_sql(backend)};
  auto canceller = stmt.canceller();
  clock_type::time_point cancelled_at;
  std::atomic<bool> ended{false};
  auto killer = std::async(std::launch::async, [&] {
    if (!await_executing(canceller))
      return false;
    cancelled_at = clock_type::now();
    // Again until the run ends: the first may land before the driver started the statement.
    while (!ended.load()) {
      canceller->cancel();
      std::this_thread::sleep_for(50ms);
    }
    return true;
  });
  auto [e, took] = run_expecting_error(stmt);
  ended.store(true);
  BOOST_TEST_REQUIRE(killer.get(), "the statement never started executing");
  const auto after_cancel = clock_type::now() - cancelled_at;
  BOOST_TEST_MESSAGE(backend << ": run took " << ms(took) << " ms, " << ms(after_cancel)
                             << " ms after the cancel");
  BOOST_TEST(e.category == error_category::cancelled);
  BOOST_TEST(!e.retryable);
  BOOST_TEST(ms(after_cancel) < 2000);
  BOOST_TEST(canceller->fired() == error_category::cancelled);
  check_usable(conn);
  // The statement itself runs again once its cancel is over.
  drivers::prepared_statement quick{conn, "SELECT 42"};
  BOOST_TEST(quick.run({})->row_count() == 1u);
}

BOOST_DATA_TEST_CASE(deadline_stops_the_statement_as_a_timeout, all_backends, backend) {
  auto conn = open_connection(backend);
  drivers::prepared_statement stmt{conn, long_running_sql(backend)};
  // Let the watchdog thread go idle first: a deadline must wake it.
  (void)drivers::watchdog::instance();
  std::this_thread::sleep_for(50ms);
  auto [e, took] = run_with_deadline_in(stmt, 500ms);
  BOOST_TEST_MESSAGE(backend << ": run took " << ms(took) << " ms");
  BOOST_TEST(e.category == error_category::timeout);
  BOOST_TEST(ms(took) < 2000);
  BOOST_TEST(ms(took) >= 450);
  check_usable(conn);
}

BOOST_DATA_TEST_CASE(an_earlier_deadline_on_another_thread_wakes_the_watchdog, all_backends,
                     backend) {
  // The watchdog sleeps until the first statement's far deadline; the second statement's
  // near one, watched later from another thread, must still fire on time.
  auto far_conn = open_connection(backend);
  auto near_conn = open_connection(backend);
  drivers::prepared_statement far_stmt{far_conn, long_running_sql(backend)};
  drivers::prepared_statement near_stmt{near_conn, long_running_sql(backend)};
  auto far = std::async(std::launch::async, [&] { return run_with_deadline_in(far_stmt, 3s); });
  // Watched and executing: the watchdog sleeps until its deadline.
  BOOST_TEST_REQUIRE(await_executing(far_stmt.canceller()));
  auto [e, took] = run_with_deadline_in(near_stmt, 300ms);
  BOOST_TEST_MESSAGE(backend << ": near run took " << ms(took) << " ms");
  BOOST_TEST(e.category == error_category::timeout);
  BOOST_TEST(ms(took) >= 250);
  BOOST_TEST(ms(took) < 2000);
  auto [far_error, far_took] = far.get();
  BOOST_TEST(far_error.category == error_category::timeout);
  BOOST_TEST(ms(far_took) >= 2950);
  check_usable(near_conn);
  check_usable(far_conn);
}

BOOST_DATA_TEST_CASE(deadlines_on_many_threads_each_fire_at_their_own_time, all_backends, backend) {
  // Threads spread over the watchdog's shards; each statement must stop at its deadline, not
  // at another's, and not before.
  constexpr int threads = 6;
  std::vector<drivers::connection> conns;
  for (int i = 0; i < threads; ++i)
    conns.push_back(open_connection(backend));
  const auto start = clock_type::now();
  auto deadline_of = [](int i) { return 400 + i * 150; }; // ms after start
  // Each run reports its error and when, after `start`, it ended.
  std::vector<std::future<std::pair<drivers::error_info, long long>>> runs;
  for (int i = 0; i < threads; ++i) {
    runs.push_back(std::async(std::launch::async, [&, i] {
      drivers::prepared_statement stmt{conns[static_cast<std::size_t>(i)],
                                       long_running_sql(backend)};
      drivers::run_options options;
      options.deadline = start + std::chrono::milliseconds{deadline_of(i)};
      auto error = run_expecting_error(stmt, options).first;
      return std::pair{error, ms(clock_type::now() - start)};
    }));
  }
  for (int i = 0; i < threads; ++i) {
    auto [e, ended] = runs[static_cast<std::size_t>(i)].get();
    BOOST_TEST_MESSAGE(backend << ": thread " << i << " ended " << ended << " ms after the start");
    BOOST_TEST(e.category == error_category::timeout);
    BOOST_TEST(ended >= deadline_of(i));
    BOOST_TEST(ended < deadline_of(i) + 2000);
  }
  for (auto& c : conns)
    check_usable(c);
}

BOOST_DATA_TEST_CASE(stop_flag_and_poke_stop_the_statement, all_backends, backend) {
  auto conn = open_connection(backend);
  drivers::prepared_statement stmt{conn, long_running_sql(backend)};
  auto flag = std::make_shared<std::atomic<bool>>(false);
  drivers::run_options options;
  options.stop = flag;
  clock_type::time_point stopped_at;
  auto stopper = std::async(std::launch::async, [&] {
    (void)await_executing(stmt.canceller()); // else the run ends by itself and fails below
    stopped_at = clock_type::now();
    flag->store(true);
    drivers::watchdog::instance().poke();
  });
  auto [e, took] = run_expecting_error(stmt, options);
  stopper.get();
  BOOST_TEST_MESSAGE(backend << ": run took " << ms(took) << " ms, "
                             << ms(clock_type::now() - stopped_at) << " ms after the stop");
  BOOST_TEST(e.category == error_category::cancelled);
  BOOST_TEST(ms(clock_type::now() - stopped_at) < 2000);
  check_usable(conn);
}

BOOST_DATA_TEST_CASE(stop_flag_already_set_stops_before_executing, all_backends, backend) {
  auto conn = open_connection(backend);
  drivers::prepared_statement stmt{conn, long_running_sql(backend)};
  auto flag = std::make_shared<std::atomic<bool>>(true);
  drivers::run_options options;
  options.stop = flag;
  drivers::watchdog::instance().poke();
  auto [e, took] = run_expecting_error(stmt, options);
  BOOST_TEST(e.category == error_category::cancelled);
  BOOST_TEST(ms(took) < 2000);
  check_usable(conn);
}

BOOST_DATA_TEST_CASE(cancel_between_runs_does_not_affect_the_next_run, all_backends, backend) {
  auto conn = open_connection(backend);
  drivers::prepared_statement stmt{conn, "SELECT ?"};
  BOOST_TEST(stmt.run({model::value{"a"}})->row(0).at(0) == model::value{"a"});
  stmt.canceller()->cancel();
  stmt.canceller()->cancel(error_category::timeout);
  auto r = stmt.run({model::value{"b"}});
  BOOST_TEST_REQUIRE(r->row_count() == 1u);
  BOOST_TEST(r->row(0).at(0) == model::value{"b"});
  BOOST_TEST(stmt.canceller()->fired() == error_category::other);
  // Same with a long statement: after a cancel between runs it is still bounded only by its
  // own deadline, which fires as a timeout (not as the stale cancel).
  drivers::prepared_statement slow{conn, long_running_sql(backend)};
  slow.canceller()->cancel();
  drivers::run_options options;
  options.deadline = clock_type::now() + 300ms;
  auto [e, took] = run_expecting_error(slow, options);
  BOOST_TEST(e.category == error_category::timeout);
  BOOST_TEST(ms(took) >= 250);
}

BOOST_DATA_TEST_CASE(finished_deadline_run_leaves_the_connection_usable, all_backends, backend) {
  auto conn = open_connection(backend);
  drivers::prepared_statement stmt{conn, "SELECT ?"};
  drivers::run_options options;
  options.deadline = clock_type::now() + 200ms;
  for (int i = 0; i < 20; ++i)
    BOOST_TEST(stmt.run({model::value{i}}, options)->row_count() == 1u);
  // The watchdog keeps firing at the expired deadline only while the run is watched.
  std::this_thread::sleep_for(400ms);
  BOOST_TEST(stmt.run({model::value{1}})->row_count() == 1u);
  check_usable(conn);
}

BOOST_DATA_TEST_CASE(cancel_at_any_moment_completes_or_reports_cancelled, all_backends, backend) {
  // Cancels land before, during and after execution and during the fetch of a large result;
  // every run either returns the whole result or fails as cancelled, and nothing crashes.
  auto conn = open_connection(backend);
  drivers::prepared_statement stmt{conn, numbered_rows_sql(backend, 50000)};
  const auto start = clock_type::now();
  stmt.run({});
  const auto full = clock_type::now() - start;
  BOOST_TEST_MESSAGE(backend << ": uncancelled run " << ms(full) << " ms");
  int completed = 0, cancelled = 0;
  // Bounded so that a loaded machine (slow runs) does not stretch the suite.
  const auto span = std::min<clock_type::duration>(full, 400ms);
  for (int i = 0; i < 24; ++i) {
    const auto delay = span * i / 20; // the last ones land after the run
    auto canceller = stmt.canceller();
    auto killer = std::async(std::launch::async, [&] {
      std::this_thread::sleep_for(delay);
      canceller->cancel();
    });
    try {
      auto r = stmt.run({});
      BOOST_TEST_REQUIRE(r->row_count() == 50000u, "iteration " << i);
      BOOST_TEST_REQUIRE(r->row(49999).int64_at(0) == 50000);
      ++completed;
    } catch (const drivers::database_error& e) {
      BOOST_TEST_REQUIRE((e.category() == error_category::cancelled), e.what());
      ++cancelled;
    }
    killer.get();
  }
  BOOST_TEST_MESSAGE(backend << ": " << completed << " completed, " << cancelled << " cancelled");
  BOOST_TEST(cancelled > 0);
  check_usable(conn);
}

BOOST_DATA_TEST_CASE(cancels_racing_each_run_and_its_error_report_leave_the_statement_intact,
                     all_backends, backend) {
  // Cancels arrive back to back while runs start, fail as cancelled and read their
  // diagnostics: unixODBC's SQLCancel frees the statement's diagnostic records and rewrites its
  // state without a lock, so cancels sent through the driver manager raced the running
  // thread's calls here (helgrind: 93 races in libodbc; ASan does not see into the
  // uninstrumented driver manager). Every run either completes or reports cancelled, and the
  // connection stays usable.
  // Runs of several lengths. Only a cancel that lands inside the driver's execution makes it
  // report (and the race is with that report), and a PostgreSQL cancel takes its own time to
  // arrive (a connection to the postmaster, which forks to deliver it): the short runs race
  // it, the long ones outlast it however fast or slow this machine forks.
  // MariaDB: Connector/ODBC's SQLCancel connects anew and sends KILL QUERY, as slow to arrive
  // as PostgreSQL's cancel.
  // PgBouncer (transaction pooling) forwards a cancel to the server connection its client had;
  // one that arrives after the run ended, once that server connection is back in its pool,
  // makes the server answer while no client is linked, and PgBouncer then closes it and the
  // client it lends it to next ("server conn crashed?"). That ends a connection with a
  // `connection` error, never a wrong result: the races go on on a new connection.
  const bool server = backend != backend::sqlite;
  const std::string sql = is_postgres(backend) ? "SELECT pg_sleep(?)"
                          : backend == backend::mariadb
                              ? "SELECT SLEEP(?)"
                              : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                                "WHERE x < ?) SELECT count(*) FROM c";
  const std::vector<model::value> lengths =
      server
          ? std::vector<model::value>{model::value{0.0005}, model::value{0.002}, model::value{0.01}}
          : std::vector<model::value>{model::value{2000}, model::value{20000},
                                      model::value{200000}};
  int completed = 0, cancelled_before = 0, cancelled_inside = 0, lost_to_pooler = 0;
  // At least 1.5 s of races; longer only while no cancel has landed inside a run.
  const auto start = clock_type::now();
  const auto racing = [&] {
    return clock_type::now() < start + 1500ms ||
           (cancelled_inside == 0 && clock_type::now() < start + 15s);
  };
  while (racing()) {
    auto conn = open_connection(backend);
    drivers::prepared_statement stmt{conn, sql};
    std::atomic<bool> done{false};
    auto canceller = stmt.canceller();
    auto hammer = std::async(std::launch::async, [&] {
      // Mostly back to back; the pauses let some runs complete between cancels.
      const std::chrono::microseconds pauses[] = {0us, 0us, 0us, 100us, 1000us};
      for (std::size_t i = 0; !done.load(); ++i) {
        canceller->cancel();
        std::this_thread::sleep_for(pauses[i % std::size(pauses)]);
      }
    });
    // Stops the hammer however this scope ends (a failed requirement throws).
    const std::unique_ptr<std::atomic<bool>, void (*)(std::atomic<bool>*)> stop_hammer{
        &done, [](std::atomic<bool>* d) { d->store(true); }};
    bool lost = false;
    for (std::size_t i = 0; !lost && racing(); ++i) {
      try {
        auto r = stmt.run({lengths[i % lengths.size()]});
        BOOST_TEST_REQUIRE(r->row_count() == 1u);
        ++completed;
      } catch (const drivers::database_error& e) {
        lost = backend == backend::pgbouncer && e.category() == error_category::connection;
        if (lost) {
          ++lost_to_pooler;
          continue;
        }
        BOOST_TEST_REQUIRE((e.category() == error_category::cancelled), e.what());
        ++(std::string_view{e.what()}.find("before execution") != std::string_view::npos
               ? cancelled_before
               : cancelled_inside);
      }
    }
    done = true;
    hammer.get();
    if (!lost)
      check_usable(conn);
  }
  const auto counts = std::to_string(completed) + " completed, " +
                      std::to_string(cancelled_before) + " cancelled before execution, " +
                      std::to_string(cancelled_inside) + " inside it, " +
                      std::to_string(lost_to_pooler) + " connections lost to PgBouncer";
  BOOST_TEST_MESSAGE(backend << ": " << counts);
  BOOST_TEST(cancelled_inside > 0, counts);
}

BOOST_DATA_TEST_CASE(a_cancel_while_rows_are_fetched_ends_the_run_as_cancelled, all_backends,
                     backend) {
  // psqlODBC reads the whole result during SQLExecute and its SQLCancel does nothing after
  // that, so the fetch itself has to notice a cancel (a deadline past which a large result
  // would otherwise still be copied row by row).
  auto conn = open_connection(backend);
  drivers::prepared_statement stmt{conn, numbered_rows_sql(backend, 400000)};
  drivers::run_timings reference; // of the last run that completed
  drivers::run_options timed;
  timed.timings = &reference;
  BOOST_TEST_REQUIRE(stmt.run({}, timed)->row_count() == 400000u);
  int conclusive = 0;
  for (int attempt = 0; attempt < 6 && conclusive < 2; ++attempt) {
    // An eighth into the fetch of the last complete run (run times drift, under ASan by a
    // third, and a loaded machine wakes the canceller late).
    const auto delay = reference.execute + reference.fetch / 8;
    auto canceller = stmt.canceller();
    std::atomic<clock_type::rep> sent{0};
    auto killer = std::async(std::launch::async, [&] {
      std::this_thread::sleep_for(delay);
      sent = clock_type::now().time_since_epoch().count();
      canceller->cancel();
    });
    bool completed = false;
    drivers::run_timings last;
    timed.timings = &last;
    const auto began = clock_type::now();
    try {
      (void)stmt.run({}, timed);
      completed = true;
    } catch (const drivers::database_error& e) {
      BOOST_TEST_REQUIRE((e.category() == error_category::cancelled), e.what());
    }
    killer.get();
    const auto at = clock_type::time_point{clock_type::duration{sent.load()}} - began;
    BOOST_TEST_MESSAGE(backend << ": execute " << ms(last.execute) << " ms, fetch "
                               << ms(last.fetch) << " ms, cancel at " << ms(at) << " ms, "
                               << (completed ? "completed" : "cancelled"));
    if (!completed) {
      ++conclusive;
      continue;
    }
    reference = last;
    // Judged only when the cancel reached the first quarter of this run's fetch: rows are
    // checked once per chunk, and the fetch's end (freezing the rows, closing the cursor,
    // freeing the driver's copy of the rows) may outlast the last check.
    if (at < last.execute || at > last.execute + last.fetch / 4)
      continue;
    ++conclusive;
    BOOST_TEST(false, "attempt " << attempt << ": the run completed although the cancel came "
                                 << ms(at - last.execute) << " ms into its " << ms(last.fetch)
                                 << " ms fetch");
  }
  BOOST_TEST(conclusive > 0);
  check_usable(conn);
}

BOOST_AUTO_TEST_SUITE_END()
