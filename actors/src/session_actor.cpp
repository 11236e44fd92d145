#include "gatherdb/actors/session_actor.hpp"

#include <caf/all.hpp>

namespace gatherdb::actors {

session_actor::behavior_type
session(session_actor::pointer self, std::uint32_t index,
        std::shared_ptr<const std::vector<model::statement>> statements, steady_time gathered,
        steady_time deadline, std::shared_ptr<const gather_control> control, pool_actor pool,
        merge_actor merger) {
  work_item item;
  item.stmt = (*statements)[index];
  item.deadline = deadline;
  item.gathered = gathered;
  item.control = std::move(control);
  item.session = caf::actor_cast<session_actor>(self);
  item.batch = static_cast<std::uint32_t>(statements->size());
  self->send(pool, enqueue_atom::value, std::move(item));
  return {
      [=](done_atom, work_done& done) {
        self->send(merger, merge_atom::value, index, std::move(done));
        self->quit();
      },
  };
}

} // namespace gatherdb::actors
