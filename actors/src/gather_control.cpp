#include "gatherdb/actors/gather_control.hpp"

#include <algorithm>

#include "gatherdb/drivers/watchdog.hpp"

namespace gatherdb::actors {

void gather_control::request_stop(bool shutdown) noexcept {
  if (shutdown)
    shutting_down.store(true, std::memory_order_release);
  if (!stop->exchange(true, std::memory_order_acq_rel))
    drivers::watchdog::instance().poke();
}

void control_registry::add(const std::shared_ptr<gather_control>& control) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (stopped_.load()) {
    control->request_stop(true);
    return;
  }
  controls_.push_back(control);
}

void control_registry::remove(const gather_control* control) noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  controls_.erase(std::remove_if(controls_.begin(), controls_.end(),
                                 [control](const std::weak_ptr<gather_control>& w) {
                                   auto p = w.lock();
                                   return !p || p.get() == control;
                                 }),
                  controls_.end());
}

void control_registry::stop_all() noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  stopped_.store(true);
  for (auto& w : controls_)
    if (auto p = w.lock())
      p->request_stop(true);
  controls_.clear();
}

} // namespace gatherdb::actors
