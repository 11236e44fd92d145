#include <boost/test/unit_test.hpp>

#include "gatherdb/model/session_state.hpp"

#include "test_entities.hpp"

using namespace gatherdb::model;
using model_test::A;
using model_test::fake_executor;
using model_test::T;
using model_test::V;

namespace {

std::vector<A> hundred() {
  std::vector<A> objs;
  for (int i = 0; i < 100; ++i)
    objs.push_back(A{0, "a_" + std::to_string(i)});
  return objs;
}

} // namespace

BOOST_AUTO_TEST_SUITE(model_session_state)

BOOST_AUTO_TEST_CASE(add_returns_a_stable_pending_object) {
  session_state s;
  A& a = s.add(A{0, "a_0"});
  s.add_all(hundred());
  BOOST_TEST(a.data == "a_0");
  BOOST_TEST(s.pending_count() == 101u);
  BOOST_TEST(s.size<A>() == 0u);
  BOOST_TEST(s.is_pending(a));
}

BOOST_AUTO_TEST_CASE(commit_on_sqlite_inserts_in_one_transaction_and_reads_rowids) {
  session_state s;
  A& first = s.add(A{0, "a_0"});
  s.add_all(hundred());
  fake_executor ex{dialect::sqlite};
  s.commit(ex);
  BOOST_TEST(ex.log.front() == "BEGIN");
  BOOST_TEST(ex.log.back() == "COMMIT");
  BOOST_TEST(ex.log[1] == R"(INSERT INTO "a" ("data") VALUES (?))");
  BOOST_TEST(ex.log[2] == "SELECT last_insert_rowid()");
  BOOST_TEST(ex.log.size() == 2u + 2u * 101u);
  BOOST_TEST(first.id == 1);
  BOOST_TEST(s.pending_count() == 0u);
  BOOST_TEST(s.size<A>() == 101u);
  for (std::int64_t k = 1; k <= 101; ++k)
    BOOST_TEST_REQUIRE(s.find<A>(k) != nullptr);
  BOOST_TEST(s.find<A>(101)->data == "a_99");
  BOOST_TEST(s.find<A>(1) == &first);
  BOOST_TEST(!s.is_pending(first));
}

BOOST_AUTO_TEST_CASE(commit_on_postgresql_reads_keys_from_returning) {
  session_state s;
  s.add_all(hundred());
  fake_executor ex{dialect::postgresql};
  s.commit(ex);
  BOOST_TEST(ex.log[1] == R"(INSERT INTO "a" ("data") VALUES (?) RETURNING "id")");
  BOOST_TEST(ex.log.size() == 2u + 100u);
  BOOST_TEST(ex.params_log[0].at(0) == value{"a_0"});
  BOOST_TEST(s.find<A>(100)->data == "a_99");
}

BOOST_AUTO_TEST_CASE(failed_insert_rolls_back_and_leaves_everything_pending) {
  session_state s;
  A& first = s.add(A{0, "a_x"});
  s.add_all(hundred());
  fake_executor ex{dialect::sqlite};
  ex.fail_on_insert = 50;
  try {
    s.commit(ex);
    BOOST_FAIL("expected flush_error");
  } catch (const flush_error& e) {
    BOOST_TEST(e.failed_index() == 49u);
    BOOST_TEST(e.object_repr() == "A(id_=0, data='a_48')");
    BOOST_TEST(e.cause() == "UNIQUE constraint failed: a.data");
    BOOST_TEST(!e.is_update());
    BOOST_TEST(std::string{e.what()}.find("a_48") != std::string::npos);
  }
  BOOST_TEST(ex.log.back() == "ROLLBACK");
  BOOST_TEST(s.pending_count() == 101u);
  BOOST_TEST(s.size<A>() == 0u);
  BOOST_TEST(first.id == 0);
  // the same session commits once the cause is gone
  fake_executor ok{dialect::sqlite};
  s.commit(ok);
  BOOST_TEST(s.size<A>() == 101u);
  BOOST_TEST(first.id == 1);
}

BOOST_AUTO_TEST_CASE(failed_commit_rolls_back_and_assigns_no_keys) {
  session_state s;
  A& a = s.add(A{0, "a_0"});
  fake_executor ex{dialect::postgresql};
  ex.fail_commit = true;
  try {
    s.commit(ex);
    BOOST_FAIL("expected flush_error");
  } catch (const flush_error& e) {
    BOOST_TEST(e.failed_index() == flush_error::npos);
  }
  BOOST_TEST(ex.log.back() == "ROLLBACK");
  BOOST_TEST(a.id == 0);
  BOOST_TEST(s.pending_count() == 1u);
}

BOOST_AUTO_TEST_CASE(commit_with_nothing_to_do_emits_no_sql) {
  session_state s;
  fake_executor ex{dialect::sqlite};
  s.commit(ex);
  BOOST_TEST(ex.log.empty());
}

