#include "python_random.hpp"

#include <algorithm>
#include <vector>

namespace gatherdb::examples {

namespace {
constexpr int m = 397;
constexpr std::uint32_t matrix_a = 0x9908b0dfU;
constexpr std::uint32_t upper_mask = 0x80000000U;
constexpr std::uint32_t lower_mask = 0x7fffffffU;
} // namespace

void python_random::init_genrand(std::uint32_t s) noexcept {
  mt_[0] = s;
  for (int i = 1; i < n_; ++i)
    mt_[i] = 1812433253U * (mt_[i - 1] ^ (mt_[i - 1] >> 30)) + static_cast<std::uint32_t>(i);
  index_ = n_;
}

python_random::python_random(std::uint64_t seed) noexcept {
  // CPython splits abs(seed) into 32-bit words, least significant first; zero is one word.
  std::vector<std::uint32_t> key;
  do {
    key.push_back(static_cast<std::uint32_t>(seed & 0xffffffffU));
    seed >>= 32;
  } while (seed != 0);
  init_genrand(19650218U);
  int i = 1;
  std::size_t j = 0;
  for (int k = std::max<int>(n_, static_cast<int>(key.size())); k > 0; --k) {
    mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1664525U)) + key[j] +
             static_cast<std::uint32_t>(j);
    ++i;
    ++j;
    if (i >= n_) {
      mt_[0] = mt_[n_ - 1];
      i = 1;
    }
    if (j >= key.size())
      j = 0;
  }
  for (int k = n_ - 1; k > 0; --k) {
    mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1566083941U)) -
             static_cast<std::uint32_t>(i);
    ++i;
    if (i >= n_) {
      mt_[0] = mt_[n_ - 1];
      i = 1;
    }
  }
  mt_[0] = 0x80000000U;
  index_ = n_;
}

std::uint32_t python_random::next() noexcept {
  if (index_ >= n_) {
    int k = 0;
    for (; k < n_ - m; ++k) {
      auto y = (mt_[k] & upper_mask) | (mt_[k + 1] & lower_mask);
      mt_[k] = mt_[k + m] ^ (y >> 1) ^ ((y & 1U) ? matrix_a : 0U);
    }
    for (; k < n_ - 1; ++k) {
      auto y = (mt_[k] & upper_mask) | (mt_[k + 1] & lower_mask);
      mt_[k] = mt_[k + (m - n_)] ^ (y >> 1) ^ ((y & 1U) ? matrix_a : 0U);
    }
    auto y = (mt_[n_ - 1] & upper_mask) | (mt_[0] & lower_mask);
    mt_[n_ - 1] = mt_[m - 1] ^ (y >> 1) ^ ((y & 1U) ? matrix_a : 0U);
    index_ = 0;
  }
  auto y = mt_[index_++];
  y ^= (y >> 11);
  y ^= (y << 7) & 0x9d2c5680U;
  y ^= (y << 15) & 0xefc60000U;
  y ^= (y >> 18);
  return y;
}

std::uint32_t python_random::getrandbits(unsigned k) noexcept {
  return next() >> (32 - k);
}

std::uint32_t python_random::randbelow(std::uint32_t n) noexcept {
  unsigned k = 0;
  for (auto x = n; x != 0; x >>= 1)
    ++k; // n.bit_length()
  auto r = getrandbits(k);
  while (r >= n)
    r = getrandbits(k);
  return r;
}

} // namespace gatherdb::examples
