#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include <caf/typed_response_promise.hpp>

#include "gatherdb/actors/gather_control.hpp"
#include "gatherdb/actors/messages.hpp"

#include "in_order_buffer.hpp"
#include "outcome_observers.hpp"
#include "route_table.hpp"

namespace gatherdb::actors {

/// State of one gather's merge actor. Thread-safety: owned by the merge actor; the session
/// state is touched by nobody else while the gather runs.
struct merge_actor_state {
  std::shared_ptr<const std::vector<model::statement>> statements;
  gather_options options;
  std::shared_ptr<gather_control> control;
  std::shared_ptr<control_registry> registry;
  steady_time started;
  std::shared_ptr<const outcome_observers> observers;
  std::uint64_t gather_id = 0;
  /// The route names, for merging each statement's rows under its route's identity token.
  std::shared_ptr<const route_table> routes;
  gather_result result;
  /// Outcomes that arrived before an earlier statement's, merged once the prefix is complete.
  /// Usually about the session window long; a statement that runs much longer than the rest
  /// lets it grow towards the batch size, which the gather's result holds in the end anyway.
  detail::in_order_buffer<work_done> arrivals{0};
  std::optional<caf::typed_response_promise<gather_result>> promise;

  static inline const char* name = "gatherdb.merge_actor";
};

/// The merge actor of one gather: owns the session state while the gather runs and merges the
/// frozen results into it in statement order as soon as the prefix is complete (load=false: no
/// SQL), with the gather's conflict policy. In `fail_fast` mode the first error stops the
/// gather's outstanding statements. Replies to `gather_atom` once every statement has ended,
/// after handing the final outcomes to `observers` (metrics, statement log) under `gather_id`.
/// Rows merge under the identity token of the route they were read through (`routes`); a
/// statement on every route merges each route's rows under its own.
merge_actor::behavior_type merger(merge_actor::stateful_pointer<merge_actor_state> self,
                                  std::shared_ptr<const std::vector<model::statement>> statements,
                                  gather_options options, std::shared_ptr<gather_control> control,
                                  std::shared_ptr<control_registry> registry, steady_time started,
                                  std::shared_ptr<const outcome_observers> observers,
                                  std::uint64_t gather_id,
                                  std::shared_ptr<const route_table> routes);

} // namespace gatherdb::actors
