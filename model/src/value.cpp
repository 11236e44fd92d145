#include "gatherdb/model/value.hpp"

#include <cstdio>

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
};

} // namespace

std::string to_string(const value& v) {
  return std::visit(renderer{}, v.data());
}

std::ostream& operator<<(std::ostream& os, const value& v) {
  return os << to_string(v);
}

} // namespace gatherdb::model
