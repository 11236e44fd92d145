#pragma once
// What gatherdb's generated SQL and values need to know about one database, as data: one
// object per backend in model/src/dialects/, found by `rules_of`. Adding a backend is a new
// file there (and its driver-side profile in drivers/src/backends/). Internal.

#include <cstddef>
#include <string_view>

#include "gatherdb/model/dialect.hpp"

namespace gatherdb::model::detail {

/// How a coalesced lookup's keys meet the table. Each row comes back with the index of the
/// lookup the server matched it to, so no form assumes anything about how the database
/// compares text (MariaDB's default collations ignore case and trailing spaces).
enum class coalesced_form : unsigned char {
  /// `JOIN (VALUES (?, ?), ...) k (i, v)`; the first row's parameters cast to their types,
  /// since PostgreSQL types a VALUES column after its first row.
  values_join,
  /// `SELECT CASE WHEN col = ? THEN 0 WHEN col = ? THEN 1 ... END, ... WHERE col IN (...)`: one
  /// pass over the table, each row tagged with the first key it equals (SQLite plans every
  /// join with a list of keys as a nested loop over that list). Sound only when no row can
  /// equal two keys of one lookup: `coalesced_key_class` keeps such keys apart.
  case_in,
  /// `JOIN (SELECT ? AS i, ? AS v UNION ALL SELECT ?, ? ...)` (MariaDB names a VALUES list's
  /// columns after its first row's values).
  union_all,
};

/// The rules of one dialect. Thread-safety: immutable, shared by every thread.
struct dialect_rules {
  dialect id;
  /// Quotes identifiers (doubled inside one).
  char identifier_quote;

  /// Column types of `create_table_sql`, by member type.
  std::string_view boolean_type;
  std::string_view integer_type;
  std::string_view float_type;
  std::string_view text_type;
  /// Text as a primary key (MariaDB cannot index TEXT without a prefix length).
  std::string_view text_key_type;
  std::string_view bytes_type;
  std::string_view date_type;
  std::string_view time_type;
  std::string_view timestamp_type;
  std::string_view timestamptz_type;
  /// A decimal without `numeric(p, s)`; `decimal_prefix` + "p, s)" with one.
  std::string_view decimal_type;
  /// The digits and scale `decimal_type` holds (0, 0: any decimal of up to 38 digits).
  unsigned char decimal_precision;
  unsigned char decimal_scale;
  std::string_view decimal_prefix;
  std::string_view uuid_type;
  std::string_view json_type;
  /// The whole column definition of a key the database generates.
  std::string_view generated_key_column;

  /// Whether an INSERT ends with `RETURNING key`; otherwise `last_insert_id` reads it.
  bool insert_returns_key;
  std::string_view last_insert_id;
  /// What goes before OFFSET when a select has no LIMIT ("" when OFFSET may stand alone).
  std::string_view limit_all;

  coalesced_form coalesced;
  /// The key types a coalesced lookup compares exactly (bit `1 << value_type`), and the longest
  /// text key it does (0: no bound).
  unsigned coalesced_key_types;
  std::size_t coalesced_text_key_limit;
  /// Whether a timestamptz travels as its UTC wall time (a column type without an offset).
  bool timestamptz_as_utc_wall_time;
};

/// Every value type, for `coalesced_key_types`.
inline constexpr unsigned all_value_types = ~0u;

/// The rules of `d`. Thread-safe.
[[nodiscard]] const dialect_rules& rules_of(dialect d) noexcept;

} // namespace gatherdb::model::detail
