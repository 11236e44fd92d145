#include "gatherdb/model/frozen_result.hpp"

#include <algorithm>
#include <stdexcept>

namespace gatherdb::model {

namespace {

const column_list& no_columns() {
  static const column_list empty = std::make_shared<const std::vector<column_info>>();
  return empty;
}

} // namespace

frozen_result_data::frozen_result_data() : columns_(no_columns()) {}

frozen_result_data::frozen_result_data(std::vector<column_info> columns,
                                       std::vector<row_chunk> chunks, std::int64_t rows_affected)
    : frozen_result_data(std::make_shared<const std::vector<column_info>>(std::move(columns)),
                         std::move(chunks), rows_affected) {}

frozen_result_data::frozen_result_data(column_list columns, std::vector<row_chunk> chunks,
                                       std::int64_t rows_affected)
    : columns_(std::move(columns)), chunks_(std::move(chunks)), rows_affected_(rows_affected) {
  if (!columns_)
    columns_ = no_columns();
  // Most results are one chunk, which needs no index (and one allocation less per result).
  if (chunks_.size() > 1)
    chunk_starts_.reserve(chunks_.size());
  for (const auto& c : chunks_) {
    if (c.column_count() != columns_->size())
      throw std::invalid_argument("frozen_result: chunk column count differs from metadata");
    if (chunks_.size() > 1)
      chunk_starts_.push_back(row_count_);
    row_count_ += c.row_count();
  }
}

std::size_t frozen_result_data::find_column(std::string_view name) const noexcept {
  const auto& cols = *columns_;
  for (std::size_t i = 0; i < cols.size(); ++i)
    if (cols[i].name == name)
      return i;
  return npos;
}

row_ref frozen_result_data::row(std::size_t i) const {
  if (i >= row_count_)
    throw std::out_of_range("frozen_result: row index out of range");
  if (chunks_.size() == 1)
    return row_ref{chunks_.front(), i};
  auto it = std::upper_bound(chunk_starts_.begin(), chunk_starts_.end(), i);
  auto chunk = static_cast<std::size_t>(std::distance(chunk_starts_.begin(), it)) - 1;
  return row_ref{chunks_[chunk], i - chunk_starts_[chunk]};
}

std::size_t frozen_result_data::memory_bytes() const noexcept {
  std::size_t n = chunks_.capacity() * sizeof(row_chunk);
  for (const auto& c : chunks_)
    n += c.memory_bytes();
  return n;
}

std::size_t frozen_result_data::payload_bytes() const noexcept {
  std::size_t n = 0;
  for (const auto& c : chunks_)
    n += c.payload_bytes();
  return n;
}

frozen_result freeze(column_list columns, std::vector<row_chunk> chunks,
                     std::int64_t rows_affected) {
  return std::make_shared<const frozen_result_data>(std::move(columns), std::move(chunks),
                                                    rows_affected);
}

frozen_result freeze(std::vector<column_info> columns, std::vector<row_chunk> chunks,
                     std::int64_t rows_affected) {
  return std::make_shared<const frozen_result_data>(std::move(columns), std::move(chunks),
                                                    rows_affected);
}

frozen_result slice(const frozen_result& base, std::size_t first_row, std::size_t row_count,
                    std::size_t skip_columns, column_list columns) {
  if (!base || !columns)
    throw std::out_of_range("frozen_result: slice of a null result or with null columns");
  const auto& base_columns = base->columns();
  const auto rows = base->row_count();
  if (first_row > rows || row_count > rows - first_row)
    throw std::out_of_range("frozen_result: slice rows out of range");
  if (skip_columns > base_columns.size() || columns->size() != base_columns.size() - skip_columns)
    throw std::out_of_range("frozen_result: slice columns do not fit the result");
  // The slice shows the base's stores as they are, so its metadata must describe them.
  for (std::size_t c = 0; c < columns->size(); ++c)
    if ((*columns)[c].type != base_columns[skip_columns + c].type)
      throw std::out_of_range("frozen_result: slice column type differs from the result's");

  std::vector<row_chunk> chunks;
  if (row_count == 0) {
    // Like a driver's empty result: one empty chunk, which pins nothing of the base.
    chunks.emplace_back(*columns);
  } else {
    // A linear walk: results have few chunks (thousands of rows each), so this is cheap next
    // to the slice's allocations, and spanning chunk boundaries comes for free.
    const std::size_t end_row = first_row + row_count;
    const auto overlap = [&](auto&& f) {
      std::size_t start = 0;
      for (const auto& chunk : base->chunks()) {
        const std::size_t end = start + chunk.row_count();
        if (end > first_row && start < end_row)
          f(chunk, std::max(first_row, start) - start, std::min(end_row, end) - start);
        if (end >= end_row)
          break;
        start = end;
      }
    };
    std::size_t count = 0;
    overlap([&](const row_chunk&, std::size_t, std::size_t) { ++count; });
    chunks.reserve(count);
    overlap([&](const row_chunk& chunk, std::size_t from, std::size_t to) {
      chunks.push_back(
          row_chunk::slice_of(chunk, from, to - from, skip_columns, columns->size(), base));
    });
  }
  return freeze(std::move(columns), std::move(chunks), -1);
}

frozen_result concatenate(const std::vector<frozen_result>& parts) {
  if (parts.empty() || !parts.front())
    throw std::invalid_argument("frozen_result: nothing to concatenate");
  if (parts.size() == 1)
    return parts.front();
  const auto& columns = parts.front()->shared_columns();
  std::vector<row_chunk> chunks;
  std::int64_t affected = -1;
  for (const auto& part : parts) {
    if (!part)
      throw std::invalid_argument("frozen_result: a null part");
    const auto& cols = part->columns();
    if (cols.size() != columns->size())
      throw std::invalid_argument("frozen_result: parts differ in their number of columns");
    for (std::size_t c = 0; c < cols.size(); ++c)
      if (cols[c].type != (*columns)[c].type)
        throw std::invalid_argument("frozen_result: parts differ in the type of column '" +
                                    (*columns)[c].name + "'");
    for (const auto& chunk : part->chunks())
      if (chunk.row_count() > 0)
        chunks.push_back(
            row_chunk::slice_of(chunk, 0, chunk.row_count(), 0, chunk.column_count(), part));
    if (part->rows_affected() >= 0)
      affected = std::max<std::int64_t>(affected, 0) + part->rows_affected();
  }
  if (chunks.empty())
    chunks.emplace_back(*columns);
  return freeze(columns, std::move(chunks), affected);
}

} // namespace gatherdb::model
