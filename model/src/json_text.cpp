#include "gatherdb/model/json_text.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

#include "gatherdb/model/utf8.hpp"
#include "gatherdb/model/value_error.hpp"

namespace gatherdb::model {

namespace {

// An RFC 8259 validator, written out rather than borrowed: a parsing library refuses numbers it
// cannot hold as a double (1e400, or the 401-digit integer PostgreSQL's jsonb prints for it),
// which are valid JSON, and a recursive parser would let a deeply nested document overflow
// the stack. This one keeps its nesting on the heap, one byte per level.
class json_validator {
public:
  explicit json_validator(std::string_view text) : text_(text) {}

  void run() {
    skip_whitespace();
    for (;;) {
      // A value starts here.
      const char c = peek();
      if (c == '[' || c == '{') {
        ++at_;
        open_.push_back(c);
        skip_whitespace();
        if (accept(c == '[' ? ']' : '}')) {
          open_.pop_back();
        } else {
          if (c == '{')
            member_key();
          continue;
        }
      } else {
        scalar();
      }
      // A value ended here: close containers or go on to the next element.
      for (;;) {
        skip_whitespace();
        if (open_.empty()) {
          if (at_ != text_.size())
            fail("text after the document");
          return;
        }
        const char container = open_.back();
        if (accept(',')) {
          skip_whitespace();
          if (container == '{')
            member_key();
          break;
        }
        if (!accept(container == '[' ? ']' : '}'))
          fail(container == '[' ? "',' or ']' expected" : "',' or '}' expected");
        open_.pop_back();
      }
    }
  }

private:
  [[noreturn]] void fail(const char* what) const {
    throw value_error("22P02", std::string{"not a JSON document: "} + what + " at byte offset " +
                                   std::to_string(at_));
  }

  [[nodiscard]] char peek() const noexcept { return at_ < text_.size() ? text_[at_] : '\0'; }
  bool accept(char c) noexcept {
    if (at_ >= text_.size() || text_[at_] != c)
      return false;
    ++at_;
    return true;
  }
  bool is_digit() const noexcept { return peek() >= '0' && peek() <= '9'; }

  void skip_whitespace() noexcept {
    while (at_ < text_.size() &&
           (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r'))
      ++at_;
  }

  // `"key"` `:` and the whitespace before the member's value.
  void member_key() {
    if (peek() != '"')
      fail("a member name expected");
    string();
    skip_whitespace();
    if (!accept(':'))
      fail("':' expected");
    skip_whitespace();
  }

  void scalar() {
    const char c = peek();
    if (c == '"')
      string();
    else if (c == '-' || (c >= '0' && c <= '9'))
      number();
    else if (!literal("true") && !literal("false") && !literal("null"))
      fail(at_ == text_.size() ? "a value expected at the end" : "a value expected");
  }

  bool literal(std::string_view word) noexcept {
    if (text_.substr(at_, word.size()) != word)
      return false;
    at_ += word.size();
    return true;
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? of any length: validity, not a value.
  void number() {
    accept('-');
    if (!accept('0')) {
      if (!is_digit())
        fail("a digit expected");
      while (is_digit())
        ++at_;
    }
    if (accept('.')) {
      if (!is_digit())
        fail("a fraction digit expected");
      while (is_digit())
        ++at_;
    }
    if (accept('e') || accept('E')) {
      if (!accept('+'))
        accept('-');
      if (!is_digit())
        fail("an exponent digit expected");
      while (is_digit())
        ++at_;
    }
  }

  void string() {
    ++at_; // the opening quote
    for (;;) {
      if (at_ == text_.size())
        fail("unterminated string");
      const auto c = static_cast<unsigned char>(text_[at_]);
      if (c == '"') {
        ++at_;
        return;
      }
      if (c < 0x20)
        fail("an unescaped control character in a string");
      if (c != '\\') {
        ++at_; // UTF-8 was checked as a whole beforehand
        continue;
      }
      ++at_;
      const char e = peek();
      if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' ||
          e == 't') {
        ++at_;
      } else if (e == 'u') {
        unicode_escape();
      } else {
        fail("an invalid escape");
      }
    }
  }

  // After the backslash of `\uXXXX`. A UTF-16 surrogate must be a high one followed by an
  // escaped low one: PostgreSQL refuses lone surrogates, and they are no character to decode to.
  void unicode_escape() {
    const auto unit = hex4();
    if (unit >= 0xDC00 && unit <= 0xDFFF)
      fail("a lone low surrogate escape");
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      if (!accept('\\') || peek() != 'u')
        fail("a high surrogate escape without its low surrogate");
      const auto low = hex4();
      if (low < 0xDC00 || low > 0xDFFF)
        fail("a high surrogate escape without its low surrogate");
    }
  }

  // `uXXXX`: the code unit.
  std::uint32_t hex4() {
    ++at_; // the 'u'
    std::uint32_t unit = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = peek();
      int v = -1;
      if (h >= '0' && h <= '9')
        v = h - '0';
      else if (h >= 'a' && h <= 'f')
        v = h - 'a' + 10;
      else if (h >= 'A' && h <= 'F')
        v = h - 'A' + 10;
      if (v < 0)
        fail("four hex digits expected after \\u");
      unit = unit * 16 + static_cast<std::uint32_t>(v);
      ++at_;
    }
    return unit;
  }

  std::string_view text_;
  std::size_t at_ = 0;
  std::vector<char> open_; // '[' or '{' per enclosing container
};

} // namespace

json_text json_text::parse(std::string_view text) {
  if (const auto at = invalid_utf8_offset(text); at != std::string_view::npos)
    throw value_error("22021",
                      "JSON text is not well-formed UTF-8 at byte offset " + std::to_string(at));
  json_validator{text}.run();
  json_text j;
  j.text_.assign(text.data(), text.size());
  return j;
}

} // namespace gatherdb::model
