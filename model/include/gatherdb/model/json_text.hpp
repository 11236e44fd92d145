#pragma once

#include <string>
#include <string_view>

namespace gatherdb::model {

/// A JSON document as validated UTF-8 text (PostgreSQL `jsonb`/`json`, MariaDB `JSON`, SQLite
/// text). Kept as text, not parsed: the text is what the database returned (PostgreSQL's
/// `jsonb` normalizes spacing and key order), and callers parse it with the library of their
/// choice. Equality is textual; compare parsed documents to ask whether two are equivalent.
/// Thread-safety: a value type.
class json_text {
public:
  /// `null`.
  json_text() : text_("null") {}

  /// Throws `value_error` (22P02 invalid JSON, 22021 ill-formed UTF-8) unless `text` is one
  /// JSON value (RFC 8259), surrounding whitespace allowed. Numbers of any size are valid
  /// (PostgreSQL keeps 1e400 exactly), and so is any nesting depth (it is checked without
  /// recursion). Every string must decode to Unicode text: a `\uD800`-`\uDFFF` escape that is
  /// not a high surrogate followed by a low one is refused (RFC 8259 section 8.2 calls such
  /// text unpredictable; `jsonb` and most JSON libraries refuse it, although PostgreSQL's `json`
  /// type stores it). `\u0000` is a character and is accepted (`json` keeps it, `jsonb`
  /// refuses it), and so are duplicate keys.
  [[nodiscard]] static json_text parse(std::string_view text);

  [[nodiscard]] const std::string& text() const noexcept { return text_; }

  friend bool operator==(const json_text& a, const json_text& b) noexcept {
    return a.text_ == b.text_;
  }
  friend bool operator!=(const json_text& a, const json_text& b) noexcept { return !(a == b); }

private:
  std::string text_;
};

} // namespace gatherdb::model
