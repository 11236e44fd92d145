// The warm pool (settings::min_connections): a client opens its connections in the background
// as soon as it is constructed; a statement only ever goes to a connection that is open, so
// nothing waits behind a connect while another connection is free; set-up work runs on a
// pooled connection (client::with_connection).

#include <chrono>
#include <future>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "gatherdb/drivers/error.hpp"
#include "gatherdb/model/executor.hpp"

#include "actors_fixture.hpp"
#include "support/tcp_proxy.hpp"

using namespace gatherdb;
using namespace gatherdb::actors_test;
using test::all_backends;

namespace {

// Generous: only a broken pool waits this long.
constexpr auto patience = std::chrono::seconds{60};

/// Polls `c.stats()` until `pred` holds; false after `patience`.
template <class Pred>
bool wait_for_stats(const client& c, Pred pred) {
  const auto until = std::chrono::steady_clock::now() + patience;
  while (std::chrono::steady_clock::now() < until) {
    if (pred(c.stats()))
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  return false;
}

/// GATHERDB_PG_DSN with its port replaced.
std::string with_port(std::string dsn, std::uint16_t port) {
  static const std::regex port_attr{"[Pp]ort=[0-9]+"};
  return std::regex_replace(dsn, port_attr, "Port=" + std::to_string(port));
}

std::uint16_t port_of(const std::string& dsn) {
  std::smatch m;
  static const std::regex port_attr{"[Pp]ort=([0-9]+)"};
  return std::regex_search(dsn, m, port_attr) ? static_cast<std::uint16_t>(std::stoi(m[1])) : 5432;
}

} // namespace

BOOST_AUTO_TEST_SUITE(actors_warm_pool)

BOOST_DATA_TEST_CASE(a_client_opens_its_pool_in_the_background_at_start, all_backends, backend) {
  seeded_database db{backend};
  client c{db.settings(3)};
  BOOST_TEST(wait_for_stats(c, [](const actors::pool_stats& s) { return s.connections == 3; }));
  const auto s = c.stats();
  BOOST_TEST(s.connecting == 0u);
  BOOST_TEST(s.busy == 0u);
}

BOOST_DATA_TEST_CASE(min_connections_of_zero_opens_connections_on_demand, all_backends, backend) {
  seeded_database db{backend};
  auto s = db.settings(3);
  s.min_connections = 0;
  client c{s};
  const auto before = c.stats();
  BOOST_TEST(before.connections == 0u);
  BOOST_TEST(before.connecting == 0u);
  const auto statements = random_selects(20, 3);
  check_equals_sequential(c.gather(statements), run_sequentially(db.dsn(), statements));
  BOOST_TEST(c.stats().connections >= 1u);
}

// Three of four connects are held by the proxy for as long as the test wants: a pool that gave
// a statement to a connecting worker would not finish the gather until they are released.
BOOST_AUTO_TEST_CASE(a_statement_never_waits_for_a_connecting_worker) {
  seeded_database db{backend::postgresql};
  test::tcp_proxy proxy{port_of(test::postgres_connection_string()), 1};
  auto s = db.settings(4);
  // A plain TCP forwarder, not a pooler: saying so keeps the driver from connecting twice.
  s.dsn = with_port(db.dsn(), proxy.port()) + "UseServerSidePrepare=1;";
  s.login_timeout = std::chrono::minutes{5};
  client c{s};
  BOOST_REQUIRE(wait_for_stats(
      c, [](const actors::pool_stats& st) { return st.connections == 1 && st.connecting == 3; }));
  const auto statements = random_selects(300, 5);
  auto gathered = std::async(std::launch::async, [&] { return c.gather(statements); });
  const bool finished = gathered.wait_for(patience) == std::future_status::ready;
  BOOST_TEST(c.stats().connecting == 3u); // still held: nothing could have run on them
  // The first connect passed and the second is held; connects run one at a time in the
  // process, so the last two still wait for it.
  BOOST_TEST(proxy.accepted() >= 2u);
  proxy.release();
  BOOST_REQUIRE_MESSAGE(finished, "the gather waited for connections that were still opening");
  check_equals_sequential(gathered.get(), run_sequentially(db.dsn(), statements));
  BOOST_TEST(wait_for_stats(c, [](const actors::pool_stats& st) { return st.connections == 4; }));
}

BOOST_DATA_TEST_CASE(with_connection_runs_set_up_work_on_a_pooled_connection, all_backends,
                     backend) {
  seeded_database db{backend};
  client c{db.settings(2)};
  const auto table = test::unique_name("gatherdb_setup");
  c.with_connection([&](model::executor& ex) {
    ex.execute("CREATE TABLE " + table + " (n BIGINT)", {});
    ex.begin();
    for (std::int64_t i = 0; i < 5; ++i)
      ex.execute("INSERT INTO " + table + " (n) VALUES (?)", {model::value{i}});
    ex.commit();
  });
  const auto result = c.gather({model::statement::raw(
      "SELECT CAST(COUNT(*) AS " + std::string{backend == backend::mariadb ? "SIGNED" : "BIGINT"} +
          ") AS n FROM " + table,
      {}, true)});
  BOOST_TEST(result.outcomes.at(0).rows->row(0).int64_at(0) == 5);
  // What the task throws reaches the caller, and the pool goes on.
  BOOST_CHECK_THROW(c.with_connection([](model::executor&) { throw std::domain_error("mine"); }),
                    std::domain_error);
  BOOST_CHECK_THROW(c.with_connection([](model::executor& ex) { ex.execute("SELEC nothing", {}); }),
                    drivers::database_error);
  c.with_connection([&](model::executor& ex) { ex.execute("DROP TABLE " + table, {}); });
  const auto statements = random_selects(20, 9);
  check_equals_sequential(c.gather(statements), run_sequentially(db.dsn(), statements));
}

BOOST_AUTO_TEST_CASE(with_connection_reports_the_connect_error_when_no_connection_opens) {
  actors::settings s;
  s.dsn = "Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=1;Database=x;Uid=u;Pwd=sentinel-pw;";
  s.pool_size = 2;
  client c{s};
  try {
    c.with_connection([](model::executor&) {});
    BOOST_FAIL("a task ran without a connection");
  } catch (const drivers::database_error& e) {
    BOOST_TEST(e.category() == drivers::error_category::connection);
    BOOST_TEST(std::string{e.what()}.find("sentinel-pw") == std::string::npos);
  }
  const auto result = c.gather(random_selects(10, 1), test::collect());
  for (const auto& o : result.outcomes) {
    BOOST_TEST(o.status == actors::outcome_status::failed);
    BOOST_TEST(o.error.info.category == drivers::error_category::connection);
  }
}

BOOST_AUTO_TEST_SUITE_END()
