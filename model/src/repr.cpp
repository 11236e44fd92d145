#include "gatherdb/model/repr.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <variant>

namespace gatherdb::model {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

void append_hex_escape(std::string& out, unsigned char c) {
  out += "\\x";
  out += hex_digits[c >> 4];
  out += hex_digits[c & 0xF];
}

// Python picks double quotes only when that avoids escaping: ' present and " absent.
char pick_quote(std::string_view s) {
  return s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos ? '"'
                                                                                         : '\'';
}

// Length of the valid UTF-8 sequence at s[i], 0 when invalid; `cp` receives the code point.
std::size_t utf8_sequence(std::string_view s, std::size_t i, std::uint32_t& cp) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t len = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size())
    return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  // Reject overlong forms, surrogates and code points above U+10FFFF.
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

// The non-ASCII code points below U+0100 that Python's str.isprintable() rejects; repr
// writes them as \xNN. Wider non-printable classes (Zl, Zp, Cf...) are rare in row data and
// are kept verbatim.
bool python_escapes_latin1(std::uint32_t cp) {
  return (cp >= 0x80 && cp <= 0xA0) || cp == 0xAD;
}

} // namespace

void append_repr_str(std::string& out, std::string_view s) {
  const char quote = pick_quote(s);
  out.reserve(out.size() + s.size() + 2);
  out += quote;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c == static_cast<unsigned char>(quote)) {
          out += '\\';
          out += quote;
        } else if (c < 0x20 || c == 0x7F) {
          append_hex_escape(out, c);
        } else {
          out += static_cast<char>(c);
        }
      }
      ++i;
      continue;
    }
    std::uint32_t cp = 0;
    const auto len = utf8_sequence(s, i, cp);
    if (len == 0) {
      append_hex_escape(out, c);
      ++i;
    } else if (python_escapes_latin1(cp)) {
      append_hex_escape(out, static_cast<unsigned char>(cp));
      i += len;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  out += quote;
}

void append_repr_bytes(std::string& out, std::string_view raw) {
  const char quote = pick_quote(raw);
  out += 'b';
  out += quote;
  for (char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\\') {
      out += "\\\\";
    } else if (c == static_cast<unsigned char>(quote)) {
      out += '\\';
      out += quote;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c >= 0x7F) {
      append_hex_escape(out, c);
    } else {
      out += ch;
    }
  }
  out += quote;
}

void append_repr_float(std::string& out, double x) {
  if (std::isnan(x)) {
    out += "nan";
    return;
  }
  if (std::isinf(x)) {
    out += x < 0 ? "-inf" : "inf";
    return;
  }
  // Shortest round-trip digits in scientific form, then laid out the way Python's
  // float_repr_style 'short' does: positional for 1e-4 <= |x| < 1e16, else d.ddde+XX.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), x, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));
  bool negative = false;
  if (!sci.empty() && sci.front() == '-') {
    negative = true;
    sci.remove_prefix(1);
  }
  const auto epos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, epos))
    if (c != '.')
      digits += c;
  const int exponent = std::atoi(std::string{sci.substr(epos + 1)}.c_str());
  while (digits.size() > 1 && digits.back() == '0')
    digits.pop_back();
  if (negative)
    out += '-';
  if (exponent < -4 || exponent >= 16) {
    out += digits[0];
    if (digits.size() > 1) {
      out += '.';
      out.append(digits, 1, std::string::npos);
    }
    out += 'e';
    out += exponent < 0 ? '-' : '+';
    const int mag = std::abs(exponent);
    if (mag < 10)
      out += '0';
    out += std::to_string(mag);
    return;
  }
  if (exponent < 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-exponent - 1), '0');
    out += digits;
    return;
  }
  const auto int_digits = static_cast<std::size_t>(exponent) + 1;
  if (digits.size() <= int_digits) {
    out += digits;
    out.append(int_digits - digits.size(), '0');
    out += ".0";
  } else {
    out.append(digits, 0, int_digits);
    out += '.';
    out.append(digits, int_digits, std::string::npos);
  }
}

void append_repr_int(std::string& out, std::int64_t x) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), x);
  out.append(buf, res.ptr);
}

