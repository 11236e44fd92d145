#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gatherdb/model/dialect.hpp"
#include "gatherdb/model/frozen_result.hpp"
#include "gatherdb/model/value.hpp"

namespace gatherdb::drivers {

/// Default bound on connecting; a connect without one hangs forever on a server that accepts
/// but never answers.
inline constexpr std::chrono::milliseconds default_login_timeout{5000};

/// One ODBC connection (an `SQLHDBC` on the process-wide environment), open from construction
/// to destruction, in autocommit mode unless a transaction is open.
/// Thread-safety: not thread-safe; use it from one thread at a time. The one call allowed from
/// another thread is `cancel_handle::cancel()` of one of its statements.
class connection {
public:
  /// Connects. `login_timeout` is rounded up to whole seconds (ODBC's unit), at least 1 s.
  /// For PostgreSQL drivers `CommLog=0` is added unless the string sets `CommLog` itself, and
  /// `UseServerSidePrepare=0` when the server turns out to be behind a proxy (see
  /// `through_proxy()`) unless the string sets `UseServerSidePrepare` itself.
  /// Throws `database_error` (SQLSTATE, native code, redacted message) when it cannot.
  [[nodiscard]] static connection
  open(std::string_view connection_string,
       std::chrono::milliseconds login_timeout = default_login_timeout);

  connection(connection&& other) noexcept;
  connection& operator=(connection&& other) noexcept;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  /// Rolls back an open transaction and disconnects; never throws.
  ~connection();

  [[nodiscard]] model::dialect sql_dialect() const noexcept { return dialect_; }
  /// `SQL_DBMS_NAME`, e.g. "PostgreSQL", "SQLite".
  [[nodiscard]] const std::string& dbms_name() const noexcept { return dbms_name_; }
  /// `SQL_DBMS_VER`, e.g. "15.0.18" (for SQLite: the driver's build of SQLite).
  [[nodiscard]] const std::string& dbms_version() const noexcept { return dbms_version_; }
  /// The connection string as `SQLDriverConnect` completed it, passwords redacted.
  [[nodiscard]] const std::string& redacted_connection_string() const noexcept { return redacted_; }

  /// Autocommit on (the default) or off.
  void set_autocommit(bool on);
  [[nodiscard]] bool autocommit() const noexcept { return autocommit_; }
  /// Starts a transaction: autocommit off until `commit()` or `rollback()`.
  void begin();
  /// Commits the open transaction and returns to autocommit.
  void commit();
  /// Rolls the open transaction back and returns to autocommit; never throws (a broken
  /// connection has nothing left to roll back).
  void rollback() noexcept;

  /// Runs one statement with bound parameters and returns every row (a one-off prepare; use
  /// `statement` to reuse a prepared statement).
  model::frozen_result execute(std::string_view sql, const std::vector<model::value>& params = {});

  /// Whether the driver reports the connection as dead (`SQL_ATTR_CONNECTION_DEAD`).
  [[nodiscard]] bool is_dead() const noexcept;
  /// Whether this connection talks to SQLite (whose errors are decoded by native code).
  [[nodiscard]] bool is_sqlite() const noexcept { return dialect_ == model::dialect::sqlite; }

  /// Whether a statement run with an array of parameter sets returns one result set per set
  /// (`SQL_PARAM_ARRAY_SELECTS` is `SQL_PAS_BATCH`: psqlODBC, not SQLite's driver), which
  /// `prepared_statement::run_batch` needs.
  [[nodiscard]] bool batches_param_arrays() const noexcept { return batches_param_arrays_; }

  /// Whether this PostgreSQL connection goes through a proxy such as PgBouncer: the server
  /// listens on another port than the one connected to. A transaction pooler hands each
  /// transaction to any server connection, where statements prepared on another one do not
  /// exist; such a connection sends each statement with its parameters instead (psqlODBC's
  /// `UseServerSidePrepare=0`), and so do later connections with the same string.
  [[nodiscard]] bool through_proxy() const noexcept { return through_proxy_; }

  /// The raw `SQLHDBC`, for drivers code only.
  [[nodiscard]] void* native_handle() const noexcept { return handle_; }
  /// The connection string as given (secrets included): used to redact driver messages.
  [[nodiscard]] const std::string& secret_source() const noexcept { return connection_string_; }

private:
  connection() = default;
  void close() noexcept;
  // Connects with `connection_string_` and reads what the driver says about the server;
  // `given` is the caller's string, for error messages.
  void connect(std::string_view given, std::chrono::milliseconds login_timeout);

  void* handle_ = nullptr; // SQLHDBC; void* keeps <sql.h> out of public headers
  bool autocommit_ = true;
  model::dialect dialect_ = model::dialect::other;
  bool batches_param_arrays_ = false;
  bool through_proxy_ = false;
  std::string dbms_name_;
  std::string dbms_version_;
  std::string redacted_;
  std::string connection_string_;
};

} // namespace gatherdb::drivers
