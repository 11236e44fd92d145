// Optimistic locking against a real database: objects of a versioned entity are loaded through
// a gather into a long-lived session state; another connection updates one of their rows (a
// new version); `session_state::commit` then fails with `flush_error` for that object, rolls
// the whole unit of work back and leaves the session as it was: the objects still dirty with
// their versions, the pending insert still pending, nothing half-flushed in the session or in
// the database. Once the stale object is refreshed, the same commit succeeds.

#include <memory>
#include <string>

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

actors::gather_options into(const std::shared_ptr<model::session_state>& session) {
  auto o = test::collect();
  o.session = session;
  return o;
}

/// The database holds row `id` with this version and name.
void check_row(versioned_database& db, std::int64_t id, std::int64_t version,
               const std::string& name) {
  BOOST_TEST_CONTEXT("row " << id) {
    const auto [v, n] = db.row(id);
    BOOST_TEST(v == version);
    BOOST_TEST(n == name);
  }
}

void commit_through(const client& c, model::session_state& session) {
  c.with_connection([&session](model::executor& ex) { session.commit(ex); });
}

} // namespace

BOOST_AUTO_TEST_SUITE(actors_optimistic_lock)

BOOST_DATA_TEST_CASE(commit_of_an_object_updated_concurrently_fails_and_flushes_nothing,
                     all_backends, backend) {
  versioned_database db{backend, "optimistic"};
  client c{db.settings()};
  auto session = std::make_shared<model::session_state>();
  const auto loaded = c.gather({versioned_database::select_all()}, into(session));
  BOOST_REQUIRE_MESSAGE(loaded.outcomes.at(0).ok(), loaded.outcomes.at(0).error.to_string());
  const auto* fresh = session->find<vitem>(2);
  const auto* stale = session->find<vitem>(4);
  BOOST_REQUIRE(fresh != nullptr);
  BOOST_REQUIRE(stale != nullptr);
  BOOST_REQUIRE_EQUAL(stale->version, 1);

  // The unit of work, in flush order: one insert, the fresh object's update, the stale one's.
  const auto& added = session->add(vitem{0, 0, "added"});
  session->modify(*fresh, [](vitem& v) { v.name = "mine_2"; });
  session->modify(*stale, [](vitem& v) { v.name = "mine_4"; });
  db.write_behind_the_session(4, "theirs_4", true); // the database now holds version 2

  bool failed = false;
  try {
    commit_through(c, *session);
  } catch (const model::flush_error& e) {
    failed = true;
    BOOST_TEST_MESSAGE(backend << ": " << e.what());
    BOOST_TEST(e.is_update());
    BOOST_TEST(e.failed_index() == 2u);
    BOOST_TEST(e.object_repr().find("mine_4") != std::string::npos, e.object_repr());
  }
  BOOST_REQUIRE_MESSAGE(failed, "commit of a stale object did not throw flush_error");

  // The session is as before the commit: nothing applied, nothing forgotten.
  BOOST_TEST(session->is_pending(added));
  BOOST_TEST(added.id == 0);
  BOOST_TEST(session->pending_count() == 1u);
  BOOST_TEST(session->dirty_count() == 2u);
  BOOST_TEST(session->is_dirty(*fresh));
  BOOST_TEST(fresh->version == 1);
  BOOST_TEST(fresh->name == "mine_2");
  BOOST_TEST(session->is_dirty(*stale));
  BOOST_TEST(stale->version == 1);
  BOOST_TEST(stale->name == "mine_4");
  BOOST_TEST(session->size<vitem>() == 5u);
  // The database too: the transaction was rolled back as a whole.
  check_row(db, 2, 1, "v_1");
  check_row(db, 4, 2, "theirs_4");
  BOOST_TEST(db.count_named("added") == 0);

  // The control: refreshed from the database (overwrite drops its local change), the stale
  // object no longer conflicts, and the same unit of work commits.
  const auto refreshed = c.gather({versioned_database::select_id(4)}, into(session));
  BOOST_REQUIRE_MESSAGE(refreshed.outcomes.at(0).ok(), refreshed.outcomes.at(0).error.to_string());
  BOOST_TEST(stale->version == 2);
  BOOST_TEST(!session->is_dirty(*stale));
  commit_through(c, *session);
  BOOST_TEST(session->pending_count() == 0u);
  BOOST_TEST(session->dirty_count() == 0u);
  BOOST_TEST(added.id > 5);
  BOOST_TEST(fresh->version == 2);
  check_row(db, 2, 2, "mine_2");
  check_row(db, 4, 2, "theirs_4");
  check_row(db, added.id, 1, "added");
}

BOOST_AUTO_TEST_SUITE_END()
