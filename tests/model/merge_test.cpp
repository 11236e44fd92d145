#include <algorithm>
#include <random>

#include <boost/test/unit_test.hpp>

#include "gatherdb/model/session_state.hpp"
#include "gatherdb/model/statement.hpp"

#include "test_entities.hpp"

using namespace gatherdb::model;
using model_test::A;
using model_test::T;
using model_test::V;

namespace {

frozen_result v_rows(const std::vector<std::vector<value>>& rows) {
  return model_test::cells({{"id", value_type::int64, 0, false},
                            {"version", value_type::int64, 0, false},
                            {"name", value_type::text, 0, false},
                            {"score", value_type::float64, 0, true},
                            {"note", value_type::text, 0, true}},
                           rows);
}

} // namespace

BOOST_AUTO_TEST_SUITE(model_merge)

BOOST_AUTO_TEST_CASE(merge_of_an_absent_key_creates_a_persistent_object) {
  session_state s;
  auto m = s.merge<A>(model_test::a_rows({{42, "a_41"}}));
  BOOST_TEST(s.size<A>() == 1u);
  BOOST_TEST(m.size() == 1u);
  BOOST_TEST(m.get<A>(0).id == 42);
  BOOST_TEST(m.get<A>(0).data == "a_41");
  BOOST_TEST(s.find<A>(42) == &m.get<A>(0));
  BOOST_TEST(!s.is_dirty(m.get<A>(0)));
  BOOST_TEST(m.repr() == "[(A(id_=42, data='a_41'),)]");
}

BOOST_AUTO_TEST_CASE(merge_keeps_one_object_per_primary_key) {
  session_state s;
  auto first = s.merge<A>(model_test::a_rows({{7, "a_6"}, {8, "a_7"}}));
  auto second = s.merge<A>(model_test::a_rows({{8, "a_7"}, {9, "a_8"}}));
  BOOST_TEST(s.size<A>() == 3u);
  BOOST_TEST(&first.get<A>(1) == &second.get<A>(0));
}

BOOST_AUTO_TEST_CASE(merge_overwrites_loaded_attributes_and_the_last_statement_wins) {
  session_state s;
  auto first = s.merge<A>(model_test::a_rows({{1, "old"}}));
  auto second = s.merge<A>(model_test::a_rows({{1, "new"}}));
  BOOST_TEST(&first.get<A>(0) == &second.get<A>(0));
  BOOST_TEST(first.get<A>(0).data == "new");
  BOOST_TEST(first.repr() == "[(A(id_=1, data='new'),)]");
}

BOOST_AUTO_TEST_CASE(two_rows_with_one_key_in_one_result_give_the_same_object) {
  session_state s;
  auto m = s.merge<A>(model_test::a_rows({{5, "x"}, {5, "y"}}));
  BOOST_TEST(s.size<A>() == 1u);
  BOOST_TEST(&m.get<A>(0) == &m.get<A>(1));
  BOOST_TEST(m.get<A>(0).data == "y");
}

BOOST_AUTO_TEST_CASE(replaying_one_frozen_result_twice_yields_the_same_objects) {
  session_state s;
  auto rows = model_test::a_rows({{1, "a_0"}, {2, "a_1"}, {3, "a_2"}}, 2);
  auto m1 = s.merge<A>(rows);
  auto m2 = s.merge<A>(rows);
  BOOST_TEST(s.size<A>() == 3u);
  BOOST_TEST(m1.all<A>() == m2.all<A>());
  BOOST_TEST(m2.repr() ==
             "[(A(id_=1, data='a_0'),), (A(id_=2, data='a_1'),), (A(id_=3, data='a_2'),)]");
  BOOST_TEST(m2.rows() == rows);
}

BOOST_AUTO_TEST_CASE(merge_through_a_statement_uses_its_entity_type) {
  session_state s;
  statement st = select<A>().where(col(&A::data) == "a_1");
  auto m = s.merge(st, model_test::a_rows({{2, "a_1"}}));
  BOOST_TEST(m.loads_entities());
  BOOST_TEST(s.find<A>(2)->data == "a_1");
}

