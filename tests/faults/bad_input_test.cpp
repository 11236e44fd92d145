// Bad input gives a clear error (SQLSTATE, category, message), never a crash, and leaves the
// session state unchanged: invalid SQL, an unknown table, a bad DSN, a missing ODBC driver, a
// wrong password and an empty connection string, through client::gather (collect mode) and
// through drivers::connection::open.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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
  if (is_postgres(backend)) {
    BOOST_TEST(syntax.error.info.sqlstate == "42601");
    BOOST_TEST(missing.error.info.sqlstate == "42P01");
  } else if (backend == backend::mariadb) {
    BOOST_TEST(syntax.error.info.sqlstate == "42000");
    BOOST_TEST(syntax.error.info.native_code == 1064);
    BOOST_TEST(missing.error.info.sqlstate == "42S02");
    BOOST_TEST(missing.error.info.native_code == 1146);
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

// A TCP port on 127.0.0.1 that completes the handshake (the kernel's backlog) but never
// answers: a server that hangs while logging in.
class silent_listener {
public:
  silent_listener() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    BOOST_REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    BOOST_REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0);
    BOOST_REQUIRE(::listen(fd_, 64) == 0);
    BOOST_REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
  }
  silent_listener(const silent_listener&) = delete;
  silent_listener& operator=(const silent_listener&) = delete;
  ~silent_listener() { ::close(fd_); }
  [[nodiscard]] int port() const noexcept { return port_; }

private:
  int fd_;
  int port_ = 0;
};

BOOST_AUTO_TEST_CASE(a_server_that_never_answers_costs_one_login_timeout_not_one_per_statement) {
  // Once a connect has failed, a worker fails the statements that follow with that error for a
  // short backoff instead of connecting again for each (twice, with the retry of reads).
  silent_listener server;
  actors::settings s;
  s.dsn = "Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=" + std::to_string(server.port()) +
          ";Database=none;Uid=gatherdb;Pwd=faults-Wrong-Secret-9;";
  s.pool_size = 1;
  s.login_timeout = 1000ms;
  client c{s};
  std::vector<model::statement> statements;
  for (int i = 0; i < 30; ++i)
    statements.push_back(select_data(i + 1));
  const auto t0 = clock_type::now();
  const auto r = c.gather(statements, collect());
  const auto took = millis(clock_type::now() - t0);
  BOOST_TEST_MESSAGE("silent server: 30 statements failed in " << took << " ms; "
                                                               << r.outcomes[0].error.to_string());
  // A connect per statement takes 30 s (30 login timeouts); with the backoff ~2 s.
  BOOST_TEST(took < 15000);
  BOOST_REQUIRE_EQUAL(r.outcomes.size(), statements.size());
  for (const auto& out : r.outcomes) {
    BOOST_TEST(out.status == actors::outcome_status::failed);
    BOOST_TEST(out.error.source == actors::error_source::database);
    BOOST_TEST((out.error.info.category == drivers::error_category::connection ||
                out.error.info.category == drivers::error_category::timeout),
               out.error.to_string());
    BOOST_TEST(out.error.to_string().find("faults-Wrong-Secret-9") == std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()
