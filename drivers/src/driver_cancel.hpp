#pragma once
// Private to drivers/src: cancelling through the driver itself, past the driver manager.

#include <sql.h>

namespace gatherdb::drivers::detail {

/// A driver's own `SQLCancel`.
using driver_cancel_fn = SQLRETURN (*)(SQLHSTMT);

/// Where a cancel for one statement goes: the driver's `SQLCancel` and the driver's handle of
/// that statement. unixODBC's `SQLCancel` takes no lock (at the default `Threading = 0`) and
/// yet clears the statement's diagnostic records and rewrites its state, racing the executing
/// thread's own calls on the statement (helgrind: writes in `SQLCancel` and `SQLExecute` to the
/// same fields, no lock in common); the driver's `SQLCancel` is made to be called while
/// another thread executes (psqlODBC only reads the statement's status and sends a cancel
/// request). `SQL_DRIVER_HSTMT` exists for calls like this one.
struct driver_cancel_target {
  driver_cancel_fn cancel = nullptr;
  SQLHSTMT driver_statement = SQL_NULL_HSTMT;

  [[nodiscard]] explicit operator bool() const noexcept {
    return cancel != nullptr && driver_statement != SQL_NULL_HSTMT;
  }
};

/// The driver's `SQLCancel` and handle for statement `stmt` of connection `dbc`; empty when
/// either cannot be found (the caller then cancels through the driver manager). The driver's
/// library is kept loaded for the rest of the process, so the function cannot be unloaded
/// under a cancel. Thread-safe.
[[nodiscard]] driver_cancel_target find_driver_cancel(SQLHDBC dbc, SQLHSTMT stmt) noexcept;

} // namespace gatherdb::drivers::detail
