#include <boost/test/unit_test.hpp>

#include "gatherdb/model/query.hpp"

#include "test_entities.hpp"

using namespace gatherdb::model;
using model_test::A;
using model_test::V;

BOOST_AUTO_TEST_SUITE(model_query)

BOOST_AUTO_TEST_CASE(seed_query_renders_the_exact_sql_and_binds_the_value) {
  auto q = select<A>().where(col(&A::data) == "a_5").compile(dialect::postgresql);
  BOOST_TEST(q.sql == R"(SELECT "a"."id", "a"."data" FROM "a" WHERE "a"."data" = ?)");
  BOOST_REQUIRE_EQUAL(q.params.size(), 1u);
  BOOST_TEST(q.params[0] == value{"a_5"});
  BOOST_TEST(select<A>().where(col(&A::data) == "a_5").compile(dialect::sqlite).sql == q.sql);
}

BOOST_AUTO_TEST_CASE(select_without_where_lists_every_mapped_column) {
  BOOST_TEST(select<V>().compile(dialect::sqlite).sql ==
             R"(SELECT "v"."id", "v"."version", "v"."name", "v"."score", "v"."note" FROM "v")");
}

BOOST_AUTO_TEST_CASE(comparisons_bind_parameters_in_order) {
  auto q = select<A>()
               .where(col(&A::id) != 1 && col(&A::id) < 2 && col(&A::id) <= 3 && col(&A::id) > 4 &&
                      col(&A::id) >= std::int64_t{5})
               .compile(dialect::postgresql);
  BOOST_TEST(q.sql == R"(SELECT "a"."id", "a"."data" FROM "a" WHERE "a"."id" <> ? AND )"
                      R"("a"."id" < ? AND "a"."id" <= ? AND "a"."id" > ? AND "a"."id" >= ?)");
  BOOST_REQUIRE_EQUAL(q.params.size(), 5u);
  for (std::int64_t i = 0; i < 5; ++i)
    BOOST_TEST(q.params[i] == value{i + 1});
}

BOOST_AUTO_TEST_CASE(or_below_and_is_parenthesized_and_not_wraps_its_operand) {
  auto q = select<A>()
               .where((col(&A::id) == 1 || col(&A::id) == 2) && !(col(&A::data) == "x"))
               .compile(dialect::sqlite);
  BOOST_TEST(q.sql == R"(SELECT "a"."id", "a"."data" FROM "a" WHERE ("a"."id" = ? OR )"
                      R"("a"."id" = ?) AND NOT ("a"."data" = ?))");
  BOOST_TEST(q.params.size() == 3u);
}

BOOST_AUTO_TEST_CASE(in_list_binds_each_value) {
  auto q = select<A>().where(col(&A::id).in({1, 2, 3})).compile(dialect::sqlite);
  BOOST_TEST(q.sql == R"(SELECT "a"."id", "a"."data" FROM "a" WHERE "a"."id" IN (?, ?, ?))");
  BOOST_TEST(q.params.size() == 3u);
  auto s = select<A>().where(col(&A::data).in(std::vector<std::string>{"x", "y"}));
  BOOST_TEST(s.compile(dialect::sqlite).params.size() == 2u);
}

BOOST_AUTO_TEST_CASE(empty_in_list_is_valid_always_false_sql) {
  auto q = select<A>().where(col(&A::id).in({})).compile(dialect::postgresql);
  BOOST_TEST(q.sql == R"(SELECT "a"."id", "a"."data" FROM "a" WHERE 1 = 0)");
  BOOST_TEST(q.params.empty());
}

BOOST_AUTO_TEST_CASE(null_tests_render_is_null_and_is_not_null) {
  auto q = select<V>().where(col(&V::note).is_null() || col(&V::score).is_not_null());
  BOOST_TEST(q.compile(dialect::sqlite).sql ==
             R"(SELECT "v"."id", "v"."version", "v"."name", "v"."score", "v"."note" FROM "v" )"
             R"(WHERE "v"."note" IS NULL OR "v"."score" IS NOT NULL)");
}

BOOST_AUTO_TEST_CASE(optional_members_compare_with_their_value_type) {
  auto q = select<V>().where(col(&V::score) > 0.5 && col(&V::note) == std::string{"n"});
  BOOST_TEST(q.compile(dialect::sqlite).params.size() == 2u);
}

