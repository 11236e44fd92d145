#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "gatherdb/model/frozen_result.hpp"
#include "gatherdb/model/frozen_result_codec.hpp"
#include "gatherdb/model/session_state.hpp"

#include "test_entities.hpp"

using namespace gatherdb::model;

namespace {

bytes raw(std::initializer_list<int> xs) {
  bytes out;
  for (int x : xs)
    out.push_back(static_cast<std::byte>(x));
  return out;
}

// The columns a statement of the coalesced result below sees: every cell type, a nullable
// integer column and a text column with empty cells.
std::vector<column_info> statement_columns() {
  return {{"i", value_type::int64, 0, false},   {"f", value_type::float64, 0, false},
          {"b", value_type::boolean, 0, false}, {"t", value_type::text, 0, false},
          {"by", value_type::bytes, 0, false},  {"n", value_type::int64, 0, true},
          {"e", value_type::text, 0, false}};
}

column_list shared_statement_columns() {
  return std::make_shared<const std::vector<column_info>>(statement_columns());
}

// The rows of three statements (0: rows 0-1, 1: rows 2-4, 2: rows 5-6), without the index.
// Column "n" has NULLs in statements 0 and 1, none in statement 2.
std::vector<std::vector<value>> statement_rows() {
  return {{10, 0.5, true, "alpha", raw({0, 1}), value{}, ""},
          {11, 1.5, false, "beta", raw({}), 1, "x"},
          {12, 2.5, true, "gamma", raw({0, 'z'}), 2, ""},
          {13, -3.5, false, "", raw({7}), value{}, ""},
          {14, 4.5, true, "delta", raw({}), 4, "y"},
          {15, 5.5, false, "eps", raw({9}), 5, ""},
          {16, 6.5, true, "zeta", raw({1, 2, 3}), 6, "w"}};
}

// One coalesced execution: the statement index first, sorted by it.
frozen_result coalesced() {
  auto cols = statement_columns();
  cols.insert(cols.begin(), column_info{"gatherdb_i", value_type::int64, 0, false});
  const std::int64_t statement[] = {0, 0, 1, 1, 1, 2, 2};
  std::vector<std::vector<value>> rows;
  const auto cells = statement_rows();
  for (std::size_t r = 0; r < cells.size(); ++r) {
    rows.push_back({statement[r]});
    rows.back().insert(rows.back().end(), cells[r].begin(), cells[r].end());
  }
  return model_test::cells(std::move(cols), rows);
}

// A result of its own holding rows `[first, first + count)` of the statements' rows.
frozen_result fresh(std::size_t first, std::size_t count) {
  const auto all = statement_rows();
  return model_test::cells(statement_columns(), {all.begin() + first, all.begin() + first + count});
}

void require_same_cells(const frozen_result& got, const frozen_result& want) {
  BOOST_TEST((got->columns() == want->columns()));
  BOOST_TEST_REQUIRE(got->row_count() == want->row_count());
  for (std::size_t r = 0; r < want->row_count(); ++r)
    for (std::size_t c = 0; c < want->columns().size(); ++c) {
      BOOST_TEST(got->row(r).is_null(c) == want->row(r).is_null(c), "row " << r << " col " << c);
      BOOST_TEST(got->row(r).at(c) == want->row(r).at(c), "row " << r << " col " << c);
    }
}

} // namespace

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

BOOST_AUTO_TEST_CASE(slice_shows_exactly_its_rows_and_columns) {
  const auto base = coalesced();
  // Statement 1 starts after rows with text, and holds a NULL, an empty text and empty bytes.
  const auto one = slice(base, 2, 3, 1, shared_statement_columns());
  require_same_cells(one, fresh(2, 3));
  BOOST_TEST(one->row(0).text_at(3) == "gamma");
  BOOST_TEST(one->row(1).text_at(3) == "");
  BOOST_TEST(one->row(1).is_null(5));
  BOOST_TEST(one->row(2).text_at(6) == "y");
  BOOST_TEST(one->rows_affected() == -1);
  // Statement 2 shares a column whose NULL bitmap is not empty but holds no NULL of its rows.
  const auto two = slice(base, 5, 2, 1, shared_statement_columns());
  BOOST_TEST(two->chunks().front().column(5).has_nulls());
  require_same_cells(two, fresh(5, 2));
  require_same_cells(slice(base, 0, 2, 1, shared_statement_columns()), fresh(0, 2));
  BOOST_TEST(one->payload_bytes() == fresh(2, 3)->payload_bytes());
  BOOST_TEST(two->payload_bytes() == fresh(5, 2)->payload_bytes());
}

