#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include <caf/node_id.hpp>

#include "gatherdb/actors/messages.hpp"
#include "gatherdb/actors/settings.hpp"

#include "node_protocol.hpp"

namespace gatherdb::actors::detail {

/// One route of a node: its connection string's pool settings and its database's dialect.
struct node_route {
  std::shared_ptr<const settings> config;
  model::dialect dialect = model::dialect::other;
};

/// What the node service starts with; `in_flight` and `draining` are shared with its owner.
struct node_setup {
  std::map<std::string, node_route> routes;
  /// Chunks received and not answered yet.
  std::shared_ptr<std::atomic<std::size_t>> in_flight;
  /// Set by the owner: new chunks are refused.
  std::shared_ptr<std::atomic<bool>> draining;
};

/// State of the node service. Thread-safety: owned by the node service actor.
struct node_service_state {
  std::map<std::string, std::pair<pool_actor, model::dialect>> pools;
  std::string welcome;
  /// The gathers of the statements it runs, by (client process, client's token).
  std::map<std::pair<caf::node_id, std::uint64_t>, std::weak_ptr<gather_control>> gathers;
  std::shared_ptr<std::atomic<std::size_t>> in_flight;
  std::shared_ptr<std::atomic<bool>> draining;

  static inline const char* name = "gatherdb.node_service";
};

/// The actor a node publishes: a pool per route (linked), chunks decoded into work items for
/// them, one answer per chunk once all of its statements have ended, stops forwarded to the
/// gathers they name.
node_actor::behavior_type node_service(node_actor::stateful_pointer<node_service_state> self,
                                       node_setup setup);

} // namespace gatherdb::actors::detail
