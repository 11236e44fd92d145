#include <algorithm>
#include <map>
#include <stdexcept>

#include <boost/test/unit_test.hpp>

#include "gatherdb/model/detail/identity_index.hpp"
#include "gatherdb/model/detail/slot_flags.hpp"
#include "gatherdb/model/session_state.hpp"

#include "test_entities.hpp"

using namespace gatherdb::model;
using model_test::A;
using model_test::fake_executor;
using model_test::T;
using model_test::V;

namespace {

// Objects for an detail::identity_index on their own: slot -> (key, hash). The hash is given, not
// computed, so that tests can make keys collide.
struct indexed_keys {
  struct entry {
    std::int64_t key;
    std::uint64_t hash;
  };
  std::map<std::uint32_t, entry> objects; // only the indexed ones
  detail::identity_index index;
  int rebuilds = 0;

  auto for_each_entry() {
    return [this](auto&& add) {
      ++rebuilds;
      for (const auto& [slot, e] : objects)
        add(slot, e.hash);
    };
  }

  void insert(std::uint32_t slot, std::int64_t key, std::uint64_t hash) {
    index.insert(hash, slot, for_each_entry());
    objects[slot] = {key, hash};
  }
  void insert(std::uint32_t slot, std::int64_t key) { insert(slot, key, detail::hash_key(key)); }

