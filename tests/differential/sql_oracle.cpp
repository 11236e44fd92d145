// The oracle for numbers, text, bytes, UUIDs, decimals and JSON (temporal_oracle.cpp has
// dates and times). See sql_oracle.hpp for the normalizations each database applies.

#include "sql_oracle.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "gatherdb/model/decimal.hpp"
#include "gatherdb/model/json_text.hpp"
#include "gatherdb/model/uuid.hpp"

#include "jsonb_form.hpp"

namespace gatherdb::differential {

using test::is_postgres;

std::string quoted(std::string_view s, backend b) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || (c == '\\' && b == backend::mariadb))
      out += c;
    out += c;
  }
  return out + '\'';
}

namespace {

// `expr` of a column that may be NULL: NULL for NULL (SQLite's printf and hex would render it
// as "0" and "").
std::string null_safe(std::string_view column, const std::string& expr) {
  return "CASE WHEN " + std::string{column} + " IS NULL THEN NULL ELSE " + expr + " END";
}

// CAST(column AS TEXT), MariaDB's CAST(column AS CHAR).
std::string cast_to_text(backend b, std::string_view column) {
  return std::string{"CAST("} + std::string{column} +
         (b == backend::mariadb ? " AS CHAR)" : " AS TEXT)");
}

std::string upper(std::string s) {
  for (auto& c : s)
    if (c >= 'a' && c <= 'f')
      c = static_cast<char>(c - 'a' + 'A');
  return s;
}

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'F')
      c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string shortened(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < 60; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F || c >= 0x80) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (s.size() > 60)
    out += "... (" + std::to_string(s.size()) + " bytes)";
  return '"' + out + '"';
}

bool is_zero_text(const std::string& t) {
  return t.find_first_not_of("-0.") == std::string::npos;
}

// Digits before the point of a canonical decimal ("0" counts as none) and after it.
std::size_t integer_digits(const std::string& t) {
  const auto start = t[0] == '-' ? 1 : 0;
  const auto end = t.find('.');
  const auto n = (end == std::string::npos ? t.size() : end) - start;
  return t.compare(start, n, "0") == 0 ? 0 : n;
}

std::size_t fraction_digits(const std::string& t) {
  const auto p = t.find('.');
  return p == std::string::npos ? 0 : t.size() - p - 1;
}

std::string with_scale(std::string t, std::size_t scale) {
  const auto have = fraction_digits(t);
  if (have == 0 && scale > 0)
    t += '.';
  return t + std::string(scale - have, '0');
}

} // namespace

// --- int64

std::string type_name(const std::int64_t*, column_decl) {
  return "int64";
}
std::optional<std::string> write_literal(const sample<std::int64_t>& s, backend b, std::size_t) {
  // Cast from text: a bare -9223372036854775808 is a negated out-of-range literal in SQLite.
  const char* type = b == backend::mariadb ? "SIGNED" : b == backend::sqlite ? "INTEGER" : "BIGINT";
  return "CAST('" + std::to_string(s.value) + "' AS " + type + ")";
}
std::optional<std::string> key_literal(const sample<std::int64_t>& s, backend b) {
  return write_literal(s, b, 0);
}
std::optional<std::int64_t> held(const sample<std::int64_t>& s, backend, column_decl) {
  return s.value;
}
std::string text_expression(const std::int64_t*, backend b, std::string_view column) {
  return cast_to_text(b, column);
}
bool text_agrees(const sample<std::int64_t>& s, std::string_view got, backend, writer, std::size_t,
                 column_decl, std::string& want) {
  want = std::to_string(s.value);
  return got == want;
}
bool same(const std::int64_t& a, const std::int64_t& b) {
  return a == b;
}
std::string show(const std::int64_t& v) {
  return std::to_string(v);
}

// --- double

