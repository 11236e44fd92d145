#include "session.hpp"

#include <algorithm>

#include <caf/all.hpp>

#include "canned_outcomes.hpp"

namespace gatherdb::actors {

namespace {

// Places statement `index` with the pool on behalf of its session `owner`; a statement of a
// stopped or expired gather gets its outcome at once instead, so the rest of the batch drains
// in a few microseconds each instead of queueing at the pool.
void place(session_actor::pointer self, std::uint32_t index,
           const std::shared_ptr<const gather_context>& gather, const session_actor& owner) {
  if (gather->control->stopped() || std::chrono::steady_clock::now() >= gather->deadline) {
    self->send(owner, done_atom::value,
               gather->control->stopped() ? detail::stopped_outcome(*gather->control)
                                          : detail::deadline_expired_outcome());
    return;
  }
  work_item item;
  item.stmt = (*gather->statements)[index];
  item.deadline = gather->deadline;
  item.gathered = gather->gathered;
  item.control = gather->control;
  item.session = owner;
  item.gather_size = static_cast<std::uint32_t>(gather->statements->size());
  item.index = index;
  self->send(gather->pool, enqueue_atom::value, std::move(item));
}

// Hands the outcome to the merge actor and passes this session's place in the window on:
// the next session is spawned lazily and its statement placed from here, so that it runs
// once, when its outcome arrives, instead of also once to place its statement (~650
// instructions per session on the scheduler thread).
void finish(session_actor::pointer self, std::uint32_t index,
            const std::shared_ptr<const gather_context>& gather, work_done&& done) {
  self->send(gather->merger, merge_atom::value, index, std::move(done));
  const auto next = gather->next_session.fetch_add(1, std::memory_order_relaxed);
  if (next < gather->statements->size()) {
    const auto i = static_cast<std::uint32_t>(next);
    place(self, i, gather, self->spawn<caf::lazy_init>(session, i, gather));
  }
}

} // namespace

session_actor::behavior_type session(session_actor::pointer self, std::uint32_t index,
                                     std::shared_ptr<const gather_context> gather) {
  // The first window's sessions run as they start (the others only when their outcome
  // arrives): each carries the ramp on, whatever happens to its own statement, and places
  // its statement itself.
  if (index < gather->ramp_end - std::min(gather->ramp_end, gather->ramp_slice))
    self->spawn(session, index + gather->ramp_slice, gather);
  if (index < gather->ramp_end)
    place(self, index, gather, caf::actor_cast<session_actor>(self));
  return {
      [=](done_atom, work_done& done) {
        finish(self, index, gather, std::move(done));
        self->quit();
      },
  };
}

} // namespace gatherdb::actors