BOOST_AUTO_TEST_CASE(slice_keeps_the_columns_it_is_given_and_skips_none_when_asked) {
  const auto base = coalesced();
  const auto cols = shared_statement_columns();
  BOOST_TEST(slice(base, 2, 3, 1, cols)->shared_columns() == cols);
  const auto whole = slice(base, 0, base->row_count(), 0, base->shared_columns());
  require_same_cells(whole, base);
}

BOOST_AUTO_TEST_CASE(empty_slice_has_the_columns_and_no_rows) {
  const auto base = coalesced();
  for (std::size_t first : {std::size_t{0}, std::size_t{3}, base->row_count()}) {
    const auto empty = slice(base, first, 0, 1, shared_statement_columns());
    BOOST_TEST(empty->row_count() == 0u);
    BOOST_TEST(empty->empty());
    BOOST_TEST((empty->columns() == statement_columns()));
    BOOST_TEST(empty->chunks().size() == 1u); // as a driver returns an empty result
    BOOST_TEST(!empty->chunks().front().is_slice());
    BOOST_TEST(empty->payload_bytes() == 0u);
  }
}

BOOST_AUTO_TEST_CASE(slice_spanning_chunk_boundaries_shows_the_rows_of_each_chunk) {
  // Chunks of two rows: {1, 2}, {3, 4}, {5}.
  const auto base = model_test::a_rows({{1, "a"}, {2, "bb"}, {3, "ccc"}, {4, "dddd"}, {5, "e"}}, 2);
  BOOST_TEST_REQUIRE(base->chunks().size() == 3u);
  const auto data = std::make_shared<const std::vector<column_info>>(
      std::vector<column_info>{base->columns()[1]});
  const auto across = slice(base, 1, 4, 1, data);
  BOOST_TEST(across->chunks().size() == 3u);
  BOOST_TEST(across->row_count() == 4u);
  std::vector<std::string> texts;
  across->for_each_row([&](const row_ref& row) { texts.emplace_back(row.text_at(0)); });
  BOOST_TEST(texts == (std::vector<std::string>{"bb", "ccc", "dddd", "e"}));
  BOOST_TEST(across->row(2).text_at(0) == "dddd"); // found through the slice's chunk index
  BOOST_TEST(across->payload_bytes() == 2u + 3u + 4u + 1u);
  // A slice inside one chunk of a many-chunk base is a single chunk.
  const auto inside = slice(base, 2, 2, 0, base->shared_columns());
  BOOST_TEST(inside->chunks().size() == 1u);
  BOOST_TEST(inside->row(1).int64_at(0) == 4);
  BOOST_TEST(inside->row(1).text_at(1) == "dddd");
}

BOOST_AUTO_TEST_CASE(slice_outlives_the_base_handle_and_frees_it_when_it_goes) {
  auto base = coalesced();
  const std::weak_ptr<const frozen_result_data> watch = base;
  auto one = slice(base, 2, 3, 1, shared_statement_columns());
  auto of_one = slice(one, 1, 2, 0, one->shared_columns()); // rows 3 and 4 of the base
  base.reset();
  BOOST_TEST(!watch.expired());
  require_same_cells(one, fresh(2, 3));
  one.reset();
  // A slice of a slice holds the storage's owner, not the slice it was cut from.
  require_same_cells(of_one, fresh(3, 2));
  BOOST_TEST(!watch.expired());
  of_one.reset();
  BOOST_TEST(watch.expired());
}