namespace {

std::string digits17(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17e", x);
  return buf;
}

// A finite `x` as SQLite arithmetic that is exact: its 53-bit integer significand scaled by
// powers of two. SQLite's own parser of decimal literals is not (some 17-digit literals near
// 1e-294 come out one ulp off), while scaling by 2^k never rounds until the last step, where
// the result is `x` itself.
std::string sqlite_exact_double(double x) {
  if (x == 0)
    return "0.0";
  int exponent = 0;
  const double fraction = std::frexp(x, &exponent); // x = fraction * 2^exponent
  auto significand = static_cast<std::int64_t>(std::ldexp(fraction, 53));
  exponent -= 53;
  while (significand % 2 == 0 && exponent < 0) {
    significand /= 2;
    ++exponent;
  }
  std::string out = "(CAST(" + std::to_string(significand) + " AS REAL)";
  const char* op = exponent < 0 ? " / " : " * ";
  for (int left = exponent < 0 ? -exponent : exponent; left > 0; left -= 32)
    out += op + std::to_string(std::int64_t{1} << (left >= 32 ? 32 : left));
  return out + ')';
}

} // namespace

std::string type_name(const double*, column_decl) {
  return "double";
}
std::optional<std::string> write_literal(const sample<double>& s, backend b, std::size_t) {
  const double x = s.value;
  if (is_postgres(b)) {
    if (std::isnan(x))
      return "CAST('NaN' AS DOUBLE PRECISION)";
    if (std::isinf(x))
      return x > 0 ? "CAST('Infinity' AS DOUBLE PRECISION)"
                   : "CAST('-Infinity' AS DOUBLE PRECISION)";
    return "CAST('" + digits17(x) + "' AS DOUBLE PRECISION)";
  }
  if (std::isnan(x))
    return std::nullopt; // neither MariaDB nor SQLite has a NaN
  if (std::isinf(x)) {
    if (b == backend::mariadb)
      return std::nullopt;
    return x > 0 ? "9e999" : "-9e999"; // SQLite's own spelling of an overflow: infinity
  }
  if (b == backend::sqlite)
    return sqlite_exact_double(x);
  // An exponent makes MariaDB read a double, not a DECIMAL (its parser is exact).
  return digits17(x);
}
std::optional<std::string> key_literal(const sample<double>& s, backend b) {
  return write_literal(s, b, 0);
}
std::optional<double> held(const sample<double>& s, backend b, column_decl) {
  if (std::isnan(s.value) && !is_postgres(b))
    return std::nullopt;
  if (std::isinf(s.value) && b == backend::mariadb)
    return std::nullopt;
  if (s.value == 0.0 && !is_postgres(b))
    return 0.0; // -0.0 becomes 0 (see sql_oracle.hpp)
  return s.value;
}
std::string text_expression(const double*, backend b, std::string_view column) {
  // SQLite's CAST(real AS TEXT) keeps 15 digits; '%!.17g' keeps all of them.
  if (b == backend::sqlite)
    return null_safe(column, "printf('%!.17g', " + std::string{column} + ")");
  return cast_to_text(b, column);
}
bool text_agrees(const sample<double>& s, std::string_view got, backend b, writer, std::size_t,
                 column_decl c, std::string& want) {
  const double x = held(s, b, c).value();
  want = digits17(x);
  const std::string text{got};
  char* end = nullptr;
  const double y = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || text.empty())
    return false;
  if (b == backend::sqlite && std::isfinite(x) && std::fabs(x) >= 1e100)
    return y == x || y == std::nextafter(x, 0.0) || y == std::nextafter(x, 2 * x);
  return same(y, x);
}
bool same(const double& a, const double& b) {
  if (std::isnan(a) || std::isnan(b))
    return std::isnan(a) && std::isnan(b);
  return std::memcmp(&a, &b, sizeof a) == 0; // -0.0 is not 0.0 here
}
std::string show(const double& v) {
  return digits17(v);
}

// --- text

