#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "gatherdb/actors/outcome.hpp"

namespace gatherdb::cli {

/// How `gatherdb` prints results on stdout.
enum class output_format {
  /// Per statement: aligned columns under a header and `(N rows)`, a blank line between.
  table,
  /// One JSON array, an object per statement (see `write_results`).
  json,
  /// RFC 4180 records (CRLF), a header record per statement, a blank line between statements.
  csv,
};

/// "table", "json" or "csv"; nullopt for anything else.
[[nodiscard]] std::optional<output_format> parse_output_format(std::string_view name) noexcept;

/// Writes one result per outcome, in order; statements are numbered from 1.
///
/// - table: a statement with columns prints them aligned (numbers and decimals to the right,
///   NULL as `NULL`, line breaks as `\n`) and `(N rows)`; one without (INSERT, CREATE, ...) prints
///   `(N rows affected)` or `(ok)`; a failed one prints `(statement N failed: ...)`.
/// - json: `[{"statement": N, "status": "ok", "columns": [..], "rows": [[..]]}, ...]`, plus
///   `"rows_affected"` when the driver reported it; a statement that did not succeed is
///   `{"statement": N, "status": "failed"|"cancelled", "error": {"sqlstate", "native_code",
///   "category", "source", "message"}}`. Cells are JSON null, booleans, numbers or strings
///   (binary data as `"\\x<hex>"`, decimals as strings so that no digit is lost, dates, times,
///   timestamps and UUIDs in the text forms of `cell_text`); a JSON cell is its document,
///   embedded as it is (only the whitespace between its tokens removed).
/// - csv: a header record and a record per row; NULL is an empty field, an empty string is
///   `""` (in a one-column result NULL is `""` too: an empty line ends a block); a statement
///   without columns prints a `rows_affected` record, a failed one a
///   `status,sqlstate,native_code,category,message` record, so that block N is statement N.
///
/// Thread-safety: reentrant; the outcomes must not change meanwhile.
void write_results(std::ostream& out, output_format format,
                   const std::vector<actors::outcome>& outcomes);

/// A cell as text: NULL as "NULL", binary as `\x<hex>`, doubles in shortest round-trip form,
/// dates, times and timestamps in ISO form with six fraction digits (`2024-02-29`,
/// `23:59:59.999999`, `2024-02-29 23:59:59.000001`, a timestamptz in UTC with `+00:00`),
/// decimals in their canonical text (`1.50`), UUIDs lower-case 8-4-4-4-12, JSON as its text.
[[nodiscard]] std::string cell_text(const model::value& v);

} // namespace gatherdb::cli
