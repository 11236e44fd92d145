#include "gatherdb/model/row_chunk.hpp"

namespace gatherdb::model {

value column_store::at(std::size_t row) const {
  if (is_null(row))
    return null;
  switch (type_) {
  case value_type::null:
    return null;
  case value_type::boolean:
    return bool_at(row);
  case value_type::int64:
    return int64_at(row);
  case value_type::float64:
    return float64_at(row);
  case value_type::text:
    return std::string{text_at(row)};
  case value_type::bytes: {
    auto sv = text_at(row);
    const auto* first = reinterpret_cast<const std::byte*>(sv.data());
    return bytes(first, first + sv.size());
  }
  }
  return null;
}

void column_store::push_not_null() {
  if (!nulls_.empty())
    nulls_.push_back(false);
  ++size_;
}

void column_store::push_null() {
  if (nulls_.empty())
    nulls_.assign(size_, false);
  nulls_.push_back(true);
  ++size_;
  switch (type_) {
  case value_type::boolean:
  case value_type::int64:
    ints_.push_back(0);
    break;
  case value_type::float64:
    reals_.push_back(0.0);
    break;
  case value_type::text:
  case value_type::bytes:
    ends_.push_back(chars_.size());
    break;
  case value_type::null:
    break;
  }
}

void column_store::push_bool(bool x) {
  push_int64(x ? 1 : 0);
}

void column_store::push_int64(std::int64_t x) {
  ints_.push_back(x);
  push_not_null();
}

void column_store::push_float64(double x) {
  reals_.push_back(x);
  push_not_null();
}

void column_store::push_text(std::string_view x) {
  chars_.append(x);
  commit_arena_cell();
}

void column_store::commit_arena_cell() {
  ends_.push_back(chars_.size());
  push_not_null();
}

void column_store::reserve(std::size_t rows, std::size_t text_bytes) {
  switch (type_) {
  case value_type::boolean:
  case value_type::int64:
    ints_.reserve(ints_.size() + rows);
    break;
  case value_type::float64:
    reals_.reserve(reals_.size() + rows);
    break;
  case value_type::text:
  case value_type::bytes:
    ends_.reserve(ends_.size() + rows);
    chars_.reserve(chars_.size() + text_bytes);
    break;
  case value_type::null:
    break;
  }
}

std::size_t column_store::memory_bytes() const noexcept {
  return ints_.capacity() * sizeof(std::int64_t) + reals_.capacity() * sizeof(double) +
         chars_.capacity() + ends_.capacity() * sizeof(std::uint64_t) + nulls_.capacity() / 8;
}

std::size_t column_store::payload_bytes() const noexcept {
  switch (type_) {
  case value_type::text:
  case value_type::bytes:
    return chars_.size();
  case value_type::null:
    return 0;
  default:
    return size_ * 8;
  }
}

row_chunk::row_chunk(const std::vector<column_info>& columns) {
  stores_.reserve(columns.size());
  for (const auto& c : columns)
    stores_.emplace_back(c.type);
}

std::size_t row_chunk::memory_bytes() const noexcept {
  std::size_t n = stores_.capacity() * sizeof(column_store);
  for (const auto& s : stores_)
    n += s.memory_bytes();
  return n;
}

std::size_t row_chunk::payload_bytes() const noexcept {
  std::size_t n = 0;
  for (const auto& s : stores_)
    n += s.payload_bytes();
  return n;
}

} // namespace gatherdb::model
