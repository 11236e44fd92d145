#include "gatherdb/drivers/error.hpp"

#include <algorithm>
#include <cctype>

#include "backend_profile.hpp"

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

} // namespace

error_info classify(std::string sqlstate, std::int32_t native_code, std::string message,
                    bool sqlite) {
  return classify(std::move(sqlstate), native_code, std::move(message),
                  sqlite ? model::dialect::sqlite : model::dialect::other);
}

error_info classify(std::string sqlstate, std::int32_t native_code, std::string message,
                    model::dialect d) {
  error_info e;
  e.sqlstate = std::move(sqlstate);
  e.native_code = native_code;
  e.message = std::move(message);
  const std::string_view st = e.sqlstate;
  auto set = [&e](error_category c, bool retry) {
    e.category = c;
    e.retryable = retry;
  };
  if (detail::profile_of(d).classify_native(e))
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
    // The statement did not run: the connection is replaced and a read is retried on the new
    // one, as after a lost connection (psqlODBC sends some statements in two exchanges, which
    // PgBouncer may hand to two server connections even without server-side prepares).
    e.message += " (is a transaction pooler such as PgBouncer between gatherdb and PostgreSQL? "
                 "add UseServerSidePrepare=0; to the connection string)";
    set(error_category::connection, true);
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
