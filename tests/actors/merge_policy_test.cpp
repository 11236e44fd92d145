// Merge policies through a gather into a long-lived session state (`gather_options::session`):
// check_version rejects a row whose version differs from the loaded object's, reject_dirty a
// row for an object with unflushed changes, in fail_fast and collect mode, as a merge error
// that leaves the session exactly as it was (all or nothing per statement); overwrite replaces
// the loaded values in place.

#include <memory>
#include <string>
#include <vector>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "actors_fixture.hpp"
#include "support/versioned_database.hpp"

using namespace gatherdb;
using namespace gatherdb::actors_test;
using test::all_backends;

namespace {

using versioned_database = test::versioned_database<suite_tag>;
using vitem = versioned_database::item;

constexpr actors::gather_mode both_modes[] = {actors::gather_mode::fail_fast,
                                              actors::gather_mode::collect};

/// What a session holds for one key: the object's address, its values and its dirty flag.
struct snapshot {
  const vitem* object = nullptr;
  std::int64_t version = 0;
  std::string name;
  bool dirty = false;

  bool operator==(const snapshot& o) const {
    return object == o.object && version == o.version && name == o.name && dirty == o.dirty;
  }
};

std::ostream& operator<<(std::ostream& os, const snapshot& s) {
  return os << "{" << static_cast<const void*>(s.object) << ", version " << s.version << ", '"
            << s.name << "'" << (s.dirty ? ", dirty" : "") << "}";
}

snapshot snapshot_of(const model::session_state& session, std::int64_t id) {
  const auto* obj = session.find<vitem>(id);
  BOOST_REQUIRE_MESSAGE(obj != nullptr, "no object with id " << id << " in the session");
  return {obj, obj->version, obj->name, session.is_dirty(*obj)};
}

std::vector<snapshot> snapshot_all(const model::session_state& session, std::int64_t rows) {
  std::vector<snapshot> out;
  for (std::int64_t id = 1; id <= rows; ++id)
    out.push_back(snapshot_of(session, id));
  return out;
}

actors::gather_options into(const std::shared_ptr<model::session_state>& session,
                            model::merge_policy policy,
                            actors::gather_mode mode = actors::gather_mode::collect) {
  actors::gather_options o;
  o.mode = mode;
  o.policy = policy;
  o.session = session;
  return o;
}

/// A session with every row of `db` loaded (version 1, names v_0 ...).
std::shared_ptr<model::session_state> loaded_session(const client& c) {
  auto session = std::make_shared<model::session_state>();
  const auto r =
      c.gather({versioned_database::select_all()}, into(session, model::merge_policy::overwrite));
  BOOST_REQUIRE_MESSAGE(r.outcomes.at(0).ok(), r.outcomes.at(0).error.to_string());
  BOOST_REQUIRE(r.session == session);
  BOOST_REQUIRE_EQUAL(session->size<vitem>(), 5u);
  return session;
}

/// The failure of a gather that must fail, in either mode: fail_fast throws it as a
/// `gather_error` (with the partial result), collect returns it with every outcome.
struct reported_failure {
  actors::gather_failure failure;
  actors::gather_result result;
};

reported_failure gather_expecting_failure(const client& c, std::vector<model::statement> statements,
                                          const actors::gather_options& options) {
  if (options.mode == actors::gather_mode::fail_fast) {
    try {
      (void)c.gather(std::move(statements), options);
    } catch (const actors::gather_error& e) {
      return {e.failure(), e.partial()};
    }
    BOOST_FAIL("a fail_fast gather whose merge must fail did not throw");
  }
  auto r = c.gather(std::move(statements), options);
  BOOST_REQUIRE_MESSAGE(r.failure, "a collect gather whose merge must fail reported no failure");
  auto f = *r.failure;
  return {std::move(f), std::move(r)};
}

/// The reported failure is statement `index`'s merge error of `kind`.
void check_merge_failure(const reported_failure& got, std::size_t index, std::string_view kind) {
  BOOST_TEST(got.failure.index == index);
  BOOST_TEST(got.failure.error.source == actors::error_source::merge);
  BOOST_TEST(got.failure.error.info.message.find(kind) != std::string::npos,
             got.failure.error.to_string());
  BOOST_REQUIRE_GT(got.result.outcomes.size(), index);
  const auto& o = got.result.outcomes[index];
  BOOST_TEST(o.status == actors::outcome_status::failed);
  BOOST_TEST(o.error.source == actors::error_source::merge);
}

} // namespace

BOOST_AUTO_TEST_SUITE(actors_merge_policy)

BOOST_DATA_TEST_CASE(check_version_rejects_a_stale_row_and_leaves_the_session_unchanged,
                     all_backends, backend) {
  versioned_database db{backend, "stale"};
  client c{db.settings()};
  const auto session = loaded_session(c);
  db.write_behind_the_session(2, "theirs", true); // the database now holds version 2
  const auto before = snapshot_all(*session, 5);
  for (const auto mode : both_modes) {
    BOOST_TEST_CONTEXT("mode " << actors::to_string(mode)) {
      const auto got = gather_expecting_failure(
          c, {versioned_database::select_id(1), versioned_database::select_id(2)},
          into(session, model::merge_policy::check_version, mode));
      check_merge_failure(got, 1, "stale_data");
      BOOST_TEST(got.result.session == session);
      // The database did return the newer row: the merge refused it, nothing else did.
      const auto& rows = got.result.outcomes.at(1).rows;
      BOOST_REQUIRE(rows);
      BOOST_REQUIRE_EQUAL(rows->row_count(), 1u);
      BOOST_TEST(rows->row(0).int64_at(1) == 2);
      BOOST_TEST(std::string{rows->row(0).text_at(2)} == "theirs");
      if (mode == actors::gather_mode::collect)
        BOOST_TEST(got.result.outcomes.at(0).ok(), got.result.outcomes.at(0).error.to_string());
      BOOST_TEST(snapshot_all(*session, 5) == before, boost::test_tools::per_element());
      BOOST_TEST(session->size<vitem>() == 5u);
      BOOST_TEST(session->dirty_count() == 0u);
    }
  }
}

