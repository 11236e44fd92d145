#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gatherdb/drivers/error.hpp"
#include "gatherdb/model/frozen_result.hpp"
#include "gatherdb/model/merged_result.hpp"
#include "gatherdb/model/session_state.hpp"

namespace gatherdb::actors {

/// How one statement ended.
enum class outcome_status : std::uint8_t { ok, failed, cancelled };

/// Where a statement's error came from.
enum class error_source : std::uint8_t {
  none,
  database,       ///< the driver or the database (`info` carries SQLSTATE and native code)
  merge,          ///< the rows could not be merged into the session (the session is unchanged)
  pool_exhausted, ///< no connection within the pool's wait timeout, or the queue was full
  shutdown,       ///< the client stopped before the statement ran
  route,          ///< the statement named a route the client does not have, or cannot run there
  node,           ///< the gatherdb node serving its route: unreachable, lost while it held the
                  ///< statement, or speaking another wire version (category `connection`)
};

[[nodiscard]] std::string_view to_string(outcome_status s) noexcept;
[[nodiscard]] std::string_view to_string(error_source s) noexcept;

/// The error of one statement. Thread-safety: a value type.
struct statement_error {
  error_source source = error_source::none;
  /// SQLSTATE, native code, category, redacted message.
  drivers::error_info info;

  /// "database error [SQLSTATE 42P01, native 1, syntax] relation ..." style text.
  [[nodiscard]] std::string to_string() const;
};

/// Where one statement spent its time, in microseconds.
struct statement_metrics {
  /// From the gather's start until a connection worker began executing it.
  std::uint32_t queue_wait_us = 0;
  /// Binding and executing (the server round trip); for a batched read, its share of the
  /// batch's.
  std::uint32_t execute_us = 0;
  /// Fetching and freezing the rows; for a batched read, its share of the batch's.
  std::uint32_t fetch_us = 0;
  /// Merging into the session state.
  std::uint32_t merge_us = 0;
  /// Executions (2 after a retry on a fresh connection).
  std::uint8_t attempts = 0;
  /// Statements that shared its round trip to the server (1: it ran alone; see
  /// `settings::max_read_batch`).
  std::uint16_t batched = 0;
  /// Statements that shared its coalesced lookup, one execution of one SQL statement for all
  /// their keys (1: it ran alone; see `settings::max_coalesce`).
  std::uint16_t coalesced = 0;
  /// Whether it lost its connection and ran again on another pool of its route (a replica).
  bool moved = false;
  /// Whether it ran alone after the batched read or coalesced lookup it was part of failed
  /// (`batched` and `coalesced` then say 1: what its own execution shared).
  bool fell_back = false;
  /// The gatherdb node ("host:port") that ran it; empty when it ran in this process.
  std::string node;
};

/// One route's share of a statement run on every route (`model::statement::on_all_routes`).
struct outcome_part {
  std::string route;
  /// Rows it returned.
  std::size_t rows = 0;
  statement_metrics metrics;
};

/// The end of one statement of a gather. Thread-safety: a value type; `result` refers to the
/// gather's session state (see `gather_result::session`).
struct outcome {
  outcome_status status = outcome_status::cancelled;
  /// The merged rows (references to the session's objects) when `status == ok`.
  model::merged_result result;
  /// The frozen rows as the database returned them (also when the merge failed).
  model::frozen_result rows;
  /// Set unless `status == ok`.
  statement_error error;
  /// For a statement on every route: the sums of its parts (queue wait: the longest).
  statement_metrics metrics;
  /// The route it ran on (`model::default_route` unless it or the gather's chooser named
  /// another); empty for a statement on every route, whose `parts` say where it ran.
  std::string route;
  /// Per route, in route order, for a statement on every route; empty otherwise.
  std::vector<outcome_part> parts;

  [[nodiscard]] bool ok() const noexcept { return status == outcome_status::ok; }
};

/// Aggregate figures of one gather.
struct gather_metrics {
  std::size_t statements = 0;
  std::size_t succeeded = 0;
  std::size_t failed = 0;
  std::size_t cancelled = 0;
  std::size_t retried = 0;
  /// Wall time from the coordinator receiving the gather to its reply.
  std::chrono::microseconds wall{0};
  /// Sums over statements.
  std::chrono::microseconds queue_wait{0};
  std::chrono::microseconds execute{0};
  std::chrono::microseconds fetch{0};
  std::chrono::microseconds merge{0};
  /// The largest queue wait of any statement.
  std::chrono::microseconds max_queue_wait{0};
};

/// The first failure of a gather (the reason a `fail_fast` gather failed).
struct gather_failure {
  std::size_t index = 0;
  statement_error error;
};

/// What a gather returns: one outcome per statement, in statement order, and the session
/// state they were merged into, which keeps the merged objects alive.
/// Thread-safety: a value type; the session state is the caller's once the gather returned.
struct gather_result {
  std::vector<outcome> outcomes;
  std::shared_ptr<model::session_state> session;
  gather_metrics metrics;
  /// Set when a statement failed; in `fail_fast` mode the gather as a whole failed then.
  std::optional<gather_failure> failure;

  /// Python's repr of `[r.all() for r in results]` (the seed's output after "results: ").
  /// Statements that did not succeed print as `None`.
  [[nodiscard]] std::string repr() const;
};

} // namespace gatherdb::actors
