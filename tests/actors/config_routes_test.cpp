// Routes in a CAF program's configuration: the gatherdb.routes dictionary (a list of connection
// strings per route) from the command line or caf-application.ini becomes settings::routes, and
// --dump-config never shows a route's password.

#include <cstdio>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "gatherdb/actors/config.hpp"

namespace {

using gatherdb::actors::config;

constexpr const char* sentinel = "S3ntinel-route-pw";

// What `f` writes to stdout (CAF prints --dump-config there).
template <class F>
std::string captured_stdout(F f) {
  std::fflush(stdout);
  char path[] = "/tmp/gatherdb-config-XXXXXX";
  const int fd = ::mkstemp(path);
  BOOST_REQUIRE(fd >= 0);
  const int saved = ::dup(STDOUT_FILENO);
  ::dup2(fd, STDOUT_FILENO);
  f();
  std::fflush(stdout);
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  ::lseek(fd, 0, SEEK_SET);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
    out.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  ::unlink(path);
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(actors_config_routes)

BOOST_AUTO_TEST_CASE(routes_from_the_command_line_become_settings_routes) {
  config cfg;
  std::vector<std::string> args{
      "--gatherdb.routes={eu=[\"Driver=SQLite3;Database=eu1.db;\", "
      "\"Driver=SQLite3;Database=eu2.db;\"], us=[\"Driver=SQLite3;Database=us.db;\"]}"};
  std::istringstream no_ini;
  BOOST_REQUIRE(!cfg.parse(args, no_ini));
  const auto s = cfg.to_settings();
  BOOST_TEST_REQUIRE(s.routes.size() == 2u);
  BOOST_TEST(s.routes.at("eu").dsns ==
             (std::vector<std::string>{"Driver=SQLite3;Database=eu1.db;",
                                       "Driver=SQLite3;Database=eu2.db;"}));
  BOOST_TEST(s.routes.at("us").dsns == std::vector<std::string>{"Driver=SQLite3;Database=us.db;"});
}

BOOST_AUTO_TEST_CASE(routes_from_the_config_file_become_settings_routes) {
  config cfg;
  std::istringstream ini{"[gatherdb]\n"
                         "dsn=\"Driver=SQLite3;Database=main.db;\"\n"
                         "routes={eu=[\"Driver=SQLite3;Database=eu.db;\"], "
                         "us=[\"Driver=SQLite3;Database=us.db;\"]}\n"};
  BOOST_REQUIRE(!cfg.parse(std::vector<std::string>{}, ini));
  const auto s = cfg.to_settings();
  BOOST_TEST(s.dsn == "Driver=SQLite3;Database=main.db;");
  BOOST_TEST_REQUIRE(s.routes.size() == 2u);
  BOOST_TEST(s.routes.at("eu").dsns.size() == 1u);
  BOOST_TEST(s.routes.at("us").dsns == std::vector<std::string>{"Driver=SQLite3;Database=us.db;"});
}

BOOST_AUTO_TEST_CASE(dump_config_shows_the_routes_without_their_passwords) {
  config cfg;
  std::vector<std::string> args{std::string{"--gatherdb.routes={eu=[\"Driver=SQLite3;PWD="} +
                                    sentinel + ";\"]}",
                                "--dump-config"};
  std::istringstream no_ini;
  const auto out = captured_stdout([&] { BOOST_TEST(!cfg.parse(args, no_ini)); });
  BOOST_TEST(out.find("routes") != std::string::npos, out);
  BOOST_TEST(out.find("***") != std::string::npos, out);
  BOOST_TEST(out.find(sentinel) == std::string::npos, out);
  // Redaction is for output only: the settings keep the secret for connecting.
  BOOST_TEST(cfg.to_settings().routes.at("eu").dsns.at(0).find(sentinel) != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
