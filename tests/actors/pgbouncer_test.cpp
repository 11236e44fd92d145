// Behind PgBouncer in transaction pooling mode, with default settings: each transaction may run
// on another server connection, where statements psqlODBC prepared on the server do not exist.
// The connection finds the proxy (the server listens on another port than the one connected
// to) and sends each statement with its parameters instead: batched reads, coalesced lookups,
// writes and deadlines work, and a direct connection still prepares on the server.

#include <boost/test/unit_test.hpp>

#include "actors_fixture.hpp"

using namespace gatherdb;
using namespace gatherdb::actors_test;

namespace {

/// Skips the case unless this run tests PgBouncer (scripts/test starts one).
boost::test_tools::assertion_result pgbouncer_enabled(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result r{test::enabled(backend::pgbouncer)};
  r.message() << "GATHERDB_BACKENDS does not name pgbouncer";
  return r;
}

std::size_t count_if_metric(const actors::gather_result& r, bool (*pred)(const actors::outcome&)) {
  return static_cast<std::size_t>(std::count_if(r.outcomes.begin(), r.outcomes.end(), pred));
}

} // namespace

BOOST_AUTO_TEST_SUITE(actors_pgbouncer, *boost::unit_test::precondition(pgbouncer_enabled))

BOOST_AUTO_TEST_CASE(a_connection_through_pgbouncer_prepares_nothing_on_the_server) {
  auto through = drivers::connection::open(test::pgbouncer_connection_string());
  BOOST_TEST(through.through_proxy());
  BOOST_TEST(through.execute("SELECT 1")->row(0).int64_at(0) == 1);
  // The next connect with the same string knows it already, and a direct one is not proxied.
  BOOST_TEST(drivers::connection::open(test::pgbouncer_connection_string()).through_proxy());
  BOOST_TEST(!drivers::connection::open(test::postgres_connection_string()).through_proxy());
  // A string that chooses for itself is taken as it is.
  BOOST_TEST(
      !drivers::connection::open(test::pgbouncer_connection_string() + "UseServerSidePrepare=1;")
           .through_proxy());
}

BOOST_AUTO_TEST_CASE(the_seed_workload_of_3000_statements_equals_a_sequential_run) {
  seeded_database db{backend::pgbouncer, "bouncer3k"};
  const auto statements = random_selects(3000, 19);
  const auto reference = run_sequentially(test::postgres_connection_string(), statements);
  {
    client c{db.settings(4)}; // coalesced lookups
    const auto r = c.gather(statements);
    check_equals_sequential(r, reference);
    BOOST_TEST(count_if_metric(r, [](const auto& o) { return o.metrics.coalesced > 1; }) > 0u);
  }
  {
    auto s = db.settings(4);
    s.max_coalesce = 1; // batched reads
    client c{s};
    const auto r = c.gather(statements);
    check_equals_sequential(r, reference);
    BOOST_TEST(count_if_metric(r, [](const auto& o) { return o.metrics.batched > 1; }) > 0u);
  }
  {
    auto s = db.settings(4);
    s.max_coalesce = 1;
    s.max_read_batch = 1; // single runs: one statement handle executed many times
    client c{s};
    check_equals_sequential(c.gather(statements), reference);
  }
}

BOOST_AUTO_TEST_CASE(writes_and_a_deadline_work_through_pgbouncer) {
  seeded_database db{backend::pgbouncer, "bouncerwrite"};
  client c{db.settings(2)};
  std::vector<model::statement> inserts;
  for (int i = 0; i < 200; ++i)
    inserts.push_back(
        model::statement::raw("INSERT INTO " + suite::item_table() + " (id, data) VALUES (?, ?)",
                              {model::value{1000 + i}, model::value{"w"}}));
  const auto written = c.gather(inserts, collect());
  for (const auto& o : written.outcomes)
    BOOST_REQUIRE_MESSAGE(o.ok(), o.error.to_string());
  auto direct = drivers::connection::open(test::postgres_connection_string());
  BOOST_TEST(direct.execute("SELECT COUNT(*) FROM " + suite::item_table() + " WHERE id >= 1000")
                 ->row(0)
                 .int64_at(0) == 200);
  // A statement past its deadline is cancelled through PgBouncer; the pool goes on.
  const auto slow = c.gather({long_statement(backend::pgbouncer, 30), select_data(3)},
                             collect(std::chrono::milliseconds{300}));
  BOOST_TEST(slow.outcomes.at(0).status == actors::outcome_status::cancelled);
  BOOST_TEST(slow.outcomes.at(0).error.info.category == drivers::error_category::timeout);
  const auto after = c.gather(random_selects(100, 4));
  BOOST_TEST(!after.failure);
}

BOOST_AUTO_TEST_SUITE_END()
