// SQLite: ISO text for what it has no type for; rowid keys; a CASE that tags coalesced keys.
#include "gatherdb/model/detail/dialect_rules.hpp"

namespace gatherdb::model::detail {

extern const dialect_rules sqlite_rules;

const dialect_rules sqlite_rules{
    /*id=*/dialect::sqlite,
    /*identifier_quote=*/'"',
    /*boolean_type=*/"BOOLEAN",
    // Only "INTEGER PRIMARY KEY" makes a rowid alias.
    /*integer_type=*/"INTEGER",
    /*float_type=*/"REAL",
    /*text_type=*/"TEXT",
    /*text_key_type=*/"TEXT",
    /*bytes_type=*/"BLOB",
    // Declared types with no affinity keyword keep the ISO text as it is sent.
    /*date_type=*/"DATE",
    /*time_type=*/"TIME",
    /*timestamp_type=*/"TIMESTAMP",
    /*timestamptz_type=*/"TIMESTAMPTZ",
    // NUMERIC affinity would turn 1.50 into the double 1.5.
    /*decimal_type=*/"TEXT",
    /*decimal_precision=*/0,
    /*decimal_scale=*/0,
    /*decimal_prefix=*/"",
    /*uuid_type=*/"TEXT",
    /*json_type=*/"TEXT",
    /*generated_key_column=*/"INTEGER PRIMARY KEY AUTOINCREMENT",
    /*insert_returns_key=*/false,
    /*last_insert_id=*/"SELECT last_insert_rowid()",
    /*limit_all=*/" LIMIT -1",
    /*coalesced=*/coalesced_form::case_in,
    /*coalesced_key_types=*/all_value_types,
    /*coalesced_text_key_limit=*/0,
    /*timestamptz_as_utc_wall_time=*/false,
};

} // namespace gatherdb::model::detail
