#pragma once
// Private to drivers/src: the ODBC environment and diagnostic helpers.

#include <mutex>
#include <string_view>

#include <sql.h>
#include <sqlext.h>

#include "gatherdb/drivers/error.hpp"

namespace gatherdb::drivers::detail {

/// The one process-wide `SQLHENV` (ODBC 3), created on first use, thread-safe.
[[nodiscard]] SQLHENV environment();

/// Serializes connect/disconnect for every driver: neither is safe doing them concurrently on
/// a shared environment (sqlite3odbc crashed or hung in 2-6 of 30 runs of 16 threads x 200;
/// psqlODBC's SQLDriverConnect calls setlocale, and ASan caught one connect reading a locale
/// name another connect had freed). The price: a connect to an unresponsive server holds the
/// others back for up to its login timeout.
[[nodiscard]] std::mutex& connect_mutex() noexcept;

[[nodiscard]] inline bool succeeded(SQLRETURN rc) noexcept {
  return rc == SQL_SUCCESS || rc == SQL_SUCCESS_WITH_INFO;
}

/// A statement handle freed when it goes out of scope, for the one-shot statements run outside
/// `prepared_statement` (session set-up, probes). Owns the handle; not thread-safe.
class statement_handle {
public:
  /// Allocates a statement on `dbc`; false when that failed.
  explicit statement_handle(SQLHDBC dbc) noexcept {
    if (!succeeded(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &handle_)))
      handle_ = SQL_NULL_HSTMT;
  }
  statement_handle(const statement_handle&) = delete;
  statement_handle& operator=(const statement_handle&) = delete;
  ~statement_handle() {
    if (handle_ != SQL_NULL_HSTMT)
      SQLFreeHandle(SQL_HANDLE_STMT, handle_);
  }

  [[nodiscard]] explicit operator bool() const noexcept { return handle_ != SQL_NULL_HSTMT; }
  [[nodiscard]] SQLHSTMT get() const noexcept { return handle_; }

private:
  SQLHSTMT handle_ = SQL_NULL_HSTMT;
};

/// Reads every diagnostic record of `handle` into one classified, redacted error; `d` selects
/// the rules for the driver's native codes.
[[nodiscard]] error_info diagnose(SQLSMALLINT handle_type, SQLHANDLE handle, model::dialect d,
                                  std::string_view secret_source);

/// Throws `diagnose(...)` as a `database_error`, prefixed with `what`.
[[noreturn]] void throw_diagnostics(SQLSMALLINT handle_type, SQLHANDLE handle, model::dialect d,
                                    std::string_view secret_source, std::string_view what);

} // namespace gatherdb::drivers::detail
