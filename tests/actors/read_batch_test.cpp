// Batched reads (settings::max_read_batch): a worker runs idempotent statements of one gather
// that share their SQL in one round trip where the driver returns one result per parameter set
// (psqlODBC), and each statement still gets its own outcome: the same rows as alone, its own
// error, a retry after a lost connection, a timeout at the gather's deadline.

#include <atomic>
#include <future>
#include <string>
#include <thread>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "actors_fixture.hpp"

using namespace gatherdb;
using namespace gatherdb::actors_test;
using test::all_backends;

namespace {

/// Settings that batch reads but never coalesce them: lookups of one shape would otherwise
/// share one coalesced statement instead of a batch (coalesce_test covers that).
actors::settings batching_only(actors::settings s) {
  s.max_coalesce = 1;
  return s;
}

/// Outcomes that shared their round trip with another statement.
std::size_t batched(const actors::gather_result& r) {
  std::size_t n = 0;
  for (const auto& o : r.outcomes)
    n += o.metrics.batched > 1 ? 1 : 0;
  return n;
}

/// `SELECT CAST(CAST(? AS TEXT) AS BIGINT) AS n` for each text: a batchable read that fails
/// (22P02) for a text that is not a number.
std::vector<model::statement> casts(const std::vector<std::string>& texts) {
  std::vector<model::statement> out;
  for (const auto& t : texts)
    out.push_back(model::statement::raw("SELECT CAST(CAST(? AS TEXT) AS BIGINT) AS n",
                                        {model::value{t}}, true));
  return out;
}

std::int64_t number(const actors::outcome& o) {
  BOOST_REQUIRE(o.rows && o.rows->row_count() == 1);
  return o.rows->row(0).int64_at(0);
}

} // namespace

BOOST_AUTO_TEST_SUITE(actors_read_batch)

BOOST_DATA_TEST_CASE(reads_of_one_sql_share_round_trips_where_the_driver_batches, all_backends,
                     backend) {
  seeded_database db{backend};
  auto s = batching_only(db.settings(1)); // one connection: its chunks are long
  client c{s};
  const auto statements = random_selects(200, 11);
  const auto result = c.gather(statements);
  check_equals_sequential(result, run_sequentially(db.dsn(), statements));
  for (const auto& o : result.outcomes)
    BOOST_TEST(o.metrics.batched <= s.max_read_batch);
  if (is_postgres(backend))
    BOOST_TEST(batched(result) >= 150u, batched(result) << " of 200 statements batched");
  else
    BOOST_TEST(batched(result) == 0u); // SQLite's driver has no result per parameter set
}

BOOST_AUTO_TEST_CASE(max_read_batch_of_one_runs_every_statement_alone) {
  seeded_database db{backend::postgresql};
  auto s = batching_only(db.settings(1));
  s.max_read_batch = 1;
  client c{s};
  const auto statements = random_selects(100, 12);
  const auto result = c.gather(statements);
  check_equals_sequential(result, run_sequentially(db.dsn(), statements));
  BOOST_TEST(batched(result) == 0u);
}

BOOST_AUTO_TEST_CASE(a_failing_statement_in_a_batch_fails_alone_and_the_others_return_rows) {
  seeded_database db{backend::postgresql};
  client c{batching_only(db.settings(1))};
  std::vector<std::string> texts;
  for (int k = 0; k < 40; ++k)
    texts.push_back(k == 25 ? "not a number" : std::to_string(k));
  // The SQL's first run (alone) tells the worker its results are small; the rest batch.
  BOOST_REQUIRE(c.gather(casts({"1"})).outcomes.at(0).ok());
  const auto result = c.gather(casts(texts), collect());
  BOOST_REQUIRE_EQUAL(result.outcomes.size(), texts.size());
  for (std::size_t k = 0; k < texts.size(); ++k) {
    const auto& o = result.outcomes[k];
    BOOST_TEST_CONTEXT("statement " << k) {
      if (k == 25) {
        BOOST_TEST(o.status == actors::outcome_status::failed);
        BOOST_TEST(o.error.info.sqlstate == "22P02", o.error.to_string());
      } else {
        BOOST_REQUIRE_MESSAGE(o.ok(), o.error.to_string());
        BOOST_TEST(number(o) == static_cast<std::int64_t>(k));
      }
    }
  }
  BOOST_TEST(result.failure.has_value());
  // The bad statement's batch failed and its statements ran again alone: it and others.
  std::size_t fell_back = 0;
  for (const auto& o : result.outcomes)
    fell_back += o.metrics.fell_back ? 1 : 0;
  BOOST_TEST(result.outcomes[25].metrics.fell_back);
  BOOST_TEST(fell_back >= 2u);
  // The connection survives: the same statements without the bad one batch again.
  texts[25] = "25";
  const auto again = c.gather(casts(texts));
  BOOST_TEST(!again.failure);
  BOOST_TEST(batched(again) >= 30u);
}

