#pragma once

#include <array>
#include <cstdint>

namespace gatherdb::examples {

/// Python's `random.Random(seed)` for a non-negative integer seed, as far as `choice` and
/// `getrandbits` go: MT19937 seeded by `init_by_array` from the seed's 32-bit words, and
/// `_randbelow` by rejection on `getrandbits`. The same seed picks the same statements as the
/// SQLAlchemy original, so the outputs can be compared byte for byte.
/// Thread-safety: not thread-safe; one generator per thread.
class python_random {
public:
  explicit python_random(std::uint64_t seed) noexcept;

  /// `getrandbits(k)` for 1 <= k <= 32.
  [[nodiscard]] std::uint32_t getrandbits(unsigned k) noexcept;
  /// `_randbelow(n)` for n >= 1: uniform in [0, n).
  [[nodiscard]] std::uint32_t randbelow(std::uint32_t n) noexcept;
  /// `choice(range(n))`.
  [[nodiscard]] std::uint32_t choice(std::uint32_t n) noexcept { return randbelow(n); }

private:
  static constexpr int n_ = 624;
  [[nodiscard]] std::uint32_t next() noexcept;
  void init_genrand(std::uint32_t s) noexcept;

  std::array<std::uint32_t, n_> mt_{};
  int index_ = n_ + 1;
};

} // namespace gatherdb::examples
