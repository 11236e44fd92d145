#pragma once
// The oracle: what each database itself says about a value, built by the test and never by
// gatherdb. For every type and backend: the SQL literal that writes a value (the database
// parses it, gatherdb binds nothing), the literal a lookup compares with, the expression that
// renders a column as the database's own text, the text it should render, and the value the
// database holds after storing a value, with each of its own normalizations:
//
// - PostgreSQL prints times without trailing fraction zeros and a timestamptz in the session's
//   zone (UTC) as "+00"; `jsonb` reorders keys, keeps the last of duplicate keys, respaces, and
//   prints numbers as `numeric` does (jsonb_form.hpp); a declared NUMERIC(p, s) pads to s.
// - MariaDB's DECIMAL pads every value to its column's scale (10 for gatherdb's undeclared
//   DECIMAL(38, 10)); TIME(6) and DATETIME(6) always print six fraction digits; a timestamptz
//   is its UTC wall time; DOUBLE holds neither infinity nor NaN (a write is refused with
//   22003, `data`; a lookup by them finds no row), and -0.0 as 0; its UUID type
//   refuses (22007) a UUID whose version nibble is 8 or more while byte 8 is 0x01 to 0x80
//   (stored unswapped, it would read back as a swapped one: sql_type_uuid.h, rec_need_swap);
//   its JSON type refuses documents nested 32 deep (see `refusal_category`).
// - SQLite holds the text it was given (dates, decimals, UUIDs, JSON are TEXT or text in a
//   NUMERIC column), so a row written by a literal renders as that literal (a double's literal
//   is exact arithmetic, as its decimal literals are not always read exactly); REAL holds the
//   infinities but not NaN (it becomes NULL), and -0.0 as 0 (a REAL that is a whole number is
//   stored as an integer).
// - doubles are compared by value, bit for bit, after the database's text is read with
//   strtod: each database picks its own digits and exponent form. SQLite's printf('%!.17g')
//   is off by one unit in the last place for some values above 1e100 (its digit loop runs in
//   long double; about 1 in 1000 random doubles there): its text may be one ulp away there.
//
// Thread-safety: pure functions.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "gatherdb/model/value.hpp"

#include "support/backends.hpp"
#include "value_generators.hpp"

namespace gatherdb::differential {

using test::backend;

/// How a decimal column is declared: `entity_mapping::numeric(precision, scale)`, or 0 and 0
/// for gatherdb's default (NUMERIC on PostgreSQL, DECIMAL(38, 10) on MariaDB, TEXT on SQLite).
struct column_decl {
  unsigned precision = 0;
  unsigned scale = 0;
};

/// Who wrote a row: gatherdb (a flush of session_state), or the oracle's SQL literal.
enum class writer { gatherdb, literal };

/// `s` quoted as an SQL string literal for `b` (quotes doubled; on MariaDB, whose sql_mode
/// keeps backslash escapes, backslashes doubled too).
[[nodiscard]] std::string quoted(std::string_view s, backend b);

// For each type:
//  - `type_name(T*, c)`: its short name in messages and the summary ("int64", "decimal(38,10)").
//  - `write_literal(s, b, row)`: the literal that writes `s` on `b`, or nothing when `b` has
//    none (MariaDB's infinity). Even rows use the canonical spelling, odd rows another one the
//    database takes for the same value (an offset, upper case, 'T', fewer fraction digits).
//  - `key_literal(s, b)`: the literal a lookup's `WHERE v = <literal>` compares with.
//  - `held(s, b, c)`: the value `b` holds after storing `s` in a column declared `c`, or
//    nothing when it cannot hold `s` exactly (then it must be refused).
//  - `text_expression(b, column)`: SQL that renders the column as the database's own text.
//  - `expected_text(s, b, w, row, c)`: the text that expression gives for the row; for doubles
//    `text_agrees` compares by value instead.
#define GATHERDB_DIFFERENTIAL_ORACLE(T)                                                            \
  [[nodiscard]] std::string type_name(const T*, column_decl c);                                    \
  [[nodiscard]] std::optional<std::string> write_literal(const sample<T>& s, backend b,            \
                                                         std::size_t row);                         \
  [[nodiscard]] std::optional<std::string> key_literal(const sample<T>& s, backend b);             \
  [[nodiscard]] std::optional<T> held(const sample<T>& s, backend b, column_decl c);               \
  [[nodiscard]] std::string text_expression(const T*, backend b, std::string_view column);         \
  [[nodiscard]] bool text_agrees(const sample<T>& s, std::string_view got, backend b, writer w,    \
                                 std::size_t row, column_decl c, std::string& want);               \
  [[nodiscard]] bool same(const T& a, const T& b);                                                 \
  [[nodiscard]] std::string show(const T& v);

GATHERDB_DIFFERENTIAL_ORACLE(std::int64_t)
GATHERDB_DIFFERENTIAL_ORACLE(double)
GATHERDB_DIFFERENTIAL_ORACLE(std::string)
GATHERDB_DIFFERENTIAL_ORACLE(model::bytes)
GATHERDB_DIFFERENTIAL_ORACLE(model::date)
GATHERDB_DIFFERENTIAL_ORACLE(model::time_of_day)
GATHERDB_DIFFERENTIAL_ORACLE(model::timestamp)
GATHERDB_DIFFERENTIAL_ORACLE(model::timestamptz)
GATHERDB_DIFFERENTIAL_ORACLE(model::decimal)
GATHERDB_DIFFERENTIAL_ORACLE(model::uuid)
GATHERDB_DIFFERENTIAL_ORACLE(model::json_text)

#undef GATHERDB_DIFFERENTIAL_ORACLE

/// The category of the typed error `b` refuses `s` with where it cannot hold it: `data`, but
/// `constraint` (SQLSTATE 23000) for JSON that MariaDB's `JSON` type refuses: its CHECK
/// (json_valid(...)) fails for documents nested 32 levels or deeper.
template <class T>
[[nodiscard]] std::string refusal_category(const sample<T>&, backend) {
  return "data";
}
[[nodiscard]] std::string refusal_category(const sample<model::json_text>& s, backend b);

} // namespace gatherdb::differential
