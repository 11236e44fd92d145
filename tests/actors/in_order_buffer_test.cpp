// The merge actor's reordering, without actors: outcomes that arrive in any order leave in
// statement order, each exactly once (actors/src/in_order_buffer.hpp).

#include <string>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "in_order_buffer.hpp"

using gatherdb::actors::detail::in_order_buffer;

namespace {

std::vector<std::pair<std::size_t, std::string>> drain(in_order_buffer<std::string>& b) {
  std::vector<std::pair<std::size_t, std::string>> out;
  b.release_ready([&](std::size_t i, std::string& x) { out.emplace_back(i, std::move(x)); });
  return out;
}

bool put(in_order_buffer<std::string>& b, std::size_t i, std::string x) {
  return b.put(i, x);
}

} // namespace

BOOST_AUTO_TEST_SUITE(actors_in_order_buffer)

BOOST_AUTO_TEST_CASE(items_leave_in_index_order_once_the_prefix_is_complete) {
  in_order_buffer<std::string> b{4};
  BOOST_TEST(put(b, 2, "c"));
  BOOST_TEST(put(b, 1, "b"));
  BOOST_TEST(drain(b).empty());
  BOOST_TEST(b.waiting() == 2u);
  BOOST_TEST(put(b, 0, "a"));
  const auto out = drain(b);
  BOOST_REQUIRE_EQUAL(out.size(), 3u);
  BOOST_TEST(out[0].first == 0u);
  BOOST_TEST(out[2].second == "c");
  BOOST_TEST(b.next() == 3u);
  BOOST_TEST(!b.complete());
  BOOST_TEST(put(b, 3, "d"));
  BOOST_TEST(drain(b).size() == 1u);
  BOOST_TEST(b.complete());
}

BOOST_AUTO_TEST_CASE(a_duplicate_a_late_or_an_out_of_range_item_is_refused) {
  in_order_buffer<std::string> b{3};
  BOOST_TEST(put(b, 1, "b"));
  std::string again = "b2";
  BOOST_TEST(!b.put(1, again));
  BOOST_TEST(again == "b2"); // untouched
  BOOST_TEST(put(b, 0, "a"));
  (void)drain(b);
  BOOST_TEST(!put(b, 0, "late"));
  BOOST_TEST(!put(b, 3, "out of range"));
  BOOST_TEST(b.received() == 2u);
}

BOOST_AUTO_TEST_CASE(fill_missing_completes_every_index_not_stored) {
  in_order_buffer<std::string> b{5};
  BOOST_TEST(put(b, 0, "a"));
  (void)drain(b);
  BOOST_TEST(put(b, 3, "d"));
  const auto filled = b.fill_missing([](std::size_t i) { return "expired " + std::to_string(i); });
  BOOST_TEST(filled == 3u);
  BOOST_TEST(b.complete());
  const auto out = drain(b);
  BOOST_REQUIRE_EQUAL(out.size(), 4u);
  BOOST_TEST(out[0].second == "expired 1");
  BOOST_TEST(out[2].second == "d");
  BOOST_TEST(!put(b, 4, "after the deadline"));
}

BOOST_AUTO_TEST_CASE(an_empty_buffer_is_complete) {
  in_order_buffer<std::string> b{0};
  BOOST_TEST(b.complete());
  BOOST_TEST(drain(b).empty());
}

BOOST_AUTO_TEST_SUITE_END()
