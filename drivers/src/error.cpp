#include "gatherdb/drivers/error.hpp"

#include <algorithm>
#include <cctype>

namespace gatherdb::drivers {

std::string_view to_string(error_category c) noexcept {
  switch (c) {
  case error_category::connection:
    return "connection";
  case error_category::timeout:
    return "timeout";
  case error_category::cancelled:
    return "cancelled";
  case error_category::constraint:
    return "constraint";
  case error_category::syntax:
    return "syntax";
  case error_category::permission:
    return "permission";
  case error_category::data:
    return "data";
  case error_category::other:
    break;
  }
  return "other";
}

std::string error_info::to_string() const {
  std::string out = "[SQLSTATE ";
  out += sqlstate.empty() ? "-----" : sqlstate;
  out += ", native ";
  out += std::to_string(native_code);
  out += ", ";
  out += drivers::to_string(category);
  out += "] ";
  out += message;
  return out;
}

namespace {

bool contains_nocase(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                        });
  return it != haystack.end();
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// SQLite result codes (the low byte of an extended code).
constexpr std::int32_t sqlite_error = 1;
constexpr std::int32_t sqlite_perm = 3;
constexpr std::int32_t sqlite_busy = 5;
constexpr std::int32_t sqlite_locked = 6;
constexpr std::int32_t sqlite_readonly = 8;
constexpr std::int32_t sqlite_interrupt = 9;
constexpr std::int32_t sqlite_cantopen = 14;
constexpr std::int32_t sqlite_toobig = 18;
constexpr std::int32_t sqlite_constraint = 19;
constexpr std::int32_t sqlite_mismatch = 20;
constexpr std::int32_t sqlite_auth = 23;

// MariaDB server and client error numbers (Connector/ODBC's native codes) whose SQLSTATE does
// not say enough: several arrive as HY000 or as HY018 ("server declined cancel request").
constexpr std::int32_t mariadb_dbaccess_denied = 1044;
constexpr std::int32_t mariadb_access_denied = 1045;
constexpr std::int32_t mariadb_server_shutdown = 1053;
constexpr std::int32_t mariadb_tableaccess_denied = 1142;
constexpr std::int32_t mariadb_columnaccess_denied = 1143;
constexpr std::int32_t mariadb_lock_wait_timeout = 1205;
constexpr std::int32_t mariadb_deadlock = 1213;
constexpr std::int32_t mariadb_specific_access_denied = 1227;
constexpr std::int32_t mariadb_query_interrupted = 1317;
constexpr std::int32_t mariadb_connection_killed = 1927;
constexpr std::int32_t mariadb_statement_timeout = 1969;
constexpr std::int32_t mysql_statement_timeout = 3024;
constexpr std::int32_t mariadb_cannot_connect = 2002;
constexpr std::int32_t mariadb_cannot_connect_host = 2003;
constexpr std::int32_t mariadb_server_gone = 2006;
constexpr std::int32_t mariadb_server_lost = 2013;

// The MariaDB rules: true when `native_code` decided the category.
bool classify_mariadb(error_info& e) {
  auto set = [&e](error_category c, bool retry) {
    e.category = c;
    e.retryable = retry;
    return true;
  };
  switch (e.native_code) {
  case mariadb_server_shutdown:
  case mariadb_connection_killed:
  case mariadb_cannot_connect:
  case mariadb_cannot_connect_host:
  case mariadb_server_gone:
  case mariadb_server_lost:
    return set(error_category::connection, true);
  case mariadb_access_denied:
  case mariadb_dbaccess_denied:
  case mariadb_tableaccess_denied:
  case mariadb_columnaccess_denied:
  case mariadb_specific_access_denied:
    return set(error_category::permission, false);
  case mariadb_lock_wait_timeout:
    // As SQLite's busy: the lock holder may be gone by the next try.
    return set(error_category::timeout, true);
  case mariadb_deadlock:
    return set(error_category::other, true);
  case mariadb_query_interrupted:
    // KILL QUERY, which is also how Connector/ODBC's SQLCancel stops a statement.
    return set(error_category::cancelled, false);
  case mariadb_statement_timeout:
  case mysql_statement_timeout:
    return set(error_category::timeout, false);
  default:
    return false;
  }
}

} // namespace

