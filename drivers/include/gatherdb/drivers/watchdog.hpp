#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "gatherdb/drivers/cancel_handle.hpp"

namespace gatherdb::drivers {

/// Enforces deadlines and stop requests on running statements from its own thread, so that the
/// threads that execute (and the actors that schedule them) never block on `SQLCancel`.
/// A statement is watched from `watch()` until its `watch_guard` dies. When the deadline passes
/// it is cancelled with reason `timeout`; when its stop flag becomes true (and `poke()` is
/// called) it is cancelled with reason `cancelled`. A fired cancel is repeated every 100 ms
/// until the guard dies, which closes the race with an execution that was just starting.
/// Thread-safety: thread-safe.
class watchdog {
public:
  using clock = std::chrono::steady_clock;
  /// A stop flag shared by every statement of one unit of work (a gather, a client).
  using stop_flag = std::shared_ptr<const std::atomic<bool>>;

  class watch_guard;

  watchdog();
  ~watchdog();
  watchdog(const watchdog&) = delete;
  watchdog& operator=(const watchdog&) = delete;

  /// The process-wide instance (its thread starts on first use and is joined at exit).
  [[nodiscard]] static watchdog& instance();

  /// Watches one execution; `deadline == clock::time_point::max()` for none, `stop` may be
  /// null.
  [[nodiscard]] watch_guard watch(std::shared_ptr<cancel_handle> handle, clock::time_point deadline,
                                  stop_flag stop);

  /// Re-examines every stop flag now (call after setting one).
  void poke() noexcept;

private:
  /// One watched execution; a free slot has no handle.
  struct entry {
    std::shared_ptr<cancel_handle> handle;
    clock::time_point deadline;
    stop_flag stop;
    clock::time_point next_fire;
    bool fired = false;
  };

  /// The slots of the threads that hash to it. Each executing thread keeps to one shard, so
  /// connection workers watching and unwatching a statement each never wait for one another
  /// (with one shared lock, a worker preempted while holding it made the others sleep on it).
  /// Slots are reused (`free`): watching allocates nothing once a shard has grown.
  struct shard {
    std::mutex mtx;
    std::vector<entry> entries;
    std::vector<std::size_t> free;
  };

  static constexpr std::size_t shard_count = 16;

  void unwatch(std::size_t shard_index, std::size_t slot) noexcept;
  void run();
  /// Scans every shard, cancelling what is due; returns when it must scan again.
  clock::time_point scan();

  std::array<shard, shard_count> shards_;
  /// When the thread wakes next (`time_point::max()` while it scans, so that a watch arriving
  /// meanwhile wakes it); read without `mtx_` by `watch`.
  std::atomic<clock::rep> wake_at_{clock::time_point::max().time_since_epoch().count()};
  std::mutex mtx_; // guards poked_ and stopping_, the thread's reasons to wake
  std::condition_variable cv_;
  bool poked_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

/// Keeps one execution watched; unwatching waits for a cancel in progress on it to finish.
/// Thread-safety: owned by the executing thread.
class watchdog::watch_guard {
public:
  watch_guard(watch_guard&& other) noexcept
      : owner_(std::exchange(other.owner_, nullptr)), shard_(other.shard_), slot_(other.slot_) {}
  watch_guard& operator=(watch_guard&&) = delete;
  watch_guard(const watch_guard&) = delete;
  ~watch_guard() {
    if (owner_ != nullptr)
      owner_->unwatch(shard_, slot_);
  }

private:
  friend class watchdog;
  watch_guard(watchdog* owner, std::size_t shard, std::size_t slot) noexcept
      : owner_(owner), shard_(shard), slot_(slot) {}
  watchdog* owner_;
  std::size_t shard_;
  std::size_t slot_;
};

} // namespace gatherdb::drivers
