// The `gatherdb` tool over several databases: --route adds them, --on picks one or all of them.
#include <string>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "gatherdb/drivers/connection.hpp"

#include "cli/cli_harness.hpp"
#include "support/backends.hpp"

namespace {

using namespace gatherdb::cli_test;
using json = nlohmann::json;

constexpr const char* sentinel = "S3ntinel-cli-route-pw";

// A SQLite database with a table t(x) holding `values`.
std::string shard(const std::string& name, const std::string& values) {
  const auto dsn = gatherdb::test::sqlite_connection_string(gatherdb::test::unique_name(name));
  auto conn = gatherdb::drivers::connection::open(dsn);
  (void)conn.execute("CREATE TABLE t (x TEXT)");
  (void)conn.execute("INSERT INTO t VALUES " + values);
  return dsn;
}

std::string route_args() {
  return "--dsn " + shell_quoted(shard("cli_default", "('d1')")) + " --route " +
         shell_quoted("eu=" + shard("cli_eu", "('e1'), ('e2')")) + " --format json";
}

std::string values_of(const json& rows) {
  std::string out;
  for (const auto& row : rows)
    out += row[0].get<std::string>() + ",";
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli_routes)

BOOST_AUTO_TEST_CASE(on_names_the_route_every_statement_runs_on) {
  const auto args = route_args();
  auto dflt = run(args, "SELECT x FROM t\n");
  BOOST_TEST_REQUIRE(dflt.status == 0, dflt.err);
  auto eu = run(args + " --on eu", "SELECT x FROM t ORDER BY x\n");
  BOOST_TEST_REQUIRE(eu.status == 0, eu.err);
  BOOST_TEST(values_of(json::parse(dflt.out)[0]["rows"]) == "d1,");
  BOOST_TEST(values_of(json::parse(eu.out)[0]["rows"]) == "e1,e2,");
}

BOOST_AUTO_TEST_CASE(on_all_concatenates_every_routes_rows_in_route_order) {
  auto r = run(route_args() + " --on all", "SELECT x FROM t ORDER BY x\n");
  BOOST_TEST_REQUIRE(r.status == 0, r.err);
  BOOST_TEST(values_of(json::parse(r.out)[0]["rows"]) == "d1,e1,e2,");
  // A write is not run on every route.
  auto w = run(route_args() + " --on all", "DELETE FROM t\n");
  BOOST_TEST(w.status == 1);
  BOOST_TEST(w.err.find("every route") != std::string::npos, w.err);
}

BOOST_AUTO_TEST_CASE(a_route_line_switches_the_route_of_the_statements_after_it) {
  auto r = run(route_args(), "SELECT x FROM t\n\\route eu\nSELECT x FROM t ORDER BY x\n"
                             "\\route all\nSELECT x FROM t ORDER BY x\n");
  BOOST_TEST_REQUIRE(r.status == 0, r.err);
  const auto out = json::parse(r.out);
  BOOST_TEST_REQUIRE(out.size() == 3u);
  BOOST_TEST(values_of(out[0]["rows"]) == "d1,");
  BOOST_TEST(values_of(out[1]["rows"]) == "e1,e2,");
  BOOST_TEST(values_of(out[2]["rows"]) == "d1,e1,e2,");
}

BOOST_AUTO_TEST_CASE(an_unknown_route_fails_its_statements_and_names_the_routes) {
  auto r = run(route_args() + " --on mars", "SELECT 1\n");
  BOOST_TEST(r.status == 1);
  BOOST_TEST(r.err.find("no route named 'mars' (routes: default, eu)") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(malformed_routes_are_usage_errors_and_passwords_stay_hidden) {
  const auto dsn = shell_quoted(gatherdb::test::sqlite_connection_string("cli_m"));
  for (const char* bad : {"--route eu", "--route =x", "--route eu=", "--on ''"}) {
    BOOST_TEST_CONTEXT(bad) {
      auto r = run("--dsn " + dsn + " " + std::string{bad}, "SELECT 1\n");
      BOOST_TEST(r.status == 2);
      BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, r.err);
    }
  }
  // A route nobody answers on fails its own statements, never showing its password.
  const std::string refused = std::string{"Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=1;"
                                          "Uid=u;Pwd="} +
                              sentinel + ";";
  auto r = run("--dsn " + dsn + " --route " + shell_quoted("down=" + refused) + " --on down",
               "SELECT 1\n");
  BOOST_TEST(r.status == 1);
  BOOST_TEST(r.err.find("08001") != std::string::npos, r.err);
  BOOST_TEST(r.out.find(sentinel) == std::string::npos);
  BOOST_TEST(r.err.find(sentinel) == std::string::npos, r.err);
}

BOOST_AUTO_TEST_SUITE_END()
