#include "gatherdb/drivers/watchdog.hpp"

#include <vector>

namespace gatherdb::drivers {

namespace {

constexpr auto refire_interval = std::chrono::milliseconds{100};
// Stop flags are polled this often even when nobody pokes.
constexpr auto stop_poll_interval = std::chrono::milliseconds{250};

// Threads take shards in turn, so the first few (a pool's connection workers) get one each.
std::size_t this_thread_shard() noexcept {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t mine = next.fetch_add(1, std::memory_order_relaxed);
  return mine;
}

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
  const auto shard_index = this_thread_shard() % shard_count;
  auto& sh = shards_[shard_index];
  // Waking the thread costs a context switch; only do it when it would sleep past the new
  // deadline (or sleep forever while a stop flag needs watching).
  const auto due = deadline != clock::time_point::max() ? deadline
                   : stop                               ? clock::now() + stop_poll_interval
                                                        : clock::time_point::max();
  std::size_t slot;
  {
    std::lock_guard<std::mutex> guard{sh.mtx};
    if (sh.free.empty()) {
      slot = sh.entries.size();
      sh.free.reserve(slot + 1); // so that `unwatch` never allocates
      sh.entries.emplace_back();
    } else {
      slot = sh.free.back();
      sh.free.pop_back();
    }
    sh.entries[slot] = entry{std::move(handle), deadline, std::move(stop), deadline, false};
  }
  // Read after the shard's lock: a scan that missed this entry set `wake_at_` (to max) before
  // it took that lock, so the entry is either scanned or seen to be due before the next wake.
  if (due.time_since_epoch().count() < wake_at_.load())
    poke();
  return watch_guard{this, shard_index, slot};
}

void watchdog::poke() noexcept {
  {
    // The thread waits for `poked_`: without it a notify is a spurious wake-up and it sleeps on
    // until its old wake time (forever when idle), missing a deadline.
    std::lock_guard<std::mutex> guard{mtx_};
    poked_ = true;
  }
  cv_.notify_one();
}

void watchdog::unwatch(std::size_t shard_index, std::size_t slot) noexcept {
  auto& sh = shards_[shard_index];
  entry gone;
  {
    // Cancels run under the shard's lock, so once it is released no cancel for `slot` is in
    // flight.
    std::lock_guard<std::mutex> guard{sh.mtx};
    gone = std::move(sh.entries[slot]); // leaves the slot without a handle: free
    sh.free.push_back(slot);            // within the capacity `watch` reserved
  }
  // The handle and the stop flag are released outside the lock.
}

watchdog::clock::time_point watchdog::scan() {
  const auto now = clock::now();
  auto next_wake = clock::time_point::max();
  for (auto& sh : shards_) {
    std::lock_guard<std::mutex> guard{sh.mtx};
    for (auto& e : sh.entries) {
      if (!e.handle)
        continue;
      bool stop_requested = e.stop && e.stop->load(std::memory_order_acquire);
      if ((stop_requested || now >= e.deadline) && (!e.fired || now >= e.next_fire)) {
        // Cancelling under the shard's lock blocks `unwatch` (never the executing statement)
        // for the driver's cancel round trip, and guarantees the handle is still in its run.
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
  }
  return next_wake;
}

void watchdog::run() {
  std::unique_lock<std::mutex> lock{mtx_};
  while (!stopping_) {
    poked_ = false;
    // While it scans, every watch wakes it (sets `poked_`) and it scans again.
    wake_at_.store(clock::time_point::max().time_since_epoch().count());
    lock.unlock(); // a poke must not wait for the scan's cancels
    const auto next_wake = scan();
    wake_at_.store(next_wake.time_since_epoch().count());
    lock.lock();
    auto pred = [this] { return stopping_ || poked_; };
    if (next_wake == clock::time_point::max())
      cv_.wait(lock, pred);
    else
      cv_.wait_until(lock, next_wake, pred);
  }
}

} // namespace gatherdb::drivers
