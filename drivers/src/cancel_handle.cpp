#include "gatherdb/drivers/cancel_handle.hpp"

#include <type_traits>

#include "odbc.hpp"

namespace gatherdb::drivers {

static_assert(std::is_same_v<SQLRETURN, short> && std::is_same_v<SQLHSTMT, void*>,
              "cancel_handle spells SQLRETURN (*)(SQLHSTMT) as short (*)(void*)");

void cancel_handle::cancel(error_category reason) noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  if (fired_ == error_category::other)
    fired_ = reason;
  // Holding the lock keeps the handle from being disarmed and freed under SQLCancel.
  if (hstmt_ == nullptr || !armed_)
    return;
  if (cancel_fn_ != nullptr)
    (void)cancel_fn_(hstmt_);
  else
    (void)SQLCancel(static_cast<SQLHSTMT>(hstmt_));
}

error_category cancel_handle::fired() const noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  return fired_;
}

bool cancel_handle::executing() const noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  return armed_;
}

void cancel_handle::attach(void* hstmt, short (*cancel_fn)(void*)) noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  hstmt_ = hstmt;
  cancel_fn_ = cancel_fn;
}

void cancel_handle::detach() noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  hstmt_ = nullptr;
  cancel_fn_ = nullptr;
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
