// Bad input gives a clear error (SQLSTATE, category, message), never a crash, and leaves the
// session state unchanged: invalid SQL, an unknown table, a bad DSN, a missing ODBC driver, a
// wrong password and an empty connection string, through client::gather (collect mode) and
// through drivers::connection::open.

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "faults_fixture.hpp"

using namespace gatherdb;
using namespace gatherdb::faults_test;
using test::all_backends;

namespace {

/// A connection string that cannot connect, and the SQLSTATEs it may fail with.
struct bad_dsn {
  std::string name;
  std::string dsn;
  std::vector<std::string> sqlstates;
  drivers::error_category category;
};

std::string wrong_password_dsn() {
  auto dsn = test::postgres_connection_string();
  const auto pos = dsn.find("Pwd=");
  BOOST_REQUIRE_MESSAGE(pos != std::string::npos, "GATHERDB_PG_DSN has no Pwd=");
  const auto end = dsn.find(';', pos);
  return dsn.substr(0, pos) + "Pwd=faults-Wrong-Secret-9" +
         (end == std::string::npos ? ";" : dsn.substr(end));
}

std::vector<bad_dsn> bad_dsns() {
  return {
      {"bad DSN", "DSN=faults_no_such_dsn;", {"IM002"}, drivers::error_category::connection},
      {"missing driver",
       "Driver={faults no such driver};Database=x;",
       {"01000", "IM002"},
       drivers::error_category::connection},
      {"wrong password",
       wrong_password_dsn(),
       {"08001", "28P01"},
       drivers::error_category::permission},
      {"empty connection string", "", {"IM002"}, drivers::error_category::connection},
  };
}

bool one_of(const std::string& s, const std::vector<std::string>& xs) {
  return std::find(xs.begin(), xs.end(), s) != xs.end();
}

/// A session holding 5 persistent objects, one of them modified (dirty).
std::shared_ptr<model::session_state> populated_session(client& c) {
  auto session = std::make_shared<model::session_state>();
  actors::gather_options o = collect();
  o.session = session;
  const auto r =
      c.gather({select_data(1), select_data(2), select_data(3), select_data(4), select_data(5)}, o);
  BOOST_REQUIRE_MESSAGE(all_ok(r), first_error(r));
  return session;
}

/// Everything observable about the session: objects, their values, pending/dirty counts.
std::string snapshot(const model::session_state& s) {
  std::string out = std::to_string(s.size<item>()) + "/" + std::to_string(s.pending_count()) + "/" +
                    std::to_string(s.dirty_count()) + ":";
  for (std::int64_t id = 1; id <= seeded_rows; ++id)
    if (const auto* obj = s.find<item>(id))
      out += model::repr(*obj) + ",";
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(faults_bad_input)

BOOST_DATA_TEST_CASE(invalid_sql_and_unknown_table_fail_with_sqlstate_and_leave_the_session_alone,
                     all_backends, backend) {
  seeded_database db{backend, "badsql"};
  client c{db.settings(2)};
  auto session = populated_session(c);
  session->modify(*session->find<item>(std::int64_t{2}), [](item& x) { x.data = "changed"; });
  const auto before = snapshot(*session);
  actors::gather_options o = collect();
  o.session = session;
  const auto r =
      c.gather({model::statement::raw("SELEC id FROM " + item_table(), {}, true),
                model::statement::raw_entities<item>("SELECT id, data FROM faults_no_such_table"),
                select_data(3)},
               o);
  const auto& syntax = r.outcomes.at(0);
  const auto& missing = r.outcomes.at(1);
  BOOST_TEST_MESSAGE(backend << ": invalid SQL -> " << syntax.error.to_string());
  BOOST_TEST_MESSAGE(backend << ": unknown table -> " << missing.error.to_string());
  for (const auto* x : {&syntax, &missing}) {
    BOOST_TEST(x->status == actors::outcome_status::failed);
    BOOST_TEST(x->error.source == actors::error_source::database);
    BOOST_TEST(x->error.info.category == drivers::error_category::syntax);
    BOOST_TEST(x->metrics.attempts == 1);
  }
  if (backend == backend::postgresql) {
    BOOST_TEST(syntax.error.info.sqlstate == "42601");
    BOOST_TEST(missing.error.info.sqlstate == "42P01");
  } else {
    BOOST_TEST(syntax.error.info.sqlstate == "HY000");
    BOOST_TEST(syntax.error.info.native_code == 1);
    BOOST_TEST(missing.error.info.sqlstate == "HY000");
    BOOST_TEST(missing.error.info.native_code == 1);
  }
  BOOST_TEST(syntax.error.info.message.find("SELEC") != std::string::npos);
  BOOST_TEST(missing.error.info.message.find("faults_no_such_table") != std::string::npos);
  // The good statement (a row already in the session, same values) merged; nothing changed.
  BOOST_REQUIRE(r.outcomes.at(2).ok());
  BOOST_TEST(snapshot(*session) == before);
  BOOST_TEST(session->dirty_count() == 1u);
  BOOST_TEST(session->find<item>(std::int64_t{2})->data == "changed");

  // The same SQL straight through the driver.
  auto conn = drivers::connection::open(db.dsn());
  try {
    (void)conn.execute("SELEC 1");
    BOOST_FAIL("invalid SQL did not throw");
  } catch (const drivers::database_error& e) {
    BOOST_TEST(e.category() == drivers::error_category::syntax, e.what());
  }
  BOOST_TEST(conn.execute("SELECT 1")->row(0).int64_at(0) == 1); // still usable
}

BOOST_AUTO_TEST_CASE(connection_failures_are_clear_through_open_and_through_gather) {
  seeded_database db{backend::postgresql, "baddsn"};
  client good{db.settings(2)};
  auto session = populated_session(good);
  const auto before = snapshot(*session);
  for (const auto& bad : bad_dsns()) {
    BOOST_TEST_CONTEXT(bad.name) {
      // drivers::connection::open
      const auto t0 = clock_type::now();
      try {
        (void)drivers::connection::open(bad.dsn, 2000ms);
        BOOST_FAIL("connecting did not fail");
      } catch (const drivers::database_error& e) {
        BOOST_TEST_MESSAGE(bad.name << " (open): " << e.info().to_string());
        BOOST_TEST(one_of(e.sqlstate(), bad.sqlstates), e.info().to_string());
        BOOST_TEST(e.category() == bad.category, e.info().to_string());
        BOOST_TEST(!e.info().message.empty());
        BOOST_TEST(e.info().message.find("faults-Wrong-Secret-9") == std::string::npos);
      }
      BOOST_TEST(millis(clock_type::now() - t0) < 3000);

      // client::gather, collect mode, into the populated session.
      auto s = db.settings(2);
      s.dsn = bad.dsn;
      s.login_timeout = 2000ms;
      client c{s};
      actors::gather_options o = collect();
      o.session = session;
      const auto r =
          c.gather({select_data(1), select_data(50), model::statement::raw("SELECT 1")}, o);
      BOOST_REQUIRE_EQUAL(r.outcomes.size(), 3u);
      for (const auto& out : r.outcomes) {
        BOOST_TEST(out.status == actors::outcome_status::failed);
        BOOST_TEST(out.error.source == actors::error_source::database);
        BOOST_TEST(one_of(out.error.info.sqlstate, bad.sqlstates), out.error.to_string());
        BOOST_TEST(out.error.info.category == bad.category);
        BOOST_TEST(out.error.to_string().find("faults-Wrong-Secret-9") == std::string::npos);
      }
      BOOST_TEST_MESSAGE(bad.name << " (gather): " << r.outcomes[0].error.to_string());
      BOOST_TEST(snapshot(*session) == before);
      // Fail-fast mode throws the same error.
      try {
        (void)c.gather({select_data(1)});
        BOOST_FAIL("fail_fast gather on a bad connection string did not throw");
      } catch (const actors::gather_error& e) {
        BOOST_TEST(one_of(e.error().info.sqlstate, bad.sqlstates), e.what());
      }
    }
  }
  // The good client was never disturbed.
  const auto after = good.gather(random_selects(10, 8), collect());
  BOOST_TEST(all_ok(after), first_error(after));
}

BOOST_AUTO_TEST_SUITE_END()