BOOST_AUTO_TEST_CASE(order_limit_and_offset_are_rendered_with_bound_numbers) {
  auto q = select<A>()
               .order_by(col(&A::data))
               .order_by(col(&A::id).desc())
               .limit(10)
               .offset(20)
               .compile(dialect::postgresql);
  BOOST_TEST(q.sql == R"(SELECT "a"."id", "a"."data" FROM "a" ORDER BY "a"."data", )"
                      R"("a"."id" DESC LIMIT ? OFFSET ?)");
  BOOST_REQUIRE_EQUAL(q.params.size(), 2u);
  BOOST_TEST(q.params[0] == value{10});
  BOOST_TEST(q.params[1] == value{20});
}

BOOST_AUTO_TEST_CASE(offset_without_limit_gets_an_unbounded_limit_where_required) {
  BOOST_TEST(select<A>().offset(5).compile(dialect::sqlite).sql ==
             R"(SELECT "a"."id", "a"."data" FROM "a" LIMIT -1 OFFSET ?)");
  BOOST_TEST(select<A>().offset(5).compile(dialect::postgresql).sql ==
             R"(SELECT "a"."id", "a"."data" FROM "a" OFFSET ?)");
}

BOOST_AUTO_TEST_CASE(mariadb_quotes_identifiers_with_backticks) {
  auto q = select<A>().where(col(&A::data) == "x").compile(dialect::mariadb);
  BOOST_TEST(q.sql == "SELECT `a`.`id`, `a`.`data` FROM `a` WHERE `a`.`data` = ?");
}

BOOST_AUTO_TEST_CASE(one_buffer_compiled_in_turn_for_each_dialect_gets_each_dialect_s_quoting) {
  const auto q = select<A>().where(col(&A::data) == "x");
  compiled_sql out;
  for (auto d : {dialect::mariadb, dialect::postgresql, dialect::mariadb, dialect::other}) {
    q.compile_into(d, out);
    const auto quote = d == dialect::mariadb ? std::string{"`"} : std::string{"\""};
    auto quoted = [&](const char* name) { return quote + name + quote; };
    BOOST_TEST(out.sql == "SELECT " + quoted("a") + "." + quoted("id") + ", " + quoted("a") + "." +
                              quoted("data") + " FROM " + quoted("a") + " WHERE " + quoted("a") +
                              "." + quoted("data") + " = ?");
    BOOST_TEST(out.params.size() == 1u);
  }
  BOOST_TEST(select_head_sql(mapping_of<A>().schema(), dialect::sqlite) ==
             R"(SELECT "a"."id", "a"."data" FROM "a")");
}

BOOST_AUTO_TEST_CASE(quote_characters_inside_identifiers_are_doubled) {
  using gatherdb::model::quote_identifier;
  BOOST_TEST(quote_identifier(dialect::postgresql, "a") == R"("a")");
  BOOST_TEST(quote_identifier(dialect::postgresql, "") == R"("")");
  BOOST_TEST(quote_identifier(dialect::sqlite, R"(we"ird)") == R"("we""ird")");
  BOOST_TEST(quote_identifier(dialect::sqlite, R"("")") == R"("""""")");
  BOOST_TEST(quote_identifier(dialect::postgresql, R"(x"y"z`)") == R"("x""y""z`")");
  BOOST_TEST(quote_identifier(dialect::mariadb, "a`b\"c`") == "`a``b\"c```");
}

BOOST_AUTO_TEST_CASE(values_are_never_spliced_into_sql) {
  auto q = select<A>().where(col(&A::data) == "'; DROP TABLE a; --").compile(dialect::sqlite);
  BOOST_TEST(q.sql.find("DROP") == std::string::npos);
  BOOST_TEST(q.params[0] == value{"'; DROP TABLE a; --"});
}

BOOST_AUTO_TEST_CASE(builder_methods_leave_the_original_query_unchanged) {
  auto base = select<A>();
  auto narrowed = base.where(col(&A::id) == 1);
  BOOST_TEST(base.compile(dialect::sqlite).params.empty());
  BOOST_TEST(narrowed.where(col(&A::id) == 2).compile(dialect::sqlite).params.size() == 2u);
  BOOST_TEST(narrowed.compile(dialect::sqlite).params.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
