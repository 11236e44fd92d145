#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <vector>

namespace gatherdb::model::detail {

/// The session objects of an entity result, one per row, in row order. Rows whose objects lie
/// next to each other in one array (rows merged into new objects, or in the order they were
/// created) are kept as a run: 16 bytes for the whole run. When runs are short it switches to
/// one pointer per row (8 bytes), so it never needs much more than a plain pointer vector. The
/// first run is held inline.
/// Thread-safety: not thread-safe while being filled; immutable afterwards.
class object_refs {
public:
  /// `stride`: the object size (distance between neighbours of a run); `rows`: how many rows
  /// will be pushed (reserved if it comes to one pointer per row).
  object_refs(std::size_t stride, std::size_t rows) noexcept : stride_(stride), expected_(rows) {}

  /// Appends the object of the next row. `follows_previous`: `obj` is the element right after
  /// the previous row's object in the same array.
  void push_back(const void* obj, bool follows_previous) {
    if (pointers_.empty()) {
      if (follows_previous && size_ > 0) {
        ++(runs_.empty() ? head_ : runs_.back()).end_row;
        ++size_;
        return;
      }
      if (size_ == 0) {
        head_ = {obj, 1};
        size_ = 1;
        return;
      }
      // A run costs two pointers' worth: past one run per 4 rows, runs save too little.
      const auto runs = runs_.size() + 1;
      if (runs < min_runs || runs * 4 <= size_) {
        runs_.push_back({obj, size_ + 1});
        ++size_;
        return;
      }
      to_pointers();
    }
    pointers_.push_back(obj);
    ++size_;
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

  /// The object size given at construction.
  [[nodiscard]] std::size_t stride() const noexcept { return stride_; }

  /// The object of `row` (< size()).
  [[nodiscard]] const void* operator[](std::size_t row) const noexcept {
    if (!pointers_.empty())
      return pointers_[row];
    if (row < head_.end_row)
      return static_cast<const char*>(head_.first) + row * stride_;
    const auto it = std::upper_bound(runs_.begin(), runs_.end(), row,
                                     [](std::size_t r, const run& x) { return r < x.end_row; });
    const std::size_t start = it == runs_.begin() ? head_.end_row : std::prev(it)->end_row;
    return static_cast<const char*>(it->first) + (row - start) * stride_;
  }

  /// Calls `f(obj)` for every row's object, in row order.
  template <class F>
  void for_each(F&& f) const {
    if (!pointers_.empty()) {
      for (const void* p : pointers_)
        f(p);
      return;
    }
    auto each = [&](const run& r, std::size_t start) {
      for (std::size_t row = start; row < r.end_row; ++row)
        f(static_cast<const void*>(static_cast<const char*>(r.first) + (row - start) * stride_));
    };
    each(head_, 0);
    std::size_t start = head_.end_row;
    for (const auto& r : runs_) {
      each(r, start);
      start = r.end_row;
    }
  }

  /// Heap bytes held.
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    return runs_.capacity() * sizeof(run) + pointers_.capacity() * sizeof(const void*);
  }

private:
  struct run {
    const void* first = nullptr;
    std::size_t end_row = 0; // one past the run's last row
  };
  // Below this many runs the run form is small whatever the row count.
  static constexpr std::size_t min_runs = 64;

  void to_pointers() {
    std::vector<const void*> out;
    out.reserve(std::max(expected_, size_ + 1));
    for_each([&](const void* p) { out.push_back(p); });
    pointers_ = std::move(out);
    head_ = {};
    runs_ = {};
  }

  // The first run lives here: most results are one run (a one-row result always), which then
  // needs no allocation.
  run head_;
  std::vector<run> runs_; // the runs after the first
  std::vector<const void*> pointers_;
  std::size_t stride_;
  std::size_t expected_;
  std::size_t size_ = 0;
};

} // namespace gatherdb::model::detail