namespace {

void append_python_time(std::string& out, time_of_day t, bool always_minutes) {
  // Python leaves out a zero microsecond, then a zero second: time(12, 0), time(12, 0, 1).
  append_repr_int(out, t.hour());
  if (always_minutes || t.minute() != 0 || t.second() != 0 || t.microsecond() != 0) {
    out += ", ";
    append_repr_int(out, t.minute());
  }
  if (t.second() != 0 || t.microsecond() != 0) {
    out += ", ";
    append_repr_int(out, t.second());
  }
  if (t.microsecond() != 0) {
    out += ", ";
    append_repr_int(out, t.microsecond());
  }
}

void append_python_date_parts(std::string& out, date d) {
  const auto ymd = d.ymd();
  append_repr_int(out, ymd.year);
  out += ", ";
  append_repr_int(out, ymd.month);
  out += ", ";
  append_repr_int(out, ymd.day);
}

} // namespace

void append_repr_date(std::string& out, date d) {
  out += "datetime.date(";
  append_python_date_parts(out, d);
  out += ')';
}

void append_repr_time(std::string& out, time_of_day t) {
  out += "datetime.time(";
  append_python_time(out, t, true);
  out += ')';
}

void append_repr_timestamp(std::string& out, timestamp t) {
  out += "datetime.datetime(";
  append_python_date_parts(out, t.date_part());
  out += ", ";
  append_python_time(out, t.time_part(), true);
  out += ')';
}

void append_repr_timestamptz(std::string& out, timestamptz t) {
  append_repr_timestamp(out, t.utc());
  out.pop_back();
  out += ", tzinfo=datetime.timezone.utc)";
}

void append_repr_decimal(std::string& out, const decimal& d) {
  out += "Decimal('";
  // Python's Decimal.__str__ writes the canonical text as it is only while the adjusted
  // exponent is -6 or more: 0.000001 stays, 0.0000001 becomes 1E-7 and 0.0000000 0E-7.
  std::string_view text = d.to_string();
  const bool negative = !text.empty() && text.front() == '-';
  if (negative)
    text.remove_prefix(1);
  std::string coefficient;
  for (char c : text)
    if (c != '.')
      coefficient += c;
  const auto first = coefficient.find_first_not_of('0');
  coefficient.erase(0, first == std::string::npos ? coefficient.size() - 1 : first);
  const auto exponent = -static_cast<std::int64_t>(d.scale());
  const auto adjusted = exponent + static_cast<std::int64_t>(coefficient.size()) - 1;
  if (adjusted >= -6) {
    out += d.to_string();
  } else {
    if (negative)
      out += '-';
    out += coefficient[0];
    if (coefficient.size() > 1) {
      out += '.';
      out.append(coefficient, 1, std::string::npos);
    }
    out += "E-";
    append_repr_int(out, -adjusted);
  }
  out += "')";
}

void append_repr_uuid(std::string& out, const uuid& u) {
  out += "UUID('";
  out += u.to_string();
  out += "')";
}

namespace {

struct repr_visitor {
  std::string& out;
  void operator()(null_t) const { out += "None"; }
  void operator()(bool x) const { append_repr_bool(out, x); }
  void operator()(std::int64_t x) const { append_repr_int(out, x); }
  void operator()(double x) const { append_repr_float(out, x); }
  void operator()(const std::string& x) const { append_repr_str(out, x); }
  void operator()(const bytes& x) const {
    append_repr_bytes(out, std::string_view{reinterpret_cast<const char*>(x.data()), x.size()});
  }
  void operator()(date x) const { append_repr_date(out, x); }
  void operator()(time_of_day x) const { append_repr_time(out, x); }
  void operator()(timestamp x) const { append_repr_timestamp(out, x); }
  void operator()(timestamptz x) const { append_repr_timestamptz(out, x); }
  void operator()(const decimal& x) const { append_repr_decimal(out, x); }
  void operator()(const uuid& x) const { append_repr_uuid(out, x); }
  void operator()(const json_text& x) const { append_repr_str(out, x.text()); }
};

} // namespace

void append_repr(std::string& out, const value& v) {
  std::visit(repr_visitor{out}, v.data());
}

std::string repr_str(std::string_view s) {
  std::string out;
  append_repr_str(out, s);
  return out;
}

std::string repr_float(double x) {
  std::string out;
  append_repr_float(out, x);
  return out;
}

std::string repr_value(const value& v) {
  std::string out;
  append_repr(out, v);
  return out;
}

} // namespace gatherdb::model
