// The connection pool bounds the connections open at once and reports pool_exhausted when its
// queue is full or a statement waited too long for a connection.

#include <atomic>
#include <future>
#include <thread>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "actors_fixture.hpp"
#include "support/poll.hpp"

using namespace gatherdb;
using namespace gatherdb::actors_test;
using test::all_backends;

BOOST_AUTO_TEST_SUITE(actors_pool)

BOOST_DATA_TEST_CASE(pool_of_2_never_opens_more_than_2_connections_for_50_statements, all_backends,
                     backend) {
  seeded_database db{backend, "pool2"};
  client c{db.settings(2)};
  slow_statements slow{backend, db.dsn()};
  std::vector<model::statement> statements;
  for (int i = 0; i < 50; ++i)
    statements.push_back(i % 2 == 0 ? slow.lasting(50) : select_data(i));
  std::atomic<bool> done{false};
  std::size_t max_pool_connections = 0;
  std::int64_t max_server_connections = 0;
  std::size_t samples = 0;
  auto sampler = std::async(std::launch::async, [&] {
    std::optional<pg_monitor> monitor;
    if (is_postgres(backend))
      monitor.emplace("pool2", backend);
    while (!done.load()) {
      max_pool_connections = std::max(max_pool_connections, c.stats().connections);
      if (monitor)
        max_server_connections = std::max(max_server_connections, monitor->connections());
      ++samples;
      std::this_thread::sleep_for(5ms);
    }
  });
  actors::gather_options options;
  options.mode = actors::gather_mode::collect;
  const auto result = c.gather(statements, options);
  done = true;
  sampler.get();
  BOOST_TEST_MESSAGE(backend << ": " << samples << " samples, at most " << max_pool_connections
                             << " pool connections, " << max_server_connections
                             << " server connections");
  for (const auto& o : result.outcomes)
    BOOST_TEST(o.ok(), o.error.to_string());
  BOOST_TEST(samples >= 5u);
  BOOST_TEST(max_pool_connections <= 2u);
  BOOST_TEST(max_pool_connections >= 1u);
  if (is_postgres(backend)) {
    BOOST_TEST(max_server_connections <= 2);
    BOOST_TEST(max_server_connections >= 1);
  }
  BOOST_TEST(c.stats().connections <= 2u);
}

BOOST_DATA_TEST_CASE(full_queue_reports_pool_exhausted, all_backends, backend) {
  seeded_database db{backend};
  auto s = db.settings(1);
  s.queue_bound = 2;
  client c{s};
  // Open first: statements that find no connection open would all wait, none would run.
  BOOST_REQUIRE(test::poll_until([&] { return c.stats().connections == 1; }));
  // One gather never overflows the queue (its window is clamped to the bound): four gathers at
  // once, two statements each, meet one connection and two queue places.
  slow_statements slow{backend, db.dsn()};
  std::vector<std::future<actors::gather_result>> gathers;
  for (int g = 0; g < 4; ++g)
    gathers.push_back(
        std::async(std::launch::async,
                   [&, pair = std::vector<model::statement>{slow.lasting(200), slow.lasting(200)}] {
                     actors::gather_options options;
                     options.mode = actors::gather_mode::collect;
                     return c.gather(pair, options);
                   }));
  std::size_t exhausted = 0, ok = 0;
  for (auto& g : gathers) {
    const auto result = g.get();
    for (const auto& o : result.outcomes) {
      if (o.ok()) {
        ++ok;
        continue;
      }
      BOOST_TEST(o.error.source == actors::error_source::pool_exhausted, o.error.to_string());
      BOOST_TEST(o.status == actors::outcome_status::failed);
      if (o.error.source == actors::error_source::pool_exhausted)
        ++exhausted;
    }
    if (result.failure)
      BOOST_TEST(result.failure->error.source == actors::error_source::pool_exhausted);
  }
  BOOST_TEST_MESSAGE(backend << ": " << ok << " ok, " << exhausted << " pool_exhausted");
  BOOST_TEST(exhausted > 0u);
  BOOST_TEST(ok > 0u);
  BOOST_TEST(ok + exhausted == 8u);
  BOOST_TEST(c.stats().exhausted == exhausted);
}

BOOST_DATA_TEST_CASE(expired_wait_for_a_connection_reports_pool_exhausted, all_backends, backend) {
  seeded_database db{backend};
  auto s = db.settings(1);
  s.pool_wait_timeout = 100ms;
  s.max_chunk = 1; // the statements behind the first wait in the pool, not in a worker's chunk
  client c{s};
  // Open first: a connect slower than the 100 ms wait would leave no statement to run.
  BOOST_REQUIRE(test::poll_until([&] { return c.stats().connections == 1; }));
  slow_statements slow{backend, db.dsn()};
  std::vector<model::statement> statements;
  for (int i = 0; i < 8; ++i)
    statements.push_back(slow.lasting(300));
  actors::gather_options options;
  options.mode = actors::gather_mode::collect;
  const auto t0 = clock_type::now();
  const auto result = c.gather(statements, options);
  const auto elapsed = clock_type::now() - t0;
  std::size_t exhausted = 0, ok = 0;
  for (const auto& o : result.outcomes) {
    if (o.ok()) {
      ++ok;
      continue;
    }
    BOOST_TEST(o.error.source == actors::error_source::pool_exhausted, o.error.to_string());
    if (o.error.source == actors::error_source::pool_exhausted)
      ++exhausted;
  }
  BOOST_TEST_MESSAGE(backend << ": " << ok << " ok, " << exhausted << " pool_exhausted in "
                             << millis(elapsed) << " ms");
  BOOST_TEST(exhausted > 0u);
  BOOST_TEST(ok > 0u);
  BOOST_TEST(ok + exhausted == statements.size());
  // The pool still serves the next gather.
  const auto after = c.gather({select_data(5)});
  BOOST_TEST(after.outcomes.at(0).ok());
}

BOOST_AUTO_TEST_SUITE_END()
