#pragma once
// What statement.cpp, statement_binding.cpp and statement_fetch.cpp share: how values are
// declared to the driver and stored from it. Internal to the drivers library.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gatherdb/drivers/error.hpp"
#include "gatherdb/model/row_chunk.hpp"
#include "gatherdb/model/value.hpp"

#include "odbc.hpp"

namespace gatherdb::drivers::detail {

/// How the cells of an ODBC SQL type are stored.
[[nodiscard]] model::value_type storage_type(SQLSMALLINT sql_type) noexcept;

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
};

[[nodiscard]] param_declaration declaration_of(const model::value& v) noexcept;

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
