// The example through gatherdb nodes: `gather_orm_statements --node` runs its set-up and its
// statements on the nodes and prints, for a seed, exactly what it prints on the database itself.

#include <cstdio>
#include <memory>
#include <string>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "nodes/nodes_fixture.hpp"

using namespace gatherdb;
using namespace gatherdb::nodes_test;
using test::all_backends;

namespace {

struct run_result {
  int status = -1;
  std::string out;
};

// Runs the example with `args` (shell-quoted by the caller); stdout and stderr together.
run_result example(const std::string& args) {
  const std::string cmd = std::string{GATHERDB_EXAMPLE_BINARY} + " " + args + " 2>&1";
  run_result r;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe{::popen(cmd.c_str(), "r"), ::pclose};
  BOOST_REQUIRE(pipe);
  char buf[4096];
  while (auto n = std::fread(buf, 1, sizeof(buf), pipe.get()))
    r.out.append(buf, n);
  r.status = ::pclose(pipe.release());
  return r;
}

std::string quoted(const std::string& s) {
  return "'" + s + "'";
}

} // namespace

BOOST_AUTO_TEST_SUITE(nodes_example)

BOOST_DATA_TEST_CASE(the_example_through_nodes_prints_what_it_prints_locally, all_backends,
                     backend) {
  const auto dsn = suite::connection_string(backend, "example");
  node_process a{{"default=" + dsn}};
  node_process b{{"default=" + dsn}};
  const auto seeded = " --seed 7 --statements 60 --rows 40";
  const auto remote = example("--node " + a.endpoint() + " --node " + b.endpoint() + seeded);
  const auto local = example("--dsn " + quoted(dsn) + seeded);
  BOOST_TEST(local.status == 0, local.out);
  BOOST_TEST(remote.status == 0, remote.out);
  BOOST_TEST(local.out.rfind("results: [", 0) == 0u, local.out);
  BOOST_TEST(remote.out == local.out);
}

BOOST_AUTO_TEST_CASE(the_example_refuses_a_node_with_a_dsn_or_tls_without_a_node) {
  const auto both = example("--node 127.0.0.1:1 --dsn x");
  BOOST_TEST(both.status != 0);
  BOOST_TEST(both.out.find("--node needs --mode gather") != std::string::npos, both.out);
  const auto tls_alone = example("--tls-ca ca.pem");
  BOOST_TEST(tls_alone.status != 0);
  BOOST_TEST(tls_alone.out.find("are for --node") != std::string::npos, tls_alone.out);
}

BOOST_AUTO_TEST_SUITE_END()