  [[nodiscard]] std::uint32_t find(std::int64_t key, std::uint64_t hash) const {
    return index.find(hash, [&](std::uint32_t s) { return objects.at(s).key == key; });
  }
  [[nodiscard]] std::uint32_t find(std::int64_t key) const {
    return find(key, detail::hash_key(key));
  }
};

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

BOOST_AUTO_TEST_SUITE(model_identity_index)

BOOST_AUTO_TEST_CASE(every_key_stays_findable_while_the_table_grows_through_many_sizes) {
  indexed_keys t;
  std::size_t last_capacity = 0;
  std::size_t capacities = 0;
  for (std::uint32_t n = 0; n < 50000; ++n) {
    t.insert(n, static_cast<std::int64_t>(n) * 7919);
    if (t.index.capacity() != last_capacity) {
      last_capacity = t.index.capacity();
      ++capacities;
      for (std::uint32_t k = 0; k <= n; ++k)
        BOOST_REQUIRE(t.find(static_cast<std::int64_t>(k) * 7919) == k);
      BOOST_TEST(t.find(-1) == detail::identity_index::no_slot);
    }
    BOOST_REQUIRE(t.index.size() * 8 <= t.index.capacity() * 7);
  }
  BOOST_TEST(capacities > 20u);
  BOOST_TEST(t.index.size() == 50000u);
  for (std::uint32_t k = 0; k < 50000; ++k)
    BOOST_REQUIRE(t.find(static_cast<std::int64_t>(k) * 7919) == k);
}

BOOST_AUTO_TEST_CASE(growth_keeps_the_load_above_seven_tenths) {
  indexed_keys t;
  for (std::uint32_t n = 0; n < 100000; ++n) {
    t.insert(n, n);
    if (n > 1000) // after growing by 1.25 at load 7/8 the load is 0.7
      BOOST_REQUIRE(t.index.size() * 10 >= t.index.capacity() * 7 - 10);
  }
}

BOOST_AUTO_TEST_CASE(capacities_are_not_only_powers_of_two_and_probing_wraps_at_the_end) {
  indexed_keys t;
  t.index.reserve(1000, t.for_each_entry());
  BOOST_TEST(t.index.capacity() == 1143u); // 1000 * 8/7, rounded up
  // Every hash lands in the last bucket: the probe sequence must wrap to bucket 0.
  const std::uint64_t last = ~std::uint64_t{0};
  BOOST_TEST(detail::bucket_of(last, 1143) == 1142u);
  BOOST_TEST(detail::bucket_of(0, 1143) == 0u);
  for (std::uint32_t s = 0; s < 10; ++s)
    t.insert(s, s, last);
  for (std::uint32_t s = 0; s < 10; ++s)
    BOOST_TEST(t.find(s, last) == s);
  BOOST_TEST(t.find(10, last) == detail::identity_index::no_slot);
}

BOOST_AUTO_TEST_CASE(bucket_of_spreads_hashes_over_any_capacity) {
  for (std::size_t cap :
       {std::size_t{1}, std::size_t{7}, std::size_t{1143}, std::size_t{1} << 40}) {
    std::vector<std::size_t> seen;
    for (std::int64_t k = 0; k < 1000; ++k) {
      const auto b = detail::bucket_of(detail::hash_key(k), cap);
      BOOST_REQUIRE(b < cap);
      seen.push_back(b);
    }
    if (cap == 7)
      for (std::size_t b = 0; b < 7; ++b)
        BOOST_TEST(std::count(seen.begin(), seen.end(), b) > 100);
  }
}

BOOST_AUTO_TEST_CASE(colliding_hashes_are_told_apart_by_their_keys) {
  indexed_keys t;
  for (std::uint32_t s = 0; s < 500; ++s)
    t.insert(s, 1000 + s, 42); // one hash for all: a single probe cluster through rebuilds
  for (std::uint32_t s = 0; s < 500; ++s)
    BOOST_REQUIRE(t.find(1000 + s, 42) == s);
  BOOST_TEST(t.find(999, 42) == detail::identity_index::no_slot);
}

BOOST_AUTO_TEST_CASE(replace_points_the_key_at_the_new_slot) {
  indexed_keys t;
  for (std::uint32_t s = 0; s < 100; ++s)
    t.insert(s, s);
  t.index.replace(detail::hash_key(7), 7, 500);
  t.objects.erase(7);
  t.objects[500] = {7, detail::hash_key(7)};
  BOOST_TEST(t.find(7) == 500u);
  BOOST_TEST(t.index.size() == 100u);
  for (std::uint32_t s = 100; s < 5000; ++s) // rebuilds from the objects keep the replacement
    t.insert(s + 1000, s);
  BOOST_TEST(t.find(7) == 500u);
  BOOST_TEST(t.find(8) == 8u);
}

BOOST_AUTO_TEST_CASE(inserting_after_a_reserve_does_not_rebuild) {
  indexed_keys t;
  for (std::uint32_t s = 0; s < 10; ++s)
    t.insert(s, s);
  t.index.reserve(t.index.size() + 10000, t.for_each_entry());
  const auto rebuilds = t.rebuilds;
  const auto capacity = t.index.capacity();
  BOOST_TEST(capacity == (10010u * 8 + 6) / 7); // far beyond the capacity: exact
  for (std::uint32_t s = 10; s < 10010; ++s)
    t.insert(s, s);
  BOOST_TEST(t.rebuilds == rebuilds);
  BOOST_TEST(t.index.capacity() == capacity);
  BOOST_TEST(t.find(10009) == 10009u);
}

BOOST_AUTO_TEST_CASE(small_reserves_before_each_insert_grow_geometrically) {
  indexed_keys t;
  for (std::uint32_t s = 0; s < 100000; ++s) {
    t.index.reserve(t.index.size() + 1, t.for_each_entry());
    t.insert(s, s);
  }
  // 1.25x per growth: about log(100000 / 16) / log(1.25) = 39 rebuilds, not one per insert.
  BOOST_TEST(t.rebuilds < 50);
  BOOST_TEST(t.find(99999) == 99999u);
}

BOOST_AUTO_TEST_CASE(large_slots_take_the_bits_of_the_hash_tag) {
  indexed_keys t;
  for (std::uint32_t s = 0; s < 100; ++s)
    t.insert(s, s);
  const std::uint32_t big[] = {1u << 16, 1u << 20, 1u << 30, detail::identity_index::no_slot - 1};
  for (std::uint32_t i = 0; i < 4; ++i)
    t.insert(big[i], 1000 + i);
  for (std::uint32_t i = 0; i < 4; ++i)
    BOOST_TEST(t.find(1000 + i) == big[i]);
  for (std::uint32_t s = 0; s < 100; ++s)
    BOOST_REQUIRE(t.find(s) == s);
  BOOST_TEST(t.find(100) == detail::identity_index::no_slot);
}

BOOST_AUTO_TEST_CASE(no_slot_is_too_many_objects_and_changes_nothing) {
  indexed_keys t;
  for (std::uint32_t s = 0; s < 14; ++s) // 14 of 16 buckets: the next insert would grow
    t.insert(s, s);
  const auto capacity = t.index.capacity();
  BOOST_CHECK_THROW(
      t.index.insert(detail::hash_key(99), detail::identity_index::no_slot, t.for_each_entry()),
      std::length_error);
  BOOST_TEST(t.index.size() == 14u);
  BOOST_TEST(t.index.capacity() == capacity);
  BOOST_TEST(t.find(99) == detail::identity_index::no_slot);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(model_session_state_growth)

BOOST_AUTO_TEST_CASE(merges_of_many_sizes_keep_every_object_findable) {
  session_state s;
  std::int64_t next = 1;
  for (std::int64_t n : {1, 2, 15, 16, 17, 100, 1000, 4097, 30000, 3}) {
    std::vector<std::pair<std::int64_t, std::string>> rows;
    for (std::int64_t i = 0; i < n; ++i, ++next)
      rows.emplace_back(next, "a_" + std::to_string(next));
    (void)s.merge<A>(model_test::a_rows(rows));
  }
  BOOST_TEST(s.size<A>() == static_cast<std::size_t>(next - 1));
  for (std::int64_t k = 1; k < next; ++k)
    BOOST_REQUIRE(s.find<A>(k) != nullptr && s.find<A>(k)->data == "a_" + std::to_string(k));
  BOOST_TEST(s.find<A>(next) == nullptr);
}

BOOST_AUTO_TEST_CASE(replaying_a_result_into_a_full_session_adds_nothing) {
  session_state s;
  std::vector<std::pair<std::int64_t, std::string>> rows;
  for (std::int64_t i = 1; i <= 20000; ++i)
    rows.emplace_back(i, "x");
  const auto r = model_test::a_rows(rows);
  (void)s.merge<A>(r);
  const auto bytes = s.memory_bytes();
  (void)s.merge<A>(r);
  BOOST_TEST(s.size<A>() == 20000u);
  BOOST_TEST(s.memory_bytes() == bytes);
}

BOOST_AUTO_TEST_CASE(a_key_taken_over_by_an_insert_stays_with_the_new_object_as_the_index_grows) {
  session_state s;
  (void)s.merge<A>(model_test::a_rows({{5, "old"}}));
  A& fresh = s.add(A{0, "new"});
  fake_executor ex{dialect::sqlite};
  ex.last_key = 4; // the database hands out key 5 again
  s.commit(ex);
  BOOST_TEST(fresh.id == 5);
  BOOST_TEST(s.find<A>(5) == &fresh);
  std::vector<std::pair<std::int64_t, std::string>> rows;
  for (std::int64_t i = 100; i < 20000; ++i)
    rows.emplace_back(i, "y");
  (void)s.merge<A>(model_test::a_rows(rows)); // rebuilds the index from the objects
  BOOST_TEST(s.find<A>(5) == &fresh);
  BOOST_TEST(s.size<A>() == 1u + 19900u);
}

BOOST_AUTO_TEST_CASE(commits_of_many_sizes_keep_every_object_findable) {
  session_state s;
  fake_executor ex{dialect::postgresql};
  std::vector<const A*> added;
  for (int n : {1, 13, 200, 3000}) {
    for (int i = 0; i < n; ++i)
      added.push_back(&s.add(A{0, "p"}));
    s.commit(ex);
  }
  BOOST_TEST(s.size<A>() == added.size());
  for (const A* a : added)
    BOOST_REQUIRE(s.find<A>(a->id) == a);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(model_slot_flags)

BOOST_AUTO_TEST_CASE(neighbouring_slots_sharing_a_byte_keep_their_own_flags) {
  detail::slot_flags f;
  for (std::uint8_t i = 0; i < 101; ++i)
    f.push_back(static_cast<std::uint8_t>(i % 16));
  BOOST_TEST(f.size() == 101u);
  f.add(10, 8);
  f.remove(11, 1);
  f.set(100, 15);
  for (std::uint32_t i = 0; i < 101; ++i) {
    std::uint8_t want = static_cast<std::uint8_t>(i % 16);
    if (i == 10)
      want |= 8;
    if (i == 11)
      want &= static_cast<std::uint8_t>(~1);
    if (i == 100)
      want = 15;
    BOOST_REQUIRE(f[i] == want);
  }
}

BOOST_AUTO_TEST_CASE(reserving_before_each_append_grows_geometrically_at_half_a_byte_a_slot) {
  detail::slot_flags f;
  std::size_t growths = 0;
  std::size_t bytes = f.memory_bytes();
  for (std::size_t i = 0; i < 100000; ++i) {
    f.reserve(f.size() + 1);
    f.push_back(1);
    if (f.memory_bytes() != bytes) {
      ++growths;
      bytes = f.memory_bytes();
    }
  }
  BOOST_TEST(growths < 20u);
  BOOST_TEST(f.memory_bytes() <= 100000u);
  detail::slot_flags exact;
  exact.reserve(1000001);
  BOOST_TEST(exact.memory_bytes() == 500001u);
}

BOOST_AUTO_TEST_SUITE_END()