error_info classify(std::string sqlstate, std::int32_t native_code, std::string message,
                    bool sqlite) {
  return classify(std::move(sqlstate), native_code, std::move(message),
                  sqlite ? model::dialect::sqlite : model::dialect::other);
}

error_info classify(std::string sqlstate, std::int32_t native_code, std::string message,
                    model::dialect d) {
  const bool sqlite = d == model::dialect::sqlite;
  error_info e;
  e.sqlstate = std::move(sqlstate);
  e.native_code = native_code;
  e.message = std::move(message);
  const std::string_view st = e.sqlstate;
  auto set = [&e](error_category c, bool retry) {
    e.category = c;
    e.retryable = retry;
  };
  if (sqlite && st == "HY000") {
    switch (native_code & 0xff) {
    case sqlite_busy:
    case sqlite_locked:
      set(error_category::timeout, true);
      return e;
    case sqlite_interrupt:
      set(error_category::cancelled, false);
      return e;
    case sqlite_cantopen:
      set(error_category::connection, false);
      return e;
    case sqlite_constraint:
      set(error_category::constraint, false);
      return e;
    case sqlite_perm:
    case sqlite_readonly:
    case sqlite_auth:
      set(error_category::permission, false);
      return e;
    case sqlite_mismatch:
    case sqlite_toobig:
      set(error_category::data, false);
      return e;
    case sqlite_error:
      set(error_category::syntax, false);
      return e;
    default:
      break;
    }
  }
  if (d == model::dialect::mariadb && classify_mariadb(e))
    return e;
  if (starts_with(st, "08")) {
    // A refused login is final; a lost or refused connection may come back.
    if (contains_nocase(e.message, "authentication failed") ||
        contains_nocase(e.message, "password"))
      set(error_category::permission, false);
    else
      set(error_category::connection, true);
  } else if (st == "57P01" || st == "57P02" || st == "57P03") {
    set(error_category::connection, true);
  } else if (st == "57014") {
    set(contains_nocase(e.message, "timeout") ? error_category::timeout : error_category::cancelled,
        false);
  } else if (st == "HYT00" || st == "HYT01") {
    set(error_category::timeout, true);
  } else if (st == "HY008") {
    set(error_category::cancelled, false);
  } else if (st == "26000" && contains_nocase(e.message, "prepared statement")) {
    // psqlODBC's server-side prepared statement is gone from the server connection: a
    // transaction pooler that connection::open could not detect (it listens on the server's
    // own port) handed the transaction to another one.
    e.message += " (is a transaction pooler such as PgBouncer between gatherdb and PostgreSQL? "
                 "add UseServerSidePrepare=0; to the connection string)";
    set(error_category::other, false);
  } else if (starts_with(st, "22")) {
    set(error_category::data, false);
  } else if (starts_with(st, "23")) {
    set(error_category::constraint, false);
  } else if (st == "42501" || starts_with(st, "28")) {
    set(error_category::permission, false);
  } else if (starts_with(st, "42") || st == "37000") {
    set(error_category::syntax, false);
  } else if (st == "40001" || st == "40P01") {
    set(error_category::other, true);
  } else if (starts_with(st, "IM") ||
             (st == "01000" && contains_nocase(e.message, "can't open lib"))) {
    // Driver manager: unknown DSN or driver. A configuration error; retrying cannot help.
    set(error_category::connection, false);
  } else {
    set(error_category::other, false);
  }
  return e;
}

database_error::database_error(error_info info)
    : std::runtime_error(info.to_string()), info_(std::move(info)) {}

} // namespace gatherdb::drivers
