// MariaDB through Connector/ODBC: categories from native error numbers, cancels by KILL QUERY
// through an idle sibling statement, TIME parameters as text.
#include "../backend_profile.hpp"

namespace gatherdb::drivers::detail {

namespace {

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

extern const backend_profile mariadb_profile;

// Connector/ODBC's SQLCancel sends KILL QUERY while the connection is busy and otherwise
// closes the cursor of the statement it is given, from the cancelling thread (a hang under a
// running fetch). It cannot send a time's fraction as SQL_TYPE_TIME; MariaDB converts text.
const backend_profile mariadb_profile{
    /*id=*/model::dialect::mariadb,
    /*classify_native=*/classify_mariadb,
    /*cancels_through_sibling=*/true,
    /*cancel_spoils_statement=*/true,
    /*typed_temporal_columns=*/true,
    /*date_param=*/SQL_TYPE_DATE,
    /*time_param=*/SQL_VARCHAR,
    /*timestamp_param=*/SQL_TYPE_TIMESTAMP,
    // The UTC wall time, in a DATETIME(6).
    /*timestamptz_param=*/SQL_TYPE_TIMESTAMP,
    // Text would compare with a DECIMAL column as a double.
    /*decimal_param=*/SQL_DECIMAL,
    /*uuid_param=*/SQL_VARCHAR,
    /*stores_nan=*/true,
    /*session_setup=*/"",
    /*detects_proxy=*/false,
};

} // namespace gatherdb::drivers::detail
