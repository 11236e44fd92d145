// The dialect objects: each backend's rules are complete and are the ones its SQL is built from.

#include <string>

#include <boost/test/unit_test.hpp>

#include "gatherdb/model/detail/dialect_rules.hpp"
#include "gatherdb/model/query.hpp"

#include "test_entities.hpp"

using namespace gatherdb::model;

BOOST_AUTO_TEST_SUITE(model_dialect_rules)

BOOST_AUTO_TEST_CASE(every_dialect_has_complete_rules_under_its_own_id) {
  for (std::size_t i = 0; i < dialect_count; ++i) {
    const auto d = static_cast<dialect>(i);
    const auto& r = detail::rules_of(d);
    BOOST_TEST_CONTEXT(to_string(d)) {
      BOOST_TEST(r.id == d);
      BOOST_TEST((r.identifier_quote == '"' || r.identifier_quote == '`'));
      for (auto type :
           {r.boolean_type, r.integer_type, r.float_type, r.text_type, r.text_key_type,
            r.bytes_type, r.date_type, r.time_type, r.timestamp_type, r.timestamptz_type,
            r.decimal_type, r.uuid_type, r.json_type, r.generated_key_column})
        BOOST_TEST(!type.empty());
      // A generated key is read back one way or the other, except where no way is known.
      BOOST_TEST((r.insert_returns_key || !r.last_insert_id.empty() || d == dialect::other));
    }
  }
}

BOOST_AUTO_TEST_CASE(generated_sql_follows_the_rules_of_its_dialect) {
  const auto& schema = mapping_of<model_test::A>().schema();
  const auto& maria = detail::rules_of(dialect::mariadb);
  const auto ddl = create_table_sql(schema, dialect::mariadb);
  BOOST_TEST(ddl.find(std::string{maria.generated_key_column}) != std::string::npos, ddl);
  BOOST_TEST(ddl.find("`data` " + std::string{maria.text_type}) != std::string::npos, ddl);
  BOOST_TEST(last_insert_id_sql(dialect::sqlite) ==
             std::string{detail::rules_of(dialect::sqlite).last_insert_id});
  BOOST_TEST(insert_sql(schema, dialect::postgresql).find(" RETURNING \"id\"") !=
             std::string::npos);
  BOOST_TEST(insert_sql(schema, dialect::mariadb).find("RETURNING") == std::string::npos);
  const auto paged = select<model_test::A>().offset(5).compile(dialect::mariadb).sql;
  BOOST_TEST(paged.find(std::string{maria.limit_all} + " OFFSET ?") != std::string::npos, paged);
  BOOST_TEST(select<model_test::A>().offset(5).compile(dialect::postgresql).sql.find("LIMIT") ==
             std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
