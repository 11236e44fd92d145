// SQLite through sqlite3odbc: every error is HY000, so the category comes from the native
// result code; cancels go through an idle sibling statement; no date or decimal types.
#include "../backend_profile.hpp"

namespace gatherdb::drivers::detail {

namespace {

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

bool classify_sqlite(error_info& e) {
  if (e.sqlstate != "HY000")
    return false;
  auto set = [&e](error_category c, bool retry) {
    e.category = c;
    e.retryable = retry;
  };
  switch (e.native_code & 0xff) {
  case sqlite_busy:
  case sqlite_locked:
    set(error_category::timeout, true);
    return true;
  case sqlite_interrupt:
    set(error_category::cancelled, false);
    return true;
  case sqlite_cantopen:
    set(error_category::connection, false);
    return true;
  case sqlite_constraint:
    set(error_category::constraint, false);
    return true;
  case sqlite_perm:
  case sqlite_readonly:
  case sqlite_auth:
    set(error_category::permission, false);
    return true;
  case sqlite_mismatch:
  case sqlite_toobig:
    set(error_category::data, false);
    return true;
  case sqlite_error:
    set(error_category::syntax, false);
    return true;
  default:
    return false;
  }
}

} // namespace

extern const backend_profile sqlite_profile;

// sqlite3odbc's SQLCancel interrupts the connection and then closes the statement it is
// given from the cancelling thread, freeing the result set under a running SQLFetch.
const backend_profile sqlite_profile{
    /*id=*/model::dialect::sqlite,
    /*classify_native=*/classify_sqlite,
    /*cancels_through_sibling=*/true,
    /*cancel_spoils_statement=*/false,
    /*typed_temporal_columns=*/false,
    /*date_param=*/SQL_VARCHAR,
    /*time_param=*/SQL_VARCHAR,
    /*timestamp_param=*/SQL_VARCHAR,
    /*timestamptz_param=*/SQL_VARCHAR,
    /*decimal_param=*/SQL_VARCHAR,
    /*uuid_param=*/SQL_VARCHAR,
    /*stores_nan=*/false,
    /*session_setup=*/"",
    /*detects_proxy=*/false,
};

} // namespace gatherdb::drivers::detail
