// Nodes in a CAF program's configuration: gatherdb.nodes (the route default) and
// gatherdb.route-nodes (a list of "host:port" per route), from the command line or
// caf-application.ini, become settings::nodes and route_settings::nodes; a route served by
// nodes needs no connection string.

#include <sstream>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "gatherdb/actors/config.hpp"

#include "route_table.hpp"

using gatherdb::actors::config;

BOOST_AUTO_TEST_SUITE(nodes_config)

BOOST_AUTO_TEST_CASE(nodes_from_the_command_line_become_settings) {
  config cfg;
  std::vector<std::string> args{"--gatherdb.nodes=[\"127.0.0.1:4242\", \"127.0.0.1:4243\"]",
                                "--gatherdb.route-nodes={eu=[\"10.0.0.5:4242\"]}"};
  std::istringstream no_ini;
  BOOST_REQUIRE(!cfg.parse(args, no_ini));
  const auto s = cfg.to_settings();
  BOOST_TEST(s.nodes == (std::vector<std::string>{"127.0.0.1:4242", "127.0.0.1:4243"}));
  BOOST_TEST_REQUIRE(s.routes.count("eu") == 1u);
  BOOST_TEST(s.routes.at("eu").nodes == std::vector<std::string>{"10.0.0.5:4242"});
  BOOST_TEST(s.routes.at("eu").dsns.empty());
  // Routes served by nodes need no connection string; default is the nodes, not the dsn.
  const auto routes = gatherdb::actors::route_table::routes_of(s);
  BOOST_TEST_REQUIRE(routes.size() == 2u);
  BOOST_TEST(routes[0].first == "default");
  BOOST_TEST(routes[0].second.nodes == s.nodes);
  BOOST_TEST(routes[0].second.dsns.empty());
  BOOST_TEST(routes[1].first == "eu");
}

BOOST_AUTO_TEST_CASE(nodes_from_caf_application_ini_become_settings) {
  config cfg;
  std::istringstream ini{"[gatherdb]\n"
                         "nodes=[\"127.0.0.1:4242\"]\n"
                         "route-nodes={us=[\"127.0.0.1:5000\", \"127.0.0.1:5001\"]}\n"};
  BOOST_REQUIRE(!cfg.parse(std::vector<std::string>{}, ini));
  const auto s = cfg.to_settings();
  BOOST_TEST(s.nodes == std::vector<std::string>{"127.0.0.1:4242"});
  BOOST_TEST(s.routes.at("us").nodes ==
             (std::vector<std::string>{"127.0.0.1:5000", "127.0.0.1:5001"}));
}

BOOST_AUTO_TEST_CASE(an_empty_node_address_is_refused) {
  gatherdb::actors::settings s;
  s.routes["eu"].nodes = {""};
  BOOST_CHECK_THROW((void)gatherdb::actors::route_table::routes_of(s), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
