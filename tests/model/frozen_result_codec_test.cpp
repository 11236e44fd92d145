#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "gatherdb/model/frozen_result_codec.hpp"

using namespace gatherdb::model;

namespace {

frozen_result sample() {
  std::vector<column_info> cols{{"id", value_type::int64, -5, false},
                                {"data", value_type::text, 12, true},
                                {"score", value_type::float64, 8, true},
                                {"blob", value_type::bytes, -3, true},
                                {"flag", value_type::boolean, -7, false}};
  std::vector<row_chunk> chunks;
  for (int c = 0; c < 3; ++c) {
    row_chunk chunk{cols};
    for (int r = 0; r < 4; ++r) {
      const int i = c * 4 + r;
      chunk.column(0).push_int64(i == 0 ? INT64_MIN : i);
      if (i % 3 == 0)
        chunk.column(1).push_null();
      else
        chunk.column(1).push_text("ü€😀 'x' " + std::to_string(i));
      chunk.column(2).push_float64(i * 0.5);
      chunk.column(3).push_text(std::string("\0a\0", 3));
      chunk.column(4).push_bool(i % 2 == 0);
      chunk.finish_row();
    }
    chunks.push_back(std::move(chunk));
  }
  return freeze(std::move(cols), std::move(chunks), 12);
}

} // namespace

BOOST_AUTO_TEST_SUITE(model_frozen_result_codec)

BOOST_AUTO_TEST_CASE(encoding_round_trips_every_cell_type_null_and_chunk) {
  auto original = sample();
  auto copy = decode_frozen_result(encode_frozen_result(*original));
  BOOST_TEST((copy->columns() == original->columns()));
  BOOST_TEST(copy->rows_affected() == 12);
  BOOST_TEST_REQUIRE(copy->chunks().size() == 3U);
  BOOST_TEST_REQUIRE(copy->row_count() == original->row_count());
  for (std::size_t i = 0; i < original->row_count(); ++i)
    for (std::size_t c = 0; c < original->columns().size(); ++c)
      BOOST_TEST(copy->row(i).at(c) == original->row(i).at(c), "row " << i << " col " << c);
}

BOOST_AUTO_TEST_CASE(empty_result_round_trips) {
  auto empty = freeze(std::vector<column_info>{}, {}, 7);
  auto copy = decode_frozen_result(encode_frozen_result(*empty));
  BOOST_TEST(copy->row_count() == 0U);
  BOOST_TEST(copy->rows_affected() == 7);
}

BOOST_AUTO_TEST_CASE(every_truncation_is_a_codec_error) {
  const auto bytes = encode_frozen_result(*sample());
  for (std::size_t n = 0; n < bytes.size(); ++n)
    BOOST_CHECK_THROW((void)decode_frozen_result(std::string_view{bytes}.substr(0, n)),
                      codec_error);
}

BOOST_AUTO_TEST_CASE(bad_magic_version_type_and_trailing_bytes_are_rejected) {
  auto bytes = encode_frozen_result(*sample());
  auto corrupt = [&](std::size_t at, char value) {
    auto copy = bytes;
    copy[at] = value;
    return copy;
  };
  BOOST_CHECK_THROW((void)decode_frozen_result(corrupt(0, 'X')), codec_error);
  BOOST_CHECK_THROW((void)decode_frozen_result(corrupt(4, 9)), codec_error);
  // The first column's type byte follows magic, version, count and its name ("id").
  BOOST_CHECK_THROW((void)decode_frozen_result(corrupt(4 + 1 + 4 + 4 + 2, 42)), codec_error);
  BOOST_CHECK_THROW((void)decode_frozen_result(bytes + "x"), codec_error);
}

BOOST_AUTO_TEST_CASE(huge_declared_counts_fail_without_allocating) {
  std::string bytes = "GDBF\x01";
  bytes += std::string("\xff\xff\xff\x7f", 4); // 2^31 columns in a 9-byte input
  BOOST_CHECK_THROW((void)decode_frozen_result(bytes), codec_error);
  std::string rows_without_columns = std::string("GDBF\x01", 5) + std::string(4, '\0') +
                                     std::string(8, '\0') + std::string("\x01\0\0\0", 4) +
                                     std::string("\xff\xff\xff\xff", 4);
  BOOST_CHECK_THROW((void)decode_frozen_result(rows_without_columns), codec_error);
}

BOOST_AUTO_TEST_SUITE_END()
