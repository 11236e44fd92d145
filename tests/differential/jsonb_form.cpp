#include "jsonb_form.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <utility>
#include <vector>

namespace gatherdb::differential {

namespace {

struct refused_by_jsonb {};

struct node {
  enum class kind { literal, number, string, array, object } what = kind::literal;
  std::string text; // a literal's or number's output, a string's decoded UTF-8
  std::vector<node> items;
  std::vector<std::pair<std::string, node>> members;
};

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// A recursive reader of valid JSON (the generator's documents nest 64 deep at most).
class reader {
public:
  explicit reader(std::string_view text) : text_(text) {}

  node document() {
    auto n = value();
    skip_space();
    if (at_ != text_.size())
      throw std::invalid_argument("jsonb model: trailing text");
    return n;
  }

private:
  void skip_space() {
    while (at_ < text_.size() &&
           (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r'))
      ++at_;
  }
  char next() {
    if (at_ >= text_.size())
      throw std::invalid_argument("jsonb model: truncated");
    return text_[at_++];
  }

  unsigned hex4() {
    unsigned x = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = next();
      x = x * 16 + static_cast<unsigned>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return x;
  }

  std::string string() {
    std::string out;
    for (;;) {
      const char c = next();
      if (c == '"')
        return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      const char e = next();
      switch (e) {
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        std::uint32_t cp = hex4();
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          next(); // '\\'
          next(); // 'u'
          cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4() - 0xDC00);
        }
        if (cp == 0)
          throw refused_by_jsonb{}; // "unsupported Unicode escape sequence"
        append_utf8(out, cp);
        break;
      }
      default: // '"', '\\', '/'
        out += e;
        break;
      }
    }
  }

  node value() {
    skip_space();
    node n;
    const char c = text_.at(at_);
    if (c == '"') {
      ++at_;
      n.what = node::kind::string;
      n.text = string();
    } else if (c == '[') {
      ++at_;
      n.what = node::kind::array;
      skip_space();
      if (text_.at(at_) == ']') {
        ++at_;
        return n;
      }
      for (;;) {
        n.items.push_back(value());
        skip_space();
        if (next() == ']')
          break;
      }
    } else if (c == '{') {
      ++at_;
      n.what = node::kind::object;
      skip_space();
      if (text_.at(at_) == '}') {
        ++at_;
        return n;
      }
      for (;;) {
        skip_space();
        next(); // '"'
        auto key = string();
        skip_space();
        next(); // ':'
        n.members.emplace_back(std::move(key), value());
        skip_space();
        if (next() == '}')
          break;
      }
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      const auto start = at_;
      while (at_ < text_.size() &&
             std::string_view{"+-.eE0123456789"}.find(text_[at_]) != std::string_view::npos)
        ++at_;
      n.what = node::kind::number;
      n.text = numeric_text(text_.substr(start, at_ - start));
    } else {
      const auto start = at_;
      while (at_ < text_.size() && text_[at_] >= 'a' && text_[at_] <= 'z')
        ++at_;
      n.text = std::string{text_.substr(start, at_ - start)};
    }
    return n;
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

// PostgreSQL's escape_json: the six short escapes, other control characters as \u00xx (lower
// case), everything else (DEL and all non-ASCII) as it is.
void append_escaped(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    switch (c) {
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
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
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        static const char digits[] = "0123456789abcdef";
        out += "\\u00";
        out += digits[static_cast<unsigned char>(c) >> 4];
        out += digits[static_cast<unsigned char>(c) & 15];
      } else {
        out += c;
      }
    }
  }
  out += '"';
}

void write(std::string& out, node& n) {
  switch (n.what) {
  case node::kind::literal:
  case node::kind::number:
    out += n.text;
    return;
  case node::kind::string:
    append_escaped(out, n.text);
    return;
  case node::kind::array:
    out += '[';
    for (std::size_t i = 0; i < n.items.size(); ++i) {
      if (i > 0)
        out += ", ";
      write(out, n.items[i]);
    }
    out += ']';
    return;
  case node::kind::object: {
    // Shorter keys first, then by bytes; of equal keys the last one written stays.
    auto& m = n.members;
    std::stable_sort(m.begin(), m.end(), [](const auto& a, const auto& b) {
      return a.first.size() != b.first.size() ? a.first.size() < b.first.size() : a.first < b.first;
    });
    std::vector<std::pair<std::string, node>> kept;
    for (auto& member : m) {
      if (!kept.empty() && kept.back().first == member.first)
        kept.back() = std::move(member);
      else
        kept.push_back(std::move(member));
    }
    out += '{';
    for (std::size_t i = 0; i < kept.size(); ++i) {
      if (i > 0)
        out += ", ";
      append_escaped(out, kept[i].first);
      out += ": ";
      write(out, kept[i].second);
    }
    out += '}';
    return;
  }
  }
}

} // namespace

std::string numeric_text(std::string_view number) {
  const bool negative = !number.empty() && number[0] == '-';
  std::string digits;
  std::int64_t fraction = 0;
  std::int64_t exponent = 0;
  bool after_point = false;
  for (std::size_t i = negative ? 1 : 0; i < number.size(); ++i) {
    const char c = number[i];
    if (c == '.') {
      after_point = true;
    } else if (c == 'e' || c == 'E') {
      exponent = std::strtoll(std::string{number.substr(i + 1)}.c_str(), nullptr, 10);
      break;
    } else {
      digits += c;
      fraction += after_point ? 1 : 0;
    }
  }
  // The value is digits x 10^-(fraction - exponent); numeric keeps that many fraction digits.
  const std::int64_t scale = std::max<std::int64_t>(0, fraction - exponent);
  const std::int64_t shift = exponent - fraction; // >= 0 when there is no fraction left
  if (shift > 0)
    digits.append(static_cast<std::size_t>(shift), '0');
  if (static_cast<std::int64_t>(digits.size()) <= scale)
    digits.insert(0, static_cast<std::size_t>(scale - static_cast<std::int64_t>(digits.size()) + 1),
                  '0');
  auto integer = digits.substr(0, digits.size() - static_cast<std::size_t>(scale));
  const auto first = integer.find_first_not_of('0');
  integer = first == std::string::npos ? "0" : integer.substr(first);
  std::string out = integer;
  if (scale > 0)
    out += '.' + digits.substr(digits.size() - static_cast<std::size_t>(scale));
  const bool zero = out.find_first_not_of("0.") == std::string::npos;
  return negative && !zero ? "-" + out : out;
}

std::optional<std::string> jsonb_text(std::string_view json) {
  try {
    auto n = reader{json}.document();
    std::string out;
    write(out, n);
    return out;
  } catch (const refused_by_jsonb&) {
    return std::nullopt;
  }
}

} // namespace gatherdb::differential
