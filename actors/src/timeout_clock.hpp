#pragma once

#include <mutex>
#include <unordered_set>

#include <caf/actor_control_block.hpp>
#include <caf/detail/thread_safe_actor_clock.hpp>

namespace gatherdb::actors::detail {

/// CAF 0.17's clock, minus one round trip per terminating actor. CAF tells the clock of every
/// actor that ends (`cancel_timeouts`), which allocates an event, takes the clock's queue lock
/// and wakes the clock thread: more than spawning the actor, running it and sending two
/// messages together (bench/results/performance_notes.md). Session actors (one per statement)
/// never set a timeout, so this clock forwards the cancellation only for actors that did.
/// Thread-safety: thread-safe, like the clock it extends.
class timeout_clock : public caf::detail::thread_safe_actor_clock {
public:
  using super = caf::detail::thread_safe_actor_clock;

  void set_ordinary_timeout(time_point t, caf::abstract_actor* self, caf::atom_value type,
                            std::uint64_t id) override;

  void set_request_timeout(time_point t, caf::abstract_actor* self, caf::message_id id) override;

  void set_multi_timeout(time_point t, caf::abstract_actor* self, caf::atom_value type,
                         std::uint64_t id) override;

  void cancel_timeouts(caf::abstract_actor* self) override;

private:
  void note(const caf::abstract_actor* self);

  std::mutex mtx_;
  /// Actors that set a timeout and have not ended yet (actor IDs are never reused).
  std::unordered_set<caf::actor_id> timed_;
};

} // namespace gatherdb::actors::detail
