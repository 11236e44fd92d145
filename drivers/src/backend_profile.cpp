#include "backend_profile.hpp"

namespace gatherdb::drivers::detail {

extern const backend_profile sqlite_profile;
extern const backend_profile postgresql_profile;
extern const backend_profile mariadb_profile;

namespace {

bool by_sqlstate_only(error_info&) {
  return false;
}

// An unknown database: SQLSTATEs only, values as the ODBC standard declares them.
const backend_profile other_profile{
    /*id=*/model::dialect::other,
    /*classify_native=*/by_sqlstate_only,
    /*cancels_through_sibling=*/false,
    /*cancel_spoils_statement=*/false,
    /*typed_temporal_columns=*/true,
    /*date_param=*/SQL_TYPE_DATE,
    /*time_param=*/SQL_TYPE_TIME,
    /*timestamp_param=*/SQL_TYPE_TIMESTAMP,
    /*timestamptz_param=*/SQL_VARCHAR,
    /*decimal_param=*/SQL_DECIMAL,
    /*uuid_param=*/SQL_VARCHAR,
    /*stores_nan=*/true,
    /*session_setup=*/"",
    /*detects_proxy=*/false,
};

} // namespace

const backend_profile& profile_of(model::dialect d) noexcept {
  switch (d) {
  case model::dialect::sqlite:
    return sqlite_profile;
  case model::dialect::postgresql:
    return postgresql_profile;
  case model::dialect::mariadb:
    return mariadb_profile;
  case model::dialect::other:
    break;
  }
  return other_profile;
}

} // namespace gatherdb::drivers::detail
