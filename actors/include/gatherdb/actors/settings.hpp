#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gatherdb/actors/log_mode.hpp"

namespace gatherdb::actors {

/// One named route (see `settings::routes`): a database reached through a primary and, maybe,
/// replicas. Thread-safety: a value type.
struct route_settings {
  /// ODBC connection strings: the first is the primary, which runs every statement that is not
  /// an idempotent read; idempotent reads go to the least busy of all of them.
  std::vector<std::string> dsns;
  /// Connections per connection string at most; 0 takes `settings::pool_size`.
  std::size_t pool_size = 0;
  /// gatherdb nodes that serve this route, as "host:port" (`gatherdb_node`): when any is
  /// given, the route's statements run on them (in chunks, on the node's own pools of the
  /// route of this name) instead of on connections of this process, and `dsns` may be empty:
  /// connection strings stay on the nodes. With `dsns` too, this client keeps local pools on
  /// them standing by (opened on first use): an idempotent read that its nodes cannot run
  /// (none attached, or its node lost and no other left) runs there once; writes never do.
  std::vector<std::string> nodes;
};

/// Mutual TLS between clients and gatherdb nodes (CAF's openssl module): the CA that signed
/// both sides' certificates, and this side's certificate and key, as PEM files; all three or
/// none. With them every connection to a node is TLS and each side must present a certificate
/// signed by the CA, or it is refused before any message is read. Thread-safety: a value type.
struct tls_settings {
  std::string ca_file;
  std::string certificate_file;
  std::string key_file;

  [[nodiscard]] bool enabled() const noexcept {
    return !ca_file.empty() || !certificate_file.empty() || !key_file.empty();
  }
};

/// Everything that configures a gatherdb client, in one place. `actors::config` exposes each
/// field on the command line and in CAF's config file (`gatherdb.<name>`).
/// Thread-safety: a value type.
struct settings {
  /// ODBC connection string of the route named `default` (`model::default_route`), where
  /// statements run that name no route. Empty with `routes` given: no default route.
  std::string dsn = "Driver=SQLite3;Database=gatherdb.sqlite;";
  /// More routes by name (shards, or databases with replicas), each with pools of its own; a
  /// statement names its route with `on("eu")` or a gather's `route_chooser` gives it one.
  /// `on_all_routes()` runs on `default` first, then on these in name order. An entry named
  /// `default` replaces `dsn`.
  std::map<std::string, route_settings> routes;
  /// Nodes ("host:port") that serve the route `default` (see `route_settings::nodes`); an
  /// entry `default` in `routes` replaces them. A client with nodes needs CAF's io middleman
  /// in its actor system (a client that creates its own loads it).
  std::vector<std::string> nodes;
  /// TLS to the nodes (see `tls_settings`); none by default, which only nodes on loopback
  /// accept.
  tls_settings node_tls;
  /// Connections (and connection workers) at most.
  std::size_t pool_size = 4;
  /// `min_connections` of this value means "all of `pool_size`".
  static constexpr std::size_t whole_pool = SIZE_MAX;
  /// Connections the client opens in the background as soon as it is constructed (at most
  /// `pool_size`), so that its first gather finds them open; 0 opens them on demand. A
  /// statement only ever goes to a connection that is open.
  std::size_t min_connections = whole_pool;
  /// Statements waiting for a connection at most; beyond it a statement fails at once with
  /// `pool_exhausted`.
  std::size_t queue_bound = 100000;
  /// How long a statement may wait for a connection before it fails with `pool_exhausted`.
  std::chrono::milliseconds pool_wait_timeout{30000};
  /// Default deadline of a statement, from the moment it is gathered (0: none).
  std::chrono::milliseconds statement_timeout{30000};
  /// Bound on opening one connection, and on attaching to a gatherdb node (TCP, CAF's
  /// handshake and the wire-version check).
  std::chrono::milliseconds login_timeout{5000};
  /// Statements per message to a connection worker at most; a chunk is otherwise the worker's
  /// equal share of the statements not done yet (waiting or in flight), less what it holds. The
  /// sessions of a gather's first window start in slices of a quarter of it.
  std::size_t max_chunk = 64;
  /// Chunks queued at one worker at most. 1 (the default) keeps every waiting statement in the
  /// pool's queue, where any worker that frees up takes it and where it can be expired or
  /// cancelled; a second chunk behind a long statement would wait for that statement. 2 saves
  /// the idle hop between chunks (a few percent on tiny statements).
  std::size_t worker_queue_chunks = 1;
  /// Session actors of one gather alive at once (at most `queue_bound`); the rest of a gather
  /// waits as plain statements, so a gather's actors and its share of the pool's queue do not
  /// grow with the gather. Keep it above pool_size x max_chunk x 2 so that workers never wait.
  std::size_t session_window = 1024;
  /// Idempotent statements of one gather at most that a worker runs in one execution, and so
  /// one round trip to the server, when they follow each other in its chunk with the same SQL
  /// and parameters of the same types, where the driver returns one result per parameter set
  /// (psqlODBC; SQLite has no round trips to save). Only SQL whose latest result had at most
  /// `read_batch_rows` rows is batched: the driver holds a whole batch's rows at once. A
  /// batch runs in one implicit transaction; should it fail, its statements run again one by
  /// one, so that each gets its own outcome. 1 turns batching off. At most 100, psqlODBC's
  /// default `BatchSize`.
  std::size_t max_read_batch = 64;
  /// See `max_read_batch`.
  std::size_t read_batch_rows = 64;
  /// Lookups of one gather at most that a worker runs as one coalesced statement: typed
  /// selects whose SQL is the same and whose parameters differ only in the value of their
  /// first equality predicate (`select<A>().where(col(&A::data) == v)`) run as one join of the
  /// table with the list of `(statement, key)` pairs, so the server compares every key as it
  /// would alone and tags each row with its statement. Should it fail, its statements run again
  /// one by one. 1 turns coalescing off.
  std::size_t max_coalesce = 64;
  /// Retry idempotent reads once on a fresh connection after a connection-class error.
  bool retry_idempotent_reads = true;
  /// Scheduler threads of an actor system the client creates itself (`scheduler.max-threads`
  /// for `config`). One: cooperative actors never block, and a second thread sharing CAF's
  /// central queue costs CPU per session actor that the database and the connection workers
  /// need on a small machine (bench/results/performance_notes.md). More help when many
  /// gathers merge large results at once.
  std::size_t scheduler_threads = 1;
  /// The statement log: one line per statement (gather id, index, route, SQL, parameter count,
  /// rows, attempts, batched/coalesced, outcome and SQLSTATE, times), written by the gather's
  /// merge actor as the gather ends (never by a connection worker) through an asynchronous
  /// logger. Off by default, when it costs one branch per gather. Never contains a DSN.
  log_mode log = log_mode::off;
  /// With `log_mode::slow`: statements whose queue wait + execute + fetch + merge took this
  /// long or longer.
  std::chrono::milliseconds log_slow{1000};
  /// Whether the log shows parameter values too (they may be personal data); otherwise only
  /// their number.
  bool log_params = false;
  /// The file the log is appended to; empty: standard error.
  std::string log_file;
};

} // namespace gatherdb::actors
