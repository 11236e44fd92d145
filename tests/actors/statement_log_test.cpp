// The statement log (settings::log): with `statements` every statement of a gather gives exactly
// one line with its fields and no parameter values; `log_params` adds the values; `slow` keeps
// only statements at or over the threshold; the DSN's password never appears.

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "gatherdb/drivers/connection_string.hpp"

#include "actors_fixture.hpp"
#include "support/gather_options.hpp"

using namespace gatherdb;
using namespace gatherdb::actors_test;
using test::all_backends;
using test::server_backends;

namespace {

// A value only the parameters carry: it must not reach the log unless log_params is on.
const std::string param_sentinel = "logparam_sentinel_" + std::to_string(::getpid());

model::statement sentinel_lookup() {
  return model::select<item>().where(model::col(&item::data) == param_sentinel);
}

// The log file of one scenario, and the settings that write it.
struct logged_client_settings {
  actors::settings s;
  std::filesystem::path file;

  logged_client_settings(const seeded_database& db, actors::log_mode mode) : s(db.settings()) {
    file = test::scratch_dir::path() / (test::unique_name("statements") + ".log");
    s.log = mode;
    s.log_file = file.string();
    // A DSN without a password (SQLite, a trusted local server) gets one the driver ignores:
    // it still must never be logged.
    if (password().empty()) {
      if (!s.dsn.empty() && s.dsn.back() != ';')
        s.dsn += ';';
      s.dsn += "Pwd=log_secret_" + std::to_string(::getpid()) + ";";
    }
  }

  // The statement lines, read once the client is gone (its logger has written everything).
  [[nodiscard]] std::vector<std::string> lines() const {
    std::vector<std::string> out;
    std::ifstream in{file};
    for (std::string line; std::getline(in, line);)
      if (line.find(" statement gather=") != std::string::npos)
        out.push_back(line);
    return out;
  }

  [[nodiscard]] std::string text() const {
    std::ifstream in{file};
    return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  }

  [[nodiscard]] std::string password() const {
    auto p = drivers::find_attribute(s.dsn, "pwd");
    return p.empty() ? drivers::find_attribute(s.dsn, "password") : p;
  }
};

std::string field(const std::string& line, const std::string& key) {
  const auto at = line.find(" " + key + "=");
  if (at == std::string::npos)
    return {};
  const auto start = at + key.size() + 2;
  return line.substr(start, line.find(' ', start) - start);
}

gather_result run(const logged_client_settings& cfg, std::vector<model::statement> statements) {
  client c{cfg.s};
  return c.gather(std::move(statements), test::collect());
}

} // namespace

BOOST_AUTO_TEST_SUITE(actors_statement_log)

BOOST_DATA_TEST_CASE(statements_mode_writes_one_line_per_statement_without_values, all_backends,
                     backend) {
  seeded_database db{backend};
  logged_client_settings cfg{db, actors::log_mode::statements};
  const auto result =
      run(cfg, {select_data(5), select_data(17), sentinel_lookup(),
                model::statement::raw("SELECT * FROM gatherdb_no_such_table", {}, true)});
  BOOST_TEST_REQUIRE(result.outcomes.size() == 4U);
  const auto lines = cfg.lines();
  BOOST_TEST_REQUIRE(lines.size() == 4U, cfg.text());
  std::set<std::string> indexes;
  for (const auto& line : lines) {
    const auto index = field(line, "index");
    indexes.insert(index);
    BOOST_TEST(field(line, "gather") == field(lines[0], "gather"), line);
    BOOST_TEST(field(line, "route") == "default", line);
    for (const char* key : {"rows", "attempts", "batched", "coalesced", "queue_us", "execute_us",
                            "fetch_us", "merge_us"})
      BOOST_TEST(!field(line, key).empty(), key << " in " << line);
    BOOST_TEST(line.find(" sql=\"") != std::string::npos, line);
    if (index == "3") {
      BOOST_TEST(field(line, "status") == "failed", line);
      BOOST_TEST(field(line, "sqlstate") == test::missing_table_sqlstate(backend), line);
      BOOST_TEST(field(line, "params") == "0", line);
      BOOST_TEST(line.find("gatherdb_no_such_table") != std::string::npos, line);
    } else {
      BOOST_TEST(field(line, "status") == "ok", line);
      BOOST_TEST(field(line, "params") == "1", line);
      BOOST_TEST(field(line, "rows") == (index == "2" ? "0" : "1"), line);
    }
  }
  BOOST_TEST(indexes == (std::set<std::string>{"0", "1", "2", "3"}));
  const auto text = cfg.text();
  BOOST_TEST(text.find(param_sentinel) == std::string::npos);
  BOOST_TEST(text.find("'a_5'") == std::string::npos);
  BOOST_TEST(text.find(" values=") == std::string::npos);
  const auto password = cfg.password();
  BOOST_TEST_REQUIRE(!password.empty());
  BOOST_TEST(text.find(password) == std::string::npos);
}

BOOST_DATA_TEST_CASE(log_params_adds_the_parameter_values, all_backends, backend) {
  seeded_database db{backend};
  logged_client_settings cfg{db, actors::log_mode::statements};
  cfg.s.log_params = true;
  (void)run(cfg, {select_data(5), sentinel_lookup()});
  const auto lines = cfg.lines();
  BOOST_TEST_REQUIRE(lines.size() == 2U, cfg.text());
  const auto text = cfg.text();
  BOOST_TEST(text.find("values=\"['a_5']\"") != std::string::npos, text);
  BOOST_TEST(text.find(param_sentinel) != std::string::npos, text);
  BOOST_TEST(text.find(cfg.password()) == std::string::npos);
}

BOOST_DATA_TEST_CASE(slow_mode_with_threshold_0_logs_every_statement_and_with_an_hour_none,
                     all_backends, backend) {
  seeded_database db{backend};
  logged_client_settings everything{db, actors::log_mode::slow};
  everything.s.log_slow = std::chrono::milliseconds{0};
  (void)run(everything, {select_data(1), select_data(2), select_data(3)});
  BOOST_TEST(everything.lines().size() == 3U, everything.text());

  logged_client_settings nothing{db, actors::log_mode::slow};
  nothing.s.log_slow = std::chrono::hours{1};
  (void)run(nothing, {select_data(1), select_data(2), select_data(3)});
  BOOST_TEST(nothing.lines().empty(), nothing.text());
}

BOOST_DATA_TEST_CASE(slow_mode_logs_a_statement_that_sleeps_past_the_threshold, server_backends,
                     backend) {
  seeded_database db{backend};
  logged_client_settings cfg{db, actors::log_mode::slow};
  // The server sleeps 400 ms, so this statement's execute time is at least that whatever the
  // machine; the lookups' lines may or may not appear.
  cfg.s.log_slow = std::chrono::milliseconds{300};
  slow_statements slow{backend, db.dsn()};
  (void)run(cfg, {select_data(1), slow.lasting(400), select_data(2)});
  bool found = false;
  for (const auto& line : cfg.lines())
    found = found || field(line, "index") == "1";
  BOOST_TEST(found, cfg.text());
}

BOOST_AUTO_TEST_CASE(an_unknown_log_mode_is_not_parsed) {
  BOOST_TEST(!actors::parse_log_mode("loud"));
  BOOST_TEST((actors::parse_log_mode("slow") == actors::log_mode::slow));
  BOOST_TEST(actors::to_string(actors::log_mode::statements) == "statements");
}

BOOST_AUTO_TEST_SUITE_END()
