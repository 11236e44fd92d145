#pragma once
// A test table that is created on construction and dropped on destruction, with a name no
// other test process uses. Needs gatherdb::drivers.
//
// Thread-safety: not thread-safe; used with its connection's thread.

#include <string>
#include <string_view>

#include "gatherdb/drivers/connection.hpp"

#include "support/backends.hpp"

namespace gatherdb::test {

/// The column type for binary data (`BLOB` / `BYTEA` / `LONGBLOB`).
[[nodiscard]] inline std::string_view bytes_type(backend b) noexcept {
  switch (b) {
  case backend::sqlite:
    return "BLOB";
  case backend::postgresql:
  case backend::pgbouncer:
    return "BYTEA";
  case backend::mariadb:
    break;
  }
  return "LONGBLOB";
}

/// The column type for long text (`TEXT`; MariaDB's TEXT holds 64 KiB: `LONGTEXT`).
[[nodiscard]] inline std::string_view long_text_type(backend b) noexcept {
  return b == backend::mariadb ? "LONGTEXT" : "TEXT";
}

/// `CREATE TABLE <prefix>_<pid>_<n> (<columns>)` now, `DROP TABLE` when it goes out of scope
/// (after rolling back a transaction left open by a failed test).
class scoped_table {
public:
  scoped_table(drivers::connection& conn, std::string_view prefix, std::string_view columns)
      : conn_(&conn), name_(unique_name(prefix)) {
    conn.execute("DROP TABLE IF EXISTS " + name_);
    conn.execute("CREATE TABLE " + name_ + " (" + std::string{columns} + ")");
  }
  scoped_table(const scoped_table&) = delete;
  scoped_table& operator=(const scoped_table&) = delete;
  ~scoped_table() {
    try {
      if (!conn_->autocommit())
        conn_->rollback();
      conn_->execute("DROP TABLE IF EXISTS " + name_);
    } catch (...) {
      // A test that broke the connection already failed; the table dies with its database
      // (SQLite) or is dropped by the next run's unique name never colliding (PostgreSQL).
    }
  }

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  operator const std::string&() const noexcept { return name_; }

private:
  drivers::connection* conn_;
  std::string name_;
};

} // namespace gatherdb::test
