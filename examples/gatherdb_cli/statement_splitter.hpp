#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gatherdb::cli {

/// Splits a script into statements, as `gatherdb` reads its input:
///
/// - when the text has a `;` outside string literals, quoted identifiers and comments, every
///   such `;` ends a statement and line breaks are ordinary white space (statements may span
///   lines);
/// - otherwise every line is a statement.
///
/// `'...'` literals (with `''` escapes), `"..."` identifiers and `--` comments (to the end of
/// the line) are never split; comments are removed, statements are trimmed, and empty ones
/// (blank lines, comment lines, `;;`) are dropped. Thread-safe.
[[nodiscard]] std::vector<std::string> split_statements(std::string_view script);

/// Whether `sql` looks like a read (its first word is SELECT or WITH, case-insensitive, after
/// white space and opening parentheses): such statements are marked idempotent, so gatherdb
/// may retry them once after a lost connection. Thread-safe.
[[nodiscard]] bool looks_like_read(std::string_view sql) noexcept;

} // namespace gatherdb::cli
