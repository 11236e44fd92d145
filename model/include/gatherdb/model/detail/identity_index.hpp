#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string_view>

namespace gatherdb::model::detail {

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

/// The bucket of `hash` in a table of `capacity` buckets: the high 64 bits of `hash * capacity`
/// ("fastrange"), so that the capacity need not be a power of two.
[[nodiscard]] inline std::size_t bucket_of(std::uint64_t hash, std::size_t capacity) noexcept {
  const std::uint64_t c = capacity;
#if defined(__SIZEOF_INT128__)
  __extension__ using u128 = unsigned __int128;
  return static_cast<std::size_t>((static_cast<u128>(hash) * c) >> 64);
#else
  const std::uint64_t lo_lo = (hash & 0xffffffffULL) * (c & 0xffffffffULL);
  const std::uint64_t hi_lo = (hash >> 32) * (c & 0xffffffffULL);
  const std::uint64_t lo_hi = (hash & 0xffffffffULL) * (c >> 32);
  const std::uint64_t hi_hi = (hash >> 32) * (c >> 32);
  const std::uint64_t mid = (lo_lo >> 32) + (hi_lo & 0xffffffffULL) + (lo_hi & 0xffffffffULL);
  return static_cast<std::size_t>(hi_hi + (hi_lo >> 32) + (lo_hi >> 32) + (mid >> 32));
#endif
}

/// An open-addressing (linear probing) hash set of 32-bit object slots. It stores no keys: the
/// caller compares keys by reading the object in the slot, so an entry costs 4 bytes (4 / 0.7
/// = 5.7 bytes per object at most once the table has grown past its minimum by itself: the
/// load stays between 0.7 and 7/8; a `reserve` sizes it for the count it is given) and
/// inserting never allocates per entry. The bits of an entry that the largest slot does not
/// need hold low bits of the hash, so that probing rarely reads an object whose key cannot
/// match. Growing rebuilds the table from the caller's objects (`for_each_entry`), not from the
/// old table, so the old table is freed before the new one is written: growing does not need
/// the memory of both tables at once.
///
/// `for_each_entry(f)` must call `f(slot, hash)` once for every slot in the index and for no
/// other slot, and must not throw; it is called only while the index grows.
/// Thread-safety: not thread-safe; owned by one entity store.
class identity_index {
public:
  static constexpr std::uint32_t no_slot = std::numeric_limits<std::uint32_t>::max();

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

  /// Number of buckets (any count, not only powers of two).
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

  /// The slot whose object `eq(slot)` accepts, probing from `hash`, or `no_slot`.
  template <class Eq>
  [[nodiscard]] std::uint32_t find(std::uint64_t hash, Eq&& eq) const {
    if (capacity_ == 0)
      return no_slot;
    const std::uint32_t tag = tag_of(hash);
    for (std::size_t i = bucket_of(hash, capacity_);; i = next(i)) {
      const auto e = table_[i];
      if (e == empty)
        return no_slot;
      if ((e & ~slot_mask_) == tag && eq(slot_in(e)))
        return slot_in(e);
    }
  }

  /// Adds `slot`, whose key must be absent and which `for_each_entry` must not report yet.
  /// Throws `std::length_error` for `no_slot` (too many objects) and `std::bad_alloc`, leaving
  /// the index unchanged; after `reserve(size() + 1, ...)` it neither allocates nor throws for
  /// a valid slot.
  template <class ForEachEntry>
  void insert(std::uint64_t hash, std::uint32_t slot, ForEachEntry&& for_each_entry) {
    if (slot == no_slot)
      throw std::length_error("identity_index: too many objects");
    if (!fits(size_ + 1))
      rebuild(grown_capacity(size_ + 1), for_each_entry);
    widen_for(slot);
    place(hash, slot);
    ++size_;
  }

  /// Replaces the entry holding `old_slot` (found by `hash`) with `new_slot` (not `no_slot`).
  void replace(std::uint64_t hash, std::uint32_t old_slot, std::uint32_t new_slot) noexcept {
    widen_for(new_slot);
    for (std::size_t i = bucket_of(hash, capacity_);; i = next(i)) {
      if (table_[i] != empty && slot_in(table_[i]) == old_slot) {
        table_[i] = tag_of(hash) | (new_slot + 1);
        return;
      }
    }
  }

