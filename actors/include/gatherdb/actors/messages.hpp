#pragma once
// The messages gatherdb's actors exchange, and their typed interfaces. Everything here is
// local-only: statements and results travel by shared pointer, never by copy.

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "gatherdb/actors/gather_control.hpp"
#include "gatherdb/actors/gather_options.hpp"
#include "gatherdb/actors/metrics.hpp"
#include "gatherdb/actors/outcome.hpp"
#include "gatherdb/drivers/error.hpp"
#include "gatherdb/drivers/watchdog.hpp"
#include "gatherdb/model/executor.hpp"
#include "gatherdb/model/statement.hpp"

namespace gatherdb::actors {

using gather_atom = caf::atom_constant<caf::atom("gather")>;
using enqueue_atom = caf::atom_constant<caf::atom("enqueue")>;
using run_atom = caf::atom_constant<caf::atom("run")>;
using done_atom = caf::atom_constant<caf::atom("done")>;
using expire_atom = caf::atom_constant<caf::atom("expire")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using merge_atom = caf::atom_constant<caf::atom("merge")>;
using shutdown_atom = caf::atom_constant<caf::atom("shutdown")>;
using connect_atom = caf::atom_constant<caf::atom("connect")>;
using ready_atom = caf::atom_constant<caf::atom("ready")>;
using exec_atom = caf::atom_constant<caf::atom("exec")>;
using dispatch_atom = caf::atom_constant<caf::atom("dispatch")>;
using metrics_atom = caf::atom_constant<caf::atom("metrics")>;

using steady_time = std::chrono::steady_clock::time_point;

/// The input of a gather: statements in order, and how to run them.
struct gather_request {
  std::vector<model::statement> statements;
  gather_options options;
};

/// One route's rows of a statement run on every route.
struct route_rows {
  /// The route's position in the client's route table.
  std::uint16_t route = 0;
  model::frozen_result rows;
  statement_metrics metrics;
};

/// The end of one execution, from a connection worker back to the session actor.
struct work_done {
  outcome_status status = outcome_status::cancelled;
  model::frozen_result rows;
  statement_error error;
  statement_metrics metrics;
  /// The route it ran on (its position in the client's route table; set by its session).
  std::uint16_t route = 0;
  /// A statement on every route: each route's rows, in route order (`rows` is them all).
  std::vector<route_rows> parts;
};

/// A session actor: owns one statement until its outcome reaches the merge actor. A statement
/// on every route hears from one part actor per route: `(done_atom, route, work_done)`.
using session_actor = caf::typed_actor<caf::reacts_to<done_atom, work_done>,
                                       caf::reacts_to<done_atom, std::uint16_t, work_done>>;

/// One statement on its way to a connection.
struct work_item {
  model::statement stmt;
  steady_time deadline = steady_time::max();
  steady_time gathered;
  std::shared_ptr<const gather_control> control;
  /// When the pool queued it (its wait timeout counts from here).
  steady_time queued;
  /// Statements in its gather: sizes the chunks it travels in.
  std::uint32_t gather_size = 1;
  /// Its position in its gather: the pool keeps a gather's statements in this order.
  std::uint32_t index = 0;
  session_actor session;
};

/// Statements for one worker, sent in one message so that the thread hop is paid per chunk.
struct work_chunk {
  std::vector<work_item> items;
};

/// Finished statements from one worker: `(item's session, result)`, mostly in the chunk's
/// order (a coalesced lookup reports its statements together).
struct done_chunk {
  std::vector<std::pair<session_actor, work_done>> results;
  /// Whether the worker still holds an open connection.
  bool connected = true;
};

/// A worker's answer to `connect_atom`: its connection is open, or why it is not.
struct connect_report {
  std::optional<drivers::error_info> error;
  /// Where `error` comes from: the database, or the gatherdb node serving the route.
  error_source source = error_source::database;
};

/// Work for one pooled connection outside any gather (`client::with_connection`): the worker
/// runs `fn` on its own thread and settles `done` with its end.
struct connection_task {
  std::function<void(model::executor&)> fn;
  std::shared_ptr<std::promise<void>> done;
  /// The route whose primary runs it (empty: `default`).
  std::string route;
};

/// Occupancy of a connection pool, or of all of them (for /metrics and tests).
struct pool_stats {
  /// The route the pool serves (empty for a sum over pools).
  std::string route;
  /// Its connection string's position in the route (0: the primary).
  std::size_t replica = 0;
  std::size_t pool_size = 0;   ///< configured maximum
  std::size_t connections = 0; ///< open connections (each held by one worker)
  std::size_t connecting = 0;  ///< workers opening their connection
  std::size_t busy = 0;        ///< workers with statements assigned
  std::size_t queued = 0;      ///< statements waiting in the pool
  std::uint64_t completed = 0; ///< statements finished since start
  std::uint64_t exhausted = 0; ///< statements failed with pool_exhausted since start
};

/// A connection worker: a detached actor owning one connection. `connect_atom` opens it (the
/// worker answers the pool with `ready_atom`); `exec_atom` runs a connection task.
using worker_actor =
    caf::typed_actor<caf::reacts_to<run_atom, work_chunk>, caf::reacts_to<connect_atom>,
                     caf::reacts_to<exec_atom, connection_task>>;

/// The connection pool: places statements on workers, bounded queue, wait timeout.
using pool_actor =
    caf::typed_actor<caf::reacts_to<enqueue_atom, work_item>,
                     caf::reacts_to<done_atom, std::uint32_t, done_chunk, bool>, // worker, results,
                                                                                 // chunk done
                     caf::reacts_to<ready_atom, std::uint32_t, connect_report>,  // worker
                     caf::reacts_to<exec_atom, connection_task>,
                     caf::reacts_to<dispatch_atom>, // internal: hand out what arrived
                     caf::reacts_to<expire_atom>, caf::replies_to<stats_atom>::with<pool_stats>>;

/// The merge actor of one gather: owns the session state while the gather runs.
/// `expire_atom`: the gather's deadline has passed; statements without an outcome end
/// `cancelled` (timeout).
using merge_actor = caf::typed_actor<caf::reacts_to<merge_atom, std::uint32_t, work_done>,
                                     caf::reacts_to<expire_atom>,
                                     caf::replies_to<gather_atom>::with<gather_result>>;

/// The coordinator: the entry point of every gather. `stats_atom`: each pool's occupancy, in
/// route order; `metrics_atom`: the client's metrics (see `client::metrics`).
using coordinator_actor =
    caf::typed_actor<caf::replies_to<gather_atom, gather_request>::with<gather_result>,
                     caf::replies_to<stats_atom>::with<std::vector<pool_stats>>,
                     caf::replies_to<metrics_atom>::with<metrics_snapshot>,
                     caf::reacts_to<exec_atom, connection_task>,
                     caf::reacts_to<expire_atom>, // internal: the deadline sweep
                     caf::reacts_to<shutdown_atom>>;

} // namespace gatherdb::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gatherdb::actors::gather_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gatherdb::actors::gather_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gatherdb::actors::work_item)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gatherdb::actors::work_done)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gatherdb::actors::work_chunk)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gatherdb::actors::done_chunk)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gatherdb::actors::pool_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<gatherdb::actors::pool_stats>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gatherdb::actors::metrics_snapshot)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gatherdb::actors::connect_report)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gatherdb::actors::connection_task)
