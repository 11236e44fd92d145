#include "statement_values.hpp"

#include <string>

namespace gatherdb::drivers::detail {

model::value_type storage_type(SQLSMALLINT sql_type) noexcept {
  switch (sql_type) {
  case SQL_BIT:
    return model::value_type::boolean;
  case SQL_TINYINT:
  case SQL_SMALLINT:
  case SQL_INTEGER:
  case SQL_BIGINT:
    return model::value_type::int64;
  case SQL_REAL:
  case SQL_FLOAT:
  case SQL_DOUBLE:
    return model::value_type::float64;
  case SQL_BINARY:
  case SQL_VARBINARY:
  case SQL_LONGVARBINARY:
    return model::value_type::bytes;
  default:
    // Text, and everything exact or structured (NUMERIC, dates, GUIDs) as its text form.
    return model::value_type::text;
  }
}

param_declaration declaration_of(const model::value& v) noexcept {
  switch (v.type()) {
  case model::value_type::boolean:
    return {SQL_C_BIT, SQL_BIT, 1};
  case model::value_type::int64:
    return {SQL_C_SBIGINT, SQL_BIGINT, 0};
  case model::value_type::float64:
    return {SQL_C_DOUBLE, SQL_DOUBLE, 0};
  case model::value_type::text: {
    const auto size = std::get<std::string>(v.data()).size();
    // Short text is declared at the copy buffer's size, so that every short value fits the
    // same binding.
    if (size <= copied_text_limit)
      return {SQL_C_CHAR, SQL_VARCHAR, copied_text_limit};
    const SQLSMALLINT sql_type = size > long_text_threshold ? SQL_LONGVARCHAR : SQL_VARCHAR;
    return {SQL_C_CHAR, sql_type, size};
  }
  case model::value_type::bytes:
    // VARBINARY even for long data: psqlODBC maps LONGVARBINARY to large objects.
    return {SQL_C_BINARY, SQL_VARBINARY,
            std::max<SQLULEN>(std::get<model::bytes>(v.data()).size(), 1)};
  case model::value_type::null:
    break;
  }
  return {};
}

// Appends a fixed-width cell read as SQL_C_SBIGINT (`integer`) or SQL_C_DOUBLE (`real`),
// whether bound or fetched with SQLGetData.
void push_fixed(model::column_store& store, model::value_type type, SQLLEN ind,
                std::int64_t integer, double real) {
  if (ind == SQL_NULL_DATA)
    store.push_null();
  else if (type == model::value_type::float64)
    store.push_float64(real);
  else
    store.push_int64(integer);
}

// The error of a run that a cancel (`reason`: `cancelled` or `timeout`) ended where no driver
// call reports it (`when`: "before execution", "while fetching rows").
database_error cancelled_error(error_category reason, std::string_view when) {
  std::string message = reason == error_category::timeout ? "deadline expired " : "cancelled ";
  message += when;
  return database_error(error_info{"HY008", 0, std::move(message), reason, false});
}

} // namespace gatherdb::drivers::detail
