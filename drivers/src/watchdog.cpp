#include "gatherdb/drivers/watchdog.hpp"

#include <vector>

namespace gatherdb::drivers {

namespace {

constexpr auto refire_interval = std::chrono::milliseconds{100};
// Stop flags are polled this often even when nobody pokes.
constexpr auto stop_poll_interval = std::chrono::milliseconds{250};

} // namespace

watchdog::watchdog() : thread_([this] { run(); }) {}

watchdog::~watchdog() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

watchdog& watchdog::instance() {
  static watchdog instance;
  return instance;
}

watchdog::watch_guard watchdog::watch(std::shared_ptr<cancel_handle> handle,
                                      clock::time_point deadline, stop_flag stop) {
  std::size_t slot;
  bool wake;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (free_.empty()) {
      slot = entries_.size();
      free_.reserve(slot + 1); // so that `unwatch` never allocates
      entries_.emplace_back();
    } else {
      slot = free_.back();
      free_.pop_back();
    }
    // Waking the thread costs a context switch; only do it when it would sleep past the new
    // deadline (or sleep forever while a stop flag needs watching).
    auto due = deadline != clock::time_point::max() ? deadline
               : stop                               ? clock::now() + stop_poll_interval
                                                    : clock::time_point::max();
    wake = due < wake_at_;
    // The thread waits for `poked_`: without it a notify is a spurious wake-up and it sleeps on
    // until its old wake time (forever when idle), missing this deadline.
    if (wake)
      poked_ = true;
    entries_[slot] = entry{std::move(handle), deadline, std::move(stop), deadline, false};
  }
  if (wake)
    cv_.notify_one();
  return watch_guard{this, slot};
}

void watchdog::poke() noexcept {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    poked_ = true;
  }
  cv_.notify_one();
}

void watchdog::unwatch(std::size_t slot) noexcept {
  entry gone;
  {
    // Cancels run under the lock, so once it is released no cancel for `slot` is in flight.
    std::lock_guard<std::mutex> guard{mtx_};
    gone = std::move(entries_[slot]); // leaves the slot without a handle: free
    free_.push_back(slot);            // within the capacity `watch` reserved
  }
  // The handle and the stop flag are released outside the lock the other workers wait for.
}

void watchdog::run() {
  std::unique_lock<std::mutex> lock{mtx_};
  while (!stopping_) {
    auto now = clock::now();
    auto next_wake = clock::time_point::max();
    for (auto& e : entries_) {
      if (!e.handle)
        continue;
      bool stop_requested = e.stop && e.stop->load(std::memory_order_acquire);
      if ((stop_requested || now >= e.deadline) && (!e.fired || now >= e.next_fire)) {
        // Cancelling under the lock blocks `unwatch` (never the executing statement) for the
        // driver's cancel round trip, and guarantees the handle is still in its run.
        e.handle->cancel(stop_requested ? error_category::cancelled : error_category::timeout);
        e.fired = true;
        e.next_fire = now + refire_interval;
      }
      if (e.fired)
        next_wake = std::min(next_wake, e.next_fire);
      else if (e.deadline != clock::time_point::max())
        next_wake = std::min(next_wake, e.deadline);
      else if (e.stop)
        next_wake = std::min(next_wake, now + stop_poll_interval);
    }
    poked_ = false;
    wake_at_ = next_wake;
    auto pred = [this] { return stopping_ || poked_; };
    if (next_wake == clock::time_point::max())
      cv_.wait(lock, pred);
    else
      cv_.wait_until(lock, next_wake, pred);
  }
}

} // namespace gatherdb::drivers
