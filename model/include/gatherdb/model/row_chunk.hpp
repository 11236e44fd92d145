#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gatherdb/model/column_info.hpp"
#include "gatherdb/model/value.hpp"

namespace gatherdb::model {

/// The cells of one column of a row chunk, stored compactly by type: integers, booleans and the
/// day or microsecond counts of dates, times and timestamps in one int64 array, doubles in one
/// double array, text, bytes, decimals (canonical text), UUIDs (16 bytes) and JSON in one
/// character arena with end offsets. NULLs are a bitmap that stays empty until the first NULL
/// arrives. Thread-safety: not thread-safe while being filled; immutable and freely shareable
/// after.
class column_store {
public:
  explicit column_store(value_type type) noexcept : type_(type) {}

  [[nodiscard]] value_type type() const noexcept { return type_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool has_nulls() const noexcept { return !nulls_.empty(); }
  [[nodiscard]] bool is_null(std::size_t row) const noexcept {
    return !nulls_.empty() && nulls_[row];
  }

  /// Cell accessors; the caller checks `type()` and `is_null()` first.
  [[nodiscard]] std::int64_t int64_at(std::size_t row) const noexcept { return ints_[row]; }
  [[nodiscard]] bool bool_at(std::size_t row) const noexcept { return ints_[row] != 0; }
  [[nodiscard]] double float64_at(std::size_t row) const noexcept { return reals_[row]; }
  /// Text (UTF-8) or raw bytes of a text/bytes cell.
  [[nodiscard]] std::string_view text_at(std::size_t row) const noexcept {
    const auto begin = row == 0 ? 0 : ends_[row - 1];
    return std::string_view{chars_}.substr(begin, ends_[row] - begin);
  }
  /// A UUID cell (16 bytes in the arena).
  [[nodiscard]] uuid uuid_at(std::size_t row) const noexcept;
  /// A copy of one cell as a `value`.
  [[nodiscard]] value at(std::size_t row) const;

  void push_null();
  /// Dates push `days_since_epoch()`, times and timestamps their microseconds (`push_int64`),
  /// decimals and JSON their text (`push_text`); UUIDs their bytes:
  void push_uuid(const uuid& x);
  void push_bool(bool x);
  void push_int64(std::int64_t x);
  void push_float64(double x);
  void push_text(std::string_view x);
  /// Appends `v` stored as `at` reads it back; `v` is NULL or of this column's type (a
  /// boolean or integer in an int64 column). Throws `std::invalid_argument` otherwise.
  void push(const value& v);

  /// The character arena, for drivers that write text straight into it: append the cell's
  /// characters to `arena()`, then call `commit_arena_cell()`; no temporary string is made.
  [[nodiscard]] std::string& arena() noexcept { return chars_; }
  void commit_arena_cell();

  /// Reserves room for `rows` more cells (and `text_bytes` more characters).
  void reserve(std::size_t rows, std::size_t text_bytes = 0);

  /// Heap bytes in use by this column.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;
  /// Bytes of payload: 8 per fixed-width cell, the length of each text/bytes cell.
  [[nodiscard]] std::size_t payload_bytes() const noexcept;

private:
  friend class column_view; // reads the text offsets to size a window's share

  void push_not_null();

  value_type type_;
  std::size_t size_ = 0;
  std::vector<std::int64_t> ints_;
  std::vector<double> reals_;
  std::string chars_;
  std::vector<std::uint64_t> ends_;
  std::vector<bool> nulls_;
};

/// A read-only window on rows `[first, first + size)` of one `column_store`: what a chunk shows
/// of a column. Row numbers are relative to the window, so a reader sees a slice of a result
/// exactly as it sees a result of its own. A pointer and two counts, cheap to make per access;
/// valid while the chunk it came from (or the result owning that chunk) lives.
/// Thread-safety: read-only; as shareable as the store it shows.
class column_view {
public:
  /// Rows `[first, first + size)` of `store`; the caller guarantees they exist.
  column_view(const column_store& store, std::size_t first, std::size_t size) noexcept
      : store_(&store), first_(first), size_(size) {}

  [[nodiscard]] value_type type() const noexcept { return store_->type(); }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  /// Whether the underlying store holds NULLs at all: false means no row of the window is
  /// NULL; true may still mean none of *these* rows is (the store's NULLs may lie outside the
  /// window), so it says whether a scan with `is_null` is needed, never more. Answering
  /// exactly would cost a scan per call, and this is asked once per column per merge.
  [[nodiscard]] bool has_nulls() const noexcept { return store_->has_nulls(); }
  [[nodiscard]] bool is_null(std::size_t row) const noexcept {
    return store_->is_null(first_ + row);
  }