std::string type_name(const std::string*, column_decl) {
  return "text";
}
std::optional<std::string> write_literal(const sample<std::string>& s, backend b, std::size_t) {
  return quoted(s.value, b);
}
std::optional<std::string> key_literal(const sample<std::string>& s, backend b) {
  return quoted(s.value, b);
}
std::optional<std::string> held(const sample<std::string>& s, backend, column_decl) {
  if (!s.refused_with.empty())
    return std::nullopt;
  return s.value;
}
std::string text_expression(const std::string*, backend, std::string_view column) {
  return std::string{column};
}
bool text_agrees(const sample<std::string>& s, std::string_view got, backend, writer, std::size_t,
                 column_decl, std::string& want) {
  want = shortened(s.value);
  return got == s.value;
}
bool same(const std::string& a, const std::string& b) {
  return a == b;
}
std::string show(const std::string& v) {
  return shortened(v);
}

// --- bytes

std::string type_name(const model::bytes*, column_decl) {
  return "bytes";
}
std::optional<std::string> write_literal(const sample<model::bytes>& s, backend b, std::size_t) {
  if (is_postgres(b))
    return "CAST('\\x" + s.canonical + "' AS BYTEA)";
  return "X'" + s.canonical + "'";
}
std::optional<std::string> key_literal(const sample<model::bytes>& s, backend b) {
  return write_literal(s, b, 0);
}
std::optional<model::bytes> held(const sample<model::bytes>& s, backend, column_decl) {
  return s.value;
}
std::string text_expression(const model::bytes*, backend b, std::string_view column) {
  // PostgreSQL's bytea text is '\x' and lower-case hex; the others have hex() in upper case.
  if (is_postgres(b))
    return cast_to_text(b, column);
  return null_safe(column, "hex(" + std::string{column} + ")");
}
bool text_agrees(const sample<model::bytes>& s, std::string_view got, backend b, writer,
                 std::size_t, column_decl, std::string& want) {
  want = is_postgres(b) ? "\\x" + lower(s.canonical) : s.canonical;
  return got == want;
}
bool same(const model::bytes& a, const model::bytes& b) {
  return a == b;
}
std::string show(const model::bytes& v) {
  const auto hex = hex_of(v);
  return "X'" + (hex.size() > 64
                     ? hex.substr(0, 64) + "...' (" + std::to_string(v.size()) + " bytes)"
                     : hex + "'");
}

// --- uuid

std::string type_name(const model::uuid*, column_decl) {
  return "uuid";
}
std::optional<std::string> write_literal(const sample<model::uuid>& s, backend b, std::size_t row) {
  const auto text = row % 2 == 1 ? upper(s.canonical) : s.canonical;
  if (is_postgres(b))
    return "CAST('" + text + "' AS UUID)";
  return quoted(text, b);
}
std::optional<std::string> key_literal(const sample<model::uuid>& s, backend b) {
  return write_literal(s, b, 0);
}
std::optional<model::uuid> held(const sample<model::uuid>& s, backend b, column_decl) {
  const auto& o = s.value.bytes();
  if (b == backend::mariadb && (o[6] & 0x80) != 0 && o[8] >= 0x01 && o[8] <= 0x80)
    return std::nullopt; // see sql_oracle.hpp
  return s.value;
}
std::string text_expression(const model::uuid*, backend b, std::string_view column) {
  return b == backend::sqlite ? std::string{column} : cast_to_text(b, column);
}
bool text_agrees(const sample<model::uuid>& s, std::string_view got, backend b, writer w,
                 std::size_t row, column_decl, std::string& want) {
  // PostgreSQL and MariaDB print a UUID in lower case; SQLite keeps the text it got.
  want = b == backend::sqlite && w == writer::literal && row % 2 == 1 ? upper(s.canonical)
                                                                      : s.canonical;
  return got == want;
}
bool same(const model::uuid& a, const model::uuid& b) {
  return a == b;
}
std::string show(const model::uuid& v) {
  return v.to_string();
}

// --- decimal

