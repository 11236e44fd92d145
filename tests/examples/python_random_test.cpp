#include <cstdint>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "python_random.hpp"

using gatherdb::examples::python_random;

namespace {

std::vector<std::uint32_t> choices(std::uint64_t seed, std::uint32_t n, int count) {
  python_random rng{seed};
  std::vector<std::uint32_t> out;
  for (int i = 0; i < count; ++i)
    out.push_back(rng.choice(n));
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(example_python_random)

// Expected values printed by CPython 3.11: [random.Random(s).choice(range(n)) ...].
BOOST_AUTO_TEST_CASE(seed_7_picks_what_python_picks) {
  std::vector<std::uint32_t> expected{41, 19, 50, 83, 6};
  BOOST_TEST(choices(7, 100, 5) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(seed_wider_than_32_bits_uses_every_word) {
  std::vector<std::uint32_t> expected{64, 66, 34, 84, 3}; // random.Random(2**40 + 5)
  BOOST_TEST(choices((std::uint64_t{1} << 40) + 5, 100, 5) == expected,
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(seed_zero_and_a_range_needing_rejection) {
  std::vector<std::uint32_t> expected{6311, 6890, 663, 4242, 8376}; // Random(0), range(10000)
  BOOST_TEST(choices(0, 10000, 5) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(randbelow_stays_below_its_bound) {
  python_random rng{42};
  for (std::uint32_t n : {1U, 2U, 3U, 7U, 100U, 1000U, 65537U})
    for (int i = 0; i < 1000; ++i)
      BOOST_TEST(rng.randbelow(n) < n);
}

BOOST_AUTO_TEST_SUITE_END()
