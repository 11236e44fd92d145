#include <boost/test/unit_test.hpp>

#include "gatherdb/model/frozen_result.hpp"

#include "test_entities.hpp"

using namespace gatherdb::model;

BOOST_AUTO_TEST_SUITE(model_frozen_result)

BOOST_AUTO_TEST_CASE(freeze_keeps_rows_in_chunk_order) {
  auto r = model_test::a_rows({{1, "a"}, {2, "bb"}, {3, "ccc"}}, 2);
  BOOST_TEST(r->row_count() == 3u);
  BOOST_TEST(r->chunks().size() == 2u);
  BOOST_TEST(r->row(2).int64_at(0) == 3);
  BOOST_TEST(r->row(1).text_at(1) == "bb");
  std::vector<std::int64_t> ids;
  r->for_each_row([&](const row_ref& row) { ids.push_back(row.int64_at(0)); });
  BOOST_TEST(ids == (std::vector<std::int64_t>{1, 2, 3}));
}

BOOST_AUTO_TEST_CASE(payload_counts_eight_bytes_per_integer_plus_text_length) {
  auto r = model_test::a_rows({{1, "a"}, {2, "bb"}, {3, "ccc"}}, 2);
  BOOST_TEST(r->payload_bytes() == 3u * 8u + 6u);
}

BOOST_AUTO_TEST_CASE(nulls_read_back_as_null_values) {
  auto r =
      model_test::cells({{"x", value_type::int64, 0, true}}, {{value{1}}, {value{}}, {value{3}}});
  BOOST_TEST(!r->row(0).is_null(0));
  BOOST_TEST(r->row(1).is_null(0));
  BOOST_TEST(r->row(1).at(0) == value{});
  BOOST_TEST(r->row(2).at(0) == value{3});
}

BOOST_AUTO_TEST_CASE(row_out_of_range_throws) {
  auto r = model_test::a_rows({{1, "a"}});
  BOOST_CHECK_THROW((void)r->row(1), std::out_of_range);
}

BOOST_AUTO_TEST_CASE(chunks_with_the_wrong_column_count_are_rejected) {
  std::vector<column_info> cols{{"id", value_type::int64, 0, false}};
  std::vector<row_chunk> chunks;
  chunks.emplace_back(std::vector<column_info>{});
  BOOST_CHECK_THROW((void)freeze(cols, std::move(chunks)), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
