#pragma once
// Attaching a client to one gatherdb node: CAF's connect and handshake, then gatherdb's own
// (wire version, routes served), all within the client's `login_timeout`.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <caf/actor_system.hpp>

#include "gatherdb/actors/settings.hpp"
#include "gatherdb/drivers/error.hpp"
#include "gatherdb/model/dialect.hpp"

#include "node_protocol.hpp"

namespace gatherdb::actors {

/// One node of a route as a lane sees it. Thread-safety: owned by its lane.
struct node_endpoint {
  std::string host;
  std::uint16_t port = 0;
  /// "host:port", what `statement_metrics::node` says.
  std::string name;
  /// Null while not attached (never, lost, or refused).
  detail::node_actor handle;
  model::dialect dialect = model::dialect::other;
  /// Why it is not attached; when it failed last (a reconnect waits for a backoff).
  std::optional<drivers::error_info> error;
  std::chrono::steady_clock::time_point failed_at;
};

/// The endpoint "host:port" names ("[v6]:port" too); its port is 0 when `text` is not one.
[[nodiscard]] node_endpoint endpoint_of(const std::string& text);

/// Attaches to `n` for `route` (blocking: for detached actors only): sets `n.handle` and
/// `n.dialect`, or `n.error` and `n.failed_at`. Bounded by `config.login_timeout` per step; a
/// node of another wire version, or one that does not serve `route`, is refused.
void attach_node(caf::actor_system& sys, node_endpoint& n, const std::string& route,
                 const settings& config);

} // namespace gatherdb::actors