  /// Grows the table so that `n` entries fit without another rebuild. A reserve far beyond the
  /// current capacity sizes the table for exactly `n` (the caller knows the final count); a
  /// small one grows it geometrically, so that reserving before every small batch stays
  /// amortized O(1) per entry. Strong exception guarantee.
  template <class ForEachEntry>
  void reserve(std::size_t n, ForEachEntry&& for_each_entry) {
    if (!fits(n))
      rebuild(grown_capacity(n), for_each_entry);
  }

  /// Whether `n` entries fit without growing the table.
  [[nodiscard]] bool fits(std::size_t n) const noexcept { return n * 8 <= capacity_ * 7; }

  /// Heap bytes held.
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    return capacity_ * sizeof(std::uint32_t);
  }

private:
  // An entry is (hash bits << slot_bits_) | (slot + 1), and 0 an empty bucket.
  static constexpr std::uint32_t empty = 0;
  static constexpr std::size_t min_capacity = 16;

  [[nodiscard]] std::uint32_t slot_in(std::uint32_t e) const noexcept {
    return (e & slot_mask_) - 1;
  }

  // The low bits of the hash: the bucket depends on its high bits.
  [[nodiscard]] std::uint32_t tag_of(std::uint64_t hash) const noexcept {
    return static_cast<std::uint32_t>(hash << slot_bits_);
  }

  // Linear probing wraps at the capacity, which need not be a power of two.
  [[nodiscard]] std::size_t next(std::size_t i) const noexcept {
    return i + 1 == capacity_ ? 0 : i + 1;
  }

  // Growth by 1.25: the load stays between 0.7 and 7/8 (1.5 or 2 leave up to 0.58 or 0.44
  // after the last growth). The cost, 4 rebuilds per entry in total instead of 1 or 2, is low
  // because a rebuild streams through the objects in slot order.
  [[nodiscard]] std::size_t grown_capacity(std::size_t n) const noexcept {
    const std::size_t exact = (n * 8 + 6) / 7;
    const std::size_t geometric = capacity_ + capacity_ / 4;
    return std::max({min_capacity, exact, geometric});
  }

  // Makes room in an entry for `slot + 1`, taking the bits from the hash tag: in place, no
  // allocation. Twice the room needed, so that it happens O(log slots) times.
  void widen_for(std::uint32_t slot) noexcept {
    const std::uint64_t needed = std::uint64_t{slot} + 1;
    if (needed <= slot_mask_)
      return;
    std::uint32_t bits = slot_bits_;
    while (bits < 32 && (std::uint64_t{1} << bits) - 1 < needed * 2)
      ++bits;
    // A tag holds the low bits of the hash, so the narrower tag is the old one's low bits.
    for (std::size_t i = 0; i < capacity_; ++i)
      if (table_[i] != empty)
        table_[i] = static_cast<std::uint32_t>(std::uint64_t{table_[i] >> slot_bits_} << bits) |
                    (table_[i] & slot_mask_);
    slot_bits_ = bits;
    slot_mask_ = static_cast<std::uint32_t>((std::uint64_t{1} << bits) - 1);
  }

  void place(std::uint64_t hash, std::uint32_t slot) noexcept {
    std::size_t i = bucket_of(hash, capacity_);
    while (table_[i] != empty)
      i = next(i);
    table_[i] = tag_of(hash) | (slot + 1);
  }

  template <class ForEachEntry>
  void rebuild(std::size_t capacity, ForEachEntry& for_each_entry) {
    // Allocated but not written (a large block is fresh pages), then the old table is freed
    // before the new one is touched: peak memory is the larger table, not both.
    std::unique_ptr<std::uint32_t[]> fresh(new std::uint32_t[capacity]);
    table_ = std::move(fresh);
    capacity_ = capacity;
    std::fill_n(table_.get(), capacity_, empty);
    for_each_entry([this](std::uint32_t slot, std::uint64_t hash) { place(hash, slot); });
  }

  std::unique_ptr<std::uint32_t[]> table_;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
  std::uint32_t slot_bits_ = 16;
  std::uint32_t slot_mask_ = 0xffff;
};

} // namespace gatherdb::model::detail
