#pragma once
// Differences between gatherdb's answers and the database's own that this suite found: each
// is reproduced on its own by a test of findings_test.cpp. F2 to F9 are fixed and explain
// nothing any more; F1, a limit of SQLite's ODBC driver (docs/types.md), is what the generic
// suites count under its id (the summary's "known findings" column) instead of failing for
// it. Every other mismatch fails them.
//
// Thread-safety: pure functions.

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gatherdb/model/value.hpp"

#include "sql_oracle.hpp"
#include "support/backends.hpp"
#include "value_generators.hpp"

namespace gatherdb::differential {

enum class finding : std::uint8_t {
  /// SQLite: a double read through gatherdb keeps 15 significant digits (DBL_MAX reads as
  /// +infinity): the SQLite ODBC driver hands a REAL cell over as SQLite's 15-digit text.
  sqlite_double_digits,
  /// SQLite: a NaN parameter is stored as NULL: a NOT NULL column refuses it as a constraint
  /// error (HY000, native 19), a nullable one silently holds NULL; not refused as `data`.
  sqlite_nan_becomes_null,
  /// MariaDB: a decimal with more than 10 fraction digits written to an undeclared decimal
  /// column (DECIMAL(38, 10)) is rounded silently instead of refused (22003).
  mariadb_decimal_rounded,
  /// MariaDB, coalesced lookups: a +-infinity or NaN key finds the rows of +-DBL_MAX or 0.0
  /// (the derived table of keys holds it in a DOUBLE column); alone it finds none.
  mariadb_coalesced_special_double,
  /// MariaDB, coalesced lookups: bytes keys are compared as text (X'20' finds X'', bytes
  /// 0x80-0xFF find X'3F').
  mariadb_coalesced_bytes_as_text,
  /// MariaDB, coalesced lookups: decimal keys are compared as doubles
  /// (9223372036854775807 also finds 9223372036854775808).
  mariadb_coalesced_decimal_as_double,
  /// MariaDB, coalesced lookups: in a statement whose keys add up to about a megabyte, text
  /// keys of 64 KiB or more find no rows (alone they find theirs), and the statement takes
  /// seconds (13 s for the generic suite's first group of 49 text keys).
  mariadb_coalesced_long_text,
  /// PgBouncer: a JSON parameter of exactly five characters made psqlODBC ask the server its
  /// type in two round trips, which PgBouncer could send to two server connections (26000).
  pgbouncer_lost_prepared_statement,
  /// MariaDB 10.11.19: a coalesced lookup with a text key of a little more than 1 MiB
  /// ("a\u00e9\u65e5" repeated, 1048578 bytes) crashes the server (signal 11). Never met by
  /// the generic suites (their longest key is 1 MiB exactly); its test is disabled.
  mariadb_coalesced_key_crashes_server,
};

/// "F1" ... "F9", the ids of the report.
[[nodiscard]] std::string id_of(finding f);

// Explanations. `explain_stored` explains an outcome other than an exact round trip of `s`:
// a refusal `r` of something the backend holds, or (`r` empty) a value stored although the
// backend cannot hold it exactly. `explain_read` explains a value read back as `got` where
// `want` was stored. `explain_lookup` explains a lookup of `key` in `mode` that found other
// rows than the database.

template <class T>
[[nodiscard]] std::optional<finding>
explain_stored(const sample<T>&, test::backend, const std::optional<std::string>&, column_decl) {
  return std::nullopt;
}

template <class T>
[[nodiscard]] std::optional<finding> explain_read(const T&, const T&, test::backend) {
  return std::nullopt;
}
[[nodiscard]] std::optional<finding> explain_read(const double& got, const double& want,
                                                  test::backend b);

template <class T>
[[nodiscard]] std::optional<finding> explain_lookup(const sample<T>&, test::backend,
                                                    std::string_view) {
  return std::nullopt;
}

} // namespace gatherdb::differential
