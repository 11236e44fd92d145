// A 1,000,000-row result fetched through a gather (PostgreSQL with UseDeclareFetch=1;Fetch=1000;
// SQLite a recursive CTE) is frozen in bounded chunks (each at most drivers::default_chunk_rows
// rows) with the right row count. Peak memory is measured by bench/large_result_bench.cpp.

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "gatherdb/drivers/prepared_statement.hpp"

#include "faults_fixture.hpp"

using namespace gatherdb;
using namespace gatherdb::faults_test;
using test::all_backends;

namespace {

constexpr std::int64_t million = 1000000;

model::statement million_rows(backend b) {
  if (is_postgres(b))
    return model::statement::raw(
        "SELECT g, repeat('x', 40) AS pad FROM generate_series(1, 1000000) g", {}, true);
  if (b == backend::mariadb) // recursion stops at max_recursive_iterations (1000)
    return model::statement::raw("SELECT seq AS g, repeat('x', 40) AS pad FROM seq_1_to_1000000",
                                 {}, true);
  return model::statement::raw(
      "WITH RECURSIVE c(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM c WHERE g < 1000000) "
      "SELECT g, 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' AS pad FROM c",
      {}, true);
}

} // namespace

BOOST_AUTO_TEST_SUITE(faults_large_result)

BOOST_DATA_TEST_CASE(million_row_result_is_frozen_in_bounded_chunks, all_backends, backend) {
  actors::settings cfg;
  switch (backend) {
  case backend::sqlite:
    cfg.dsn = test::sqlite_connection_string(test::unique_name("faults_million"));
    break;
  case backend::postgresql:
    cfg.dsn = postgres_dsn("million") + "UseDeclareFetch=1;Fetch=1000;";
    break;
  case backend::pgbouncer:
    cfg.dsn = test::pgbouncer_connection_string() + "UseDeclareFetch=1;Fetch=1000;";
    break;
  case backend::mariadb:
    // Streamed, not read whole into the driver's cache first.
    cfg.dsn = test::mariadb_connection_string() + "NO_CACHE=1;";
    break;
  }
  cfg.pool_size = 1;
  client c{cfg};
  const auto t0 = clock_type::now();
  const auto r = c.gather({million_rows(backend)}, collect(60000ms));
  const auto elapsed = millis(clock_type::now() - t0);
  BOOST_REQUIRE_MESSAGE(all_ok(r), first_error(r));
  const auto& rows = *r.outcomes[0].rows;
  BOOST_TEST_MESSAGE(backend << ": 1M rows in " << elapsed << " ms, " << rows.chunks().size()
                             << " chunks, payload " << rows.payload_bytes() << " B, memory "
                             << rows.memory_bytes() << " B");
  BOOST_TEST(rows.row_count() == static_cast<std::size_t>(million));
  BOOST_TEST(rows.chunks().size() > 1u);
  std::size_t sum = 0;
  for (const auto& chunk : rows.chunks()) {
    BOOST_TEST(chunk.row_count() <= drivers::default_chunk_rows);
    sum += chunk.row_count();
  }
  BOOST_TEST(sum == static_cast<std::size_t>(million));
  BOOST_TEST(rows.row(0).int64_at(0) == 1);
  BOOST_TEST(rows.row(rows.row_count() - 1).int64_at(0) == million);
  BOOST_TEST(rows.row(500000).text_at(1) == std::string(40, 'x'));
  // Payload: 8 bytes per integer + 40 per text.
  BOOST_TEST(rows.payload_bytes() == static_cast<std::size_t>(million) * 48);
  BOOST_TEST(r.outcomes[0].result.size() == static_cast<std::size_t>(million));
}

BOOST_AUTO_TEST_SUITE_END()
