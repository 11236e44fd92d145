#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>

#include "timeout_clock.hpp"

namespace gatherdb::actors::detail {

/// A work-sharing scheduler (one central FIFO queue, `scheduler.max-threads` threads) with
/// `timeout_clock` as the system's clock. Loaded by `apply_scheduler_defaults` as the scheduler
/// module when `scheduler.policy` is `sharing`.
///
/// It replaces CAF's `coordinator<work_sharing>` rather than extending it because that one's
/// per-job costs are paid about twice per statement: its worker loop does a `dynamic_cast` and
/// a locked hash-map update (CAF's logger bookkeeping) and its queue is a `std::list` (an
/// allocation per job). Its threads also run without CAF's thread-local logger between jobs,
/// so that `scheduled_actor::resume` skips the same bookkeeping; with Debian's CAF
/// (`CAF_LOG_LEVEL_QUIET`) nothing is logged either way, and with a logging CAF the threads
/// keep the logger (the saving is measured in bench/results/performance_notes.md).
/// Thread-safety: thread-safe; owned by the actor system.
class sharing_scheduler final : public caf::scheduler::abstract_coordinator {
public:
  using super = caf::scheduler::abstract_coordinator;

  explicit sharing_scheduler(caf::actor_system& sys);
  ~sharing_scheduler() override;
  sharing_scheduler(const sharing_scheduler&) = delete;
  sharing_scheduler& operator=(const sharing_scheduler&) = delete;

  /// Queues `job` (whose reference the caller passes on) for any scheduler thread.
  void enqueue(caf::resumable* job) override;

  timeout_clock& clock() noexcept override { return clock_; }

protected:
  void start() override;
  void stop() override;

private:
  class worker;

  /// Blocks until a job is queued and takes it.
  caf::resumable* dequeue();

  timeout_clock clock_;
  std::thread clock_thread_;
  std::mutex mtx_;
  std::condition_variable cv_;
  std::deque<caf::resumable*> queue_;
  std::vector<std::unique_ptr<worker>> workers_;
};

/// The scheduler module for `sys`: `sharing_scheduler` for `scheduler.policy=sharing`,
/// otherwise CAF's work-stealing coordinator (what CAF falls back to; CAF's profiled and
/// testing schedulers are not offered). For `actor_system_config::module_factories`, which
/// takes ownership of the result.
[[nodiscard]] caf::actor_system::module* make_scheduler(caf::actor_system& sys);

} // namespace gatherdb::actors::detail
