#pragma once

#include <memory>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/weak_intrusive_ptr.hpp>

#include "gatherdb/actors/gather_control.hpp"
#include "gatherdb/actors/messages.hpp"
#include "gatherdb/actors/settings.hpp"

#include "connection_pool.hpp"

namespace gatherdb::actors {

/// State of the coordinator. Thread-safety: owned by the coordinator actor.
struct coordinator_state {
  /// A gather's deadline, watched without keeping its merge actor alive.
  struct pending_deadline {
    steady_time due;
    caf::weak_actor_ptr merger;
  };

  std::shared_ptr<const settings> config;
  std::shared_ptr<control_registry> registry;
  pool_actor pool;
  std::vector<pending_deadline> deadlines;
  bool sweep_armed = false;

  static inline const char* name = "gatherdb.coordinator";
};

/// The coordinator, entry point of every gather: for `(gather_atom, gather_request)` it spawns
/// the gather's merge actor and one session actor per statement, and replies with the
/// `gather_result` (outcomes in statement order). It owns the connection pool (linked: they
/// stop together). `shutdown_atom` stops every gather in flight and ends the coordinator.
/// `registry` may be shared with a client that needs to stop gathers from outside the actor
/// system.
coordinator_actor::behavior_type
coordinator(coordinator_actor::stateful_pointer<coordinator_state> self,
            std::shared_ptr<const settings> config, std::shared_ptr<control_registry> registry,
            worker_factory make_worker);

} // namespace gatherdb::actors
