#pragma once
// What the prepared statement's sources (prepared_statement*.cpp) share: how values are declared
// to the driver and stored from it. Internal to the drivers library.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gatherdb/drivers/error.hpp"
#include "gatherdb/model/dialect.hpp"
#include "gatherdb/model/row_chunk.hpp"
#include "gatherdb/model/value.hpp"

#include "odbc.hpp"

namespace gatherdb::drivers::detail {

/// How the cells of a result column are stored, from its ODBC SQL type and the type name the
/// driver reports (the only place psqlODBC and SQLite's driver tell a timestamp with time
/// zone from one without). SQLite has no date, time, decimal or UUID type: its values of
/// columns declared so are the text SQLite holds. JSON is text everywhere: no driver says a
/// column is JSON.
[[nodiscard]] model::value_type storage_type(SQLSMALLINT sql_type, std::string_view type_name,
                                             model::dialect d) noexcept;

/// Whether cells of `t` arrive as text the backend formats and are converted when stored
/// (dates, times, timestamps, decimals, UUIDs).
[[nodiscard]] constexpr bool converted_from_text(model::value_type t) noexcept {
  return t >= model::value_type::date && t != model::value_type::json;
}

/// Stores a cell of type `t` (`converted_from_text`) that the driver returned as `text`;
/// throws `database_error` (category `data`, the `value_error`'s SQLSTATE) when it is no
/// value of `t` (PostgreSQL's NaN, a MariaDB zero date), so that a value never changes.
void push_converted(model::column_store& store, model::value_type t, std::string_view text,
                    model::dialect d);

// Values above this length are sent as long data types.
inline constexpr std::size_t long_text_threshold = 8000;
// Text parameters up to this size are copied into the statement's own buffer and keep their
// binding from one execution to the next; longer ones are bound where they lie, every time.
inline constexpr std::size_t copied_text_limit = 256;
// Bytes bound per text or binary result column (with the terminator); longer values are
// read again with SQLGetData.
inline constexpr std::size_t bound_text_size = 256;

// How a parameter is declared to the driver (SQLBindParameter's C type, SQL type and column
// size). One place for single runs and parameter arrays, so that a batch's statements reach
// the server with the types their single runs would have.
struct param_declaration {
  SQLSMALLINT c_type = SQL_C_CHAR;
  SQLSMALLINT sql_type = SQL_VARCHAR;
  SQLULEN column_size = 1;
  SQLSMALLINT decimal_digits = 0;
};

/// The declaration of `v` to a driver of dialect `d`. Values of the types `model::detail::
/// sent_as_text` names travel as their backend text (`model::detail::backend_text`), declared
/// with the SQL type the driver turns into the server's own type.
[[nodiscard]] param_declaration declaration_of(const model::value& v, model::dialect d) noexcept;

// Appends a fixed-width cell read as SQL_C_SBIGINT (`integer`) or SQL_C_DOUBLE (`real`),
// whether bound or fetched with SQLGetData.
void push_fixed(model::column_store& store, model::value_type type, SQLLEN ind,
                std::int64_t integer, double real);

// Why a text parameter cannot be sent exactly, if it cannot.
enum class text_refusal : std::uint8_t { none, nul_byte, invalid_utf8 };

[[nodiscard]] text_refusal refused_text(std::string_view text) noexcept;

// The `data` error (SQLSTATE 22021) of refused `text`, which `what` names ("text parameter 2",
// "the SQL text"). It gives the offset, never the value, which may be a secret.
[[nodiscard]] database_error refused_text_error(text_refusal why, std::string_view text,
                                                std::string what);

// The error of a run that a cancel (`reason`: `cancelled` or `timeout`) ended where no driver
// call reports it (`when`: "before execution", "while fetching rows").
[[nodiscard]] database_error cancelled_error(error_category reason, std::string_view when);

} // namespace gatherdb::drivers::detail
