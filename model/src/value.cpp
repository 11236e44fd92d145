#include "gatherdb/model/value.hpp"

#include <cstdio>

#include "gatherdb/model/detail/backend_text.hpp"

namespace gatherdb::model {

std::string_view to_string(value_type t) noexcept {
  switch (t) {
  case value_type::null:
    return "null";
  case value_type::boolean:
    return "boolean";
  case value_type::int64:
    return "int64";
  case value_type::float64:
    return "float64";
  case value_type::text:
    return "text";
  case value_type::bytes:
    return "bytes";
  case value_type::date:
    return "date";
  case value_type::time_of_day:
    return "time_of_day";
  case value_type::timestamp:
    return "timestamp";
  case value_type::timestamptz:
    return "timestamptz";
  case value_type::decimal:
    return "decimal";
  case value_type::uuid:
    return "uuid";
  case value_type::json:
    return "json";
  }
  return "unknown";
}

namespace {

struct renderer {
  std::string operator()(null_t) const { return "NULL"; }
  std::string operator()(bool x) const { return x ? "TRUE" : "FALSE"; }
  std::string operator()(std::int64_t x) const { return std::to_string(x); }
  std::string operator()(double x) const {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.17g", x);
    return buf;
  }
  std::string operator()(const std::string& x) const {
    std::string out;
    out.reserve(x.size() + 2);
    out += '\'';
    for (char c : x) {
      if (c == '\'')
        out += '\'';
      out += c;
    }
    out += '\'';
    return out;
  }
  std::string operator()(const bytes& x) const {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out = "X'";
    for (auto b : x) {
      out += hex[static_cast<unsigned>(b) >> 4];
      out += hex[static_cast<unsigned>(b) & 0xF];
    }
    out += '\'';
    return out;
  }
  std::string operator()(date x) const { return "DATE '" + detail::format_date(x) + "'"; }
  std::string operator()(time_of_day x) const { return "TIME '" + detail::format_time(x) + "'"; }
  std::string operator()(timestamp x) const {
    return "TIMESTAMP '" + detail::format_timestamp(x) + "'";
  }
  std::string operator()(timestamptz x) const {
    return "TIMESTAMP WITH TIME ZONE '" + detail::format_timestamptz(x) + "'";
  }
  std::string operator()(const decimal& x) const { return x.to_string(); }
  std::string operator()(const uuid& x) const { return "UUID '" + x.to_string() + "'"; }
  std::string operator()(const json_text& x) const { return "JSON " + (*this)(x.text()); }
};

} // namespace

std::string to_string(const value& v) {
  return std::visit(renderer{}, v.data());
}

std::ostream& operator<<(std::ostream& os, const value& v) {
  return os << to_string(v);
}

} // namespace gatherdb::model
