#pragma once
// Seeded, reproducible values of every type gatherdb maps, the edges of each type first: what
// the differential suites write, read back and look up. Every sample carries its canonical
// text, built from the generator's own components (civil.hpp), never from gatherdb's
// formatting, so that the oracle's literals are independent of the library under test.
//
// Thread-safety: the functions are pure (the seed is read once).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gatherdb/model/value.hpp"

namespace gatherdb::differential {

/// This run's seed: `GATHERDB_DIFFERENTIAL_SEED` (decimal) when set, else a fixed default, so
/// that two runs try the same values. Read once.
[[nodiscard]] std::uint64_t run_seed();

/// How many random values each generator adds beyond its edges, as a multiple of its base
/// count: three gives each type about a thousand values per backend, a few thousand per run.
inline constexpr int random_scale = 3;

/// A small deterministic generator (splitmix64): unlike the standard distributions it gives
/// the same numbers with every standard library.
class random_source {
public:
  explicit random_source(std::uint64_t seed) noexcept : state_(seed) {}
  std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n) (n > 0; the modulo bias is irrelevant here).
  std::uint64_t below(std::uint64_t n) noexcept { return next() % n; }
  /// Uniform in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi) noexcept {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }
  bool chance(unsigned percent) noexcept { return below(100) < percent; }

private:
  std::uint64_t state_;
};

/// One value to try.
template <class T>
struct sample {
  T value{};
  /// Its canonical text: ISO forms with six fraction digits, a timestamptz's UTC wall time, a
  /// decimal's digits, bytes in upper-case hex, a UUID in lower case, JSON as written. Empty
  /// for int64 and double (their text is computed from the number).
  std::string canonical;
  /// Where it comes from ("edge: int64 min", "random"), for messages.
  std::string label;
  /// For text gatherdb must never send (a NUL byte, ill-formed UTF-8): the SQLSTATE every path
  /// must refuse it with ("22021"). Empty for every other value.
  std::string refused_with;
  /// For a timestamptz: the offset (seconds east of UTC) its literals are written in.
  std::int64_t offset_seconds = 0;
};

/// A value the type itself must refuse to construct (`value_error`), with that SQLSTATE.
struct construction_case {
  std::string label;
  std::string sqlstate;
  std::function<void()> construct;
};

/// What a generator gives for one type.
template <class T>
struct generated {
  /// Written to the table and looked up; edges first.
  std::vector<sample<T>> stored;
  /// Looked up only: neighbours of stored values (one microsecond, one bit, one trailing
  /// zero, another spelling away) that the database may or may not find equal.
  std::vector<sample<T>> absent;
  std::vector<construction_case> refused_at_construction;
};

/// Values of type `T` for `seed` (each type mixes its name into the seed, so adding a type
/// changes no other type's values). Specialized for every mapped value type.
template <class T>
[[nodiscard]] generated<T> generate(std::uint64_t seed);

template <>
generated<std::int64_t> generate<std::int64_t>(std::uint64_t seed);
template <>
generated<double> generate<double>(std::uint64_t seed);
template <>
generated<std::string> generate<std::string>(std::uint64_t seed);
template <>
generated<model::bytes> generate<model::bytes>(std::uint64_t seed);
template <>
generated<model::uuid> generate<model::uuid>(std::uint64_t seed);
template <>
generated<model::date> generate<model::date>(std::uint64_t seed);
template <>
generated<model::time_of_day> generate<model::time_of_day>(std::uint64_t seed);
template <>
generated<model::timestamp> generate<model::timestamp>(std::uint64_t seed);
template <>
generated<model::timestamptz> generate<model::timestamptz>(std::uint64_t seed);
template <>
generated<model::decimal> generate<model::decimal>(std::uint64_t seed);
template <>
generated<model::json_text> generate<model::json_text>(std::uint64_t seed);

/// `seed` mixed with `name` (FNV-1a), the per-type seed.
[[nodiscard]] std::uint64_t seed_for(std::uint64_t seed, const char* name);

/// Upper-case hex of `b`.
[[nodiscard]] std::string hex_of(const model::bytes& b);

} // namespace gatherdb::differential
