#pragma once

#include <thread>

#include <caf/actor_system.hpp>
#include <caf/policy/work_sharing.hpp>
#include <caf/scheduler/coordinator.hpp>

#include "timeout_clock.hpp"

namespace gatherdb::actors::detail {

/// CAF's work-sharing scheduler with `timeout_clock` as the system's clock. Loaded by
/// `apply_scheduler_defaults` as the scheduler module when `scheduler.policy` is `sharing`.
/// (The base class still starts its own clock thread; nothing reaches that clock, so the
/// thread sleeps until shutdown.)
/// Thread-safety: as CAF's coordinator; owned by the actor system.
class sharing_coordinator : public caf::scheduler::coordinator<caf::policy::work_sharing> {
public:
  using super = caf::scheduler::coordinator<caf::policy::work_sharing>;

  explicit sharing_coordinator(caf::actor_system& sys) : super(sys) {}

  timeout_clock& clock() noexcept override { return clock_; }

protected:
  void start() override;
  void stop() override;

private:
  timeout_clock clock_;
  std::thread clock_thread_;
};

/// The scheduler module for `sys`: `sharing_coordinator` for `scheduler.policy=sharing`,
/// otherwise CAF's work-stealing coordinator (what CAF falls back to; CAF's profiled and
/// testing schedulers are not offered). For `actor_system_config::module_factories`, which
/// takes ownership of the result.
[[nodiscard]] caf::actor_system::module* make_scheduler(caf::actor_system& sys);

} // namespace gatherdb::actors::detail
