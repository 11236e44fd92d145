#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "gatherdb/model/detail/backend_text.hpp"
#include "gatherdb/model/repr.hpp"
#include "gatherdb/model/row_chunk.hpp"
#include "gatherdb/model/value.hpp"
#include "gatherdb/model/value_error.hpp"

namespace gatherdb::model::detail {

/// How a C++ member type maps to SQL: storage type, nullability, conversion from a column
/// cell and to a bound parameter, and its Python repr. Specialized for bool, integers (not
/// char), double, std::string, `bytes`, the date, time, decimal, UUID and
/// JSON types of `value`, and `std::optional` of those. `checks_cells` says whether a merge
/// must ask `in_range` per cell (narrow integers, values converted from text).
/// `supported` is false for anything else, which `entity_mapping` turns into a static_assert.
/// Thread-safety: stateless.
template <class T, class = void>
struct member_traits {
  static constexpr bool supported = false;
};

/// True when `T` can be a mapped member.
template <class T>
inline constexpr bool is_mappable_member_v = member_traits<T>::supported;

template <>
struct member_traits<bool> {
  static constexpr bool supported = true;
  static constexpr bool nullable = false;
  static constexpr bool checks_cells = false;
  static constexpr value_type type = value_type::boolean;
  /// SQLite and MariaDB report booleans as integers.
  static bool fits(value_type t) noexcept {
    return t == value_type::boolean || t == value_type::int64;
  }
  static bool in_range(const column_view&, std::size_t) noexcept { return true; }
  static void assign(bool& m, const column_view& s, std::size_t row) noexcept {
    m = s.int64_at(row) != 0;
  }
  static value to_value(bool m) noexcept { return m; }
  static void append_repr(std::string& out, bool m) { append_repr_bool(out, m); }
};

template <class T>
struct member_traits<
    T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool> &&
                        !std::is_same_v<T, char> && !(std::is_unsigned_v<T> && sizeof(T) >= 8)>> {
  static constexpr bool supported = true;
  static constexpr bool nullable = false;
  /// Narrower members reject values they cannot hold instead of truncating them.
  static constexpr bool checks_cells = sizeof(T) < 8;
  static constexpr value_type type = value_type::int64;
  static bool fits(value_type t) noexcept {
    return t == value_type::int64 || t == value_type::boolean;
  }
  static bool in_range(const column_view& s, std::size_t row) noexcept {
    if constexpr (sizeof(T) >= 8) {
      return true;
    } else {
      const auto x = s.int64_at(row);
      return x >= static_cast<std::int64_t>(std::numeric_limits<T>::min()) &&
             x <= static_cast<std::int64_t>(std::numeric_limits<T>::max());
    }
  }
  static void assign(T& m, const column_view& s, std::size_t row) noexcept {
    m = static_cast<T>(s.int64_at(row));
  }
  static value to_value(T m) noexcept { return static_cast<std::int64_t>(m); }
  static void append_repr(std::string& out, T m) {
    append_repr_int(out, static_cast<std::int64_t>(m));
  }
};

/// A 64-bit unsigned member is stored in a BIGINT: values above INT64_MAX are refused when sent
/// (`value_error` 22003) and negative cells when merged, never wrapped around.
template <class T>
struct member_traits<
    T, std::enable_if_t<std::is_integral_v<T> && std::is_unsigned_v<T> && sizeof(T) >= 8>> {
  static constexpr bool supported = true;
  static constexpr bool nullable = false;
  static constexpr bool checks_cells = true;
  static constexpr value_type type = value_type::int64;
  static bool fits(value_type t) noexcept {
    return t == value_type::int64 || t == value_type::boolean;
  }
  static bool in_range(const column_view& s, std::size_t row) noexcept {
    return s.int64_at(row) >= 0;
  }
  static void assign(T& m, const column_view& s, std::size_t row) noexcept {
    m = static_cast<T>(s.int64_at(row));
  }
  static value to_value(T m) {
    if (m > static_cast<T>(std::numeric_limits<std::int64_t>::max()))
      throw value_error("22003",
                        "unsigned value " + std::to_string(m) + " does not fit a BIGINT column");
    return static_cast<std::int64_t>(m);
  }
  static void append_repr(std::string& out, T m) { out += std::to_string(m); }
};

template <>
struct member_traits<double> {
  static constexpr bool supported = true;
  static constexpr bool nullable = false;
  static constexpr bool checks_cells = false;
  static constexpr value_type type = value_type::float64;
  /// Integers widen (SQLite stores 1.0 as an integer when it can).
  static bool fits(value_type t) noexcept {
    return t == value_type::float64 || t == value_type::int64;
  }
  static bool in_range(const column_view&, std::size_t) noexcept { return true; }
  static void assign(double& m, const column_view& s, std::size_t row) noexcept {
    m = s.type() == value_type::float64 ? s.float64_at(row) : static_cast<double>(s.int64_at(row));
  }
  static value to_value(double m) noexcept { return m; }
  static void append_repr(std::string& out, double m) { append_repr_float(out, m); }
};

template <>
struct member_traits<std::string> {
  static constexpr bool supported = true;
  static constexpr bool nullable = false;
  static constexpr bool checks_cells = false;
  static constexpr value_type type = value_type::text;
  static bool fits(value_type t) noexcept { return t == value_type::text; }
  static bool in_range(const column_view&, std::size_t) noexcept { return true; }
  /// `assign` reuses the member's buffer, so overwriting a loaded object does not allocate.
  static void assign(std::string& m, const column_view& s, std::size_t row) {
    const auto sv = s.text_at(row);
    m.assign(sv.data(), sv.size());
  }
  static value to_value(const std::string& m) { return m; }
  static void append_repr(std::string& out, const std::string& m) { append_repr_str(out, m); }
};

template <>
struct member_traits<bytes> {
  static constexpr bool supported = true;
  static constexpr bool nullable = false;
  static constexpr bool checks_cells = false;
  static constexpr value_type type = value_type::bytes;
  static bool fits(value_type t) noexcept { return t == value_type::bytes; }
  static bool in_range(const column_view&, std::size_t) noexcept { return true; }
  static void assign(bytes& m, const column_view& s, std::size_t row) {
    const auto sv = s.text_at(row);
    const auto* first = reinterpret_cast<const std::byte*>(sv.data());
    m.assign(first, first + sv.size());
  }
  static value to_value(const bytes& m) { return m; }
  static void append_repr(std::string& out, const bytes& m) {
    append_repr_bytes(out, std::string_view{reinterpret_cast<const char*>(m.data()), m.size()});
  }
};

/// Shared by the types a backend may return as text (SQLite has no date, decimal or UUID
/// type; MariaDB returns UUID and JSON columns as text; a timestamp without time zone read into
/// a `timestamptz` member is taken as UTC, as MariaDB's DATETIME holds it): a cell fits when it
/// is of `T`'s own type, or of one of the `also` types and converts. Conversions that fail are
/// reported per row by `in_range`, so a merge refuses the result instead of changing a value.
template <class T, value_type own>
struct converted_member_traits {
  static constexpr bool supported = true;
  static constexpr bool nullable = false;
  static constexpr bool checks_cells = true;
  static constexpr value_type type = own;

