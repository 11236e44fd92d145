// The PostgreSQL server stopped during a gather (`pg_ctlcluster 15 main stop -m fast`), then
// started again: connection errors (SQLSTATE class 08 or 57P01) within the timeouts, no hang, a
// client destroyed meanwhile returns within 3 s, and the next gather after the restart succeeds
// in the same process. Disrupts every other PostgreSQL test: its ctest entry is RUN_SERIAL.

#include <future>
#include <thread>

#include <boost/test/unit_test.hpp>

#include "faults_fixture.hpp"

using namespace gatherdb;
using namespace gatherdb::faults_test;

namespace {

bool connection_class(const drivers::error_info& e) {
  return e.sqlstate.rfind("08", 0) == 0 || e.sqlstate == "57P01";
}

/// Reads that last about 4 s on a pool of 4: every 10th sleeps 50 ms in the server.
std::vector<model::statement> restart_workload() {
  auto out = random_selects(3000, 11);
  for (std::size_t i = 0; i < out.size(); i += 10)
    out[i] = model::statement::raw_entities<item>(
        "SELECT id, data FROM " + item_table() + ", pg_sleep(0.05) WHERE data = ?",
        {model::value{"a_" + std::to_string(i % seeded_rows)}});
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(faults_server_restart)

BOOST_AUTO_TEST_CASE(server_stopped_mid_gather_gives_connection_errors_and_recovers_after_start) {
  pg_server_guard server; // fails the test with a clear message when we cannot control it
  BOOST_REQUIRE_MESSAGE(wait_pg_ready(30s), "PostgreSQL is not running before the test");
  seeded_database db{backend::postgresql, "restart"};
  auto s = db.settings(4);
  s.login_timeout = 1000ms;
  s.statement_timeout = 10000ms;
  // One statement per lookup: coalesced, these gathers could end before the server stops.
  s.max_coalesce = 1;
  client c{s};
  const auto statements = restart_workload();
  const auto warm = c.gather(random_selects(20, 1), collect());
  BOOST_REQUIRE_MESSAGE(all_ok(warm), first_error(warm));

  // A second client with a long gather in flight, destroyed while the server is down.
  auto s2 = s;
  s2.dsn = postgres_dsn("restartstop");
  s2.pool_size = 2;
  auto doomed = std::make_unique<client>(s2);
  const auto doomed_statements = random_selects(50000, 5);
  auto doomed_running = std::async(std::launch::async, [&] {
    try {
      return doomed->gather(doomed_statements, collect()).outcomes.size();
    } catch (const actors::gather_error&) {
      return doomed_statements.size();
    }
  });

  auto running = std::async(std::launch::async, [&] { return c.gather(statements, collect()); });
  std::this_thread::sleep_for(400ms);
  BOOST_REQUIRE_MESSAGE(running.wait_for(0s) == std::future_status::timeout,
                        "the gather ended before the server could be stopped");
  BOOST_REQUIRE_MESSAGE(doomed_running.wait_for(0s) == std::future_status::timeout,
                        "the doomed gather ended before the server could be stopped");
  server.stop();
  const auto stopped_at = clock_type::now();
  BOOST_TEST_MESSAGE("server restart: cluster stopped");

  // Shutdown while the server is down. The doomed gather may already have ended: once the
  // server is gone its statements fail in microseconds each (the workers back off from
  // connecting), which can drain the batch while `server.stop()` still waits for the cluster.
  BOOST_TEST_MESSAGE("server restart: doomed gather still running at the destruction: "
                     << (doomed_running.wait_for(0s) == std::future_status::timeout));
  const auto took = destroy_client(doomed);
  BOOST_TEST_MESSAGE("server restart: client destroyed in " << millis(took) << " ms");
  BOOST_TEST(millis(took) < 3000);
  BOOST_TEST((doomed_running.wait_for(2s) == std::future_status::ready),
             "the blocked gather did not return after the client was destroyed");

  // The running gather ends within the timeouts: no hang.
  BOOST_REQUIRE_MESSAGE(running.wait_for(15s) == std::future_status::ready,
                        "the gather hung after the server stopped");
  const auto result = running.get();
  const auto ended_after = millis(clock_type::now() - stopped_at);
  BOOST_TEST_MESSAGE("server restart: gather ended "
                     << ended_after << " ms after the stop; " << result.metrics.succeeded << " ok, "
                     << result.metrics.failed << " failed, " << result.metrics.cancelled
                     << " cancelled");
  BOOST_TEST(ended_after < 5000);
  BOOST_REQUIRE_EQUAL(result.outcomes.size(), statements.size());
  std::size_t failed = 0;
  for (std::size_t i = 0; i < result.outcomes.size(); ++i) {
    const auto& o = result.outcomes[i];
    if (o.ok())
      continue;
    ++failed;
    BOOST_TEST_CONTEXT("statement " << i) {
      BOOST_TEST(o.status == actors::outcome_status::failed);
      BOOST_TEST(o.error.source == actors::error_source::database);
      BOOST_TEST(o.error.info.category == drivers::error_category::connection);
      BOOST_TEST(connection_class(o.error.info), o.error.to_string());
    }
  }
  BOOST_TEST(failed > 0u, "no statement saw the stopped server");
  if (failed > 0 && result.failure)
    BOOST_TEST_MESSAGE("server restart: first error " << result.failure->error.to_string());

  // While it is down: clear errors quickly.
  const auto t0 = clock_type::now();
  const auto down = c.gather(random_selects(10, 2), collect());
  BOOST_TEST(millis(clock_type::now() - t0) < 3000);
  for (const auto& o : down.outcomes) {
    BOOST_TEST(o.status == actors::outcome_status::failed);
    BOOST_TEST(o.error.info.sqlstate.rfind("08", 0) == 0, o.error.to_string());
  }

  server.start(); // waits with pg_isready
  BOOST_TEST_MESSAGE("server restart: cluster started again");
  const auto after = c.gather(statements, collect());
  BOOST_TEST(all_ok(after), first_error(after));
  BOOST_TEST(c.gather(random_selects(100, 3), collect()).metrics.succeeded == 100u);
}

BOOST_AUTO_TEST_SUITE_END()
