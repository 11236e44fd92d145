#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gatherdb::model::detail {

/// Four flag bits per object slot (the unit-of-work state of an entity store), two slots per
/// byte: a million objects cost 0.5 MB instead of 1 MB.
/// Thread-safety: not thread-safe; owned by one entity store.
class slot_flags {
public:
  /// The largest flag value a slot holds.
  static constexpr std::uint8_t max_flags = 0xf;

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

  [[nodiscard]] std::uint8_t operator[](std::uint32_t slot) const noexcept {
    return static_cast<std::uint8_t>((bytes_[slot >> 1] >> shift(slot)) & max_flags);
  }

  /// Replaces the flags of `slot` with `f` (at most `max_flags`).
  void set(std::uint32_t slot, std::uint8_t f) noexcept {
    auto& b = bytes_[slot >> 1];
    b = static_cast<std::uint8_t>((b & ~(max_flags << shift(slot))) | (f << shift(slot)));
  }

  void add(std::uint32_t slot, std::uint8_t f) noexcept {
    set(slot, static_cast<std::uint8_t>((*this)[slot] | f));
  }

  void remove(std::uint32_t slot, std::uint8_t f) noexcept {
    set(slot, static_cast<std::uint8_t>((*this)[slot] & ~f));
  }

  /// Makes room for `n` slots in all, at least doubling when it grows, so that reserving before
  /// every append stays amortized O(1). `push_back` does not throw within the reserved room.
  void reserve(std::size_t n) {
    const std::size_t bytes = (n + 1) / 2;
    if (bytes > bytes_.capacity())
      bytes_.reserve(std::max(bytes, bytes_.capacity() * 2));
  }

  /// Appends a slot with flags `f`.
  void push_back(std::uint8_t f) {
    if (size_ % 2 == 0)
      bytes_.push_back(f);
    else
      set(static_cast<std::uint32_t>(size_), f);
    ++size_;
  }

  /// Heap bytes held.
  [[nodiscard]] std::size_t memory_bytes() const noexcept { return bytes_.capacity(); }

private:
  [[nodiscard]] static unsigned shift(std::uint32_t slot) noexcept { return (slot & 1U) * 4; }

  std::vector<std::uint8_t> bytes_;
  std::size_t size_ = 0;
};

} // namespace gatherdb::model::detail
