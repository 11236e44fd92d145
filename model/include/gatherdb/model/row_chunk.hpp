#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gatherdb/model/column_info.hpp"
#include "gatherdb/model/value.hpp"

namespace gatherdb::model {

/// The cells of one column of a row chunk, stored compactly by type: integers and booleans in
/// one int64 array, doubles in one double array, text and bytes in one character arena with end
/// offsets. NULLs are a bitmap that stays empty until the first NULL arrives.
/// Thread-safety: not thread-safe while being filled; immutable and freely shareable after.
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
  /// A copy of one cell as a `value`.
  [[nodiscard]] value at(std::size_t row) const;

  void push_null();
  void push_bool(bool x);
  void push_int64(std::int64_t x);
  void push_float64(double x);
  void push_text(std::string_view x);

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
  void push_not_null();

  value_type type_;
  std::size_t size_ = 0;
  std::vector<std::int64_t> ints_;
  std::vector<double> reals_;
  std::string chars_;
  std::vector<std::uint64_t> ends_;
  std::vector<bool> nulls_;
};

/// A bounded block of rows of one result, stored column by column. Drivers fill one chunk at a
/// time so that a large result never needs one huge reallocation; frozen results keep the
/// chunks as they were fetched.
/// Thread-safety: not thread-safe while being filled; immutable and freely shareable after.
class row_chunk {
public:
  row_chunk() = default;
  /// An empty chunk with one store per column, typed as the columns say.
  explicit row_chunk(const std::vector<column_info>& columns);

  [[nodiscard]] std::size_t row_count() const noexcept { return rows_; }
  [[nodiscard]] std::size_t column_count() const noexcept { return stores_.size(); }
  [[nodiscard]] const column_store& column(std::size_t i) const noexcept { return stores_[i]; }
  [[nodiscard]] column_store& column(std::size_t i) noexcept { return stores_[i]; }

  /// Declares the row whose cells were just pushed to every column as complete.
  void finish_row() noexcept { ++rows_; }

  /// Heap bytes in use by this chunk.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;
  /// Payload bytes (see `column_store::payload_bytes`).
  [[nodiscard]] std::size_t payload_bytes() const noexcept;

private:
  std::vector<column_store> stores_;
  std::size_t rows_ = 0;
};

} // namespace gatherdb::model