BOOST_AUTO_TEST_CASE(slice_out_of_range_throws_out_of_range) {
  const auto base = coalesced(); // 7 rows, 8 columns
  const auto cols = shared_statement_columns();
  const auto max = std::numeric_limits<std::size_t>::max();
  BOOST_CHECK_THROW((void)slice(base, 8, 0, 1, cols), std::out_of_range);
  BOOST_CHECK_THROW((void)slice(base, 5, 3, 1, cols), std::out_of_range);
  BOOST_CHECK_THROW((void)slice(base, 1, max, 1, cols), std::out_of_range);
  BOOST_CHECK_THROW((void)slice(base, max, 2, 1, cols), std::out_of_range);
  BOOST_CHECK_THROW((void)slice(base, 0, 1, 2, cols), std::out_of_range);
  BOOST_CHECK_THROW((void)slice(base, 0, 1, 0, cols), std::out_of_range);
  BOOST_CHECK_THROW((void)slice(base, 0, 1, max, cols), std::out_of_range);
  auto retyped = statement_columns();
  retyped[3].type = value_type::int64;
  BOOST_CHECK_THROW(
      (void)slice(base, 0, 1, 1, std::make_shared<const std::vector<column_info>>(retyped)),
      std::out_of_range);
  BOOST_CHECK_THROW((void)slice(nullptr, 0, 0, 0, cols), std::out_of_range);
  BOOST_CHECK_THROW((void)slice(base, 0, 0, 1, nullptr), std::out_of_range);
  const auto& chunk = base->chunks().front();
  BOOST_CHECK_THROW((void)row_chunk::slice_of(chunk, 0, 8, 0, 8, base), std::out_of_range);
  BOOST_CHECK_THROW((void)row_chunk::slice_of(chunk, 0, 1, 1, 8, base), std::out_of_range);
  BOOST_CHECK_THROW((void)row_chunk::slice_of(chunk, 0, 1, 0, 8, nullptr), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(codec_encodes_a_slice_exactly_as_a_fresh_result_with_its_cells) {
  const auto base = coalesced();
  for (auto [first, count] : {std::pair{0, 2}, std::pair{2, 3}, std::pair{5, 2}, std::pair{3, 0}}) {
    const auto part = slice(base, first, count, 1, shared_statement_columns());
    const auto bytes = encode_frozen_result(*part);
    // Byte for byte: NULL flags are written only for columns with NULLs among the slice's rows.
    BOOST_TEST(bytes == encode_frozen_result(*fresh(first, count)), "rows " << first);
    require_same_cells(decode_frozen_result(bytes), fresh(first, count));
  }
}

BOOST_AUTO_TEST_CASE(slice_shares_the_base_cells_instead_of_copying_them) {
  const auto base = coalesced();
  const auto one = slice(base, 2, 3, 1, shared_statement_columns());
  const auto all = statement_columns();
  const auto of_one = slice(
      one, 1, 2, 3, std::make_shared<const std::vector<column_info>>(all.begin() + 3, all.end()));
  for (std::size_t r = 0; r < 3; ++r) {
    BOOST_TEST(one->row(r).text_at(3).data() == base->row(2 + r).text_at(4).data());
    BOOST_TEST(one->row(r).text_at(4).data() == base->row(2 + r).text_at(5).data());
  }
  BOOST_TEST(of_one->row(0).text_at(0).data() == base->row(3).text_at(4).data());
  BOOST_TEST(of_one->row(1).text_at(3).data() == base->row(4).text_at(7).data());
  BOOST_TEST(one->chunks().front().is_slice());
  // Its memory is its share of the base: the bytes holding the cells it shows.
  BOOST_TEST(one->memory_bytes() > 0u);
  BOOST_TEST(one->memory_bytes() < base->memory_bytes());
  const auto cols = shared_statement_columns();
  const std::size_t parts = slice(base, 0, 2, 1, cols)->memory_bytes() + one->memory_bytes() +
                            slice(base, 5, 2, 1, cols)->memory_bytes();
  BOOST_TEST(parts <= base->memory_bytes());
}

BOOST_AUTO_TEST_CASE(merge_of_a_slice_validates_and_reads_only_its_rows) {
  // Statement 0 holds a NULL "data", statement 1 does not; both share one NULL bitmap.
  const auto base = model_test::cells({{"gatherdb_i", value_type::int64, 0, false},
                                       {"id", value_type::int64, 0, false},
                                       {"data", value_type::text, 0, true}},
                                      {{0, 1, value{}}, {1, 2, "two"}, {1, 3, "three"}});
  const auto cols = std::make_shared<const std::vector<column_info>>(base->columns().begin() + 1,
                                                                     base->columns().end());
  session_state s;
  BOOST_TEST(s.merge<model_test::A>(slice(base, 1, 2, 1, cols)).repr() ==
             "[(A(id_=2, data='two'),), (A(id_=3, data='three'),)]");
  try {
    (void)s.merge<model_test::A>(slice(base, 0, 1, 1, cols));
    BOOST_FAIL("a NULL in a non-nullable column was merged");
  } catch (const merge_error& e) {
    BOOST_TEST(e.kind() == merge_error_kind::null_in_non_nullable);
    BOOST_TEST(e.row() == 0u);
  }
}

BOOST_AUTO_TEST_SUITE_END()
