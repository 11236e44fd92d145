// Which statement wins when two statements of one gather return different values for one
// primary key: results merge in statement order with `overwrite`, so the later statement's row
// is what the session holds, whichever order the contents come in and whichever statement ends
// first.

#include <array>
#include <future>
#include <string>
#include <vector>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "actors_fixture.hpp"
#include "support/pg_advisory_lock.hpp"
#include "support/poll.hpp"

using namespace gatherdb;
using namespace gatherdb::actors_test;
using test::all_backends;

namespace {

/// Both orders of the two contents: {earlier statement's, later statement's}.
const std::array<std::array<std::string, 2>, 2> both_orders{
    {{"first", "second"}, {"second", "first"}}};

/// The row with id 1, its data replaced by `label`; `from` joins more (a lock to wait for).
model::statement row_1_as(const std::string& label, const std::string& from = {}) {
  return model::statement::raw_entities<item>("SELECT id, '" + label + "' AS data FROM " +
                                              suite::item_table() + from + " WHERE id = 1");
}

actors::gather_options overwrite_collect() {
  auto o = test::collect();
  o.policy = model::merge_policy::overwrite;
  return o;
}

/// Both statements merged, the session holds the later one's row, and both results refer to
/// that one object.
void check_later_wins(const actors::gather_result& r, const std::array<std::string, 2>& labels) {
  BOOST_REQUIRE_EQUAL(r.outcomes.size(), 2u);
  for (const auto& o : r.outcomes)
    BOOST_REQUIRE_MESSAGE(o.ok(), o.error.to_string());
  // Each statement did return its own value for the key: the conflict was real.
  BOOST_TEST(std::string{r.outcomes[0].rows->row(0).text_at(1)} == labels[0]);
  BOOST_TEST(std::string{r.outcomes[1].rows->row(0).text_at(1)} == labels[1]);
  const auto* obj = r.session->find<item>(1);
  BOOST_REQUIRE(obj != nullptr);
  BOOST_TEST(obj->data == labels[1]);
  BOOST_TEST(r.session->size<item>() == 1u);
  BOOST_TEST(r.outcomes[0].result.all<item>().at(0) == obj);
  BOOST_TEST(r.outcomes[1].result.all<item>().at(0) == obj);
}

} // namespace

BOOST_AUTO_TEST_SUITE(actors_merge_order)

BOOST_DATA_TEST_CASE(the_later_statement_s_row_wins_a_primary_key_conflict_in_either_order,
                     all_backends, backend) {
  seeded_database db{backend};
  client c{db.settings(2)};
  for (const auto& labels : both_orders) {
    BOOST_TEST_CONTEXT("statements return '" << labels[0] << "' then '" << labels[1] << "'") {
      const auto r = c.gather({row_1_as(labels[0]), row_1_as(labels[1])}, overwrite_collect());
      check_later_wins(r, labels);
    }
  }
}

BOOST_AUTO_TEST_CASE(the_later_statement_s_row_wins_when_the_earlier_statement_ends_last) {
  // PostgreSQL: the earlier statement waits for an advisory lock that the test releases only
  // once the later statement has ended, so it ends last whatever this machine's speed.
  const std::string app = "mergeorder";
  seeded_database db{backend::postgresql, app};
  auto s = db.settings(2);
  s.max_chunk = 1; // one statement per chunk: the later one never queues behind the earlier
  client c{s};
  BOOST_REQUIRE_MESSAGE(test::poll_until([&] { return c.stats().connections == 2; }),
                        "the pool did not open its two connections");
  for (const auto& labels : both_orders) {
    BOOST_TEST_CONTEXT("statements return '" << labels[0] << "' then '" << labels[1] << "'") {
      std::future<actors::gather_result> running;
      test::pg_advisory_lock lock; // released before `running` is waited for on any exit
      const std::vector<model::statement> statements{
          row_1_as(labels[0], ", (SELECT " + lock.waiting_sql() + ") l"), row_1_as(labels[1])};
      const auto completed = c.stats().completed;
      running = std::async(std::launch::async,
                           [&c, statements] { return c.gather(statements, overwrite_collect()); });
      BOOST_REQUIRE_EQUAL(lock.wait_for_waiters(suite::application_name(app)), 1);
      BOOST_REQUIRE_MESSAGE(test::poll_until([&] { return c.stats().completed >= completed + 1; }),
                            "the later statement did not end while the earlier one waited");
      BOOST_TEST(lock.waiters(suite::application_name(app)) == 1, "the earlier one ended first");
      lock.release();
      check_later_wins(running.get(), labels);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
