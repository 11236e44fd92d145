#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

namespace gatherdb::model::detail {

/// Objects of one type at stable addresses, numbered by 32-bit slots. Objects live in blocks
/// of a fixed power-of-two count (about 64 KiB each) that are reserved once and never grow,
/// so neither adding objects nor growing the block list moves an object; slot -> object is a
/// shift and a mask.
/// Thread-safety: not thread-safe; owned by one entity store.
template <class T>
class object_arena {
public:
  static constexpr std::size_t block_bits = [] {
    std::size_t bits = 4;
    while (bits < 12 && (std::size_t{1} << (bits + 1)) * sizeof(T) <= 65536)
      ++bits;
    return bits;
  }();
  static constexpr std::size_t block_size = std::size_t{1} << block_bits;

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

  [[nodiscard]] T& operator[](std::uint32_t slot) noexcept {
    return blocks_[slot >> block_bits][slot & (block_size - 1)];
  }
  [[nodiscard]] const T& operator[](std::uint32_t slot) const noexcept {
    return blocks_[slot >> block_bits][slot & (block_size - 1)];
  }

  /// Whether the objects of slots `a` and `b` are elements of the same array.
  [[nodiscard]] static bool same_block(std::uint32_t a, std::uint32_t b) noexcept {
    return (a >> block_bits) == (b >> block_bits);
  }

  /// Moves `obj` in; returns its slot.
  std::uint32_t push(T&& obj) {
    if (blocks_.empty() || blocks_.back().size() == block_size) {
      std::vector<T> block;
      block.reserve(block_size);
      blocks_.push_back(std::move(block));
      const T* base = blocks_.back().data();
      auto pos =
          std::lower_bound(bases_.begin(), bases_.end(), base,
                           [](const auto& x, const T* p) { return std::less<>{}(x.first, p); });
      bases_.insert(pos, {base, static_cast<std::uint32_t>(blocks_.size() - 1)});
    }
    blocks_.back().push_back(std::move(obj));
    return static_cast<std::uint32_t>(size_++);
  }

  /// Removes the most recently pushed object (undo of a failed add).
  void pop() noexcept {
    blocks_.back().pop_back();
    --size_;
  }

  /// The slot of an object of this arena, or nothing when `p` is not one of them.
  [[nodiscard]] std::optional<std::uint32_t> slot_of(const T* p) const noexcept {
    auto it = std::upper_bound(bases_.begin(), bases_.end(), p,
                               [](const T* q, const auto& x) { return std::less<>{}(q, x.first); });
    if (it == bases_.begin())
      return std::nullopt;
    --it;
    const auto& block = blocks_[it->second];
    if (!std::less<>{}(p, block.data() + block.size()))
      return std::nullopt;
    const auto offset = static_cast<std::size_t>(p - block.data());
    return static_cast<std::uint32_t>((std::size_t{it->second} << block_bits) + offset);
  }

  /// Heap bytes held, including reserved but unused room in the last block.
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    return blocks_.capacity() * sizeof(std::vector<T>) + blocks_.size() * block_size * sizeof(T) +
           bases_.capacity() * sizeof(bases_[0]);
  }

private:
  std::vector<std::vector<T>> blocks_;
  std::vector<std::pair<const T*, std::uint32_t>> bases_; // sorted by address
  std::size_t size_ = 0;
};

} // namespace gatherdb::model::detail
