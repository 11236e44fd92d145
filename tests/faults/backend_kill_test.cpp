// Backends killed mid-gather: while a 3,000-statement gather runs on a server, a separate
// connection of the same role terminates some of its backends (PostgreSQL:
// pg_terminate_backend, found by application_name; MariaDB: KILL CONNECTION, found by the
// process' table name in what they run). Idempotent reads are retried on a fresh connection,
// the results equal an undisturbed run, and the pool heals.

#include <atomic>
#include <future>
#include <optional>
#include <thread>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "faults_fixture.hpp"
#include "support/mariadb_monitor.hpp"

using namespace gatherdb;
using namespace gatherdb::faults_test;

namespace {

/// 3,000 reads; every 20th sleeps 20 ms in the server so that the gather lasts about a second.
std::vector<model::statement> kill_workload(backend b = backend::postgresql) {
  std::vector<model::statement> out = random_selects(3000, 42);
  // MariaDB evaluates a SLEEP in WHERE once per row read; in a derived table, once.
  const std::string sleep = is_postgres(b)
                                ? ", pg_sleep(0.02) WHERE data = ?"
                                : " CROSS JOIN (SELECT SLEEP(0.02) AS s) z WHERE data = ?";
  for (std::size_t i = 0; i < out.size(); i += 20) {
    const int k = static_cast<int>(i % seeded_rows);
    out[i] = model::statement::raw_entities<item>("SELECT id, data FROM " + item_table() + sleep,
                                                  {model::value{"a_" + std::to_string(k)}});
  }
  return out;
}

/// Terminates `kills` of the application's backends, `gap` apart, once it has connections;
/// returns how many were terminated. MariaDB and PgBouncer: kills a connection running a
/// statement on this process' table, the nearest they have to an application name.
std::int64_t kill_backends(backend b, std::string_view app, int kills,
                           std::chrono::milliseconds gap, const std::atomic<bool>& done) {
  std::int64_t terminated = 0;
  // Behind PgBouncer a server connection serves any client in turn: only one running a
  // statement on this process' table is surely ours.
  if (b == backend::mariadb || b == backend::pgbouncer) {
    std::optional<test::mariadb_monitor> maria;
    std::optional<pg_monitor> pg;
    if (b == backend::mariadb)
      maria.emplace();
    else
      pg.emplace(app, b);
    for (int k = 0; k < kills && !done; ++k) {
      std::this_thread::sleep_for(gap);
      std::int64_t killed = 0;
      for (int i = 0; i < 500 && killed == 0 && !done; ++i) {
        killed = maria ? maria->kill_one_running(item_table())
                       : pg->terminate_one_running_anywhere(item_table());
        if (killed == 0)
          std::this_thread::sleep_for(2ms);
      }
      terminated += killed;
    }
    return terminated;
  }
  pg_monitor monitor{app};
  for (int i = 0; i < 500 && monitor.connections() == 0 && !done; ++i)
    std::this_thread::sleep_for(5ms);
  for (int k = 0; k < kills && !done; ++k) {
    std::this_thread::sleep_for(gap);
    if (!done)
      terminated += monitor.terminate_one();
  }
  return terminated;
}

} // namespace

BOOST_AUTO_TEST_SUITE(faults_backend_kill)

BOOST_DATA_TEST_CASE(killed_backends_are_retried_and_the_results_equal_an_undisturbed_run,
                     test::server_backends, backend) {
  seeded_database db{backend, "kill"};
  client c{db.settings(4)};
  const auto statements = kill_workload(backend);
  const auto reference = c.gather(statements, collect());
  BOOST_REQUIRE_MESSAGE(all_ok(reference), first_error(reference));

  std::atomic<bool> done{false};
  auto killer = std::async(std::launch::async,
                           [&] { return kill_backends(backend, "kill", 3, 150ms, done); });
  const auto t0 = clock_type::now();
  const auto result = c.gather(statements, collect());
  const auto elapsed = clock_type::now() - t0;
  done = true;
  const auto terminated = killer.get();
  BOOST_TEST_MESSAGE("backend kill: " << terminated << " backends terminated during a "
                                      << millis(elapsed) << " ms gather; " << result.metrics.retried
                                      << " retried, " << result.metrics.failed << " failed");
  BOOST_REQUIRE_MESSAGE(terminated >= 1, "the gather ended before any backend could be killed");
  BOOST_REQUIRE_EQUAL(result.outcomes.size(), statements.size());
  std::size_t retried = 0, failed = 0;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const auto& o = result.outcomes[i];
    BOOST_TEST_CONTEXT("statement " << i) {
      BOOST_TEST((o.metrics.attempts == 1 || o.metrics.attempts == 2));
      if (o.metrics.attempts == 2)
        ++retried;
      if (o.ok()) {
        BOOST_TEST(o.result.repr() == reference.outcomes[i].result.repr());
      } else {
        // A retry whose fresh connection was killed too: an error, never a hang or crash.
        ++failed;
        BOOST_TEST(o.status == actors::outcome_status::failed);
        BOOST_TEST(o.error.source == actors::error_source::database);
        BOOST_TEST(o.error.info.category == drivers::error_category::connection,
                   o.error.to_string());
      }
    }
  }
  BOOST_TEST(retried >= 1u, "no statement was retried on a fresh connection");
  BOOST_TEST(result.metrics.retried == retried);
  BOOST_TEST(failed <= static_cast<std::size_t>(terminated));
  // Every ok outcome equals the undisturbed run; with no failure the whole repr does.
  if (failed == 0)
    BOOST_TEST(result.repr() == reference.repr());

  // The pool heals: the next gather is all ok and the pool is within its bound.
  const auto after = c.gather(statements, collect());
  BOOST_TEST(all_ok(after), first_error(after));
  BOOST_TEST(after.repr() == reference.repr());
  BOOST_TEST(after.metrics.retried == 0u);
  if (is_postgres(backend)) {
    pg_monitor monitor{"kill", backend};
    BOOST_TEST(monitor.connections() <= 4);
  }
}

BOOST_AUTO_TEST_CASE(destroying_the_client_while_backends_are_killed_cancels_its_statements) {
  seeded_database db{backend::postgresql, "killstop"};
  auto c = std::make_unique<client>(db.settings(4));
  auto statements = kill_workload();
  // Long enough that the client is destroyed mid-gather.
  for (std::size_t i = 10; i < statements.size(); i += 50)
    statements[i] = long_statement(backend::postgresql);
  std::atomic<bool> done{false};
  auto running = std::async(std::launch::async,
                            [&] { return gather_until_destroyed(*c, statements, collect()); });
  const auto terminated = kill_backends(backend::postgresql, "killstop", 2, 100ms, done);
  BOOST_TEST(terminated >= 1);
  BOOST_REQUIRE_MESSAGE(running.wait_for(0s) == std::future_status::timeout,
                        "the gather ended before the client could be destroyed");
  const auto took = destroy_client(c);
  done = true;
  BOOST_TEST_MESSAGE("backend kill: client destroyed in " << millis(took) << " ms");
  BOOST_TEST(millis(took) < test::long_statement_seconds * 1000 / 2,
             "the destruction waited for a statement's end");
  BOOST_REQUIRE_MESSAGE(running.wait_for(test::long_statement_seconds * 1s / 2) ==
                            std::future_status::ready,
                        "the blocked gather did not return after the client was destroyed");
  check_ended_by_shutdown(running.get(), statements.size());
  pg_monitor monitor{"killstop"};
  BOOST_TEST(monitor.wait_connections_at_most(0) == 0, "connections left after shutdown");
}

BOOST_AUTO_TEST_SUITE_END()
