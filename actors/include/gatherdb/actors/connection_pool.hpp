#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "gatherdb/actors/messages.hpp"
#include "gatherdb/actors/settings.hpp"

namespace gatherdb::actors {

/// State of the connection pool. Thread-safety: owned by the pool actor.
struct connection_pool_state {
  struct worker_slot {
    worker_actor handle;
    /// Sessions of the statements sent to this worker and not answered yet, in order.
    std::deque<session_actor> assigned;
    /// Chunks sent and not finished.
    std::size_t chunks = 0;
  };

  std::shared_ptr<const settings> config;
  std::vector<worker_slot> workers;
  std::deque<work_item> queue;
  bool expire_armed = false;
  std::uint64_t completed = 0;
  std::uint64_t exhausted = 0;

  static inline const char* name = "gatherdb.connection_pool";
};

/// The connection pool: at most `settings::pool_size` connection workers (spawned on demand,
/// each connecting lazily), a queue of at most `settings::queue_bound` statements waiting for
/// a connection, each for at most `settings::pool_wait_timeout` (then `pool_exhausted`).
/// Statements go to workers in chunks sized to the backlog (at most `settings::max_chunk`,
/// at most `settings::worker_queue_chunks` chunks queued per worker). A worker that dies
/// fails its statements instead of losing them; the next demand spawns a new one.
pool_actor::behavior_type connection_pool(pool_actor::stateful_pointer<connection_pool_state> self,
                                          std::shared_ptr<const settings> config);

} // namespace gatherdb::actors
