#pragma once

#include <memory>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/weak_intrusive_ptr.hpp>

#include "gatherdb/actors/gather_control.hpp"
#include "gatherdb/actors/messages.hpp"
#include "gatherdb/actors/settings.hpp"

#include "connection_pool.hpp"
#include "outcome_observers.hpp"
#include "route_table.hpp"

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
  /// Every pool, by route (the default route's primary: `routes->routes()[0]->pools[0]`).
  std::shared_ptr<const route_table> routes;
  std::vector<pending_deadline> deadlines;
  std::shared_ptr<const outcome_observers> observers;
  /// The id the next gather gets (for the statement log).
  std::uint64_t next_gather_id = 1;
  /// Merge actors still alive (monitored): a shutdown ends the coordinator, and with it the
  /// pools, only once each has replied to its requester.
  std::size_t gathers_in_flight = 0;
  bool stopping = false;
  bool sweep_armed = false;

  static inline const char* name = "gatherdb.coordinator";
};

/// The coordinator, entry point of every gather: for `(gather_atom, gather_request)` it spawns
/// the gather's merge actor and one session actor per statement, and replies with the
/// `gather_result` (outcomes in statement order). It owns one connection pool per connection
/// string of each route of `config` (linked: they stop together). `shutdown_atom` stops every
/// gather in flight and ends the coordinator once each has replied. `registry` may be shared with a
/// client that needs to stop gathers from outside the actor system. Every gather's final outcomes
/// go to `observers` (may be null); `metrics_atom` answers with their metrics and the pools'
/// figures. Throws `std::invalid_argument` for routes `route_table::routes_of` refuses.
coordinator_actor::behavior_type
coordinator(coordinator_actor::stateful_pointer<coordinator_state> self,
            std::shared_ptr<const settings> config, std::shared_ptr<control_registry> registry,
            worker_factory make_worker, std::shared_ptr<const outcome_observers> observers);

} // namespace gatherdb::actors
