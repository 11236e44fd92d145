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
  /// JSON value (RFC 8259), surrounding whitespace allowed.
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