  /// Cell accessors; the caller checks `type()` and `is_null()` first.
  [[nodiscard]] std::int64_t int64_at(std::size_t row) const noexcept {
    return store_->int64_at(first_ + row);
  }
  [[nodiscard]] bool bool_at(std::size_t row) const noexcept {
    return store_->bool_at(first_ + row);
  }
  [[nodiscard]] double float64_at(std::size_t row) const noexcept {
    return store_->float64_at(first_ + row);
  }
  /// Text (UTF-8) or raw bytes of a text/bytes cell, pointing into the store (never copied).
  [[nodiscard]] std::string_view text_at(std::size_t row) const noexcept {
    return store_->text_at(first_ + row);
  }
  [[nodiscard]] uuid uuid_at(std::size_t row) const noexcept {
    return store_->uuid_at(first_ + row);
  }
  /// A copy of one cell as a `value`.
  [[nodiscard]] value at(std::size_t row) const { return store_->at(first_ + row); }

  /// Bytes of payload of the window's cells (see `column_store::payload_bytes`).
  [[nodiscard]] std::size_t payload_bytes() const noexcept;
  /// Bytes of the store's buffers that hold the window's cells: values, text offsets and
  /// characters, and its part of the NULL bitmap; spare capacity is not counted.
  [[nodiscard]] std::size_t storage_bytes() const noexcept;

private:
  const column_store* store_;
  std::size_t first_;
  std::size_t size_;
};

/// A bounded block of rows of one result, stored column by column. Drivers fill one chunk at a
/// time so that a large result never needs one huge reallocation; frozen results keep the
/// chunks as they were fetched.
///
/// A chunk either owns its column stores (drivers fill it) or is a *slice*: a window on a row
/// range and a column range of another chunk's stores, which it shares instead of copying and
/// keeps alive through a shared owner (normally the frozen result holding that chunk). Readers
/// cannot tell the two apart: `column(i) const` returns the same `column_view` either way.
/// Thread-safety: not thread-safe while being filled; immutable and freely shareable after.
/// Slices only read the stores they share, so any number of them may be read concurrently.
class row_chunk {
public:
  row_chunk() = default;
  /// An empty chunk with one store per column, typed as the columns say.
  explicit row_chunk(const std::vector<column_info>& columns);

  /// A slice of `base`: rows `[first_row, first_row + row_count)` of its columns
  /// `[first_column, first_column + column_count)`, sharing `base`'s cells without copying any.
  /// `owner` must own `base`'s storage and keep it unchanged for as long as it lives (a frozen
  /// result holding `base` does); the slice holds it. A slice of a slice refers straight to
  /// the stores it shares and holds their owner instead, so slices never chain.
  /// Throws `std::out_of_range` when the ranges do not fit `base`, `std::invalid_argument`
  /// when `base` owns its stores and `owner` is null.
  [[nodiscard]] static row_chunk slice_of(const row_chunk& base, std::size_t first_row,
                                          std::size_t row_count, std::size_t first_column,
                                          std::size_t column_count,
                                          std::shared_ptr<const void> owner);

  [[nodiscard]] std::size_t row_count() const noexcept { return rows_; }
  [[nodiscard]] std::size_t column_count() const noexcept {
    return shared_ == nullptr ? stores_.size() : shared_columns_;
  }
  /// Whether this chunk shows another chunk's stores rather than owning its own.
  [[nodiscard]] bool is_slice() const noexcept { return owner_ != nullptr; }

  /// Column `i` as readers see it: the chunk's finished rows. Inline and branch-free (one
  /// select) because merges call it per cell.
  [[nodiscard]] column_view column(std::size_t i) const noexcept {
    return column_view{(shared_ == nullptr ? stores_.data() : shared_)[i], first_row_, rows_};
  }
  /// Column `i` for filling it; only on a chunk that owns its stores (not a slice).
  [[nodiscard]] column_store& column(std::size_t i) noexcept {
    assert(shared_ == nullptr);
    return stores_[i];
  }

  /// Declares the row whose cells were just pushed to every column as complete; only on a
  /// chunk that owns its stores.
  void finish_row() noexcept {
    assert(shared_ == nullptr);
    ++rows_;
  }

  /// Heap bytes in use by this chunk. A slice reports the bytes of the shared stores that hold
  /// the cells it shows (no spare capacity): its share of its owner's memory, so the slices of
  /// one result add up to about what the shown columns of that result hold. The owner's whole
  /// storage stays alive as long as any slice of it does.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;
  /// Payload bytes of the cells shown (see `column_store::payload_bytes`).
  [[nodiscard]] std::size_t payload_bytes() const noexcept;

private:
  // An owning chunk shows `stores_` from row 0; a slice leaves it empty and shows
  // `shared_columns_` stores from `shared_` on, rows from `first_row_` on. Non-slices thus pay
  // nothing for slicing but a few words, and copying either kind stays correct without
  // custom copies (no pointer into `stores_` is kept).
  std::vector<column_store> stores_;
  const column_store* shared_ = nullptr;
  std::size_t shared_columns_ = 0;
  std::size_t first_row_ = 0;
  std::size_t rows_ = 0;
  std::shared_ptr<const void> owner_;
};

} // namespace gatherdb::model
