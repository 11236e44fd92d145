#include "gatherdb/model/detail/coalesced_key_class.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <locale.h>

#include "gatherdb/model/detail/backend_text.hpp"
#include "gatherdb/model/detail/dialect_rules.hpp"

namespace gatherdb::model::detail {

namespace {

// The characters SQLite skips around a number it reads from text.
bool sqlite_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == '\v';
}

void append_number(double x, std::string& out) {
  if (std::isnan(x)) {
    out += "n:nan";
    return;
  }
  if (x == 0)
    x = 0; // -0.0 equals 0.0
  char digits[32];
  const auto [end, ec] = std::to_chars(std::begin(digits), std::end(digits), x);
  out += "n:";
  out.append(digits, end);
}

// The number SQLite's numeric affinity may read from `text`; false when it reads none. Wider
// than SQLite's reader (hexadecimal, "inf" and "nan" count here), which only puts more keys in
// one class. Independent of the process' locale.
bool read_number(const std::string& text, double& x) {
  static const locale_t c_locale = newlocale(LC_ALL_MASK, "C", locale_t{});
  // strtod skips the leading spaces; a NUL inside the text ends the number short of its end.
  const char* const begin = text.c_str();
  char* end = nullptr;
  x = strtod_l(begin, &end, c_locale);
  if (end == begin)
    return false;
  const char* const last = begin + text.size();
  while (end < last && sqlite_space(*end))
    ++end;
  return end == last;
}

void append_folded_text(const std::string& text, std::string& out) {
  double x = 0;
  if (read_number(text, x)) {
    append_number(x, out);
    return;
  }
  std::size_t last = text.size();
  while (last > 0 && text[last - 1] == ' ')
    --last;
  out += "t:";
  for (std::size_t i = 0; i < last; ++i) {
    const char c = text[i];
    out += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
}

template <class T>
void append_raw(const T& x, std::string& out) {
  char raw[sizeof(T)];
  std::memcpy(raw, &x, sizeof(T));
  out.append(raw, sizeof(T));
}

} // namespace

void coalesced_key_class(const value& key, dialect d, std::string& out) {
  out.clear();
  const auto type = key.type();
  if (rules_of(d).coalesced != coalesced_form::case_in) {
    // Identity: the type, then what is bound.
    out += static_cast<char>(type);
    if (const auto* b = key.get_if<bool>())
      out += *b ? '1' : '0';
    else if (const auto* i = key.get_if<std::int64_t>())
      append_raw(*i, out);
    else if (const auto* f = key.get_if<double>())
      append_raw(*f, out);
    else if (const auto* s = key.get_if<std::string>())
      out += *s;
    else if (const auto* b = key.get_if<bytes>())
      out.append(reinterpret_cast<const char*>(b->data()), b->size());
    else if (sent_as_text(type))
      out += backend_text(key, d);
    return;
  }
  if (const auto* b = key.get_if<bool>())
    append_number(*b ? 1 : 0, out);
  else if (const auto* i = key.get_if<std::int64_t>())
    append_number(static_cast<double>(*i), out);
  else if (const auto* f = key.get_if<double>())
    append_number(*f, out);
  else if (const auto* s = key.get_if<std::string>())
    append_folded_text(*s, out);
  else if (const auto* b = key.get_if<bytes>()) {
    // A blob equals only a blob of the same bytes.
    out += "b:";
    out.append(reinterpret_cast<const char*>(b->data()), b->size());
  } else if (sent_as_text(type))
    append_folded_text(backend_text(key, d), out);
  else
    out += "null";
}

} // namespace gatherdb::model::detail