BOOST_AUTO_TEST_CASE(columns_bind_by_label_case_insensitively_in_any_order) {
  session_state s;
  auto r =
      model_test::cells({{"DATA", value_type::text, 0, false}, {"Id", value_type::int64, 0, false}},
                        {{value{"z"}, value{3}}});
  auto m = s.merge<A>(r);
  BOOST_TEST(m.get<A>(0).id == 3);
  BOOST_TEST(m.get<A>(0).data == "z");
}

BOOST_AUTO_TEST_CASE(missing_column_is_a_merge_error_naming_it) {
  session_state s;
  auto r = model_test::cells({{"id", value_type::int64, 0, false}}, {{value{1}}});
  try {
    (void)s.merge<A>(r);
    BOOST_FAIL("expected merge_error");
  } catch (const merge_error& e) {
    BOOST_TEST(e.kind() == merge_error_kind::missing_column);
    BOOST_TEST(e.column() == "data");
  }
  BOOST_TEST(s.size<A>() == 0u);
}

BOOST_AUTO_TEST_CASE(null_in_non_nullable_member_leaves_the_session_unchanged) {
  session_state s;
  (void)s.merge<A>(model_test::a_rows({{1, "keep"}}));
  auto r =
      model_test::cells({{"id", value_type::int64, 0, false}, {"data", value_type::text, 0, true}},
                        {{value{1}, value{"changed"}}, {value{2}, value{}}});
  try {
    (void)s.merge<A>(r);
    BOOST_FAIL("expected merge_error");
  } catch (const merge_error& e) {
    BOOST_TEST(e.kind() == merge_error_kind::null_in_non_nullable);
    BOOST_TEST(e.column() == "data");
    BOOST_TEST(e.row() == 1u);
  }
  BOOST_TEST(s.size<A>() == 1u);
  BOOST_TEST(s.find<A>(1)->data == "keep");
  BOOST_TEST(s.find<A>(2) == nullptr);
}

BOOST_AUTO_TEST_CASE(column_type_that_does_not_fit_the_member_is_a_type_mismatch) {
  session_state s;
  auto r =
      model_test::cells({{"id", value_type::text, 0, false}, {"data", value_type::text, 0, false}},
                        {{value{"1"}, value{"x"}}});
  try {
    (void)s.merge<A>(r);
    BOOST_FAIL("expected merge_error");
  } catch (const merge_error& e) {
    BOOST_TEST(e.kind() == merge_error_kind::type_mismatch);
    BOOST_TEST(e.column() == "id");
  }
  BOOST_TEST(s.size<A>() == 0u);
}

BOOST_AUTO_TEST_CASE(integer_too_large_for_a_narrow_member_is_a_type_mismatch) {
  session_state s;
  auto r = model_test::cells(
      {{"code", value_type::text, 0, false},
       {"flag", value_type::int64, 0, false},
       {"small", value_type::int64, 0, false},
       {"real", value_type::int64, 0, false},
       {"blob", value_type::bytes, 0, false},
       {"maybe", value_type::int64, 0, true}},
      {{value{"k"}, value{1}, value{std::int64_t{1} << 40}, value{2}, value{bytes{}}, value{}}});
  BOOST_CHECK_EXCEPTION((void)s.merge<T>(r), merge_error, [](const merge_error& e) {
    return e.kind() == gatherdb::model::merge_error_kind::type_mismatch && e.column() == "small" &&
           e.row() == 0;
  });
  BOOST_TEST(s.size<T>() == 0u);
}

BOOST_AUTO_TEST_CASE(every_member_type_hydrates_from_compatible_columns) {
  session_state s;
  auto r = model_test::cells(
      {{"code", value_type::text, 0, false},
       {"flag", value_type::int64, 0, false},
       {"small", value_type::int64, 0, false},
       {"real", value_type::int64, 0, false},
       {"blob", value_type::bytes, 0, false},
       {"maybe", value_type::int64, 0, true}},
      {{value{"k"}, value{1}, value{-3}, value{2}, value{bytes{std::byte{1}}}, value{}},
       {value{"m"}, value{0}, value{4}, value{5}, value{bytes{}}, value{9}}});
  auto m = s.merge<T>(r);
  BOOST_TEST(m.repr() == "[(T(code='k', flag=True, small=-3, real=2.0, blob=b'\\x01', "
                         "maybe=None),), (T(code='m', flag=False, small=4, real=5.0, blob=b'', "
                         "maybe=9),)]");
  BOOST_TEST((s.find<T>(std::string{"m"})->maybe == std::optional<std::int64_t>{9}));
  BOOST_TEST(s.find<T>("k") == &m.get<T>(0));
}

