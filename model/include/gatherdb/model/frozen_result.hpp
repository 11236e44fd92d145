#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string_view>
#include <vector>

#include "gatherdb/model/column_info.hpp"
#include "gatherdb/model/row_chunk.hpp"

namespace gatherdb::model {

/// Column metadata, immutable and shared: many results of one statement carry the same list.
using column_list = std::shared_ptr<const std::vector<column_info>>;

/// A read-only view of one row of a frozen result; valid while the result lives.
class row_ref {
public:
  row_ref(const row_chunk& chunk, std::size_t row) noexcept : chunk_(&chunk), row_(row) {}

  [[nodiscard]] std::size_t size() const noexcept { return chunk_->column_count(); }
  [[nodiscard]] bool is_null(std::size_t col) const noexcept {
    return chunk_->column(col).is_null(row_);
  }
  [[nodiscard]] std::int64_t int64_at(std::size_t col) const noexcept {
    return chunk_->column(col).int64_at(row_);
  }
  [[nodiscard]] double float64_at(std::size_t col) const noexcept {
    return chunk_->column(col).float64_at(row_);
  }
  [[nodiscard]] std::string_view text_at(std::size_t col) const noexcept {
    return chunk_->column(col).text_at(row_);
  }
  /// A copy of one cell as a `value`.
  [[nodiscard]] value at(std::size_t col) const { return chunk_->column(col).at(row_); }

private:
  const row_chunk* chunk_;
  std::size_t row_;
};

/// The immutable outcome of one statement: column metadata plus every row, in the chunks the
/// driver fetched them in (moved in, never copied), plus the affected-row count of a DML
/// statement. Replayable any number of times.
/// Thread-safety: immutable after construction; share it freely as `frozen_result`.
class frozen_result_data {
public:
  frozen_result_data();
  frozen_result_data(std::vector<column_info> columns, std::vector<row_chunk> chunks,
                     std::int64_t rows_affected = -1);
  /// With metadata shared between results (a prepared statement describes its columns once).
  frozen_result_data(column_list columns, std::vector<row_chunk> chunks,
                     std::int64_t rows_affected = -1);

  [[nodiscard]] const std::vector<column_info>& columns() const noexcept { return *columns_; }
  /// The column metadata as shared by every result of one prepared statement.
  [[nodiscard]] const column_list& shared_columns() const noexcept { return columns_; }
  [[nodiscard]] const std::vector<row_chunk>& chunks() const noexcept { return chunks_; }
  [[nodiscard]] std::size_t row_count() const noexcept { return row_count_; }
  [[nodiscard]] bool empty() const noexcept { return row_count_ == 0; }
  /// Rows changed by an INSERT/UPDATE/DELETE; -1 when the driver did not say.
  [[nodiscard]] std::int64_t rows_affected() const noexcept { return rows_affected_; }
  /// Index of the column with this label, or `npos`.
  [[nodiscard]] std::size_t find_column(std::string_view name) const noexcept;
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  /// Row `i` of the whole result (O(log chunks)). Prefer iterating with `for_each_row`.
  [[nodiscard]] row_ref row(std::size_t i) const;

  /// Calls `f(row_ref)` for every row in order.
  template <class F>
  void for_each_row(F&& f) const {
    for (const auto& chunk : chunks_)
      for (std::size_t r = 0; r < chunk.row_count(); ++r)
        f(row_ref{chunk, r});
  }

  /// Heap bytes held (metadata excluded); a slice counts its share of the result it shows
  /// (see `row_chunk::memory_bytes`).
  [[nodiscard]] std::size_t memory_bytes() const noexcept;
  /// Payload bytes: 8 per fixed-width cell plus the length of every text/bytes cell.
  [[nodiscard]] std::size_t payload_bytes() const noexcept;

private:
  column_list columns_;
  std::vector<row_chunk> chunks_;
  std::vector<std::size_t> chunk_starts_;
  std::size_t row_count_ = 0;
  std::int64_t rows_affected_ = -1;
};

/// A frozen result: immutable, shared between actors and threads by pointer, never by copy.
using frozen_result = std::shared_ptr<const frozen_result_data>;

/// Freezes fetched rows without copying them.
[[nodiscard]] frozen_result freeze(std::vector<column_info> columns, std::vector<row_chunk> chunks,
                                   std::int64_t rows_affected = -1);
/// Freezes fetched rows without copying them or their (shared) metadata.
[[nodiscard]] frozen_result freeze(column_list columns, std::vector<row_chunk> chunks,
                                   std::int64_t rows_affected = -1);

/// Rows `[first_row, first_row + row_count)` of `base` without its first `skip_columns`
/// columns, described by `columns` (the remaining columns of `base`, in order, with the same
/// types). This is how one coalesced execution becomes each statement's own result.
/// Zero-copy: the slice's chunks share `base`'s cell storage and hold `base` (shared
/// ownership), so `base` may be dropped while the slice lives; the whole of `base` stays in
/// memory until its last slice goes. A slice costs two allocations (plus one for its chunk
/// index when it spans chunks), whatever its rows hold. Its `memory_bytes()` is its share of
/// `base` (see `row_chunk::memory_bytes`). An empty slice holds one empty chunk of its own.
/// Throws `std::out_of_range` when `base` or `columns` is null, or the range or the columns
/// (count or types) do not fit `base`.
/// Thread-safety: reads `base` only; safe to call concurrently on one shared `base`.
[[nodiscard]] frozen_result slice(const frozen_result& base, std::size_t first_row,
                                  std::size_t row_count, std::size_t skip_columns,
                                  column_list columns);

/// The rows of `parts` one after another, described by the first part's columns: what a
/// statement run on every route returns. Zero-copy like `slice` (each chunk shares its part's
/// cells and holds the part); the affected-row count is the parts' sum (-1 when none has one).
/// Throws `std::invalid_argument` when `parts` is empty, a part is null, or the parts differ
/// in column count or column types. Thread-safety: reads the parts only.
[[nodiscard]] frozen_result concatenate(const std::vector<frozen_result>& parts);

} // namespace gatherdb::model