  static bool fits(value_type t) noexcept {
    return t == own || t == value_type::text ||
           (own == value_type::timestamptz && t == value_type::timestamp) ||
           (own == value_type::decimal && t == value_type::int64);
  }
  static bool in_range(const column_view& s, std::size_t row) noexcept {
    if (s.type() == own && own != value_type::json)
      return true; // fetched and checked as this type already
    try {
      (void)read(s, row);
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }
  static void assign(T& m, const column_view& s, std::size_t row) { m = read(s, row); }
  static value to_value(const T& m) { return m; }

  /// The cell as `T`; throws `value_error` when a text cell does not convert.
  static T read(const column_view& s, std::size_t row) {
    if constexpr (own == value_type::uuid) {
      if (s.type() == own)
        return s.uuid_at(row);
    } else if constexpr (own == value_type::decimal) {
      if (s.type() == value_type::int64)
        return decimal::parse(std::to_string(s.int64_at(row)));
      if (s.type() == own)
        return decimal::parse(s.text_at(row));
    } else if constexpr (own == value_type::json) {
      return json_text::parse(s.text_at(row));
    } else {
      if (s.type() == own) {
        if constexpr (own == value_type::date)
          return date::from_days(s.int64_at(row));
        else
          return T::from_micros(s.int64_at(row));
      }
      if constexpr (own == value_type::timestamptz) {
        if (s.type() == value_type::timestamp)
          return timestamptz::from_micros(s.int64_at(row));
      }
    }
    return detail::parse_backend_text(own, s.text_at(row), dialect::other).template get<T>();
  }
};

template <>
struct member_traits<date> : converted_member_traits<date, value_type::date> {
  static void append_repr(std::string& out, date m) { append_repr_date(out, m); }
};
template <>
struct member_traits<time_of_day> : converted_member_traits<time_of_day, value_type::time_of_day> {
  static void append_repr(std::string& out, time_of_day m) { append_repr_time(out, m); }
};
template <>
struct member_traits<timestamp> : converted_member_traits<timestamp, value_type::timestamp> {
  static void append_repr(std::string& out, timestamp m) { append_repr_timestamp(out, m); }
};
template <>
struct member_traits<timestamptz> : converted_member_traits<timestamptz, value_type::timestamptz> {
  static void append_repr(std::string& out, timestamptz m) { append_repr_timestamptz(out, m); }
};
template <>
struct member_traits<decimal> : converted_member_traits<decimal, value_type::decimal> {
  static void append_repr(std::string& out, const decimal& m) { append_repr_decimal(out, m); }
};
template <>
struct member_traits<uuid> : converted_member_traits<uuid, value_type::uuid> {
  static void append_repr(std::string& out, const uuid& m) { append_repr_uuid(out, m); }
};
/// JSON is validated whatever the column's type: no backend's driver says a column is JSON.
template <>
struct member_traits<json_text> : converted_member_traits<json_text, value_type::json> {
  static void append_repr(std::string& out, const json_text& m) { append_repr_str(out, m.text()); }
};

template <class T>
struct member_traits<std::optional<T>, std::enable_if_t<member_traits<T>::supported>> {
  using base = member_traits<T>;
  static constexpr bool supported = true;
  static constexpr bool nullable = true;
  static constexpr bool checks_cells = base::checks_cells;
  static constexpr value_type type = base::type;
  static bool fits(value_type t) noexcept { return t == value_type::null || base::fits(t); }
  static bool in_range(const column_view& s, std::size_t row) noexcept {
    return s.is_null(row) || base::in_range(s, row);
  }
  static void assign(std::optional<T>& m, const column_view& s, std::size_t row) {
    if (s.type() == value_type::null || s.is_null(row)) {
      m.reset();
      return;
    }
    if (!m)
      m.emplace();
    base::assign(*m, s, row);
  }
  static value to_value(const std::optional<T>& m) { return m ? base::to_value(*m) : value{}; }
  static void append_repr(std::string& out, const std::optional<T>& m) {
    if (m)
      base::append_repr(out, *m);
    else
      out += "None";
  }
};

} // namespace gatherdb::model::detail
