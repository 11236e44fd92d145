// How the pool hands out work, without actors: which worker gets the next chunk and how many
// statements it carries (actors/src/chunk_sizing.hpp).

#include <cstdint>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "chunk_sizing.hpp"

using gatherdb::actors::settings;
using gatherdb::actors::detail::chunk_demand;
using gatherdb::actors::detail::chunk_size;
using gatherdb::actors::detail::pick_worker;

namespace {

struct slot {
  bool open = true;
  std::size_t chunks = 0;
  std::uint64_t last_used = 0;
};

slot* pick(std::vector<slot>& slots, std::size_t queue_chunks = 1) {
  return pick_worker(slots, queue_chunks, [](const slot& s) { return s.open; });
}

settings pool_of(std::size_t n) {
  settings s;
  s.pool_size = n;
  return s;
}

chunk_demand waiting(std::size_t queued, std::size_t gather_size = 0) {
  chunk_demand d;
  d.queued = queued;
  d.gather_size = gather_size == 0 ? queued : gather_size;
  return d;
}

} // namespace

BOOST_AUTO_TEST_SUITE(actors_chunk_sizing)

BOOST_AUTO_TEST_CASE(an_idle_worker_gets_its_equal_share_of_the_waiting_statements) {
  BOOST_TEST(chunk_size(waiting(100), pool_of(4)) == 25u);
  BOOST_TEST(chunk_size(waiting(3), pool_of(4)) == 1u);
  BOOST_TEST(chunk_size(waiting(1), pool_of(4)) == 1u);
  BOOST_TEST(chunk_size(waiting(0), pool_of(4)) == 0u);
}

BOOST_AUTO_TEST_CASE(a_share_counts_the_statements_in_flight_less_what_the_worker_holds) {
  auto d = waiting(40, 200);
  d.in_flight = 60; // 100 not done: 25 each
  d.held = 10;
  BOOST_TEST(chunk_size(d, pool_of(4)) == 15u);
  d.held = 30; // holds more than its share already: one statement, never none
  BOOST_TEST(chunk_size(d, pool_of(4)) == 1u);
}

BOOST_AUTO_TEST_CASE(a_chunk_never_exceeds_max_chunk_or_what_waits) {
  auto s = pool_of(1);
  s.max_chunk = 16;
  BOOST_TEST(chunk_size(waiting(1000), s) == 16u);
  s.max_chunk = 0; // clamped to 1
  BOOST_TEST(chunk_size(waiting(1000), s) == 1u);
}

BOOST_AUTO_TEST_CASE(lookups_that_coalesce_travel_in_chunks_of_max_coalesce) {
  auto d = waiting(30);
  d.coalescible = true;
  BOOST_TEST(chunk_size(d, pool_of(4)) == 30u); // the seed's 30 lookups: one chunk
  d = waiting(100);
  d.coalescible = true;
  BOOST_TEST(chunk_size(d, pool_of(4)) == 64u);
  auto s = pool_of(4);
  s.max_coalesce = 1; // coalescing off: back to shares
  BOOST_TEST(chunk_size(d, s) == 25u);
}

BOOST_AUTO_TEST_CASE(a_busy_worker_only_takes_a_full_chunk) {
  auto s = pool_of(2);
  s.worker_queue_chunks = 2;
  auto d = waiting(10, 800); // a full chunk is 800 / 8 = 100
  d.busy = true;
  BOOST_TEST(chunk_size(d, s) == 0u);
  d.queued = 100;
  BOOST_TEST(chunk_size(d, s) > 0u);
}

BOOST_AUTO_TEST_CASE(the_idle_open_worker_used_last_gets_the_next_chunk) {
  std::vector<slot> slots{{true, 0, 5}, {true, 0, 9}, {true, 1, 20}, {false, 0, 30}};
  BOOST_TEST(pick(slots) == &slots[1]);
}

BOOST_AUTO_TEST_CASE(a_connecting_worker_never_gets_a_chunk) {
  std::vector<slot> slots{{false, 0, 0}, {false, 0, 0}};
  BOOST_TEST(pick(slots) == nullptr);
  std::vector<slot> none;
  BOOST_TEST(pick(none) == nullptr);
}

BOOST_AUTO_TEST_CASE(a_worker_holding_worker_queue_chunks_gets_no_more) {
  std::vector<slot> slots{{true, 1, 0}, {true, 2, 0}};
  BOOST_TEST(pick(slots, 1) == nullptr);
  BOOST_TEST(pick(slots, 2) == &slots[0]);
}

BOOST_AUTO_TEST_SUITE_END()
