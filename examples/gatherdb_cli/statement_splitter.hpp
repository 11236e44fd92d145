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

/// A statement of a script and the route a `\route` line before it named (empty: none did).
struct routed_statement {
  std::string route;
  std::string sql;
};

/// Splits a script whose lines `\route NAME` (alone on their line, white space around
/// allowed) route the statements after them to NAME: the text between such lines is split as
/// its own script by `split_statements`, and the first part's statements get no route.
/// Thread-safe.
[[nodiscard]] std::vector<routed_statement> split_routed_statements(std::string_view script);

/// Whether `sql` is clearly a read: such statements are marked idempotent, so gatherdb may
/// retry them once after a lost connection, which a write must never be. When unsure, it says
/// no. A read is one statement whose first word is SELECT or WITH (case-insensitive, after
/// white space, comments and opening parentheses) and that holds, outside string literals,
/// quoted identifiers and comments, no word that writes or locks: INSERT, UPDATE, DELETE,
/// MERGE, UPSERT, INTO (`SELECT ... INTO`, `REPLACE INTO`), LOCK, `FOR [KEY] SHARE`, nor a
/// built-in function with side effects (nextval, setval, set_config, pg_advisory_*, lo_*, ...).
/// So `WITH d AS (DELETE ... RETURNING *) SELECT ...` is not a read, `SELECT 'delete'` is.
/// Text whose extent differs between dialects (a backslash before a quote, nested block
/// comments), unterminated literals and comments, and a second statement after a `;` make it
/// not a read. Functions of the database's own (user-defined) are not known: a SELECT calling
/// one that writes still counts as a read. Thread-safe.
[[nodiscard]] bool looks_like_read(std::string_view sql) noexcept;

} // namespace gatherdb::cli
