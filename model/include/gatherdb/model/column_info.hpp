#pragma once

#include <cstdint>
#include <string>

#include "gatherdb/model/value.hpp"

namespace gatherdb::model {

/// Metadata of one result column, as the driver described it.
/// Thread-safety: a value type.
struct column_info {
  /// Column label as the database reports it.
  std::string name;
  /// How gatherdb stores the column's cells.
  value_type type = value_type::null;
  /// The ODBC SQL data type (`SQL_INTEGER`, `SQL_VARCHAR`, ...), 0 when unknown.
  std::int16_t sql_type = 0;
  /// Whether the database says the column may hold NULL (unknown counts as nullable).
  bool nullable = true;

  friend bool operator==(const column_info& x, const column_info& y) {
    return x.name == y.name && x.type == y.type && x.sql_type == y.sql_type &&
           x.nullable == y.nullable;
  }
  friend bool operator!=(const column_info& x, const column_info& y) { return !(x == y); }
};

} // namespace gatherdb::model
