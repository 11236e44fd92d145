#include "sharing_scheduler.hpp"

#include <utility>

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/defaults.hpp>
#include <caf/detail/set_thread_name.hpp>
#include <caf/execution_unit.hpp>
#include <caf/logger.hpp>
#include <caf/policy/work_stealing.hpp>
#include <caf/scheduler/coordinator.hpp>

namespace gatherdb::actors::detail {

namespace {

// Without a thread-local logger CAF skips its per-job logger bookkeeping; only a CAF that logs
// needs it.
constexpr bool caf_logs = CAF_LOG_LEVEL != CAF_LOG_LEVEL_QUIET;

// Ends the scheduler thread that runs it; one is queued per thread at shutdown.
class stop_thread final : public caf::resumable {
public:
  resume_result resume(caf::execution_unit*, size_t) override { return shutdown_execution_unit; }
  void intrusive_ptr_add_ref_impl() override {}
  void intrusive_ptr_release_impl() override {}
};

} // namespace

/// One scheduler thread: runs queued jobs until it meets a `stop_thread`.
/// Thread-safety: `exec_later` from its own thread; the rest from the coordinator.
class sharing_scheduler::worker final : public caf::execution_unit {
public:
  explicit worker(sharing_scheduler& parent)
      : caf::execution_unit(&parent.system()), parent_(parent) {}

  // Actors that this thread's jobs schedule go to the central queue like any other.
  void exec_later(caf::resumable* job) override { parent_.enqueue(job); }

  void start() {
    thread_ = std::thread{[this] {
      caf::detail::set_thread_name("gatherdb.sched");
      if constexpr (caf_logs)
        caf::logger::set_current_actor_system(&system());
      system().thread_started();
      run();
      system().thread_terminates();
    }};
  }

  void join() { thread_.join(); }

private:
  void run() {
    const auto throughput = parent_.max_throughput();
    for (;;) {
      auto* job = parent_.dequeue();
      const auto res = job->resume(this, throughput);
      // A spawn sets the logger again (`actor_system::spawn_impl`).
      if constexpr (!caf_logs)
        caf::logger::set_current_actor_system(nullptr);
      switch (res) {
      case caf::resumable::resume_later:
        // The queue keeps the job's reference.
        parent_.enqueue(job);
        break;
      case caf::resumable::done:
      case caf::resumable::awaiting_message:
        caf::intrusive_ptr_release(job);
        break;
      case caf::resumable::shutdown_execution_unit:
        return;
      }
    }
  }

  sharing_scheduler& parent_;
  std::thread thread_;
};

sharing_scheduler::sharing_scheduler(caf::actor_system& sys) : super(sys) {}

sharing_scheduler::~sharing_scheduler() = default;

void sharing_scheduler::enqueue(caf::resumable* job) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    queue_.push_back(job);
  }
  cv_.notify_one();
}

caf::resumable* sharing_scheduler::dequeue() {
  std::unique_lock<std::mutex> guard{mtx_};
  cv_.wait(guard, [this] { return !queue_.empty(); });
  auto* job = queue_.front();
  queue_.pop_front();
  return job;
}

void sharing_scheduler::start() {
  // Running before any actor does: actors may set timeouts as soon as the workers start.
  clock_thread_ = std::thread{[this] {
    caf::detail::set_thread_name("gatherdb.clock");
    system().thread_started();
    clock_.run_dispatch_loop();
    system().thread_terminates();
  }};
  workers_.reserve(num_workers());
  for (std::size_t i = 0; i < num_workers(); ++i)
    workers_.push_back(std::make_unique<worker>(*this));
  for (auto& w : workers_)
    w->start();
  super::start(); // utility actors
}

void sharing_scheduler::stop() {
  // CAF's order: scheduler threads first (each ends at the first stop it dequeues, after the
  // jobs queued before it), then utility actors, then whatever is still queued, then the clock.
  stop_thread stop;
  for (std::size_t i = 0; i < workers_.size(); ++i)
    enqueue(&stop);
  for (auto& w : workers_)
    w->join();
  stop_actors();
  std::deque<caf::resumable*> rest;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    rest.swap(queue_);
  }
  for (auto* job : rest)
    cleanup_and_release(job);
  clock_.cancel_dispatch_loop();
  clock_thread_.join();
}

caf::actor_system::module* make_scheduler(caf::actor_system& sys) {
  const auto policy =
      caf::get_or(sys.config(), "scheduler.policy", caf::defaults::scheduler::policy);
  // CAF's module interface hands over ownership as a raw pointer.
  if (policy == caf::atom("sharing"))
    return std::make_unique<sharing_scheduler>(sys).release();
  return std::make_unique<caf::scheduler::coordinator<caf::policy::work_stealing>>(sys).release();
}

} // namespace gatherdb::actors::detail
