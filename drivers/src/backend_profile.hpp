#pragma once
// What the drivers do differently per database, as data: one profile per backend in
// drivers/src/backends/, found by `profile_of`; the SQL side is model's `dialect_rules`.
// Internal to the drivers library.

#include <string_view>

#include "gatherdb/drivers/error.hpp"
#include "gatherdb/model/dialect.hpp"

#include "odbc.hpp"

namespace gatherdb::drivers::detail {

/// The driver-side rules of one backend. Thread-safety: immutable, shared by every thread.
struct backend_profile {
  model::dialect id;

  /// Decides `e`'s category and retryability from the backend's own codes where its
  /// SQLSTATE does not say enough; false leaves `e` to the SQLSTATE rules.
  bool (*classify_native)(error_info& e);

  /// Whether a cancel goes through an idle sibling statement of the connection instead of the
  /// running one (the drivers whose SQLCancel also closes the statement it is given, from the
  /// cancelling thread, under a running fetch).
  bool cancels_through_sibling;
  /// Whether a statement a cancel reached must be prepared again before its next run, and its
  /// result after a cancel is not trusted (MariaDB: KILL QUERY may end SLEEP() "successfully").
  bool cancel_spoils_statement;

  /// Whether date, time, timestamp and decimal columns come back in types of their own
  /// (SQLite has none: its cells are the text it holds).
  bool typed_temporal_columns;

  /// The SQL types parameters of these value types are declared as (their C type is text).
  SQLSMALLINT date_param;
  SQLSMALLINT time_param;
  SQLSMALLINT timestamp_param;
  SQLSMALLINT timestamptz_param;
  SQLSMALLINT decimal_param;
  SQLSMALLINT uuid_param;

  /// Whether a double parameter may be NaN (SQLite stores NaN as NULL: it is refused instead).
  bool stores_nan;

  /// Run once on every new connection ("" for none).
  std::string_view session_setup;
  /// Whether `connection::open` looks for a transaction pooler in front of the server.
  bool detects_proxy;
};

/// The profile of `d`. Thread-safe.
[[nodiscard]] const backend_profile& profile_of(model::dialect d) noexcept;

} // namespace gatherdb::drivers::detail
