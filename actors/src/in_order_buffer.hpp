#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <utility>

namespace gatherdb::actors::detail {

/// Items numbered 0..n-1 that arrive in any order and leave in index order: the merge actor's
/// reordering of a gather's outcomes. It holds only the items after the first one missing.
/// Thread-safety: not thread-safe; owned by one actor.
template <class T>
class in_order_buffer {
public:
  explicit in_order_buffer(std::size_t n) noexcept : size_(n) {}

  /// Items in all.
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  /// The first index not released yet.
  [[nodiscard]] std::size_t next() const noexcept { return next_; }
  /// Items stored so far, released or not.
  [[nodiscard]] std::size_t received() const noexcept { return received_; }
  /// Whether every item has arrived.
  [[nodiscard]] bool complete() const noexcept { return received_ == size_; }
  /// Items waiting for an earlier one.
  [[nodiscard]] std::size_t waiting() const noexcept { return received_ - next_; }

  /// Stores item `i`. False, and `x` untouched, when `i` is out of range, released already or
  /// stored already: an item is never released twice.
  bool put(std::size_t i, T& x) {
    if (i >= size_ || i < next_)
      return false;
    const auto offset = i - next_;
    if (offset < slots_.size() && slots_[offset])
      return false;
    if (offset >= slots_.size())
      slots_.resize(offset + 1);
    slots_[offset] = std::move(x);
    ++received_;
    return true;
  }

  /// Calls `f(index, T&)` for each item of the complete prefix, in order, and releases it.
  template <class F>
  void release_ready(F&& f) {
    while (!slots_.empty() && slots_.front()) {
      f(next_, *slots_.front());
      slots_.pop_front();
      ++next_;
    }
  }

  /// Stores `make(i)` for every index not stored yet; returns how many it stored.
  template <class Make>
  std::size_t fill_missing(Make&& make) {
    slots_.resize(size_ - next_);
    std::size_t filled = 0;
    for (std::size_t offset = 0; offset < slots_.size(); ++offset) {
      if (slots_[offset])
        continue;
      slots_[offset] = make(next_ + offset);
      ++filled;
    }
    received_ += filled;
    return filled;
  }

private:
  std::size_t size_;
  std::size_t next_ = 0;
  std::size_t received_ = 0;
  std::deque<std::optional<T>> slots_;
};

} // namespace gatherdb::actors::detail