BOOST_AUTO_TEST_CASE(check_version_rejects_a_differing_version) {
  session_state s;
  (void)s.merge<V>(v_rows({{value{1}, value{1}, value{"n"}, value{}, value{}}}));
  auto newer = v_rows({{value{1}, value{2}, value{"changed"}, value{}, value{}}});
  try {
    (void)s.merge<V>(newer, merge_policy::check_version);
    BOOST_FAIL("expected merge_error");
  } catch (const merge_error& e) {
    BOOST_TEST(e.kind() == merge_error_kind::stale_data);
    BOOST_TEST(e.column() == "version");
    BOOST_TEST(e.row() == 0u);
  }
  BOOST_TEST(s.find<V>(1)->name == "n");
  auto same = v_rows({{value{1}, value{1}, value{"same version"}, value{0.5}, value{}}});
  auto m = s.merge<V>(same, merge_policy::check_version);
  BOOST_TEST(m.get<V>(0).name == "same version");
  BOOST_TEST((m.get<V>(0).score == std::optional<double>{0.5}));
  // overwrite does not look at versions
  (void)s.merge<V>(newer);
  BOOST_TEST(s.find<V>(1)->version == 2);
}

BOOST_AUTO_TEST_CASE(reject_dirty_refuses_to_drop_unflushed_changes) {
  session_state s;
  auto m = s.merge<A>(model_test::a_rows({{1, "db"}, {2, "db"}}));
  s.modify(m.get<A>(1), [](A& a) { a.data = "local"; });
  BOOST_TEST(s.is_dirty(m.get<A>(1)));
  try {
    (void)s.merge<A>(model_test::a_rows({{1, "db2"}, {2, "db2"}}), merge_policy::reject_dirty);
    BOOST_FAIL("expected merge_error");
  } catch (const merge_error& e) {
    BOOST_TEST(e.kind() == merge_error_kind::dirty_object);
    BOOST_TEST(e.row() == 1u);
  }
  BOOST_TEST(s.find<A>(1)->data == "db"); // all or nothing: row 0 was not applied either
  BOOST_TEST(s.find<A>(2)->data == "local");
  (void)s.merge<A>(model_test::a_rows({{1, "db2"}}), merge_policy::reject_dirty);
  BOOST_TEST(s.find<A>(1)->data == "db2");
}

BOOST_AUTO_TEST_CASE(overwrite_replaces_unflushed_changes_and_clears_dirtiness) {
  session_state s;
  auto m = s.merge<A>(model_test::a_rows({{1, "db"}}));
  s.modify(m.get<A>(0), [](A& a) { a.data = "local"; });
  (void)s.merge<A>(model_test::a_rows({{1, "db2"}}));
  BOOST_TEST(m.get<A>(0).data == "db2");
  BOOST_TEST(!s.is_dirty(m.get<A>(0)));
  BOOST_TEST(s.dirty_count() == 0u);
}

BOOST_AUTO_TEST_CASE(raw_statement_returns_rows_and_leaves_the_session_alone) {
  session_state s;
  auto st = statement::raw("SELECT 1, 'x'");
  auto r = model_test::cells({{"a", value_type::int64, 0, false}, {"b", value_type::text, 0, true}},
                             {{value{1}, value{"x"}}, {value{2}, value{}}});
  auto m = s.merge(st, r);
  BOOST_TEST(!m.loads_entities());
  BOOST_TEST(m.size() == 2u);
  BOOST_TEST(m.repr() == "[(1, 'x'), (2, None)]");
  BOOST_CHECK_THROW((void)m.get<A>(0), std::logic_error);
  BOOST_TEST(s.size<A>() == 0u);
}

