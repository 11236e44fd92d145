#include "gatherdb/actors/session_actor.hpp"

#include <algorithm>

#include <caf/all.hpp>

#include "canned_outcomes.hpp"

namespace gatherdb::actors {

namespace {

// Hands the outcome to the merge actor and passes this session's place in the window on.
void finish(session_actor::pointer self, std::uint32_t index,
            const std::shared_ptr<const gather_context>& gather, work_done&& done) {
  self->send(gather->merger, merge_atom::value, index, std::move(done));
  const auto next = gather->next_session.fetch_add(1, std::memory_order_relaxed);
  if (next < gather->statements->size())
    self->spawn(session, static_cast<std::uint32_t>(next), gather);
}

} // namespace

session_actor::behavior_type session(session_actor::pointer self, std::uint32_t index,
                                     std::shared_ptr<const gather_context> gather) {
  // First, whatever happens to this statement: the ramp is the only way to that session.
  if (index < gather->ramp_end - std::min(gather->ramp_end, gather->ramp_slice))
    self->spawn(session, index + gather->ramp_slice, gather);
  // Statements of a stopped or expired gather end here, so the rest of the batch drains in a
  // few microseconds each instead of queueing at the pool.
  if (gather->control->stopped() || std::chrono::steady_clock::now() >= gather->deadline) {
    finish(self, index, gather,
           gather->control->stopped() ? detail::stopped_outcome(*gather->control)
                                      : detail::deadline_expired_outcome());
    return session_actor::behavior_type::make_empty_behavior();
  }
  work_item item;
  item.stmt = (*gather->statements)[index];
  item.deadline = gather->deadline;
  item.gathered = gather->gathered;
  item.control = gather->control;
  item.session = caf::actor_cast<session_actor>(self);
  item.batch = static_cast<std::uint32_t>(gather->statements->size());
  item.index = index;
  self->send(gather->pool, enqueue_atom::value, std::move(item));
  return {
      [=](done_atom, work_done& done) {
        finish(self, index, gather, std::move(done));
        self->quit();
      },
  };
}

} // namespace gatherdb::actors
