#pragma once
// How the connection pool hands out work: which worker gets the next chunk and how many
// statements it carries. Plain functions, so that they are tested without actors.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "gatherdb/actors/settings.hpp"

namespace gatherdb::actors::detail {

/// What the pool knows when it sizes the next chunk for one worker.
/// Thread-safety: a value type.
struct chunk_demand {
  std::size_t queued = 0;      ///< statements waiting in the pool's queue
  std::size_t in_flight = 0;   ///< statements every worker holds, this one's included
  std::size_t held = 0;        ///< statements the chosen worker holds
  bool busy = false;           ///< the chosen worker holds a chunk already
  std::size_t gather_size = 1; ///< statements in the gather of the first waiting statement
  bool coalescible = false;    ///< whether the first waiting statement may coalesce
};

/// Statements in the next chunk for the chosen worker; 0 when it should get none now.
///
/// A chunk is the worker's equal share of the work not done yet, waiting or in flight, less
/// what it still holds: near the queue's end the workers finish together, and a worker that
/// frees up early takes more than a share of the queue alone. Lookups that coalesce travel in
/// chunks of up to `max_coalesce`, since one statement for many keys costs the server little
/// more than one for a single key. A busy worker (one that may queue a second chunk) only
/// takes a full chunk, a quarter of its share of the gather, so that statements trickling in
/// do not cost one thread hop each. Never more than `max_chunk` or than what waits.
[[nodiscard]] inline std::size_t chunk_size(const chunk_demand& d, const settings& s) noexcept {
  if (d.queued == 0)
    return 0;
  const auto pool_size = std::max<std::size_t>(s.pool_size, 1);
  const auto max_chunk = std::max<std::size_t>(s.max_chunk, 1);
  const auto slots = pool_size * std::max<std::size_t>(s.worker_queue_chunks, 1);
  const auto full = std::clamp<std::size_t>(d.gather_size / (4 * pool_size), 1, max_chunk);
  if (d.busy && d.queued < full)
    return 0;
  const auto share = (d.queued + d.in_flight + slots - 1) / slots;
  auto n = share > d.held ? share - d.held : 1;
  if (d.coalescible)
    n = std::max(n, s.max_coalesce);
  return std::clamp<std::size_t>(n, 1, std::min(max_chunk, d.queued));
}

/// The worker that gets the next chunk: of the open ones (`is_open(slot)`), the one holding
/// the fewest chunks, and of those the one used last (`slot.last_used`), whose connection's
/// caches on the server are warmest. Null when there is none, or when it holds
/// `worker_queue_chunks` chunks already. `Slot` has `chunks` and `last_used`.
template <class Slot, class IsOpen>
[[nodiscard]] Slot* pick_worker(std::vector<Slot>& slots, std::size_t worker_queue_chunks,
                                IsOpen&& is_open) {
  Slot* best = nullptr;
  for (auto& w : slots)
    if (is_open(w) && (best == nullptr || w.chunks < best->chunks ||
                       (w.chunks == best->chunks && w.last_used > best->last_used)))
      best = &w;
  if (best == nullptr || best->chunks >= std::max<std::size_t>(worker_queue_chunks, 1))
    return nullptr;
  return best;
}

} // namespace gatherdb::actors::detail
