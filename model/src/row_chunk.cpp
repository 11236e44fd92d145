#include "gatherdb/model/row_chunk.hpp"

#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>

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
  case value_type::date:
    return date::from_days(int64_at(row));
  case value_type::time_of_day:
    return time_of_day::from_micros(int64_at(row));
  case value_type::timestamp:
    return timestamp::from_micros(int64_at(row));
  case value_type::timestamptz:
    return timestamptz::from_micros(int64_at(row));
  case value_type::decimal:
    return decimal::parse(text_at(row));
  case value_type::uuid:
    return uuid_at(row);
  case value_type::json:
    return json_text::parse(text_at(row));
  }
  return null;
}

uuid column_store::uuid_at(std::size_t row) const noexcept {
  uuid::octets b{};
  const auto sv = text_at(row);
  for (std::size_t i = 0; i < b.size() && i < sv.size(); ++i)
    b[i] = static_cast<std::uint8_t>(sv[i]);
  return uuid{b};
}

void column_store::push_uuid(const uuid& x) {
  chars_.append(reinterpret_cast<const char*>(x.bytes().data()), x.bytes().size());
  commit_arena_cell();
}

void column_store::push(const value& v) {
  const auto t = v.type();
  if (t != type_ && t != value_type::null &&
      !(type_ == value_type::int64 && t == value_type::boolean))
    throw std::invalid_argument("gatherdb: a " + std::string{to_string(t)} +
                                " value in a column of " + std::string{to_string(type_)});
  std::visit(
      [this](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, null_t>)
          push_null();
        else if constexpr (std::is_same_v<T, bool>)
          push_bool(x);
        else if constexpr (std::is_same_v<T, std::int64_t>)
          push_int64(x);
        else if constexpr (std::is_same_v<T, double>)
          push_float64(x);
        else if constexpr (std::is_same_v<T, std::string>)
          push_text(x);
        else if constexpr (std::is_same_v<T, bytes>)
          push_text({reinterpret_cast<const char*>(x.data()), x.size()});
        else if constexpr (std::is_same_v<T, date>)
          push_int64(x.days_since_epoch());
        else if constexpr (std::is_same_v<T, time_of_day>)
          push_int64(x.micros_since_midnight());
        else if constexpr (std::is_same_v<T, timestamp> || std::is_same_v<T, timestamptz>)
          push_int64(x.micros_since_epoch());
        else if constexpr (std::is_same_v<T, decimal>)
          push_text(x.to_string());
        else if constexpr (std::is_same_v<T, uuid>)
          push_uuid(x);
        else
          push_text(x.text()); // json_text
      },
      v.data());
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
  if (stored_as_int64(type_))
    ints_.push_back(0);
  else if (type_ == value_type::float64)
    reals_.push_back(0.0);
  else if (stored_as_chars(type_))
    ends_.push_back(chars_.size());
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
  if (stored_as_int64(type_)) {
    ints_.reserve(ints_.size() + rows);
  } else if (type_ == value_type::float64) {
    reals_.reserve(reals_.size() + rows);
  } else if (stored_as_chars(type_)) {
    ends_.reserve(ends_.size() + rows);
    chars_.reserve(chars_.size() + text_bytes);
  }
}

std::size_t column_store::memory_bytes() const noexcept {
  return ints_.capacity() * sizeof(std::int64_t) + reals_.capacity() * sizeof(double) +
         chars_.capacity() + ends_.capacity() * sizeof(std::uint64_t) + nulls_.capacity() / 8;
}

std::size_t column_store::payload_bytes() const noexcept {
  if (stored_as_chars(type_))
    return chars_.size();
  return type_ == value_type::null ? 0 : size_ * 8;
}

std::size_t column_view::payload_bytes() const noexcept {
  if (stored_as_chars(store_->type_)) {
    if (size_ == 0)
      return 0;
    const auto begin = first_ == 0 ? 0 : store_->ends_[first_ - 1];
    return static_cast<std::size_t>(store_->ends_[first_ + size_ - 1] - begin);
  }
  return store_->type_ == value_type::null ? 0 : size_ * 8;
}

std::size_t column_view::storage_bytes() const noexcept {
  std::size_t n = payload_bytes();
  if (stored_as_chars(store_->type_))
    n += size_ * sizeof(std::uint64_t); // the end offsets
  if (store_->has_nulls())
    n += (size_ + 7) / 8;
  return n;
}

row_chunk::row_chunk(const std::vector<column_info>& columns) {
  stores_.reserve(columns.size());
  for (const auto& c : columns)
    stores_.emplace_back(c.type);
}

row_chunk row_chunk::slice_of(const row_chunk& base, std::size_t first_row, std::size_t row_count,
                              std::size_t first_column, std::size_t column_count,
                              std::shared_ptr<const void> owner) {
  // Written so that no sum can overflow, whatever the arguments.
  if (first_row > base.rows_ || row_count > base.rows_ - first_row ||
      first_column > base.column_count() || column_count > base.column_count() - first_column)
    throw std::out_of_range("row_chunk: slice out of range");
  row_chunk out;
  if (base.is_slice()) {
    out.shared_ = base.shared_ == nullptr ? nullptr : base.shared_ + first_column;
    out.first_row_ = base.first_row_ + first_row;
    out.owner_ = base.owner_;
  } else {
    if (owner == nullptr)
      throw std::invalid_argument("row_chunk: a slice needs an owner of the chunk's storage");
    out.shared_ = base.stores_.empty() ? nullptr : base.stores_.data() + first_column;
    out.first_row_ = first_row;
    out.owner_ = std::move(owner);
  }
  out.shared_columns_ = column_count;
  out.rows_ = row_count;
  return out;
}

std::size_t row_chunk::memory_bytes() const noexcept {
  std::size_t n = 0;
  if (is_slice()) {
    for (std::size_t i = 0; i < column_count(); ++i)
      n += column(i).storage_bytes();
    return n;
  }
  n = stores_.capacity() * sizeof(column_store);
  for (const auto& s : stores_)
    n += s.memory_bytes();
  return n;
}

std::size_t row_chunk::payload_bytes() const noexcept {
  std::size_t n = 0;
  if (is_slice()) {
    for (std::size_t i = 0; i < column_count(); ++i)
      n += column(i).payload_bytes();
    return n;
  }
  for (const auto& s : stores_)
    n += s.payload_bytes();
  return n;
}

} // namespace gatherdb::model
