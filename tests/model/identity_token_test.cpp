// Routes and identity: rows read through different routes are different objects unless the
// entity declares its key global; lookups name the route; the default route has no token, so a
// program without routes sees nothing new.

#include <boost/test/unit_test.hpp>

#include "gatherdb/model/session_state.hpp"
#include "gatherdb/model/statement.hpp"

#include "test_entities.hpp"

using namespace gatherdb::model;
using model_test::A;

namespace model_test {

/// `A` with a global key: one object per id whatever the route.
struct G {
  std::int64_t id = 0;
  std::string data;
};

} // namespace model_test

template <>
struct gatherdb::model::entity_definition<model_test::G> {
  static entity_mapping<model_test::G> define() {
    return entity_mapping<model_test::G>{"a", "G"}
        .generated_key(&model_test::G::id, "id")
        .column(&model_test::G::data, "data")
        .global_identity();
  }
};

using model_test::G;

BOOST_AUTO_TEST_SUITE(model_identity_token)

BOOST_AUTO_TEST_CASE(the_same_key_read_through_two_routes_is_two_objects) {
  session_state s;
  const auto st = statement{select<A>()};
  const auto eu = s.merge(st, model_test::a_rows({{1, "eu"}}), merge_policy::overwrite, "eu");
  const auto us = s.merge(st, model_test::a_rows({{1, "us"}}), merge_policy::overwrite, "us");
  const auto* from_eu = s.find<A>(std::int64_t{1}, "eu");
  const auto* from_us = s.find<A>(std::int64_t{1}, "us");
  BOOST_REQUIRE(from_eu != nullptr);
  BOOST_REQUIRE(from_us != nullptr);
  BOOST_TEST(from_eu != from_us);
  BOOST_TEST(from_eu->data == "eu");
  BOOST_TEST(from_us->data == "us"); // the second merge did not overwrite the first route's
  BOOST_TEST(&eu.get<A>(0) == from_eu);
  BOOST_TEST(&us.get<A>(0) == from_us);
  BOOST_TEST(s.find<A>(std::int64_t{1}) == nullptr); // nothing on the default route
  BOOST_TEST(s.size<A>() == 2u);
}

BOOST_AUTO_TEST_CASE(the_same_key_read_through_one_route_twice_is_one_object) {
  session_state s;
  const auto st = statement{select<A>()};
  (void)s.merge(st, model_test::a_rows({{1, "old"}}), merge_policy::overwrite, "eu");
  (void)s.merge(st, model_test::a_rows({{1, "new"}}), merge_policy::overwrite, "eu");
  BOOST_TEST(s.size<A>() == 1u);
  BOOST_TEST(s.find<A>(std::int64_t{1}, "eu")->data == "new");
}

BOOST_AUTO_TEST_CASE(a_global_key_is_one_object_whatever_the_route) {
  session_state s;
  const auto st = statement{select<G>()};
  const auto eu = s.merge(st, model_test::a_rows({{1, "eu"}}), merge_policy::overwrite, "eu");
  const auto us = s.merge(st, model_test::a_rows({{1, "us"}}), merge_policy::overwrite, "us");
  BOOST_TEST(&eu.get<G>(0) == &us.get<G>(0));
  BOOST_TEST(s.size<G>() == 1u);
  BOOST_TEST(s.find<G>(std::int64_t{1}, "eu") == s.find<G>(std::int64_t{1}, "us"));
  BOOST_TEST(s.find<G>(std::int64_t{1}) == s.find<G>(std::int64_t{1}, "us"));
  BOOST_TEST(s.find<G>(std::int64_t{1})->data == "us");
}

BOOST_AUTO_TEST_CASE(the_default_route_is_what_a_merge_without_a_route_uses) {
  session_state s;
  const auto st = statement{select<A>()};
  const auto plain = s.merge(st, model_test::a_rows({{7, "x"}}));
  const auto named =
      s.merge(st, model_test::a_rows({{7, "x"}}), merge_policy::overwrite, default_route);
  BOOST_TEST(&plain.get<A>(0) == &named.get<A>(0));
  BOOST_TEST(s.find<A>(std::int64_t{7}) == &plain.get<A>(0));
}

BOOST_AUTO_TEST_CASE(objects_of_any_route_can_be_modified_and_are_dirty) {
  session_state s;
  const auto st = statement{select<A>()};
  const auto eu = s.merge(st, model_test::a_rows({{1, "eu"}}), merge_policy::overwrite, "eu");
  const auto& obj = eu.get<A>(0);
  s.modify(obj, [](A& a) { a.data = "changed"; });
  BOOST_TEST(s.is_dirty(obj));
  BOOST_TEST(!s.is_pending(obj));
  BOOST_TEST(s.dirty_count() == 1u);
  A stranger;
  BOOST_CHECK_THROW((void)s.is_dirty(stranger), std::invalid_argument);
  BOOST_CHECK_THROW(s.modify(stranger, [](A&) {}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_statement_names_its_route_or_all_of_them) {
  const statement plain = select<A>();
  BOOST_TEST(plain.route().empty());
  BOOST_TEST(!plain.on_all_routes_requested());
  const auto eu = select<A>().where(col(&A::data) == "a_1").on("eu");
  BOOST_TEST(eu.route() == "eu");
  BOOST_TEST(!eu.on_all_routes_requested());
  BOOST_TEST(eu.coalescible()); // the route changes where it runs, not what it is
  const auto all = eu.on_all_routes();
  BOOST_TEST(all.route().empty());
  BOOST_TEST(all.on_all_routes_requested());
  BOOST_TEST(all.on("us").route() == "us");
  BOOST_TEST(!all.on("us").on_all_routes_requested());
  const statement same = select<A>().where(col(&A::data) == "a_1");
  BOOST_TEST(eu.compile(dialect::postgresql).sql == same.compile(dialect::postgresql).sql);
}

BOOST_AUTO_TEST_SUITE_END()
