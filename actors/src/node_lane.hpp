#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "gatherdb/actors/messages.hpp"
#include "gatherdb/actors/settings.hpp"

#include "connection_pool.hpp"
#include "node_attach.hpp"
#include "node_protocol.hpp"

namespace gatherdb::actors {

/// Statements each node of a route holds, summed over the route's lanes: a lane sends a chunk
/// to the node that holds fewest. Thread-safety: atomics, shared by the lanes of one route.
struct node_loads {
  explicit node_loads(std::size_t n) : in_flight(n) {}
  std::vector<std::atomic<std::uint32_t>> in_flight;
};

/// Statements of one pool chunk sent to one node in one request.
struct node_request {
  std::size_t node = 0;
  /// The pool chunk they belong to (`node_lane_state::jobs`).
  std::uint64_t job = 0;
  std::vector<work_item> items;
  /// Which of `items` have their outcome (the node sends some before the whole chunk ends),
  /// and how many have not.
  std::vector<bool> answered;
  std::size_t open = 0;
  /// Whether these statements already lost a node once (a read is retried once).
  bool retry = false;
  /// Gather tokens whose stop was already sent to the node.
  std::set<std::uint64_t> stops_sent;
  /// When the node counts as lost if it has not answered (its latest deadline and a grace).
  std::chrono::steady_clock::time_point give_up_at = std::chrono::steady_clock::time_point::max();
};

/// State of a node lane. Thread-safety: owned by the lane's own (detached) thread.
struct node_lane_state {
  std::uint32_t id = 0;
  std::string route;
  std::shared_ptr<const settings> config;
  std::vector<node_endpoint> nodes;
  std::shared_ptr<node_loads> loads;
  /// Requests in flight, by id; an answer or failure whose id is gone is ignored.
  std::map<std::uint64_t, node_request> requests;
  std::uint64_t next_request = 0;
  /// Pool chunks not finished: requests still out for each.
  std::map<std::uint64_t, std::size_t> jobs;
  std::uint64_t next_job = 0;
  bool tick_armed = false;
  /// A cooperative actor that sends the lane its ticks: a detached actor must never have a
  /// timeout or a delayed message pending in CAF's clock, whose reference to it can outlive
  /// the clock at shutdown and hang ~actor_system.
  caf::typed_actor<caf::reacts_to<expire_atom>, caf::reacts_to<done_atom>> ticker;

  static inline const char* name = "gatherdb.node_lane";
};

/// The worker factory of a pool for route `route` served by `nodes` ("host:port"): each slot
/// is a node lane, the connection worker of a pool whose route is served by gatherdb nodes
/// (`route_settings::nodes`), spawned `detached`: attaching to a node (`connect_atom`) blocks
/// in CAF's `remote_actor` and the handshake. It speaks the worker's protocol to its pool, so
/// the pool, sessions and merge actor are those of a local route; each chunk goes, compiled
/// for the node route's dialect, in one request to the route's node that holds the fewest
/// statements. A node lost while it holds statements (its actor down, the request failed or
/// timed out) costs only those: idempotent reads are sent once to another node of the route,
/// the rest fail with a `connection` error from `error_source::node`. A stopped gather or an
/// expired deadline reaches the node, which cancels what it runs. A lost node is attached
/// again when the next chunk comes, after a short backoff.
[[nodiscard]] worker_factory node_lane_factory(caf::actor_system& sys, std::string route,
                                               std::shared_ptr<const settings> config,
                                               std::vector<std::string> nodes);

} // namespace gatherdb::actors