BOOST_AUTO_TEST_CASE(merged_result_rejects_the_wrong_entity_type) {
  session_state s;
  auto m = s.merge<A>(model_test::a_rows({{1, "x"}}));
  BOOST_CHECK_THROW((void)m.get<V>(0), std::logic_error);
  BOOST_CHECK_THROW((void)m.all<V>(), std::logic_error);
  BOOST_CHECK_THROW((void)m.get<A>(1), std::out_of_range);
}

BOOST_AUTO_TEST_CASE(rows_of_new_objects_in_order_map_to_their_objects_across_arena_blocks) {
  session_state s;
  std::vector<std::pair<std::int64_t, std::string>> rows;
  for (std::int64_t i = 1; i <= 5000; ++i)
    rows.emplace_back(i, "a_" + std::to_string(i));
  const auto m = s.merge<A>(model_test::a_rows(rows, 700));
  BOOST_TEST(m.size() == 5000u);
  const auto all = m.all<A>();
  for (std::int64_t i = 1; i <= 5000; ++i) {
    BOOST_REQUIRE(&m.get<A>(static_cast<std::size_t>(i - 1)) == s.find<A>(i));
    BOOST_REQUIRE(all[static_cast<std::size_t>(i - 1)] == s.find<A>(i));
  }
}

BOOST_AUTO_TEST_CASE(rows_in_any_order_map_to_their_objects) {
  session_state s;
  std::vector<std::pair<std::int64_t, std::string>> rows;
  for (std::int64_t i = 1; i <= 3000; ++i)
    rows.emplace_back(i, "x");
  (void)s.merge<A>(model_test::a_rows(rows));
  std::mt19937 rng{7};
  auto shuffled = rows;
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  auto reversed = rows;
  std::reverse(reversed.begin(), reversed.end());
  auto mixed = rows; // long ordered runs, then a shuffled tail
  std::shuffle(mixed.begin() + 2000, mixed.end(), rng);
  for (const auto* order : {&shuffled, &reversed, &mixed}) {
    const auto m = s.merge<A>(model_test::a_rows(*order));
    const auto all = m.all<A>();
    BOOST_REQUIRE(all.size() == order->size());
    for (std::size_t i = 0; i < order->size(); ++i) {
      BOOST_REQUIRE(m.get<A>(i).id == (*order)[i].first);
      BOOST_REQUIRE(all[i] == &m.get<A>(i));
    }
  }
  const auto small = s.merge<A>(model_test::a_rows({{3, "x"}, {1, "x"}, {2, "x"}}));
  BOOST_TEST(small.repr() ==
             "[(A(id_=3, data='x'),), (A(id_=1, data='x'),), (A(id_=2, data='x'),)]");
}

