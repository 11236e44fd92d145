#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace gatherdb::actors {

/// Shared by every statement of one gather: the stop flag that cancels the ones outstanding
/// (fail_fast, shutdown). Connection workers check it before each statement and
/// `drivers::watchdog` cancels a running one when it turns true.
/// Thread-safety: thread-safe (atomics only).
struct gather_control {
  std::shared_ptr<std::atomic<bool>> stop = std::make_shared<std::atomic<bool>>(false);
  /// Raised by a client shutdown rather than by a failure: outcomes then say `shutdown`.
  std::atomic<bool> shutting_down{false};

  /// Stops the gather's outstanding statements; running ones are cancelled within
  /// milliseconds by the watchdog thread.
  void request_stop(bool shutdown) noexcept;
  [[nodiscard]] bool stopped() const noexcept { return stop->load(std::memory_order_acquire); }
};

/// The gathers in flight on one coordinator, so that a shutdown can stop them all.
/// Thread-safety: thread-safe.
class control_registry {
public:
  void add(const std::shared_ptr<gather_control>& control);
  /// Forgets finished gathers.
  void remove(const gather_control* control) noexcept;
  /// Stops every gather in flight and every gather added afterwards.
  void stop_all() noexcept;
  [[nodiscard]] bool stopped() const noexcept { return stopped_.load(); }

private:
  std::mutex mtx_;
  std::vector<std::weak_ptr<gather_control>> controls_;
  std::atomic<bool> stopped_{false};
};

} // namespace gatherdb::actors