BOOST_DATA_TEST_CASE(check_version_rejects_a_result_with_one_stale_row_among_fresh_ones_as_a_whole,
                     all_backends, backend) {
  versioned_database db{backend, "stalerow"};
  client c{db.settings()};
  const auto session = loaded_session(c);
  // Rows 1 and 5 change without a new version (check_version accepts them), row 3 with one.
  db.write_behind_the_session(1, "renamed_1", false);
  db.write_behind_the_session(3, "renamed_3", true);
  db.write_behind_the_session(5, "renamed_5", false);
  const auto before = snapshot_all(*session, 5);
  const auto r = c.gather({versioned_database::select_all()},
                          into(session, model::merge_policy::check_version));
  const auto& o = r.outcomes.at(0);
  BOOST_TEST(o.status == actors::outcome_status::failed);
  BOOST_TEST(o.error.source == actors::error_source::merge);
  // Ordered by id, the stale row is the third: found wherever it is, not only first.
  BOOST_TEST(o.error.info.message.find("stale_data") != std::string::npos, o.error.to_string());
  BOOST_TEST(o.error.info.message.find("at row 2") != std::string::npos, o.error.to_string());
  BOOST_REQUIRE(r.failure);
  BOOST_TEST(r.failure->index == 0u);
  // All or nothing: the fresh rows before and after the stale one were not merged either.
  BOOST_TEST(snapshot_all(*session, 5) == before, boost::test_tools::per_element());

  // The control: without the stale row, check_version merges the same fresh rows.
  const auto fresh = c.gather({versioned_database::select_id(1), versioned_database::select_id(5)},
                              into(session, model::merge_policy::check_version));
  for (const auto& f : fresh.outcomes)
    BOOST_TEST(f.ok(), f.error.to_string());
  BOOST_TEST(snapshot_of(*session, 1) == (snapshot{before[0].object, 1, "renamed_1", false}));
  BOOST_TEST(snapshot_of(*session, 5) == (snapshot{before[4].object, 1, "renamed_5", false}));
  BOOST_TEST(snapshot_of(*session, 3) == before[2]);
}

BOOST_DATA_TEST_CASE(reject_dirty_rejects_a_row_for_an_object_with_unflushed_changes_and_keeps_them,
                     all_backends, backend) {
  versioned_database db{backend, "dirty"};
  client c{db.settings()};
  const auto session = loaded_session(c);
  session->modify(*session->find<vitem>(2), [](vitem& v) { v.name = "local"; });
  const auto before = snapshot_all(*session, 5);
  BOOST_REQUIRE(before[1].dirty);
  for (const auto mode : both_modes) {
    BOOST_TEST_CONTEXT("mode " << actors::to_string(mode)) {
      const auto got = gather_expecting_failure(
          c, {versioned_database::select_id(1), versioned_database::select_id(2)},
          into(session, model::merge_policy::reject_dirty, mode));
      check_merge_failure(got, 1, "dirty_object");
      BOOST_TEST(got.result.session == session);
      BOOST_TEST(std::string{got.result.outcomes.at(1).rows->row(0).text_at(2)} == "v_1");
      BOOST_TEST(snapshot_all(*session, 5) == before, boost::test_tools::per_element());
      BOOST_TEST(session->dirty_count() == 1u);
    }
  }

  // The control: a clean object's row merges under reject_dirty, newer values and all.
  db.write_behind_the_session(3, "theirs_3", true);
  const auto clean = c.gather({versioned_database::select_id(3)},
                              into(session, model::merge_policy::reject_dirty));
  BOOST_TEST(clean.outcomes.at(0).ok(), clean.outcomes.at(0).error.to_string());
  BOOST_TEST(snapshot_of(*session, 3) == (snapshot{before[2].object, 2, "theirs_3", false}));
  BOOST_TEST(snapshot_of(*session, 2) == before[1]);
}

BOOST_DATA_TEST_CASE(overwrite_replaces_the_values_of_loaded_objects_in_place, all_backends,
                     backend) {
  versioned_database db{backend, "overwrite"};
  client c{db.settings()};
  const auto session = loaded_session(c);
  const auto before = snapshot_all(*session, 5);
  db.write_behind_the_session(3, "theirs_3", true);
  session->modify(*session->find<vitem>(4), [](vitem& v) { v.name = "local"; });
  const auto r = c.gather({versioned_database::select_id(3), versioned_database::select_id(4)},
                          into(session, model::merge_policy::overwrite));
  for (const auto& o : r.outcomes)
    BOOST_TEST(o.ok(), o.error.to_string());
  BOOST_TEST(!r.failure);
  // The same objects (identity), with the database's values: a newer version is taken, and a
  // local change is overwritten (and no longer dirty: the object equals the row again).
  BOOST_TEST(snapshot_of(*session, 3) == (snapshot{before[2].object, 2, "theirs_3", false}));
  BOOST_TEST(snapshot_of(*session, 4) == (snapshot{before[3].object, 1, "v_3", false}));
  BOOST_TEST(session->dirty_count() == 0u);
  BOOST_TEST(session->size<vitem>() == 5u);
  BOOST_TEST(r.outcomes.at(0).result.all<vitem>().at(0) == before[2].object);
  BOOST_TEST(r.outcomes.at(1).result.all<vitem>().at(0) == before[3].object);
}

BOOST_AUTO_TEST_SUITE_END()
