// client::metrics() against real databases: the pool's figures under route "default", and every
// statement of an ended gather counted once by status, with execute times in the histograms.

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "actors_fixture.hpp"
#include "support/gather_options.hpp"

using namespace gatherdb;
using namespace gatherdb::actors_test;
using test::all_backends;

BOOST_AUTO_TEST_SUITE(actors_metrics)

BOOST_DATA_TEST_CASE(metrics_count_each_statement_of_ended_gathers_once, all_backends, backend) {
  seeded_database db{backend};
  client c{db.settings(3)};
  const auto before = c.metrics();
  BOOST_TEST_REQUIRE(before.routes.size() == 1U);
  BOOST_TEST(before.routes[0].route == "default");
  BOOST_TEST(before.routes[0].size == 3U);
  BOOST_TEST(before.statements.gathers == 0U);

  (void)c.gather(random_selects(20, 7));
  (void)c.gather(
      {select_data(1), model::statement::raw("SELECT * FROM gatherdb_no_such_table", {}, true)},
      test::collect());
  const auto m = c.metrics();
  const auto& s = m.statements;
  BOOST_TEST(s.gathers == 2U);
  BOOST_TEST(s.by_status[0] == 21U); // ok
  BOOST_TEST(s.by_status[1] == 1U);  // failed
  BOOST_TEST(s.execute.count == 22U);
  BOOST_TEST(s.queue_wait.count == 22U);
  BOOST_TEST(s.merge.count == 22U);
  std::uint64_t in_buckets = 0;
  for (auto n : s.execute.buckets)
    in_buckets += n;
  BOOST_TEST(in_buckets == s.execute.count);
  BOOST_TEST(m.routes[0].completed > 0U);
  BOOST_TEST(m.routes[0].queued == 0U);
}

BOOST_AUTO_TEST_SUITE_END()
