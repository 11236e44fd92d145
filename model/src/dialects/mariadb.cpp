// MariaDB: DATETIME(6) for instants (TIMESTAMP ends in 2038), LAST_INSERT_ID(), a UNION ALL
// for coalesced keys, and case-insensitive text comparison by default.
#include "gatherdb/model/detail/dialect_rules.hpp"
#include "gatherdb/model/value.hpp"

namespace gatherdb::model::detail {

extern const dialect_rules mariadb_rules;

const dialect_rules mariadb_rules{
    /*id=*/dialect::mariadb,
    /*identifier_quote=*/'`',
    /*boolean_type=*/"BOOLEAN",
    /*integer_type=*/"BIGINT",
    /*float_type=*/"DOUBLE",
    // TEXT holds 64 KiB only; a key must be indexable without a prefix length.
    /*text_type=*/"LONGTEXT",
    /*text_key_type=*/"VARCHAR(255)",
    /*bytes_type=*/"LONGBLOB",
    /*date_type=*/"DATE",
    /*time_type=*/"TIME(6)",
    /*timestamp_type=*/"DATETIME(6)",
    /*timestamptz_type=*/"DATETIME(6)",
    // There is no unconstrained DECIMAL.
    /*decimal_type=*/"DECIMAL(38, 10)",
    /*decimal_precision=*/38,
    /*decimal_scale=*/10,
    /*decimal_prefix=*/"DECIMAL(",
    /*uuid_type=*/"UUID",
    /*json_type=*/"JSON",
    /*generated_key_column=*/"BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
    /*insert_returns_key=*/false,
    /*last_insert_id=*/"SELECT LAST_INSERT_ID()",
    /*limit_all=*/" LIMIT 18446744073709551615",
    /*coalesced=*/coalesced_form::union_all,
    // The UNION ALL's column of keys takes its type from the parameters: a double's
    // infinities, bytes (compared as text) and decimals (as doubles) would match other rows.
    /*coalesced_key_types=*/1u << static_cast<unsigned>(value_type::boolean) |
        1u << static_cast<unsigned>(value_type::int64) |
        1u << static_cast<unsigned>(value_type::text) |
        1u << static_cast<unsigned>(value_type::date) |
        1u << static_cast<unsigned>(value_type::time_of_day) |
        1u << static_cast<unsigned>(value_type::timestamp) |
        1u << static_cast<unsigned>(value_type::timestamptz) |
        1u << static_cast<unsigned>(value_type::uuid),
    // Longer keys are sent as long data, which finds nothing in the list of keys.
    /*coalesced_text_key_limit=*/8000,
    /*timestamptz_as_utc_wall_time=*/true,
};

} // namespace gatherdb::model::detail
