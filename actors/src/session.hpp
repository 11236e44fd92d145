#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gatherdb/actors/messages.hpp"

#include "route_table.hpp"

namespace gatherdb::actors {

/// What the session actors of one gather share. The coordinator creates it once per gather.
/// Thread-safety: immutable except `next_session`, which is atomic, and `placements`, whose
/// element `i` only statement `i`'s sessions touch, one after another; shared through
/// `std::shared_ptr<const gather_context>`.
struct gather_context {
  /// Where one statement went: its route and the pool of that route, and whether it moved
  /// to another pool of its route after losing its connection.
  struct placement {
    std::uint16_t route = 0;
    std::uint16_t pool = 0;
    bool moved = false;
    /// Executions before it moved.
    std::uint8_t attempts = 0;
  };

  std::shared_ptr<const std::vector<model::statement>> statements;
  steady_time gathered;
  steady_time deadline;
  std::shared_ptr<const gather_control> control;
  /// Every pool of the client, by route.
  std::shared_ptr<const route_table> routes;
  /// The gather's `route_chooser` (may be empty).
  std::function<std::string(const model::statement&)> chooser;
  /// One per statement when the client has more than one pool; empty otherwise (every
  /// statement then runs on the default route's only pool).
  mutable std::vector<placement> placements;
  merge_actor merger;
  /// The first statement whose session has not been started. The sessions of the first
  /// `settings::session_window` statements start as a ramp (below); each session that ends
  /// starts the next one, so that many at most are alive (a session actor is ~1 KB) and hold
  /// places in the pool's queue, whatever the batch size. Sessions start in statement
  /// order, so their statements reach the pool in that order: the pool keeps each gather's
  /// statements sorted, and out-of-order arrivals cost it a shift of every later statement
  /// queued. Every ending
  /// session increments it, also past the batch's end: 64 bits never wrap around.
  mutable std::atomic<std::size_t> next_session{0};
  /// The sessions of the first window start in slices of this many: the coordinator starts
  /// the first slice and each starting session of the window starts the one a slice further
  /// on. Started all at once, the pool would see the first statement only after every session
  /// of the window had started, while every connection idled.
  std::uint32_t ramp_slice = 1;
  /// The sessions of statements below this index are started by the ramp.
  std::uint32_t ramp_end = 0;
};

/// A session actor: cooperative, one per statement of a gather. It owns its statement, the
/// statement's deadline and outcome: its statement is placed with the pool on its behalf, it
/// receives the frozen result (or error) of the execution in autocommit and hands it to the
/// merge actor, then starts the session of the gather's next statement not started yet and
/// ends. A statement whose gather was stopped, or whose deadline passed before its session
/// started, ends without the pool. The sessions of the first window run as they start: each
/// places its own statement and carries the ramp on; every later session is spawned lazily
/// (`caf::lazy_init`) by the one that ended, which places its statement, so that it runs
/// only once, when its outcome arrives.
///
/// Routes: a statement runs on the route it names (`on`), else the one the gather's chooser
/// gives it, else `default`; an unknown route fails it (`error_source::route`). Idempotent
/// reads go to the least busy pool of their route and, after losing their connection, move
/// once to another of its pools; other statements go to the route's primary. A statement on
/// every route (`on_all_routes`, idempotent reads only) runs as one part actor per route;
/// its outcome is the first failed part's, else all parts' rows in route order.
session_actor::behavior_type session(session_actor::pointer self, std::uint32_t index,
                                     std::shared_ptr<const gather_context> gather);

} // namespace gatherdb::actors
