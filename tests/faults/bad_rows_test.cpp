// NULL or a wrong type arriving for a non-nullable entity member: the outcome fails with source
// merge and names the column, and the session is unchanged (all or nothing per frozen result: a
// result whose row 3 of 5 is bad leaves none of its rows in the session).

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "faults_fixture.hpp"

using namespace gatherdb;
using namespace gatherdb::faults_test;
using test::all_backends;

namespace {

std::string snapshot(const model::session_state& s) {
  std::string out = std::to_string(s.size<item>()) + "/" + std::to_string(s.pending_count()) + "/" +
                    std::to_string(s.dirty_count()) + ":";
  for (std::int64_t id = 1; id <= 2000; ++id)
    if (const auto* obj = s.find<item>(id))
      out += model::repr(*obj) + ",";
  return out;
}

struct bad_case {
  std::string name;
  std::string sql;
  std::string column;
  /// Start of the merge_error_kind the message names ("null" or "type"); "" for either (an
  /// untyped NULL literal arrives as a text column on PostgreSQL: type_mismatch there).
  std::string kind;
};

std::vector<bad_case> bad_cases() {
  return {
      {"NULL id", "SELECT NULL AS id, 'x' AS data", "id", ""},
      {"NULL data", "SELECT 1001 AS id, NULL AS data", "data", "null"},
      {"text for an int64", "SELECT 'abc' AS id, 'x' AS data", "id", "type"},
      {"row 3 of 5 NULL",
       "SELECT 1001 AS id, 'r1' AS data UNION ALL SELECT 1002, 'r2' UNION ALL SELECT NULL, 'r3' "
       "UNION ALL SELECT 1004, 'r4' UNION ALL SELECT 1005, 'r5'",
       "id", "null"},
      {"row 3 of 5 overwrites a loaded object, row 4 NULL",
       "SELECT 1 AS id, 'over1' AS data UNION ALL SELECT 1002, 'r2' UNION ALL SELECT 2, 'over2' "
       "UNION ALL SELECT 1004, NULL UNION ALL SELECT 1005, 'r5'",
       "data", "null"},
  };
}

} // namespace

BOOST_AUTO_TEST_SUITE(faults_bad_rows)

BOOST_DATA_TEST_CASE(bad_rows_fail_the_merge_naming_the_column_and_leave_the_session_unchanged,
                     all_backends, backend) {
  seeded_database db{backend, "badrows"};
  client c{db.settings(2)};
  auto session = std::make_shared<model::session_state>();
  actors::gather_options o = collect();
  o.session = session;
  const auto seeded = c.gather({select_data(0), select_data(1), select_data(2)}, o);
  BOOST_REQUIRE_MESSAGE(all_ok(seeded), first_error(seeded));
  const auto before = snapshot(*session);
  for (const auto& bad : bad_cases()) {
    BOOST_TEST_CONTEXT(bad.name) {
      const auto r = c.gather({model::statement::raw_entities<item>(bad.sql), select_data(1)}, o);
      const auto& out = r.outcomes.at(0);
      BOOST_TEST_MESSAGE(backend << ": " << bad.name << " -> " << out.error.to_string());
      BOOST_TEST(out.status == actors::outcome_status::failed);
      BOOST_TEST(out.error.source == actors::error_source::merge);
      const auto& msg = out.error.info.message;
      const bool names_column = msg.find("\"" + bad.column + "\"") != std::string::npos ||
                                msg.find("'" + bad.column + "'") != std::string::npos;
      BOOST_TEST(names_column, msg);
      BOOST_TEST((msg.find("(null_in_non_nullable)") != std::string::npos ||
                  msg.find("(type_mismatch)") != std::string::npos),
                 msg);
      BOOST_TEST(msg.find("(" + bad.kind) != std::string::npos, msg);
      BOOST_TEST(out.rows != nullptr); // the frozen rows are kept for inspection
      BOOST_TEST(r.outcomes.at(1).ok(), r.outcomes.at(1).error.to_string());
      BOOST_TEST(snapshot(*session) == before);
      BOOST_TEST(session->find<item>(std::int64_t{1001}) == nullptr);
      BOOST_TEST(session->find<item>(std::int64_t{1002}) == nullptr);
      BOOST_TEST(session->find<item>(std::int64_t{1})->data == "a_0");
    }
  }
  // fail_fast: the same error is thrown, the session still unchanged.
  try {
    (void)c.gather({model::statement::raw_entities<item>(bad_cases()[3].sql)}, [&] {
      actors::gather_options f;
      f.session = session;
      return f;
    }());
    BOOST_FAIL("fail_fast gather with a bad row did not throw");
  } catch (const actors::gather_error& e) {
    BOOST_TEST(e.error().source == actors::error_source::merge);
  }
  BOOST_TEST(snapshot(*session) == before);
}

BOOST_AUTO_TEST_SUITE_END()
