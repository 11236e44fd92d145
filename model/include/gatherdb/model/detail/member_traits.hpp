#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "gatherdb/model/repr.hpp"
#include "gatherdb/model/row_chunk.hpp"
#include "gatherdb/model/value.hpp"

namespace gatherdb::model {

/// How a C++ member type maps to SQL: storage type, nullability, conversion from a column
/// cell and to a bound parameter, and its Python repr. Specialized for bool, integers (not
/// char, not 64-bit unsigned), double, std::string, `bytes` and `std::optional` of those.
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
  static constexpr value_type type = value_type::int64;
  static bool fits(value_type t) noexcept {
    return t == value_type::int64 || t == value_type::boolean;
  }
  /// Narrower members reject values they cannot hold instead of truncating them.
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

template <>
struct member_traits<double> {
  static constexpr bool supported = true;
  static constexpr bool nullable = false;
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

template <class T>
struct member_traits<std::optional<T>, std::enable_if_t<member_traits<T>::supported>> {
  using base = member_traits<T>;
  static constexpr bool supported = true;
  static constexpr bool nullable = true;
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

} // namespace gatherdb::model
