// Classes of coalesced keys: identical keys share one everywhere; on SQLite, whose coalesced
// lookup tags a row with the first key it equals, keys that SQLite may find equal to one stored
// value (numbers by value, text under NOCASE or RTRIM) share one too, and all others differ.

#include <string>

#include <boost/test/unit_test.hpp>

#include "gatherdb/model/decimal.hpp"
#include "gatherdb/model/detail/coalesced_key_class.hpp"

using namespace gatherdb::model;

namespace {

std::string class_of(const value& v, dialect d) {
  std::string out;
  detail::coalesced_key_class(v, d, out);
  return out;
}

bool same(const value& a, const value& b, dialect d) {
  return class_of(a, d) == class_of(b, d);
}

} // namespace

BOOST_AUTO_TEST_SUITE(coalesced_key_class)

BOOST_AUTO_TEST_CASE(identical_keys_share_a_class_on_every_backend) {
  for (auto d : {dialect::sqlite, dialect::postgresql, dialect::mariadb}) {
    BOOST_TEST(same(value{"a_1"}, value{"a_1"}, d));
    BOOST_TEST(same(value{7}, value{7}, d));
    BOOST_TEST(same(value{2.5}, value{2.5}, d));
    BOOST_TEST(same(value{bytes{std::byte{0}, std::byte{1}}},
                    value{bytes{std::byte{0}, std::byte{1}}}, d));
    BOOST_TEST(same(value{decimal::parse("1.50")}, value{decimal::parse("1.50")}, d));
  }
}

BOOST_AUTO_TEST_CASE(where_the_server_tags_rows_only_identical_keys_share_a_class) {
  for (auto d : {dialect::postgresql, dialect::mariadb}) {
    BOOST_TEST(!same(value{"a"}, value{"A"}, d));
    BOOST_TEST(!same(value{"a"}, value{"a "}, d));
    BOOST_TEST(!same(value{7}, value{"7"}, d));
    BOOST_TEST(!same(value{7}, value{7.0}, d));
    BOOST_TEST(!same(value{"a"}, value{bytes{std::byte{'a'}}}, d));
    BOOST_TEST(!same(value{std::string{"a\0b", 3}}, value{std::string{"a\0c", 3}}, d));
  }
}

BOOST_AUTO_TEST_CASE(sqlite_puts_case_and_trailing_space_variants_in_one_class) {
  const auto d = dialect::sqlite;
  BOOST_TEST(same(value{"Key_1"}, value{"kEY_1"}, d));
  BOOST_TEST(same(value{"key"}, value{"key   "}, d));
  BOOST_TEST(same(value{"KEY  "}, value{"key"}, d));
  // NOCASE folds ASCII only, and RTRIM trims spaces only.
  BOOST_TEST(!same(value{"\xc3\xa9"}, value{"\xc3\x89"}, d));
  BOOST_TEST(!same(value{"key"}, value{"key\t"}, d));
  BOOST_TEST(!same(value{"key"}, value{" key"}, d));
  BOOST_TEST(!same(value{"a_1"}, value{"a_2"}, d));
}

BOOST_AUTO_TEST_CASE(sqlite_puts_numbers_and_numeric_text_of_one_value_in_one_class) {
  const auto d = dialect::sqlite;
  BOOST_TEST(same(value{7}, value{"7"}, d));
  BOOST_TEST(same(value{7}, value{7.0}, d));
  BOOST_TEST(same(value{"007"}, value{"7"}, d));
  BOOST_TEST(same(value{" 7 "}, value{"+7.0"}, d));
  BOOST_TEST(same(value{"7e2"}, value{700}, d));
  BOOST_TEST(same(value{true}, value{1}, d));
  BOOST_TEST(same(value{0.0}, value{-0.0}, d));
  BOOST_TEST(same(value{decimal::parse("1.50")}, value{"1.5"}, d));
  // Integers a double cannot tell apart share its class: SQLite compares them exactly, so
  // keeping them apart would need a finer class, never a coarser one.
  BOOST_TEST(same(value{std::int64_t{9007199254740993}}, value{"9007199254740992"}, d));
  BOOST_TEST(!same(value{7}, value{8}, d));
  BOOST_TEST(!same(value{"7a"}, value{7}, d));
}

BOOST_AUTO_TEST_CASE(sqlite_never_puts_a_blob_with_text) {
  const auto d = dialect::sqlite;
  BOOST_TEST(!same(value{bytes{std::byte{'a'}}}, value{"a"}, d));
  BOOST_TEST(!same(value{bytes{std::byte{'A'}}}, value{bytes{std::byte{'a'}}}, d));
}

BOOST_AUTO_TEST_SUITE_END()
