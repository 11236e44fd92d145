// The example through gatherdb nodes: `gather_orm_statements --node` runs its set-up and its
// statements on the nodes and prints, for a seed, exactly what it prints on the database itself.

#include <string>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "nodes/nodes_fixture.hpp"
#include "support/run_example.hpp"

using namespace gatherdb;
using namespace gatherdb::nodes_test;
using test::all_backends;

using test::quoted;

BOOST_AUTO_TEST_SUITE(nodes_example)

BOOST_DATA_TEST_CASE(the_example_through_nodes_prints_what_it_prints_locally, all_backends,
                     backend) {
  const auto dsn = suite::connection_string(backend, "example");
  node_process a{{"default=" + dsn}};
  node_process b{{"default=" + dsn}};
  const auto seeded = " --seed 7 --statements 60 --rows 40";
  const auto remote =
      test::run_example("--node " + a.endpoint() + " --node " + b.endpoint() + seeded);
  const auto local = test::run_example("--dsn " + quoted(dsn) + seeded);
  BOOST_TEST(local.status == 0, local.out);
  BOOST_TEST(remote.status == 0, remote.out);
  BOOST_TEST(local.out.rfind("results: [", 0) == 0u, local.out);
  BOOST_TEST(remote.out == local.out);
}

BOOST_AUTO_TEST_CASE(the_example_refuses_a_node_with_a_dsn_or_tls_without_a_node) {
  const auto both = test::run_example("--node 127.0.0.1:1 --dsn x");
  BOOST_TEST(both.status != 0);
  BOOST_TEST(both.out.find("--node needs --mode gather") != std::string::npos, both.out);
  const auto tls_alone = test::run_example("--tls-ca ca.pem");
  BOOST_TEST(tls_alone.status != 0);
  BOOST_TEST(tls_alone.out.find("are for --node") != std::string::npos, tls_alone.out);
}

BOOST_AUTO_TEST_SUITE_END()
