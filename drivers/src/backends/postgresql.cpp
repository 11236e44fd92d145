// PostgreSQL through psqlODBC: SQLSTATEs say everything; typed parameters; sessions in UTC;
// a transaction pooler in front is detected.
#include "../backend_profile.hpp"

namespace gatherdb::drivers::detail {

namespace {

bool by_sqlstate_only(error_info&) {
  return false;
}

} // namespace

extern const backend_profile postgresql_profile;

const backend_profile postgresql_profile{
    /*id=*/model::dialect::postgresql,
    /*classify_native=*/by_sqlstate_only,
    /*cancels_through_sibling=*/false,
    /*cancel_spoils_statement=*/false,
    /*typed_temporal_columns=*/true,
    /*date_param=*/SQL_TYPE_DATE,
    /*time_param=*/SQL_TYPE_TIME,
    /*timestamp_param=*/SQL_TYPE_TIMESTAMP,
    // Untyped: the server reads the text's offset, whatever the session's zone.
    /*timestamptz_param=*/SQL_VARCHAR,
    /*decimal_param=*/SQL_DECIMAL,
    /*uuid_param=*/SQL_GUID,
    /*stores_nan=*/true,
    // psqlODBC hands a timestamptz over as the wall time in the session's zone and drops the
    // offset: in UTC, that wall time names the instant exactly. PgBouncer keeps the setting
    // per client across the server connections it hands out.
    /*session_setup=*/"SET TIME ZONE 'UTC'",
    /*detects_proxy=*/true,
};

} // namespace gatherdb::drivers::detail
