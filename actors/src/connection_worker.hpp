#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "gatherdb/actors/messages.hpp"
#include "gatherdb/actors/settings.hpp"
#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/drivers/prepared_statement.hpp"
#include "gatherdb/model/compiled_sql.hpp"

namespace gatherdb::actors {

/// A statement's SQL as prepared on one connection.
/// Thread-safety: owned by its worker's thread.
struct prepared_sql {
  /// Runs it one parameter set at a time.
  drivers::prepared_statement single;
  /// Runs batches of parameter sets (`settings::max_read_batch`); prepared on the first.
  std::optional<drivers::prepared_statement> batch;
  /// Rows of its latest result; batches are for SQL whose results are small.
  std::size_t last_rows = SIZE_MAX;
  /// For a coalesced lookup: its result's columns (`described`) without the leading statement
  /// index (`sliced`), shared by the results of every statement it serves.
  model::column_list described;
  model::column_list sliced;
};

/// State of a connection worker: its one connection, opened when the pool asks and replaced
/// after a connection-class error, and the statements prepared on it.
/// Thread-safety: owned by the worker's own (detached) thread.
struct connection_worker_state {
  std::uint32_t id = 0;
  std::shared_ptr<const settings> config;
  std::optional<drivers::connection> conn;
  /// The last failed attempt to open `conn`: until `reconnect_backoff` has passed, statements
  /// that need a connection fail with its error instead of trying again.
  std::optional<drivers::error_info> connect_error;
  std::chrono::steady_clock::time_point connect_failed_at;
  /// Declared after `conn`: destroyed first, as statements must die before their connection.
  std::unordered_map<std::string, prepared_sql> prepared;
  /// The entry of `prepared` used last: a gather's statements mostly share their SQL, which
  /// is then compared, not hashed. Null whenever `prepared` is cleared.
  prepared_sql* last_prepared = nullptr;
  /// The SQL of each item of the running chunk, compiled when first needed (`is_compiled`);
  /// the buffers are reused from chunk to chunk.
  std::vector<model::compiled_sql> compiled;
  std::vector<bool> is_compiled;
  /// Items of the running chunk that already have an outcome (taken by a coalesced lookup).
  std::vector<bool> taken;
  /// The items of the coalesced lookup being run, the key each one's rows come from (identical
  /// lookups share one), its distinct keys by class (`model::detail::coalesced_key_class`), and
  /// its SQL and parameters.
  std::vector<std::size_t> group;
  std::vector<std::size_t> key_of;
  std::vector<const model::value*> keys;
  std::unordered_map<std::string, std::size_t> key_classes;
  std::string key_class;
  model::compiled_sql coalesced;
  /// The parameter sets of the batch being run, pointing into `compiled`.
  std::vector<const std::vector<model::value>*> batch_sets;

  static inline const char* name = "gatherdb.connection_worker";
};

/// A connection worker: spawn it `detached` (it blocks in ODBC calls, never on the cooperative
/// scheduler). It opens its connection when asked (`connect_atom`, answered with `ready_atom`),
/// runs each chunk's statements on it in autocommit, coalescing lookups and batching reads
/// where it can, and sends their results back to `pool` in one message per chunk (or every
/// few milliseconds for a slow chunk), so that the thread hop is paid per chunk.
worker_actor::behavior_type
connection_worker(worker_actor::stateful_pointer<connection_worker_state> self, std::uint32_t id,
                  std::shared_ptr<const settings> config, const pool_actor& pool);

} // namespace gatherdb::actors