BOOST_AUTO_TEST_CASE(object_refs_keep_runs_compact_and_fall_back_to_one_pointer_per_row) {
  std::vector<std::int64_t> objects(100000);
  detail::object_refs runs(sizeof(std::int64_t), objects.size());
  for (std::size_t i = 0; i < objects.size(); ++i)
    runs.push_back(&objects[i], i % 1000 != 0); // a new array every 1000 rows
  BOOST_TEST(runs.size() == objects.size());
  BOOST_TEST(runs.memory_bytes() < 100u * 16 * 2);
  for (std::size_t i = 0; i < objects.size(); ++i)
    BOOST_REQUIRE(runs[i] == &objects[i]);

  std::vector<std::size_t> order(objects.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937{1});
  detail::object_refs scattered(sizeof(std::int64_t), objects.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    scattered.push_back(&objects[order[i]], i > 0 && order[i] == order[i - 1] + 1);
  BOOST_TEST(scattered.memory_bytes() <= objects.size() * sizeof(void*) + 64 * 16 * 2);
  std::size_t row = 0;
  scattered.for_each([&](const void* p) { BOOST_REQUIRE(p == &objects[order[row++]]); });
  BOOST_TEST(row == objects.size());
}

BOOST_AUTO_TEST_CASE(merge_binds_columns_by_label_whether_results_share_their_columns_or_not) {
  // Results of one prepared statement share one column list, and the store reuses the binding
  // of the last list it saw: a list in another order, or a list without a mapped column, must
  // still be bound (or refused) on its own.
  using gatherdb::model::column_list;
  const column_list id_data =
      std::make_shared<const std::vector<column_info>>(std::vector<column_info>{
          {"id", value_type::int64, 0, false}, {"data", value_type::text, 0, false}});
  const column_list data_id =
      std::make_shared<const std::vector<column_info>>(std::vector<column_info>{
          {"data", value_type::text, 0, false}, {"id", value_type::int64, 0, false}});
  auto one_row = [](const column_list& cols, std::int64_t id, std::string_view data) {
    row_chunk chunk{*cols};
    const bool id_first = (*cols)[0].name == "id";
    chunk.column(id_first ? 0 : 1).push_int64(id);
    chunk.column(id_first ? 1 : 0).push_text(data);
    chunk.finish_row();
    std::vector<row_chunk> chunks;
    chunks.push_back(std::move(chunk));
    return gatherdb::model::freeze(cols, std::move(chunks));
  };
  session_state s;
  BOOST_TEST(s.merge<A>(one_row(id_data, 1, "a")).repr() == "[(A(id_=1, data='a'),)]");
  BOOST_TEST(s.merge<A>(one_row(id_data, 2, "b")).repr() == "[(A(id_=2, data='b'),)]");
  BOOST_TEST(s.merge<A>(one_row(data_id, 3, "c")).repr() == "[(A(id_=3, data='c'),)]");
  BOOST_TEST(s.merge<A>(one_row(id_data, 1, "a2")).repr() == "[(A(id_=1, data='a2'),)]");
  auto only_id = model_test::cells({{"id", value_type::int64, 0, false}}, {{value{4}}});
  BOOST_CHECK_EXCEPTION((void)s.merge<A>(only_id), gatherdb::model::merge_error,
                        [](const gatherdb::model::merge_error& e) {
                          return e.kind() == gatherdb::model::merge_error_kind::missing_column &&
                                 e.column() == "data";
                        });
  BOOST_TEST(s.merge<A>(one_row(data_id, 2, "b2")).repr() == "[(A(id_=2, data='b2'),)]");
  BOOST_TEST(s.size<A>() == 3u);
}

BOOST_AUTO_TEST_CASE(object_refs_hold_their_first_run_without_allocating) {
  std::vector<std::int64_t> objects(10);
  detail::object_refs one(sizeof(std::int64_t), 1);
  one.push_back(&objects[4], false);
  BOOST_TEST(one.size() == 1u);
  BOOST_TEST(one.memory_bytes() == 0u);
  BOOST_TEST(one[0] == &objects[4]);

  // Rows 0-2 in the inline run, then two runs on the heap: every row found either way.
  detail::object_refs three_runs(sizeof(std::int64_t), 7);
  const std::size_t picks[] = {0, 1, 2, 7, 8, 5, 6};
  for (std::size_t i = 0; i < std::size(picks); ++i)
    three_runs.push_back(&objects[picks[i]], i > 0 && picks[i] == picks[i - 1] + 1);
  BOOST_TEST(three_runs.size() == std::size(picks));
  std::size_t row = 0;
  three_runs.for_each([&](const void* p) { BOOST_TEST(p == &objects[picks[row++]]); });
  BOOST_TEST(row == std::size(picks));
  for (std::size_t i = 0; i < std::size(picks); ++i)
    BOOST_TEST(three_runs[i] == &objects[picks[i]], "row " << i);
}

BOOST_AUTO_TEST_CASE(empty_results_repr_as_empty_lists) {
  session_state s;
  BOOST_TEST(s.merge<A>(model_test::a_rows({})).repr() == "[]");
  BOOST_TEST(merged_result{}.repr() == "[]");
  auto one_col = model_test::cells({{"n", value_type::int64, 0, false}}, {{value{1}}});
  BOOST_TEST(merged_result::raw(one_col).repr() == "[(1,)]");
}

BOOST_AUTO_TEST_SUITE_END()
