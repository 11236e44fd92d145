#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "gatherdb/model/date.hpp"
#include "gatherdb/model/decimal.hpp"
#include "gatherdb/model/json_text.hpp"
#include "gatherdb/model/time_of_day.hpp"
#include "gatherdb/model/timestamp.hpp"
#include "gatherdb/model/timestamptz.hpp"
#include "gatherdb/model/uuid.hpp"

namespace gatherdb::model {

/// The SQL NULL marker.
struct null_t {
  friend constexpr bool operator==(null_t, null_t) noexcept { return true; }
  friend constexpr bool operator!=(null_t, null_t) noexcept { return false; }
};

/// The one NULL value: `value v = null;`.
inline constexpr null_t null{};

/// Binary data (SQL BINARY / BYTEA / BLOB); may contain NUL bytes.
using bytes = std::vector<std::byte>;

/// The kinds of data gatherdb moves between C++ and SQL.
/// The order is the wire codec's and `value::storage`'s: append only.
enum class value_type : std::uint8_t {
  null,
  boolean,
  int64,
  float64,
  text,
  bytes,
  date,
  time_of_day,
  timestamp,
  timestamptz,
  decimal,
  uuid,
  json
};

/// The last value type (for range checks of decoded input).
inline constexpr value_type last_value_type = value_type::json;

/// Whether cells of `t` are stored as one int64 each in a column (booleans, integers, and the
/// day or microsecond counts of dates, times and timestamps).
[[nodiscard]] constexpr bool stored_as_int64(value_type t) noexcept {
  return t == value_type::boolean || t == value_type::int64 || t == value_type::date ||
         t == value_type::time_of_day || t == value_type::timestamp || t == value_type::timestamptz;
}

/// Whether cells of `t` are stored as characters in a column's arena (text, bytes, a decimal's
/// canonical text, a UUID's 16 bytes, JSON text).
[[nodiscard]] constexpr bool stored_as_chars(value_type t) noexcept {
  return t == value_type::text || t == value_type::bytes || t == value_type::decimal ||
         t == value_type::uuid || t == value_type::json;
}

/// Name of a value type ("int64", "text", ...). Thread-safe.
[[nodiscard]] std::string_view to_string(value_type t) noexcept;

/// One SQL value: a bound parameter or a single cell. Text is UTF-8.
/// Thread-safety: a value type; distinct objects may be used from distinct threads.
class value {
public:
  using storage = std::variant<null_t, bool, std::int64_t, double, std::string, bytes, date,
                               time_of_day, timestamp, timestamptz, decimal, uuid, json_text>;

  /// NULL.
  value() noexcept = default;
  value(null_t) noexcept {}
  value(bool x) noexcept : data_(x) {}
  /// Any integer type except bool and char; stored as int64 (unsigned values above
  /// INT64_MAX do not fit SQL's BIGINT and are rejected at compile time for 64-bit types).
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool> &&
                                          !std::is_same_v<T, char> &&
                                          !(std::is_unsigned_v<T> && sizeof(T) >= 8),
                                      int> = 0>
  value(T x) noexcept : data_(static_cast<std::int64_t>(x)) {}
  value(double x) noexcept : data_(x) {}
  value(std::string x) noexcept : data_(std::move(x)) {}
  value(std::string_view x) : data_(std::string{x}) {}
  value(const char* x) : data_(std::string{x}) {}
  value(bytes x) noexcept : data_(std::move(x)) {}
  value(date x) noexcept : data_(x) {}
  value(time_of_day x) noexcept : data_(x) {}
  value(timestamp x) noexcept : data_(x) {}
  value(timestamptz x) noexcept : data_(x) {}
  value(decimal x) noexcept : data_(std::move(x)) {}
  value(uuid x) noexcept : data_(x) {}
  value(json_text x) noexcept : data_(std::move(x)) {}

  /// The kind of data held.
  [[nodiscard]] value_type type() const noexcept { return static_cast<value_type>(data_.index()); }
  [[nodiscard]] bool is_null() const noexcept { return data_.index() == 0; }

  /// The held data; throws `std::bad_variant_access` on a type mismatch.
  template <class T>
  [[nodiscard]] const T& get() const {
    return std::get<T>(data_);
  }

  /// The held data, or nullptr on a type mismatch.
  template <class T>
  [[nodiscard]] const T* get_if() const noexcept {
    return std::get_if<T>(&data_);
  }

  [[nodiscard]] const storage& data() const noexcept { return data_; }

  friend bool operator==(const value& x, const value& y) { return x.data_ == y.data_; }
  friend bool operator!=(const value& x, const value& y) { return !(x == y); }

private:
  storage data_;
};

/// SQL-ish rendering for diagnostics: NULL, TRUE, 42, 'text' (quotes doubled), X'00FF',
/// DATE '2024-02-29', TIMESTAMP WITH TIME ZONE '...+00:00', 1.50, UUID '...', JSON '...'.
/// Never used to build SQL: gatherdb only binds values.
[[nodiscard]] std::string to_string(const value& v);

std::ostream& operator<<(std::ostream& os, const value& v);

} // namespace gatherdb::model
