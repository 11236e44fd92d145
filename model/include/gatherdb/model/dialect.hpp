#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gatherdb::model {

/// The SQL dialect of a database, as far as gatherdb's generated SQL cares.
enum class dialect : std::uint8_t { sqlite, postgresql, mariadb, other };

/// How many dialects there are: `dialect` values index arrays of this size.
inline constexpr std::size_t dialect_count = 4;

/// Lower-case name of a dialect ("sqlite", "postgresql", ...). Thread-safe.
[[nodiscard]] constexpr std::string_view to_string(dialect d) noexcept {
  switch (d) {
  case dialect::sqlite:
    return "sqlite";
  case dialect::postgresql:
    return "postgresql";
  case dialect::mariadb:
    return "mariadb";
  case dialect::other:
    break;
  }
  return "other";
}

/// Maps a DBMS name as ODBC reports it (`SQL_DBMS_NAME`: "PostgreSQL", "SQLite", "MariaDB",
/// "MySQL") to a dialect; anything unknown is `dialect::other`. Thread-safe.
[[nodiscard]] dialect dialect_from_dbms_name(std::string_view dbms_name) noexcept;

} // namespace gatherdb::model
