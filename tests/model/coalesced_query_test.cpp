// The coalesced form of a typed select: which selects may coalesce, and the SQL and parameters
// of one lookup per key on each dialect.

#include <stdexcept>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "gatherdb/model/query.hpp"
#include "gatherdb/model/statement.hpp"

#include "test_entities.hpp"

using namespace gatherdb::model;
using model_test::A;

namespace {

compiled_sql coalesced(const select_query<A>& q, dialect d, const std::vector<value>& keys) {
  std::vector<const value*> ptrs;
  for (const auto& k : keys)
    ptrs.push_back(&k);
  compiled_sql out;
  q.compile_coalesced_into(d, ptrs, out);
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(model_coalesced_query)

BOOST_AUTO_TEST_CASE(only_selects_led_by_an_equality_without_limit_or_offset_coalesce) {
  BOOST_TEST(coalescible(select<A>().where(col(&A::data) == "a").spec()));
  BOOST_TEST(coalescible(select<A>().where(col(&A::data) == "a").where(col(&A::id) > 3).spec()));
  BOOST_TEST(coalescible(select<A>().where(col(&A::id) == 1).order_by(col(&A::data)).spec()));
  BOOST_TEST(!coalescible(select<A>().spec()));
  BOOST_TEST(!coalescible(select<A>().where(col(&A::data) != "a").spec()));
  BOOST_TEST(!coalescible(select<A>().where(col(&A::id) > 3).where(col(&A::data) == "a").spec()));
  BOOST_TEST(!coalescible(select<A>().where(col(&A::data) == "a" || col(&A::id) == 2).spec()));
  BOOST_TEST(!coalescible(select<A>().where(col(&A::data) == "a").limit(1).spec()));
  BOOST_TEST(!coalescible(select<A>().where(col(&A::data) == "a").offset(1).spec()));
  BOOST_TEST(statement{select<A>().where(col(&A::data) == "a")}.coalescible());
  BOOST_TEST(!statement::raw("SELECT 1").coalescible());
  std::vector<const value*> none;
  compiled_sql out;
  BOOST_CHECK_THROW(statement::raw("SELECT 1").compile_coalesced_into(dialect::sqlite, none, out),
                    std::logic_error);
}

BOOST_AUTO_TEST_CASE(postgresql_joins_a_typed_values_list_and_orders_by_the_lookup) {
  const auto q = select<A>().where(col(&A::id) == 7).where(col(&A::data) != "z");
  const auto c = coalesced(q, dialect::postgresql, {value{1}, value{2}});
  BOOST_TEST(c.sql == R"(SELECT "gatherdb_k"."gatherdb_i", "a"."id", "a"."data" FROM "a" JOIN )"
                      R"((VALUES (CAST(? AS INTEGER), CAST(? AS BIGINT)), (?, ?)) "gatherdb_k" )"
                      R"(("gatherdb_i", "gatherdb_v") ON "a"."id" = "gatherdb_k"."gatherdb_v" )"
                      R"(WHERE "a"."data" <> ? ORDER BY "gatherdb_k"."gatherdb_i")");
  const std::vector<value> want{value{0}, value{1}, value{1}, value{2}, value{"z"}};
  BOOST_TEST(c.params == want);
}

BOOST_AUTO_TEST_CASE(sqlite_tags_each_row_with_the_first_key_it_equals_in_one_pass) {
  const auto q = select<A>().where(col(&A::data) == "x").order_by(col(&A::id).desc());
  const auto c = coalesced(q, dialect::sqlite, {value{"a"}, value{"b"}});
  BOOST_TEST(c.sql == R"(SELECT CASE WHEN "a"."data" = ? THEN 0 WHEN "a"."data" = ? THEN 1 )"
                      R"(END AS "gatherdb_i", "a"."id", "a"."data" FROM "a" WHERE "a"."data" )"
                      R"(IN (?, ?) ORDER BY "gatherdb_i", "a"."id" DESC)");
  const std::vector<value> want{value{"a"}, value{"b"}, value{"a"}, value{"b"}};
  BOOST_TEST(c.params == want);
}

BOOST_AUTO_TEST_CASE(sqlite_puts_the_other_predicates_after_the_key_list) {
  const auto q = select<A>().where(col(&A::data) == "x").where(col(&A::id) > 3);
  const auto c = coalesced(q, dialect::sqlite, {value{"a"}});
  BOOST_TEST(c.sql == R"(SELECT CASE WHEN "a"."data" = ? THEN 0 END AS "gatherdb_i", "a"."id", )"
                      R"("a"."data" FROM "a" WHERE "a"."data" IN (?) AND "a"."id" > ? )"
                      R"(ORDER BY "gatherdb_i")");
  const std::vector<value> want{value{"a"}, value{"a"}, value{3}};
  BOOST_TEST(c.params == want);
}

BOOST_AUTO_TEST_CASE(mariadb_names_the_lookup_columns_in_a_union_all) {
  const auto q = select<A>().where(col(&A::data) == "x");
  const auto c = coalesced(q, dialect::mariadb, {value{"a"}, value{"b"}, value{"c"}});
  BOOST_TEST(c.sql == "SELECT `gatherdb_k`.`gatherdb_i`, `a`.`id`, `a`.`data` FROM `a` JOIN "
                      "(SELECT CAST(? AS INTEGER) AS `gatherdb_i`, ? AS `gatherdb_v` UNION ALL "
                      "SELECT ?, ? UNION ALL SELECT ?, ?) `gatherdb_k` ON `a`.`data` = "
                      "`gatherdb_k`.`gatherdb_v` ORDER BY `gatherdb_k`.`gatherdb_i`");
  BOOST_TEST(c.params.size() == 6u);
}

BOOST_AUTO_TEST_SUITE_END()