std::string type_name(const model::decimal*, column_decl c) {
  if (c.precision == 0)
    return "decimal";
  return "decimal(" + std::to_string(c.precision) + "," + std::to_string(c.scale) + ")";
}
std::optional<std::string> write_literal(const sample<model::decimal>& s, backend b,
                                         std::size_t row) {
  if (is_postgres(b))
    return "CAST('" + s.canonical + "' AS NUMERIC)";
  if (b == backend::mariadb)
    return s.canonical; // a DECIMAL literal, exact
  // SQLite keeps the text; odd rows drop a leading "0" before the point, which gatherdb reads
  // as the same value.
  auto text = s.canonical;
  if (row % 2 == 1 && text.rfind("0.", 0) == 0)
    text.erase(0, 1);
  return quoted(text, b);
}
std::optional<std::string> key_literal(const sample<model::decimal>& s, backend b) {
  return write_literal(s, b, 0);
}
std::optional<model::decimal> held(const sample<model::decimal>& s, backend b, column_decl c) {
  const auto& t = s.canonical;
  // A declared column: gatherdb refuses what does not fit it, on every backend.
  if (c.precision != 0 &&
      (fraction_digits(t) > c.scale || integer_digits(t) > c.precision - c.scale))
    return std::nullopt;
  if (b == backend::sqlite)
    return s.value; // TEXT holds it as written
  std::size_t scale = c.precision != 0 ? c.scale : 0;
  if (b == backend::mariadb) {
    // DECIMAL(38, 10) unless declared; it holds 28 integer digits and 10 fraction digits.
    const unsigned p = c.precision != 0 ? c.precision : 38;
    const unsigned sc = c.precision != 0 ? c.scale : 10;
    if (fraction_digits(t) > sc || integer_digits(t) > p - sc)
      return std::nullopt;
    scale = sc;
  }
  if (scale == 0)
    return s.value;
  auto padded = with_scale(t, scale);
  if (is_zero_text(padded) && padded[0] == '-')
    padded.erase(0, 1);
  return model::decimal::parse(padded);
}
std::string text_expression(const model::decimal*, backend b, std::string_view column) {
  return b == backend::sqlite ? std::string{column} : cast_to_text(b, column);
}
bool text_agrees(const sample<model::decimal>& s, std::string_view got, backend b, writer w,
                 std::size_t row, column_decl c, std::string& want) {
  if (b == backend::sqlite && w == writer::literal) {
    want = write_literal(s, b, row).value();
    want = want.substr(1, want.size() - 2);
  } else {
    want = held(s, b, c).value().to_string();
  }
  return got == want;
}
bool same(const model::decimal& a, const model::decimal& b) {
  return a == b;
}
std::string show(const model::decimal& v) {
  return v.to_string();
}

// --- json

std::string type_name(const model::json_text*, column_decl) {
  return "json";
}
std::optional<std::string> write_literal(const sample<model::json_text>& s, backend b,
                                         std::size_t) {
  if (is_postgres(b))
    return "CAST(" + quoted(s.canonical, b) + " AS JSONB)";
  return quoted(s.canonical, b);
}
std::optional<std::string> key_literal(const sample<model::json_text>& s, backend b) {
  return write_literal(s, b, 0);
}
namespace {

// How deep arrays and objects nest in `json`.
std::size_t nesting_of(const std::string& json) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

} // namespace

std::optional<model::json_text> held(const sample<model::json_text>& s, backend b, column_decl) {
  if (b == backend::mariadb)
    return nesting_of(s.canonical) >= 32 ? std::nullopt : std::optional{s.value};
  if (!is_postgres(b))
    return s.value; // SQLite's TEXT keeps the text as it is, as MariaDB's JSON does
  const auto text = jsonb_text(s.canonical);
  if (!text)
    return std::nullopt;
  return model::json_text::parse(*text);
}
std::string refusal_category(const sample<model::json_text>& s, backend b) {
  return b == backend::mariadb && nesting_of(s.canonical) >= 32 ? "constraint" : "data";
}
std::string text_expression(const model::json_text*, backend b, std::string_view column) {
  return is_postgres(b) ? cast_to_text(b, column) : std::string{column};
}
bool text_agrees(const sample<model::json_text>& s, std::string_view got, backend b, writer,
                 std::size_t, column_decl c, std::string& want) {
  want = held(s, b, c).value().text();
  return got == want;
}
bool same(const model::json_text& a, const model::json_text& b) {
  return a == b;
}
std::string show(const model::json_text& v) {
  return shortened(v.text());
}

} // namespace gatherdb::differential
