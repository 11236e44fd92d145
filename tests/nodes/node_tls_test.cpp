// Mutual TLS between clients and nodes: with a throwaway CA made by `openssl`, a client whose
// certificate the node's CA signed is served; a client without TLS, and one whose certificate
// another CA signed, are refused with a connection error and nothing hangs. A node refuses to
// listen on a non-loopback address without TLS, and listens there with it.

#include <cstdlib>
#include <fstream>
#include <iterator>

#include <boost/test/unit_test.hpp>

#include "nodes/nodes_fixture.hpp"

using namespace gatherdb;
using namespace gatherdb::nodes_test;

namespace {

// Runs a shell command; fails the test unless it exits 0.
void run(const std::string& command) {
  const int rc = std::system(command.c_str());
  BOOST_REQUIRE_MESSAGE(rc == 0, "'" << command << "' failed: " << rc);
}

// A CA (`<name>_ca.pem`) and certificates it signed for `node` and `client` in the scratch
// directory, with EC keys (fast to make); returns the directory's path with a trailing slash.
std::string make_ca(const std::string& name) {
  const auto dir = test::scratch_dir::path().string() + "/";
  const auto p = dir + name;
  const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  run("openssl req -x509" + ec + " -keyout " + p + "_ca.key -out " + p +
      "_ca.pem -days 2 -subj /CN=" + name + "_ca 2>/dev/null");
  for (const std::string who : {"node", "client"}) {
    run("openssl req" + ec + " -keyout " + p + "_" + who + ".key -out " + p + "_" + who +
        ".csr -subj /CN=127.0.0.1 2>/dev/null");
    run("openssl x509 -req -in " + p + "_" + who + ".csr -CA " + p + "_ca.pem -CAkey " + p +
        "_ca.key -CAcreateserial -out " + p + "_" + who + ".pem -days 2 2>/dev/null");
  }
  return dir;
}

std::vector<std::string> node_tls_args(const std::string& dir, const std::string& ca) {
  return {"--tls-ca",  dir + ca + "_ca.pem",  "--tls-cert", dir + ca + "_node.pem",
          "--tls-key", dir + ca + "_node.key"};
}

actors::tls_settings client_tls(const std::string& dir, const std::string& ca) {
  return {dir + ca + "_ca.pem", dir + ca + "_client.pem", dir + ca + "_client.key"};
}

void check_refused(const actors::gather_result& r) {
  for (const auto& o : r.outcomes) {
    BOOST_TEST(!o.ok());
    BOOST_TEST(to_string(o.error.info.category) == "connection", o.error.to_string());
  }
}

} // namespace

BOOST_AUTO_TEST_SUITE(nodes_tls)

BOOST_AUTO_TEST_CASE(a_client_certificate_of_the_nodes_ca_is_served_others_are_refused) {
  const auto dir = make_ca("ours");
  (void)make_ca("theirs");
  seeded_database db{backend::sqlite};
  node_process node{{"default=" + db.dsn()}, 0, 2, node_tls_args(dir, "ours")};
  const std::vector<model::statement> statements{suite::select_data(3), suite::select_data(4)};
  {
    auto s = node_settings({node.endpoint()});
    s.node_tls = client_tls(dir, "ours");
    actors::client c{s};
    const auto r = c.gather(statements, collect());
    for (const auto& o : r.outcomes) {
      BOOST_TEST(o.ok(), o.error.to_string());
      BOOST_TEST(o.metrics.node == node.endpoint());
    }
  }
  {
    actors::client plain{node_settings({node.endpoint()})};
    check_refused(plain.gather(statements, collect()));
  }
  {
    auto s = node_settings({node.endpoint()});
    s.node_tls = client_tls(dir, "theirs");
    actors::client foreign{s};
    check_refused(foreign.gather(statements, collect()));
  }
  // The node still serves its own clients after refusing the others.
  auto s = node_settings({node.endpoint()});
  s.node_tls = client_tls(dir, "ours");
  actors::client again{s};
  for (const auto& o : again.gather(statements, collect()).outcomes)
    BOOST_TEST(o.ok(), o.error.to_string());
}

BOOST_AUTO_TEST_CASE(a_non_loopback_address_needs_tls) {
  const auto err = test::scratch_dir::path().string() + "/refused.err";
  const int rc = std::system((std::string{GATHERDB_NODE_BINARY} +
                              " --listen 0.0.0.0:0 --dsn Driver=SQLite3\\;Database=" +
                              test::scratch_dir::path().string() + "/refused.db\\; 2>" + err)
                                 .c_str());
  BOOST_TEST(WIFEXITED(rc));
  BOOST_TEST(WEXITSTATUS(rc) == 1);
  std::ifstream in{err};
  const std::string text{std::istreambuf_iterator<char>{in}, {}};
  BOOST_TEST(text.find("needs TLS") != std::string::npos, text);

  const auto dir = make_ca("wide");
  seeded_database db{backend::sqlite};
  node_process node{{"default=" + db.dsn()}, 0, 2, node_tls_args(dir, "wide"), "0.0.0.0"};
  auto s = node_settings({node.endpoint()});
  s.node_tls = client_tls(dir, "wide");
  actors::client c{s};
  for (const auto& o : c.gather({suite::select_data(1)}, collect()).outcomes)
    BOOST_TEST(o.ok(), o.error.to_string());
}

BOOST_AUTO_TEST_CASE(unreadable_tls_files_are_refused_before_starting) {
  auto s = node_settings({"127.0.0.1:1"});
  s.node_tls = {"/nonexistent/ca.pem", "/nonexistent/c.pem", "/nonexistent/c.key"};
  BOOST_CHECK_THROW(actors::client{s}, std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
