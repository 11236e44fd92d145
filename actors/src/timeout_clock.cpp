#include "timeout_clock.hpp"

#include <caf/abstract_actor.hpp>

namespace gatherdb::actors::detail {

void timeout_clock::set_ordinary_timeout(time_point t, caf::abstract_actor* self,
                                         caf::atom_value type, std::uint64_t id) {
  note(self);
  super::set_ordinary_timeout(t, self, type, id);
}

void timeout_clock::set_request_timeout(time_point t, caf::abstract_actor* self,
                                        caf::message_id id) {
  note(self);
  super::set_request_timeout(t, self, id);
}

void timeout_clock::set_multi_timeout(time_point t, caf::abstract_actor* self, caf::atom_value type,
                                      std::uint64_t id) {
  note(self);
  super::set_multi_timeout(t, self, type, id);
}

void timeout_clock::cancel_timeouts(caf::abstract_actor* self) {
  bool timed = false;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    timed = timed_.erase(self->id()) > 0;
  }
  // Only the three timeout kinds above are looked up by actor; delayed messages
  // (schedule_message) are not, and the clock delivers them whether or not the actor lives.
  if (timed)
    super::cancel_timeouts(self);
}

void timeout_clock::note(const caf::abstract_actor* self) {
  std::lock_guard<std::mutex> guard{mtx_};
  timed_.insert(self->id());
}

} // namespace gatherdb::actors::detail
