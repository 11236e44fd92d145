#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "gatherdb/actors/messages.hpp"
#include "gatherdb/actors/settings.hpp"

namespace gatherdb::actors {

struct pool_load;

/// Spawns the connection worker of one pool slot: `(pool, slot id) -> worker`.
using worker_factory = std::function<worker_actor(pool_actor, std::uint32_t)>;

/// State of the connection pool. Thread-safety: owned by the pool actor.
struct connection_pool_state {
  /// Where a worker's connection stands: only `open` workers get work.
  enum class phase : std::uint8_t { connecting, open, failed };

  struct worker_slot {
    worker_actor handle;
    phase state = phase::connecting;
    /// When its last connect failed (`phase::failed`).
    steady_time failed_at;
    /// Sessions of the statements sent to this worker and not answered yet.
    std::deque<session_actor> assigned;
    /// Chunks and connection tasks sent and not finished.
    std::size_t chunks = 0;
    /// When it was last given work (the pool's `work_sequence`): of idle workers, the one used
    /// last gets the next chunk, as its connection's caches on the server are warmest.
    std::uint64_t last_used = 0;
  };

  std::shared_ptr<const settings> config;
  worker_factory make_worker;
  std::vector<worker_slot> workers;
  std::deque<work_item> queue;
  std::deque<connection_task> tasks;
  /// The last failed connect: while no connection is open or opening, work fails with it.
  std::optional<statement_error> connect_error;
  std::uint64_t work_sequence = 0;
  bool expire_armed = false;
  /// A `dispatch_atom` is on its way: statements that arrive meanwhile wait for it.
  bool dispatch_pending = false;
  std::uint64_t completed = 0;
  std::uint64_t exhausted = 0;
  /// Where the pool publishes its backlog and reachability for its route (may be null).
  std::shared_ptr<pool_load> load;

  static inline const char* name = "gatherdb.connection_pool";
};

/// The connection pool: at most `settings::pool_size` connection workers, each owning one
/// connection. `settings::min_connections` of them open their connections as soon as the pool
/// starts; more open when work waits and no open connection is free. A statement only ever
/// goes to a worker whose connection is open: work waits in the pool's queue (at most
/// `settings::queue_bound` statements, each for at most `settings::pool_wait_timeout`, then
/// `pool_exhausted`) and is taken by whichever connection frees up first, in chunks sized to
/// the backlog (at most `settings::max_chunk`, at most `settings::worker_queue_chunks` chunks
/// queued per worker). When no connection is open or opening, waiting work fails with the last
/// connect error; a failed connect is retried on demand after a short backoff. A worker that
/// dies fails its statements instead of losing them and is replaced on demand.
/// `make_worker` spawns the worker of slot `id` (unlinked; the pool links it); when empty, a
/// detached `connection_worker`; tests pass a fake one. The pool keeps `load` (may be null)
/// up to date for the sessions that choose among a route's pools.
pool_actor::behavior_type connection_pool(pool_actor::stateful_pointer<connection_pool_state> self,
                                          std::shared_ptr<const settings> config,
                                          worker_factory make_worker,
                                          std::shared_ptr<pool_load> load = nullptr);

} // namespace gatherdb::actors
