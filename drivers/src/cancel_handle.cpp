#include "gatherdb/drivers/cancel_handle.hpp"

#include "odbc.hpp"

namespace gatherdb::drivers {

void cancel_handle::cancel(error_category reason) noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  if (fired_ == error_category::other)
    fired_ = reason;
  // Holding the lock keeps the handle from being disarmed and freed under SQLCancel.
  if (hstmt_ != nullptr && armed_)
    SQLCancel(static_cast<SQLHSTMT>(hstmt_));
}

error_category cancel_handle::fired() const noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  return fired_;
}

void cancel_handle::attach(void* hstmt) noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  hstmt_ = hstmt;
}

void cancel_handle::detach() noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  hstmt_ = nullptr;
  armed_ = false;
}

bool cancel_handle::arm() noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  if (fired_ != error_category::other)
    return false;
  armed_ = true;
  return true;
}

void cancel_handle::disarm() noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  armed_ = false;
}

void cancel_handle::reset() noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  fired_ = error_category::other;
}

} // namespace gatherdb::drivers
