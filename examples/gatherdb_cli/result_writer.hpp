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
/// - table: a statement with columns prints them aligned (numbers to the right, NULL as `NULL`,
///   line breaks as `\n`) and `(N rows)`; one without (INSERT, CREATE, ...) prints
///   `(N rows affected)` or `(ok)`; a failed one prints `(statement N failed: ...)`.
/// - json: `[{"statement": N, "status": "ok", "columns": [..], "rows": [[..]]}, ...]`, plus
///   `"rows_affected"` when the driver reported it; a statement that did not succeed is
///   `{"statement": N, "status": "failed"|"cancelled", "error": {"sqlstate", "native_code",
///   "category", "source", "message"}}`. Cells are JSON null, booleans, numbers or strings
///   (binary data as `"\\x<hex>"`).
/// - csv: a header record and a record per row; NULL is an empty field, an empty string is
///   `""` (in a one-column result NULL is `""` too: an empty line ends a block); a statement
///   without columns prints a `rows_affected` record, a failed one a
///   `status,sqlstate,native_code,category,message` record, so that block N is statement N.
///
/// Thread-safety: reentrant; the outcomes must not change meanwhile.
void write_results(std::ostream& out, output_format format,
                   const std::vector<actors::outcome>& outcomes);

/// A cell as text (NULL as "NULL", binary as `\x<hex>`, doubles in shortest round-trip form).
[[nodiscard]] std::string cell_text(const model::value& v);

} // namespace gatherdb::cli
