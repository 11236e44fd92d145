#pragma once

#include <memory>
#include <mutex>

#include "gatherdb/drivers/error.hpp"

namespace gatherdb::drivers {

class prepared_statement;

/// Cancels the execution of one statement from another thread (`SQLCancel`).
/// A statement arms its handle only while `SQLExecute` runs, the one call a driver cancel may
/// overlap safely. A cancel that arrives during `prepared_statement::run` but outside that call is
/// kept: before it, the execution does not start; after it, the fetch stops at its next chunk.
/// One that arrives between runs is dropped, so a cancel never hits the *next* execution on
/// the same ODBC handle.
/// Thread-safety: thread-safe; shared between the executing thread and cancellers through
/// `std::shared_ptr`. It never owns the ODBC handle.
class cancel_handle {
public:
  /// Requests cancellation; `reason` is `cancelled` or `timeout` and becomes the category of
  /// the error the execution reports. May block for the driver's cancel round trip (a few ms
  /// on PostgreSQL), so call it from a thread that may block.
  void cancel(error_category reason = error_category::cancelled) noexcept;

  /// The reason of a cancel that hit the current (or last) execution, or `other` when none did.
  [[nodiscard]] error_category fired() const noexcept;

  /// Whether an execution is inside `SQLExecute` now, where `cancel` reaches it. A cancel that
  /// lands before the driver has started the statement on the server (or SQLite has started
  /// stepping it) is lost there, so a caller that must stop it cancels again until the run
  /// ends, as deadlines and stop flags do.
  [[nodiscard]] bool executing() const noexcept;

private:
  friend class prepared_statement;
  /// The statement's `SQLCancel`: the driver's own (`cancel_fn`, with the driver's handle), or
  /// the driver manager's when `cancel_fn` is null. `short (*)(void*)` is `SQLRETURN
  /// (*)(SQLHSTMT)`, spelled so that this header needs no ODBC header.
  void attach(void* hstmt, short (*cancel_fn)(void*)) noexcept;
  void detach() noexcept;
  /// Starts an execution; returns false (and stays disarmed) when a cancel is already pending.
  bool arm() noexcept;
  void disarm() noexcept;
  void reset() noexcept;

  mutable std::mutex mtx_;
  void* hstmt_ = nullptr;
  short (*cancel_fn_)(void*) = nullptr;
  bool armed_ = false;
  error_category fired_ = error_category::other;
};

} // namespace gatherdb::drivers
