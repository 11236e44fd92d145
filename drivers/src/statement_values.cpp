#include "statement_values.hpp"

#include <string>

#include "gatherdb/model/utf8.hpp"

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

text_refusal refused_text(std::string_view text) noexcept {
  if (text.find('\0') != std::string_view::npos)
    return text_refusal::nul_byte;
  if (model::invalid_utf8_offset(text) != std::string_view::npos)
    return text_refusal::invalid_utf8;
  return text_refusal::none;
}

database_error refused_text_error(text_refusal why, std::string_view text, std::string what) {
  std::string message = std::move(what);
  if (why == text_refusal::nul_byte) {
    message += " holds a NUL byte at offset " + std::to_string(text.find('\0')) +
               ", which SQL text cannot hold exactly; bind binary data as model::bytes";
  } else {
    message += " is not well-formed UTF-8 at byte offset " +
               std::to_string(model::invalid_utf8_offset(text));
  }
  return database_error{error_info{"22021", 0, std::move(message), error_category::data, false}};
}

} // namespace gatherdb::drivers::detail
