// Attaching to nodes: a node of another wire version is refused at the handshake with an
// error naming both versions, and an address where no node listens, or a peer that never
// completes the handshake, fails the statements with a node connection error instead of
// hanging. The nodes here are in-process fakes published through
// CAF's io middleman in an actor system of their own.

#include <arpa/inet.h>
#include <future>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "gatherdb/actors/config.hpp"

#include "node_protocol.hpp"
#include "node_wire.hpp"
#include "nodes/nodes_fixture.hpp"
#include "support/tcp_proxy.hpp"

using namespace gatherdb;
using namespace gatherdb::nodes_test;

namespace {

// A node that speaks wire version `version`: its welcome says so, and it runs nothing.
actors::detail::node_actor::behavior_type other_version_node(std::uint32_t version) {
  auto welcome = actors::detail::encode_welcome(
      {actors::detail::node_wire_version, {{"default", model::dialect::sqlite}}});
  // The version follows the 4-byte magic, little-endian.
  for (int i = 0; i < 4; ++i)
    welcome[4 + i] = static_cast<char>((version >> (8 * i)) & 0xff);
  return {
      [welcome](actors::detail::node_hello_atom, const std::string&) { return welcome; },
      [](actors::detail::node_run_atom, const std::string&) -> caf::result<std::string> {
        return caf::make_error(caf::sec::runtime_error, std::string{"runs nothing"});
      },
      [](actors::detail::node_stop_atom, std::uint64_t) {},
  };
}

struct fake_node {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  actors::detail::node_actor node;
  std::uint16_t port = 0;

  explicit fake_node(std::uint32_t version) {
    cfg.load<caf::io::middleman>();
    sys = std::make_unique<caf::actor_system>(cfg);
    node = sys->spawn(other_version_node, version);
    auto p = sys->middleman().publish(node, 0, "127.0.0.1");
    BOOST_REQUIRE(p);
    port = *p;
  }
  ~fake_node() {
    caf::anon_send_exit(node, caf::exit_reason::user_shutdown);
    node = nullptr;
  }
};

// A port where nothing listens: bound by a plain socket, then closed. (Published and
// unpublished through a throwaway CAF system instead, its doorman leaked at times under LSan.)
std::uint16_t closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  BOOST_REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  BOOST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  socklen_t len = sizeof(addr);
  BOOST_REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

} // namespace

BOOST_AUTO_TEST_SUITE(nodes_attach)

BOOST_AUTO_TEST_CASE(a_node_of_another_wire_version_is_refused_naming_both_versions) {
  fake_node node{99};
  actors::client c{node_settings({"127.0.0.1:" + std::to_string(node.port)})};
  const auto r = c.gather({suite::select_data(1)}, collect());
  BOOST_REQUIRE_EQUAL(r.outcomes.size(), 1u);
  const auto& e = r.outcomes[0].error;
  BOOST_TEST(!r.outcomes[0].ok());
  BOOST_TEST(to_string(e.source) == "node");
  BOOST_TEST(to_string(e.info.category) == "connection");
  BOOST_TEST(e.info.message.find("speaks wire version 99") != std::string::npos, e.info.message);
  BOOST_TEST(e.info.message.find("this client speaks wire version " +
                                 std::to_string(actors::detail::node_wire_version)) !=
                 std::string::npos,
             e.info.message);
}

BOOST_AUTO_TEST_CASE(no_node_listening_fails_with_a_connection_error) {
  const auto port = closed_port();
  actors::client c{node_settings({"127.0.0.1:" + std::to_string(port)})};
  const auto r = c.gather({suite::select_data(1), suite::select_data(2)}, collect());
  for (const auto& o : r.outcomes) {
    BOOST_TEST(!o.ok());
    BOOST_TEST(to_string(o.error.source) == "node");
    BOOST_TEST(to_string(o.error.info.category) == "connection");
    BOOST_TEST(o.error.info.message.find("127.0.0.1:" + std::to_string(port)) != std::string::npos,
               o.error.info.message);
  }
}

BOOST_AUTO_TEST_CASE(a_peer_that_accepts_but_never_handshakes_fails_within_the_login_timeout) {
  test::tcp_proxy silent{1, 0}; // accepts every connection and never says a word
  auto s = node_settings({"127.0.0.1:" + std::to_string(silent.port())});
  s.login_timeout = std::chrono::milliseconds{300};
  // The client is made and destroyed inside: its shutdown must not wait for the silent peer.
  auto running = std::async(std::launch::async, [&s] {
    actors::client c{s};
    return c.gather({suite::select_data(1), suite::select_data(2)}, collect());
  });
  BOOST_REQUIRE(running.wait_for(std::chrono::seconds{50}) == std::future_status::ready);
  const auto r = running.get();
  BOOST_REQUIRE_EQUAL(r.outcomes.size(), 2u);
  for (const auto& o : r.outcomes) {
    BOOST_TEST(!o.ok());
    BOOST_TEST(to_string(o.error.source) == "node");
    BOOST_TEST(to_string(o.error.info.category) == "connection");
    BOOST_TEST(o.error.info.message.find("no CAF handshake within 300 ms") != std::string::npos,
               o.error.info.message);
  }
}

BOOST_AUTO_TEST_CASE(a_route_with_nodes_needs_no_connection_string_and_refuses_set_up_work) {
  fake_node node{actors::detail::node_wire_version};
  auto s = node_settings({"127.0.0.1:" + std::to_string(node.port)});
  s.dsn.clear();
  actors::client c{s};
  BOOST_CHECK_THROW(c.with_connection([](model::executor&) {}), drivers::database_error);
}

BOOST_AUTO_TEST_SUITE_END()
