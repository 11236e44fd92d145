// The outcomes of a gather ended by a client shutdown say so: error source `shutdown` for the
// running statement and for those still waiting, and for a gather begun after the shutdown.

#include <future>
#include <vector>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "actors_fixture.hpp"
#include "support/poll.hpp"

using namespace gatherdb;
using namespace gatherdb::actors_test;
using test::all_backends;

BOOST_AUTO_TEST_SUITE(actors_shutdown_source)

BOOST_DATA_TEST_CASE(statements_ended_by_a_client_shutdown_report_the_source_shutdown, all_backends,
                     backend) {
  seeded_database db{backend, "shutsource"};
  client c{db.settings(1)};
  // One connection: the first statement runs (for minutes unless cancelled), the others wait.
  const std::vector<model::statement> statements{long_statement(backend, 600), select_data(1),
                                                 long_statement(backend, 600)};
  auto running = std::async(std::launch::async, [&c, statements] {
    return c.gather(statements, test::collect(std::chrono::milliseconds{-1}));
  });
  // Should a check below end the test early, the statements without a deadline must not keep
  // `running` waiting: the client shuts down first.
  struct shutdown_on_exit {
    client& c;
    ~shutdown_on_exit() { c.shutdown(); }
  } guard{c};
  BOOST_REQUIRE_MESSAGE(test::poll_until([&] { return c.stats().busy >= 1; }),
                        "the first statement never reached the connection");
  c.shutdown(); // returns once the gather has returned
  const auto r = running.get();
  BOOST_REQUIRE_EQUAL(r.outcomes.size(), statements.size());
  for (std::size_t i = 0; i < r.outcomes.size(); ++i) {
    const auto& o = r.outcomes[i];
    BOOST_TEST_CONTEXT("statement " << i << ": " << o.error.to_string()) {
      BOOST_TEST(o.status == actors::outcome_status::cancelled);
      BOOST_TEST(o.error.source == actors::error_source::shutdown);
      BOOST_TEST(o.error.info.category == drivers::error_category::cancelled);
    }
  }
  BOOST_REQUIRE(r.failure);
  BOOST_TEST(r.failure->error.source == actors::error_source::shutdown);
  try {
    (void)c.gather({select_data(1)});
    BOOST_FAIL("a gather after the shutdown did not throw");
  } catch (const actors::gather_error& e) {
    BOOST_TEST_CONTEXT(e.what()) {
      BOOST_TEST(e.error().source == actors::error_source::shutdown);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
