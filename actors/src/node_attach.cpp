#include "node_attach.hpp"

#include <algorithm>
#include <charconv>
#include <set>

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>

#include "node_wire.hpp"

namespace gatherdb::actors {

node_endpoint endpoint_of(const std::string& text) {
  node_endpoint n;
  n.name = text;
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return n;
  n.host = text.substr(0, colon);
  if (n.host.size() > 2 && n.host.front() == '[' && n.host.back() == ']')
    n.host = n.host.substr(1, n.host.size() - 2);
  const auto* first = text.data() + colon + 1;
  const auto* last = text.data() + text.size();
  std::uint16_t port = 0;
  auto [end, ec] = std::from_chars(first, last, port);
  if (ec == std::errc{} && end == last)
    n.port = port;
  return n;
}

namespace {

// The node actor published at `n`, within `bound`: CAF's own `remote_actor` waits for the
// middleman without a bound, so a peer that accepts TCP but never completes CAF's handshake
// would block this lane, and the client's shutdown behind it, for good. The middleman keeps
// such a connection pending; a later attach to `n` joins it and is bounded again.
caf::expected<detail::node_actor> remote_node(caf::actor_system& sys, const node_endpoint& n,
                                              bool tls, std::chrono::milliseconds bound) {
  auto mm = tls ? sys.openssl_manager().actor_handle() : sys.middleman().actor_handle();
  caf::expected<detail::node_actor> out{caf::sec::no_actor_published_at_port};
  caf::scoped_actor self{sys};
  self->request(mm, bound, caf::connect_atom_v, n.host, n.port)
      .receive(
          [&](caf::node_id&, caf::strong_actor_ptr& ptr, std::set<std::string>& interface) {
            if (!ptr)
              return;
            if (!sys.assignable(interface, sys.message_types<detail::node_actor>()))
              out = caf::make_error(caf::sec::unexpected_actor_messaging_interface);
            else
              out = caf::actor_cast<detail::node_actor>(std::move(ptr));
          },
          [&](caf::error& e) {
            out = e == caf::sec::request_timeout
                      ? caf::make_error(caf::sec::request_timeout,
                                        "no CAF handshake within " + std::to_string(bound.count()) +
                                            " ms")
                      : std::move(e);
          });
  return out;
}

} // namespace

void attach_node(caf::actor_system& sys, node_endpoint& n, const std::string& route,
                 const settings& config) {
  n.handle = nullptr;
  auto fail = [&n](std::string why, bool retryable) {
    n.error = drivers::error_info{"08001", 0, std::move(why), drivers::error_category::connection,
                                  retryable};
    n.failed_at = std::chrono::steady_clock::now();
  };
  if (n.port == 0)
    return fail("gatherdb node '" + n.name + "' is not host:port", false);
  if (!sys.has_middleman())
    return fail("route '" + route + "' is served by gatherdb nodes, which needs CAF's io " +
                    "middleman in the client's actor system",
                false);
  const bool tls = config.node_tls.enabled();
  if (tls && !sys.has_openssl_manager())
    return fail("TLS to gatherdb nodes needs CAF's openssl manager in the client's actor system",
                false);
  const auto bound = config.login_timeout;
  auto h = remote_node(sys, n, tls, bound);
  if (!h)
    return fail("cannot attach to gatherdb node " + n.name + ": " + sys.render(h.error()), true);
  std::string welcome;
  caf::error err;
  {
    caf::scoped_actor tmp{sys};
    tmp->request(*h, bound, detail::node_hello_atom::value, detail::encode_hello())
        .receive([&](std::string& w) { welcome = std::move(w); },
                 [&](caf::error& e) { err = std::move(e); });
  }
  if (err)
    return fail("gatherdb node " + n.name + " did not answer its handshake: " + sys.render(err),
                true);
  try {
    const auto w = detail::decode_welcome(welcome);
    if (w.version != detail::node_wire_version)
      return fail("gatherdb node " + n.name + " speaks wire version " + std::to_string(w.version) +
                      ", this client speaks wire version " +
                      std::to_string(detail::node_wire_version),
                  false);
    auto it = std::find_if(w.routes.begin(), w.routes.end(),
                           [&](const auto& r) { return r.first == route; });
    if (it == w.routes.end())
      return fail("gatherdb node " + n.name + " does not serve route '" + route + "'", false);
    n.dialect = it->second;
  } catch (const model::codec_error& e) {
    return fail("gatherdb node " + n.name + " sent a malformed handshake: " + e.what(), false);
  }
  n.handle = std::move(*h);
  n.error.reset();
}

} // namespace gatherdb::actors
