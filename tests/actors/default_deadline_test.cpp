// The deadline of a gather that sets none: `gather_options::timeout` of zero takes the
// client's `settings::statement_timeout`, so a statement running past it is cancelled with
// category timeout; a negative timeout means no deadline at all, whatever the setting.

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "actors_fixture.hpp"

using namespace gatherdb;
using namespace gatherdb::actors_test;
using test::all_backends;

BOOST_AUTO_TEST_SUITE(actors_default_deadline)

BOOST_DATA_TEST_CASE(a_zero_gather_timeout_takes_the_client_statement_timeout, all_backends,
                     backend) {
  seeded_database db{backend};
  auto s = db.settings(2);
  s.statement_timeout = 300ms;
  client c{s};
  actors::gather_options options;
  options.mode = actors::gather_mode::collect;
  BOOST_REQUIRE(options.timeout.count() == 0); // the default: no deadline of the gather's own
  // Runs for 30 s (PostgreSQL) or far longer (SQLite) unless the deadline cancels it.
  const auto r = c.gather({long_statement(backend, 30)}, options);
  const auto& o = r.outcomes.at(0);
  BOOST_TEST_CONTEXT("outcome error: " << o.error.to_string()) {
    BOOST_TEST(o.status == actors::outcome_status::cancelled);
    BOOST_TEST(o.error.info.category == drivers::error_category::timeout);
    BOOST_TEST(r.metrics.cancelled == 1u);
  }
}

BOOST_AUTO_TEST_CASE(a_negative_gather_timeout_means_no_deadline_despite_the_statement_timeout) {
  // PostgreSQL: pg_sleep(1) lasts a second on any machine, five times the statement timeout.
  seeded_database db{backend::postgresql};
  auto s = db.settings(2);
  s.statement_timeout = 200ms;
  client c{s};
  actors::gather_options options;
  options.mode = actors::gather_mode::collect;
  options.timeout = std::chrono::milliseconds{-1};
  const auto r = c.gather({model::statement::raw("SELECT pg_sleep(1), 7", {}, true)}, options);
  const auto& o = r.outcomes.at(0);
  BOOST_REQUIRE_MESSAGE(o.ok(), o.error.to_string());
  BOOST_TEST(o.rows->row(0).int64_at(1) == 7);
  // The control: the same statement with the default deadline is cancelled by the setting.
  options.timeout = std::chrono::milliseconds{0};
  const auto bounded =
      c.gather({model::statement::raw("SELECT pg_sleep(1), 7", {}, true)}, options);
  BOOST_TEST(bounded.outcomes.at(0).status == actors::outcome_status::cancelled);
  BOOST_TEST(bounded.outcomes.at(0).error.info.category == drivers::error_category::timeout);
}

BOOST_AUTO_TEST_SUITE_END()