BOOST_AUTO_TEST_CASE(writes_never_share_a_round_trip) {
  seeded_database db{backend::postgresql};
  client c{batching_only(db.settings(1))};
  std::vector<model::statement> writes;
  for (int k = 1; k <= 30; ++k)
    writes.push_back(
        model::statement::raw("UPDATE " + suite::item_table() + " SET data = data WHERE id = ?",
                              {model::value{std::int64_t{k}}}, false));
  const auto result = c.gather(writes);
  BOOST_TEST(!result.failure);
  BOOST_TEST(batched(result) == 0u);
}

BOOST_AUTO_TEST_CASE(sql_whose_results_are_large_runs_alone) {
  seeded_database db{backend::postgresql};
  auto s = batching_only(db.settings(1));
  const std::string sql = "SELECT id, data FROM " + suite::item_table() + " WHERE id > ?";
  auto selects = [&](std::int64_t after) {
    std::vector<model::statement> out;
    for (int k = 0; k < 20; ++k)
      out.push_back(model::statement::raw_entities<item>(sql, {model::value{after}}));
    return out;
  };
  {
    client c{s};
    const auto result = c.gather(selects(0)); // 100 rows each
    BOOST_TEST(!result.failure);
    BOOST_TEST(batched(result) == 0u);
  }
  {
    client c{s};
    const auto result = c.gather(selects(95)); // 5 rows each
    BOOST_TEST(!result.failure);
    BOOST_TEST(batched(result) >= 15u);
    for (const auto& o : result.outcomes)
      BOOST_TEST(o.rows->row_count() == 5u);
  }
}

BOOST_AUTO_TEST_CASE(a_batch_running_past_the_deadline_ends_at_the_deadline) {
  seeded_database db{backend::postgresql};
  client c{batching_only(db.settings(1))};
  auto sleeps = [](double seconds, int n) {
    std::vector<model::statement> out;
    for (int k = 0; k < n; ++k)
      out.push_back(model::statement::raw("SELECT pg_sleep(CAST(? AS DOUBLE PRECISION))",
                                          {model::value{seconds}}, true));
    return out;
  };
  BOOST_REQUIRE(!c.gather(sleeps(0, 1)).failure); // learnt: small results
  auto options = collect();
  options.timeout = 300ms;
  const auto t0 = clock_type::now();
  const auto result = c.gather(sleeps(2, 6), options); // 12 s in one batch
  const auto elapsed = clock_type::now() - t0;
  // Relative to the batch the test started, not to this machine's speed.
  BOOST_TEST(millis(elapsed) < 6000, millis(elapsed) << " ms: the batch ran on");
  for (const auto& o : result.outcomes) {
    BOOST_TEST(o.status == actors::outcome_status::cancelled);
    BOOST_TEST(o.error.info.category == drivers::error_category::timeout, o.error.to_string());
  }
  // The connection is usable at once.
  BOOST_TEST(!c.gather(sleeps(0, 4)).failure);
}

BOOST_AUTO_TEST_CASE(a_batch_whose_connection_dies_is_retried_statement_by_statement) {
  seeded_database db{backend::postgresql, "batchkill"};
  auto s = batching_only(db.settings(1));
  client c{s};
  auto sleeps = [](double seconds, int n) {
    std::vector<model::statement> out;
    for (int k = 0; k < n; ++k)
      out.push_back(model::statement::raw(
          "SELECT CAST(? AS DOUBLE PRECISION) AS s, pg_sleep(CAST(? AS DOUBLE PRECISION))",
          {model::value{seconds}, model::value{seconds}}, true));
    return out;
  };
  BOOST_REQUIRE(!c.gather(sleeps(0, 1)).failure);
  pg_monitor monitor{"batchkill"};
  std::atomic<bool> done{false};
  auto killer = std::async(std::launch::async, [&] {
    for (int i = 0; i < 400 && !done; ++i) {
      if (monitor.terminate_one_sleeping_batch() == 1)
        return std::int64_t{1};
      std::this_thread::sleep_for(2ms);
    }
    return std::int64_t{0};
  });
  const auto result = c.gather(sleeps(0.1, 8), collect()); // 0.8 s, in at most a few batches
  done = true;
  BOOST_REQUIRE_EQUAL(killer.get(), 1);
  std::size_t retried = 0;
  for (const auto& o : result.outcomes) {
    BOOST_TEST_CONTEXT("outcome " << o.error.to_string()) {
      BOOST_TEST(o.ok());
      BOOST_TEST((o.metrics.attempts == 1 || o.metrics.attempts == 2));
      retried += o.metrics.attempts == 2 ? 1 : 0;
    }
  }
  // Every statement of the killed batch ran again alone, on a fresh connection.
  BOOST_TEST(retried >= 2u);
  BOOST_TEST(result.metrics.retried == retried);
}

BOOST_AUTO_TEST_SUITE_END()
