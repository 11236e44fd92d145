#include "prepared_statement_values.hpp"

#include <algorithm>
#include <string>

#include "gatherdb/model/detail/backend_text.hpp"
#include "gatherdb/model/utf8.hpp"
#include "gatherdb/model/value_error.hpp"

#include "backend_profile.hpp"

namespace gatherdb::drivers::detail {

model::value_type storage_type(SQLSMALLINT sql_type, std::string_view type_name,
                               model::dialect d) noexcept {
  const bool as_text = !profile_of(d).typed_temporal_columns;
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
  case SQL_TYPE_DATE:
  case SQL_DATE:
    return as_text ? model::value_type::text : model::value_type::date;
  case SQL_TYPE_TIME:
  case SQL_TIME:
    return as_text ? model::value_type::text : model::value_type::time_of_day;
  case SQL_TYPE_TIMESTAMP:
  case SQL_TIMESTAMP:
    if (as_text)
      return model::value_type::text;
    // psqlODBC says "timestamptz" and "timestamp without time zone"; MariaDB's DATETIME has
    // no zone.
    return type_name == "timestamptz" || type_name.find("with time zone") != std::string_view::npos
               ? model::value_type::timestamptz
               : model::value_type::timestamp;
  case SQL_NUMERIC:
  case SQL_DECIMAL:
    return as_text ? model::value_type::text : model::value_type::decimal;
  case SQL_GUID:
    return model::value_type::uuid;
  default:
    // Text, and what has no type of its own here (JSON, intervals, arrays) as its text form.
    return model::value_type::text;
  }
}

void push_converted(model::column_store& store, model::value_type t, std::string_view text,
                    model::dialect d) {
  try {
    store.push(model::detail::parse_backend_text(t, text, d));
  } catch (const model::value_error& e) {
    throw database_error(
        error_info{e.sqlstate(), 0,
                   std::string{"a "} + std::string{model::to_string(t)} + " cell: " + e.what(),
                   error_category::data, false});
  }
}

param_declaration declaration_of(const model::value& v, model::dialect d) noexcept {
  const auto& p = profile_of(d);
  switch (v.type()) {
  case model::value_type::date:
    return {SQL_C_CHAR, p.date_param, 10, 0};
  case model::value_type::time_of_day:
    return {SQL_C_CHAR, p.time_param, 15, 6};
  case model::value_type::timestamp:
    return {SQL_C_CHAR, p.timestamp_param, 26, 6};
  case model::value_type::timestamptz:
    return {SQL_C_CHAR, p.timestamptz_param, 32, 6};
  case model::value_type::decimal:
    return {SQL_C_CHAR, p.decimal_param, model::decimal::max_digits,
            static_cast<SQLSMALLINT>(v.get<model::decimal>().scale())};
  case model::value_type::uuid:
    return {SQL_C_CHAR, p.uuid_param, 36, 0};
  case model::value_type::json:
    // Short documents are declared at the copy buffer's size, never at their own: psqlODBC
    // takes a VARCHAR of size 5 ("false") for a possible boolean and asks the server its type
    // in two round trips, which a transaction pooler may send to two server connections.
    return {SQL_C_CHAR, SQL_VARCHAR,
            std::max<SQLULEN>(v.get<model::json_text>().text().size(), copied_text_limit), 0};
  case model::value_type::boolean:
    return {SQL_C_BIT, SQL_BIT, 1, 0};
  case model::value_type::int64:
    return {SQL_C_SBIGINT, SQL_BIGINT, 0, 0};
  case model::value_type::float64:
    return {SQL_C_DOUBLE, SQL_DOUBLE, 0, 0};
  case model::value_type::text: {
    const auto size = std::get<std::string>(v.data()).size();
    // Short text is declared at the copy buffer's size, so that every short value fits the
    // same binding.
    if (size <= copied_text_limit)
      return {SQL_C_CHAR, SQL_VARCHAR, copied_text_limit, 0};
    const SQLSMALLINT sql_type = size > long_text_threshold ? SQL_LONGVARCHAR : SQL_VARCHAR;
    return {SQL_C_CHAR, sql_type, size, 0};
  }
  case model::value_type::bytes:
    // VARBINARY even for long data: psqlODBC maps LONGVARBINARY to large objects.
    return {SQL_C_BINARY, SQL_VARBINARY,
            std::max<SQLULEN>(std::get<model::bytes>(v.data()).size(), 1), 0};
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
