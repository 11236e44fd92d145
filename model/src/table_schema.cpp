#include "gatherdb/model/table_schema.hpp"

#include <stdexcept>
#include <string>

#include "gatherdb/model/detail/dialect_rules.hpp"
#include "gatherdb/model/value_error.hpp"

namespace gatherdb::model {

void check_fits_column(const value& v, const column_schema& c, dialect in) {
  const auto* d = v.get_if<decimal>();
  if (d == nullptr)
    return;
  const auto& r = detail::rules_of(in);
  const unsigned precision = c.precision != 0 ? c.precision : r.decimal_precision;
  const unsigned scale = c.precision != 0 ? c.scale : r.decimal_scale;
  if (precision == 0)
    return;
  const std::string_view text = d->to_string();
  const auto sign = text[0] == '-' ? 1 : 0;
  const auto integer_part = text.substr(sign, text.find('.') - sign);
  const auto integer_digits = integer_part == "0" ? 0 : integer_part.size();
  if (d->scale() > scale || integer_digits > static_cast<std::size_t>(precision - scale))
    throw value_error("22003", "decimal " + d->to_string() + " does not fit column \"" + c.name +
                                   "\" NUMERIC(" + std::to_string(precision) + ", " +
                                   std::to_string(scale) + ") exactly");
}

void append_quoted_identifier(std::string& out, dialect d, std::string_view name) {
  const char q = detail::rules_of(d).identifier_quote;
  out += q;
  for (char c : name) {
    if (c == q)
      out += q;
    out += c;
  }
  out += q;
}

std::string quote_identifier(dialect d, std::string_view name) {
  std::string out;
  append_quoted_identifier(out, d, name);
  return out;
}

namespace {

std::string sql_type(const column_schema& c, dialect d) {
  const auto& r = detail::rules_of(d);
  switch (c.type) {
  case value_type::boolean:
    return std::string{r.boolean_type};
  case value_type::int64:
    return std::string{r.integer_type};
  case value_type::float64:
    return std::string{r.float_type};
  case value_type::text:
    return std::string{c.role == column_role::primary_key ? r.text_key_type : r.text_type};
  case value_type::bytes:
    return std::string{r.bytes_type};
  case value_type::date:
    return std::string{r.date_type};
  case value_type::time_of_day:
    return std::string{r.time_type};
  case value_type::timestamp:
    return std::string{r.timestamp_type};
  case value_type::timestamptz:
    return std::string{r.timestamptz_type};
  case value_type::decimal:
    if (c.precision != 0 && !r.decimal_prefix.empty())
      return std::string{r.decimal_prefix} + std::to_string(c.precision) + ", " +
             std::to_string(c.scale) + ')';
    return std::string{r.decimal_type};
  case value_type::uuid:
    return std::string{r.uuid_type};
  case value_type::json:
    return std::string{r.json_type};
  case value_type::null:
    break;
  }
  throw std::logic_error("gatherdb: column without a type");
}

void require_key(const table_schema& t) {
  if (t.key_index == table_schema::npos)
    throw std::logic_error("gatherdb: entity \"" + t.class_name + "\" has no primary key");
}

} // namespace

std::string create_table_sql(const table_schema& t, dialect d, bool if_not_exists) {
  require_key(t);
  std::string sql = if_not_exists ? "CREATE TABLE IF NOT EXISTS " : "CREATE TABLE ";
  append_quoted_identifier(sql, d, t.table);
  sql += " (";
  bool first = true;
  for (const auto& c : t.columns) {
    if (!first)
      sql += ", ";
    first = false;
    append_quoted_identifier(sql, d, c.name);
    sql += ' ';
    if (c.role == column_role::generated_key) {
      sql += detail::rules_of(d).generated_key_column;
      continue;
    }
    sql += sql_type(c, d);
    if (!c.nullable)
      sql += " NOT NULL";
    if (c.role == column_role::primary_key)
      sql += " PRIMARY KEY";
  }
  sql += ')';
  return sql;
}

std::string drop_table_sql(const table_schema& t, dialect d, bool if_exists) {
  std::string sql = if_exists ? "DROP TABLE IF EXISTS " : "DROP TABLE ";
  append_quoted_identifier(sql, d, t.table);
  return sql;
}

void append_select_list(std::string& sql, const table_schema& t, dialect d) {
  bool first = true;
  for (const auto& c : t.columns) {
    if (!first)
      sql += ", ";
    first = false;
    append_quoted_identifier(sql, d, t.table);
    sql += '.';
    append_quoted_identifier(sql, d, c.name);
  }
}

std::string select_list_sql(const table_schema& t, dialect d) {
  std::string sql;
  append_select_list(sql, t, d);
  return sql;
}

std::string select_head_sql(const table_schema& t, dialect d) {
  std::string sql = "SELECT ";
  append_select_list(sql, t, d);
  sql += " FROM ";
  append_quoted_identifier(sql, d, t.table);
  return sql;
}

std::string insert_sql(const table_schema& t, dialect d, bool include_generated_key) {
  require_key(t);
  std::string sql = "INSERT INTO ";
  append_quoted_identifier(sql, d, t.table);
  sql += " (";
  std::size_t n = 0;
  for (const auto& c : t.columns) {
    if (c.role == column_role::generated_key && !include_generated_key)
      continue;
    if (n++ > 0)
      sql += ", ";
    append_quoted_identifier(sql, d, c.name);
  }
  sql += ") VALUES (";
  for (std::size_t i = 0; i < n; ++i)
    sql += i == 0 ? "?" : ", ?";
  sql += ')';
  if (detail::rules_of(d).insert_returns_key && t.has_generated_key() && !include_generated_key) {
    sql += " RETURNING ";
    append_quoted_identifier(sql, d, t.columns[t.key_index].name);
  }
  return sql;
}

std::string last_insert_id_sql(dialect d) {
  return std::string{detail::rules_of(d).last_insert_id};
}

std::string update_sql(const table_schema& t, dialect d) {
  require_key(t);
  std::string sql = "UPDATE ";
  append_quoted_identifier(sql, d, t.table);
  sql += " SET ";
  bool first = true;
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    if (i == t.key_index)
      continue;
    if (!first)
      sql += ", ";
    first = false;
    append_quoted_identifier(sql, d, t.columns[i].name);
    sql += " = ?";
  }
  sql += " WHERE ";
  append_quoted_identifier(sql, d, t.columns[t.key_index].name);
  sql += " = ?";
  if (t.version_index != table_schema::npos) {
    sql += " AND ";
    append_quoted_identifier(sql, d, t.columns[t.version_index].name);
    sql += " = ?";
  }
  return sql;
}

} // namespace gatherdb::model
