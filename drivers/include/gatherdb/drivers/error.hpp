#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "gatherdb/model/dialect.hpp"

namespace gatherdb::drivers {

/// What kind of failure a database error is, independent of the driver's own codes.
enum class error_category : std::uint8_t {
  connection, ///< cannot connect, or the connection was lost (SQLSTATE 08xxx, 57P01)
  timeout,    ///< a deadline, query timeout or lock wait expired
  cancelled,  ///< cancelled on request (SQLCancel)
  constraint, ///< integrity constraint violated (23xxx, SQLite 19)
  syntax,     ///< bad SQL, unknown table or column (42xxx, SQLite 1)
  permission, ///< authentication or authorization refused
  data,       ///< a value the database cannot hold or convert (22xxx), or one refused before
              ///< sending (text with a NUL byte or invalid UTF-8): the caller's bad input
  other,
};

/// Lower-case name of a category. Thread-safe.
[[nodiscard]] std::string_view to_string(error_category c) noexcept;

/// One failure as the database and driver reported it. Messages are redacted: they never hold
/// a password. Thread-safety: a value type.
struct error_info {
  /// Five-character SQLSTATE ("42P01", "HY000", ...); empty when not from ODBC.
  std::string sqlstate;
  /// The driver's native code (SQLite's result code; psqlODBC's internal code; MariaDB's
  /// server or client error number).
  std::int32_t native_code = 0;
  /// The driver's message(s), joined with "; ", passwords redacted.
  std::string message;
  error_category category = error_category::other;
  /// Whether running the same work again (on a fresh connection for connection errors) may
  /// succeed.
  bool retryable = false;

  /// "[SQLSTATE 42P01, native 1, syntax] relation \"x\" does not exist".
  [[nodiscard]] std::string to_string() const;
};

/// Classifies an ODBC diagnostic of a database of dialect `d`. SQLite reports every error as
/// HY000 and puts the meaning in the native code; MariaDB's Connector/ODBC reports some as
/// HY000 or HY018 with the server's error number as the native code (1205 lock wait timeout,
/// 1317 query interrupted); elsewhere the SQLSTATE decides. Thread-safe.
[[nodiscard]] error_info classify(std::string sqlstate, std::int32_t native_code,
                                  std::string message, model::dialect d);

/// `classify` with SQLite's rules when `sqlite`, the SQLSTATE's alone otherwise.
[[nodiscard]] error_info classify(std::string sqlstate, std::int32_t native_code,
                                  std::string message, bool sqlite);

/// The exception every failing ODBC call in gatherdb throws.
/// Thread-safety: immutable after construction.
class database_error : public std::runtime_error {
public:
  explicit database_error(error_info info);

  [[nodiscard]] const error_info& info() const noexcept { return info_; }
  [[nodiscard]] const std::string& sqlstate() const noexcept { return info_.sqlstate; }
  [[nodiscard]] std::int32_t native_code() const noexcept { return info_.native_code; }
  [[nodiscard]] error_category category() const noexcept { return info_.category; }
  [[nodiscard]] bool retryable() const noexcept { return info_.retryable; }

private:
  error_info info_;
};

} // namespace gatherdb::drivers
