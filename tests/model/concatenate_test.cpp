// A statement run on every route: its parts' rows one after another, sharing their cells, and
// its parts' merged objects in the same order; parts that do not fit together are refused.

#include <boost/test/unit_test.hpp>

#include "gatherdb/model/merged_result.hpp"
#include "gatherdb/model/session_state.hpp"
#include "gatherdb/model/statement.hpp"

#include "test_entities.hpp"

using namespace gatherdb::model;
using model_test::A;

BOOST_AUTO_TEST_SUITE(model_concatenate)

BOOST_AUTO_TEST_CASE(rows_of_the_parts_follow_each_other_in_part_order) {
  const auto eu = model_test::a_rows({{1, "a"}, {2, "b"}});
  const auto empty = model_test::a_rows({});
  const auto us = model_test::a_rows({{3, "c"}});
  const auto all = concatenate({eu, empty, us});
  BOOST_TEST_REQUIRE(all->row_count() == 3u);
  BOOST_TEST(all->row(0).int64_at(0) == 1);
  BOOST_TEST(all->row(1).text_at(1) == "b");
  BOOST_TEST(all->row(2).int64_at(0) == 3);
  BOOST_TEST(all->columns().size() == eu->columns().size());
}

BOOST_AUTO_TEST_CASE(the_concatenation_outlives_its_parts) {
  frozen_result all;
  {
    auto eu = model_test::a_rows({{1, "long enough not to fit a small string buffer"}});
    auto us = model_test::a_rows({{2, "us"}});
    all = concatenate({eu, us});
  }
  BOOST_TEST(all->row(0).text_at(1) == "long enough not to fit a small string buffer");
  BOOST_TEST(all->row(1).text_at(1) == "us");
}

BOOST_AUTO_TEST_CASE(only_empty_parts_give_one_empty_result_with_the_columns) {
  const auto all = concatenate({model_test::a_rows({}), model_test::a_rows({})});
  BOOST_TEST(all->row_count() == 0u);
  BOOST_TEST(all->columns().size() == 2u);
}

BOOST_AUTO_TEST_CASE(parts_of_different_shapes_are_refused) {
  const auto two = model_test::a_rows({{1, "a"}});
  const auto one = model_test::cells({{"id", value_type::int64}}, {{value{1}}});
  const auto retyped =
      model_test::cells({{"id", value_type::int64}, {"data", value_type::int64}}, {});
  BOOST_CHECK_THROW((void)concatenate({two, one}), std::invalid_argument);
  BOOST_CHECK_THROW((void)concatenate({two, retyped}), std::invalid_argument);
  BOOST_CHECK_THROW((void)concatenate({}), std::invalid_argument);
  BOOST_CHECK_THROW((void)concatenate({two, nullptr}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(merged_parts_keep_their_objects_in_part_order) {
  session_state s;
  const auto st = statement{select<A>()};
  const auto eu_rows = model_test::a_rows({{1, "eu1"}, {2, "eu2"}});
  const auto us_rows = model_test::a_rows({{1, "us1"}});
  const auto eu = s.merge(st, eu_rows, merge_policy::overwrite, "eu");
  const auto us = s.merge(st, us_rows, merge_policy::overwrite, "us");
  const auto all = merged_result::concatenate({eu, us}, concatenate({eu_rows, us_rows}));
  BOOST_TEST_REQUIRE(all.size() == 3u);
  BOOST_TEST(all.get<A>(0).data == "eu1");
  BOOST_TEST(all.get<A>(1).data == "eu2");
  BOOST_TEST(all.get<A>(2).data == "us1");
  BOOST_TEST(&all.get<A>(2) == s.find<A>(std::int64_t{1}, "us"));
  BOOST_TEST(all.rows()->row_count() == 3u);
}

BOOST_AUTO_TEST_CASE(raw_and_entity_parts_are_refused_together) {
  session_state s;
  const auto rows = model_test::a_rows({{1, "x"}});
  const auto entities = s.merge(statement{select<A>()}, rows, merge_policy::overwrite, "eu");
  const auto raw = merged_result::raw(rows);
  BOOST_CHECK_THROW((void)merged_result::concatenate({raw, entities}, rows), std::invalid_argument);
  BOOST_CHECK_THROW((void)merged_result::concatenate({entities, raw}, rows), std::invalid_argument);
  BOOST_TEST(merged_result::concatenate({raw, raw}, concatenate({rows, rows})).size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
