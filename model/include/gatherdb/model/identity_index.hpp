#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace gatherdb::model {

/// Hash of an integer primary key (splitmix64 finalizer: sequential keys spread evenly).
[[nodiscard]] inline std::uint64_t hash_key(std::int64_t key) noexcept {
  auto x = static_cast<std::uint64_t>(key);
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

/// Hash of a text primary key.
[[nodiscard]] inline std::uint64_t hash_key(std::string_view key) noexcept {
  return hash_key(static_cast<std::int64_t>(std::hash<std::string_view>{}(key)));
}

/// An open-addressing hash set of 32-bit object slots. It stores neither keys nor hashes: the
/// caller compares keys by reading the object in the slot, so an entry costs 4 bytes (at most
/// ~6 bytes per object at the maximum load factor) and inserting never allocates per entry.
/// Thread-safety: not thread-safe; owned by one entity store.
class identity_index {
public:
  static constexpr std::uint32_t no_slot = std::numeric_limits<std::uint32_t>::max();

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

  /// The slot whose object `eq(slot)` accepts, probing from `hash`, or `no_slot`.
  template <class Eq>
  [[nodiscard]] std::uint32_t find(std::uint64_t hash, Eq&& eq) const {
    if (table_.empty())
      return no_slot;
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const auto s = table_[i];
      if (s == no_slot)
        return no_slot;
      if (eq(s))
        return s;
    }
  }

  /// Adds `slot` (whose key must be absent). `hash_of(slot)` recomputes the hash of any stored
  /// slot when the table grows.
  template <class HashOf>
  void insert(std::uint64_t hash, std::uint32_t slot, HashOf&& hash_of) {
    if (slot == no_slot)
      throw std::length_error("identity_index: too many objects");
    if ((size_ + 1) * 8 > table_.size() * 7)
      rehash(std::max<std::size_t>(16, table_.size() * 2), hash_of);
    place(hash, slot);
    ++size_;
  }

  /// Replaces the entry holding `old_slot` (found by `hash`) with `new_slot`.
  void replace(std::uint64_t hash, std::uint32_t old_slot, std::uint32_t new_slot) noexcept {
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      if (table_[i] == old_slot) {
        table_[i] = new_slot;
        return;
      }
    }
  }

  /// Grows the table so that `n` entries fit without another rehash.
  template <class HashOf>
  void reserve(std::size_t n, HashOf&& hash_of) {
    std::size_t cap = table_.empty() ? 16 : table_.size();
    while (n * 8 > cap * 7)
      cap *= 2;
    if (cap != table_.size())
      rehash(cap, hash_of);
  }

  /// Heap bytes held.
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    return table_.capacity() * sizeof(std::uint32_t);
  }

private:
  void place(std::uint64_t hash, std::uint32_t slot) noexcept {
    std::size_t i = hash & mask_;
    while (table_[i] != no_slot)
      i = (i + 1) & mask_;
    table_[i] = slot;
  }

  template <class HashOf>
  void rehash(std::size_t capacity, HashOf& hash_of) {
    std::vector<std::uint32_t> old(capacity, no_slot);
    old.swap(table_);
    mask_ = capacity - 1;
    for (auto s : old)
      if (s != no_slot)
        place(hash_of(s), s);
  }

  std::vector<std::uint32_t> table_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

} // namespace gatherdb::model
