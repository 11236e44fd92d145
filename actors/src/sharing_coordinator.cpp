#include "sharing_coordinator.hpp"

#include <memory>

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/defaults.hpp>
#include <caf/detail/set_thread_name.hpp>
#include <caf/policy/work_stealing.hpp>

namespace gatherdb::actors::detail {

void sharing_coordinator::start() {
  // Running before any actor does: actors may set timeouts as soon as the workers start.
  clock_thread_ = std::thread{[this] {
    caf::detail::set_thread_name("gatherdb.clock");
    system().thread_started();
    clock_.run_dispatch_loop();
    system().thread_terminates();
  }};
  super::start();
}

void sharing_coordinator::stop() {
  // After the workers and utility actors are gone, as CAF stops its own clock.
  super::stop();
  clock_.cancel_dispatch_loop();
  clock_thread_.join();
}

caf::actor_system::module* make_scheduler(caf::actor_system& sys) {
  const auto policy =
      caf::get_or(sys.config(), "scheduler.policy", caf::defaults::scheduler::policy);
  // CAF's module interface hands over ownership as a raw pointer.
  if (policy == caf::atom("sharing"))
    return std::make_unique<sharing_coordinator>(sys).release();
  return std::make_unique<caf::scheduler::coordinator<caf::policy::work_stealing>>(sys).release();
}

} // namespace gatherdb::actors::detail
