#include <boost/test/unit_test.hpp>

#include "gatherdb/model/statement.hpp"

#include "test_entities.hpp"

using namespace gatherdb::model;
using model_test::A;

BOOST_AUTO_TEST_SUITE(model_statement)

BOOST_AUTO_TEST_CASE(select_statement_is_an_idempotent_entity_read) {
  statement st = select<A>().where(col(&A::data) == "a_5");
  BOOST_TEST(st.idempotent());
  BOOST_TEST(st.loads_entities());
  auto c = st.compile(dialect::sqlite);
  BOOST_TEST(c.sql == R"(SELECT "a"."id", "a"."data" FROM "a" WHERE "a"."data" = ?)");
  BOOST_TEST(c.params.at(0) == value{"a_5"});
}

BOOST_AUTO_TEST_CASE(describe_shows_sql_but_never_parameter_values) {
  statement st = select<A>().where(col(&A::data) == "secret");
  BOOST_TEST(st.describe() == R"(SELECT "a"."id", "a"."data" FROM "a" WHERE "a"."data" = ?)");
  BOOST_TEST(statement::raw("DELETE FROM a WHERE id = ?", {7}).describe() ==
             "DELETE FROM a WHERE id = ?");
}

BOOST_AUTO_TEST_CASE(raw_statement_keeps_sql_params_and_idempotence) {
  auto st = statement::raw("UPDATE a SET data = ?", {"x"});
  BOOST_TEST(!st.idempotent());
  BOOST_TEST(!st.loads_entities());
  BOOST_TEST(st.compile(dialect::postgresql).params.at(0) == value{"x"});
  BOOST_TEST(statement::raw("SELECT 1", {}, true).idempotent());
}

BOOST_AUTO_TEST_CASE(raw_entities_statement_loads_entities) {
  auto st = statement::raw_entities<A>("SELECT id, data FROM a WHERE id = ?", {1});
  BOOST_TEST(st.loads_entities());
  BOOST_TEST(st.idempotent());
  session_state s;
  auto m = st.merge_into(s, model_test::a_rows({{1, "x"}}), merge_policy::overwrite);
  BOOST_TEST(m.repr() == "[(A(id_=1, data='x'),)]");
}

BOOST_AUTO_TEST_CASE(copies_share_one_immutable_implementation) {
  statement st = select<A>();
  statement copy = st;
  BOOST_TEST(copy.compile(dialect::sqlite).sql == st.compile(dialect::sqlite).sql);
  statement empty;
  BOOST_TEST(!empty.loads_entities());
  BOOST_TEST(empty.compile(dialect::sqlite).sql.empty());
}

BOOST_AUTO_TEST_CASE(compile_into_replaces_what_the_buffer_held) {
  const std::vector<statement> statements{
      select<A>().where(col(&A::data) == "a_1").limit(5).offset(2),
      statement::raw("SELECT 1"),
      select<A>().where(col(&A::id) == 7),
      statement::raw_entities<A>("SELECT id, data FROM a WHERE id = ?", {value{std::int64_t{3}}}),
      statement{},
  };
  compiled_sql reused;
  for (const auto& st : statements) {
    for (auto d : {dialect::sqlite, dialect::postgresql}) {
      st.compile_into(d, reused);
      const auto fresh = st.compile(d);
      BOOST_TEST(reused.sql == fresh.sql);
      BOOST_TEST(reused.params == fresh.params, reused.sql);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