BOOST_AUTO_TEST_CASE(modify_marks_dirty_and_commit_flushes_a_versioned_update) {
  session_state s;
  V& v = s.add(V{0, 0, "n", std::nullopt, std::nullopt});
  fake_executor ex{dialect::postgresql};
  s.commit(ex);
  BOOST_TEST(v.version == 1);
  BOOST_TEST(ex.params_log[0].at(0) == value{1}); // version inserted as 1
  BOOST_TEST(!s.is_dirty(v));
  s.modify(v, [](V& x) { x.name = "m"; });
  BOOST_TEST(s.is_dirty(v));
  BOOST_TEST(s.dirty_count() == 1u);
  s.commit(ex);
  BOOST_TEST(ex.log[ex.log.size() - 2] ==
             R"(UPDATE "v" SET "version" = ?, "name" = ?, "score" = ?, "note" = ? )"
             R"(WHERE "id" = ? AND "version" = ?)");
  const auto& p = ex.params_log.back();
  BOOST_TEST(p.at(0) == value{2});
  BOOST_TEST(p.at(1) == value{"m"});
  BOOST_TEST(p.at(4) == value{1});
  BOOST_TEST(p.at(5) == value{1});
  BOOST_TEST(v.version == 2);
  BOOST_TEST(!s.is_dirty(v));
}

BOOST_AUTO_TEST_CASE(stale_update_fails_the_commit_and_keeps_the_object_dirty) {
  session_state s;
  V& v = s.add(V{0, 0, "n", std::nullopt, std::nullopt});
  fake_executor ex{dialect::sqlite};
  s.commit(ex);
  s.modify(v, [](V& x) { x.name = "m"; });
  ex.update_rows_affected = 0;
  try {
    s.commit(ex);
    BOOST_FAIL("expected flush_error");
  } catch (const flush_error& e) {
    BOOST_TEST(e.is_update());
    BOOST_TEST(e.failed_index() == 0u);
  }
  BOOST_TEST(s.is_dirty(v));
  BOOST_TEST(v.version == 1);
}

BOOST_AUTO_TEST_CASE(modify_of_a_pending_object_needs_no_update) {
  session_state s;
  A& a = s.add(A{0, "x"});
  s.modify(a, [](A& x) { x.data = "y"; });
  BOOST_TEST(!s.is_dirty(a));
  fake_executor ex{dialect::sqlite};
  s.commit(ex);
  BOOST_TEST(ex.params_log[0].at(0) == value{"y"});
  BOOST_TEST(ex.log.size() == 4u);
}

BOOST_AUTO_TEST_CASE(modify_must_not_change_the_primary_key) {
  session_state s;
  auto m = s.merge<A>(model_test::a_rows({{1, "x"}}));
  BOOST_CHECK_THROW(s.modify(m.get<A>(0), [](A& x) { x.id = 2; }), std::logic_error);
  BOOST_TEST(m.get<A>(0).id == 1);
  BOOST_TEST(s.find<A>(1) == &m.get<A>(0));
}

BOOST_AUTO_TEST_CASE(objects_of_another_session_are_rejected) {
  session_state s;
  A stray{1, "x"};
  (void)s.merge<A>(model_test::a_rows({{1, "x"}}));
  BOOST_CHECK_THROW(s.modify(stray, [](A&) {}), std::invalid_argument);
  BOOST_CHECK_THROW((void)s.is_dirty(stray), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(application_assigned_keys_are_inserted_and_must_be_new) {
  session_state s;
  s.add(T{"k", true, 1, 1.0, {}, std::nullopt});
  fake_executor ex{dialect::sqlite};
  s.commit(ex);
  BOOST_TEST(ex.log.size() == 3u); // no last_insert_rowid for an assigned key
  BOOST_TEST(ex.log[1] == R"(INSERT INTO "t" ("code", "flag", "small", "real", "blob", "maybe") )"
                          R"(VALUES (?, ?, ?, ?, ?, ?))");
  BOOST_TEST(s.find<T>("k") != nullptr);
  s.add(T{"k", false, 2, 2.0, {}, std::nullopt});
  BOOST_CHECK_THROW(s.commit(ex), flush_error);
  BOOST_TEST(s.pending_count() == 1u);
}

BOOST_AUTO_TEST_CASE(objects_keep_their_address_when_the_session_grows_or_moves) {
  session_state s;
  auto m = s.merge<A>(model_test::a_rows({{1, "x"}}));
  const A* p = &m.get<A>(0);
  std::vector<std::pair<std::int64_t, std::string>> rows;
  for (std::int64_t i = 2; i < 20000; ++i)
    rows.emplace_back(i, "y");
  (void)s.merge<A>(model_test::a_rows(rows));
  session_state moved = std::move(s);
  BOOST_TEST(moved.find<A>(1) == p);
  BOOST_TEST(moved.size<A>() == 19999u);
}

BOOST_AUTO_TEST_SUITE_END()
