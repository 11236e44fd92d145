#include "gatherdb/actors/connection_pool.hpp"

#include <algorithm>
#include <chrono>

#include <caf/all.hpp>

#include "gatherdb/actors/connection_worker.hpp"

#include "canned_outcomes.hpp"

namespace gatherdb::actors {

namespace {

using clock = std::chrono::steady_clock;
using self_ptr = pool_actor::stateful_pointer<connection_pool_state>;

// How often queued statements are checked against the pool's wait timeout.
constexpr auto expire_interval = std::chrono::milliseconds{20};

void fail_assigned(self_ptr self, connection_pool_state::worker_slot& slot,
                   const std::string& why) {
  for (auto& session : slot.assigned) {
    work_done d;
    d.status = outcome_status::failed;
    d.error = {error_source::database,
               {"HY000", 0, why, drivers::error_category::connection, false}};
    self->send(session, done_atom::value, std::move(d));
  }
  slot.assigned.clear();
  slot.chunks = 0;
}

connection_pool_state::worker_slot* pick_worker(self_ptr self) {
  auto& st = self->state;
  connection_pool_state::worker_slot* best = nullptr;
  for (auto& w : st.workers)
    if (w.handle && (best == nullptr || w.chunks < best->chunks))
      best = &w;
  if (best != nullptr && best->chunks == 0)
    return best;
  // Every live worker is busy: grow the pool (reusing the slot of a dead worker first).
  auto live = static_cast<std::size_t>(
      std::count_if(st.workers.begin(), st.workers.end(), [](auto& w) { return bool{w.handle}; }));
  if (live < st.config->pool_size) {
    auto slot =
        std::find_if(st.workers.begin(), st.workers.end(), [](auto& w) { return !w.handle; });
    if (slot == st.workers.end()) {
      st.workers.emplace_back();
      slot = std::prev(st.workers.end());
    }
    auto id = static_cast<std::uint32_t>(std::distance(st.workers.begin(), slot));
    slot->handle = self->spawn<caf::detached + caf::linked>(connection_worker, id, st.config,
                                                            caf::actor_cast<pool_actor>(self));
    return &*slot;
  }
  if (best != nullptr && best->chunks < st.config->worker_queue_chunks)
    return best;
  return nullptr;
}

void dispatch(self_ptr self) {
  auto& st = self->state;
  const auto pool_size = std::max<std::size_t>(st.config->pool_size, 1);
  const auto max_chunk = std::max<std::size_t>(st.config->max_chunk, 1);
  const auto slots = pool_size * std::max<std::size_t>(st.config->worker_queue_chunks, 1);
  while (!st.queue.empty()) {
    auto* w = pick_worker(self);
    if (w == nullptr)
      break;
    // A busy worker (one that may queue a second chunk) only takes a full chunk, about a
    // quarter of its share of the gather (N / 4P, measured best in the design's prototype),
    // so that statements trickling in from their session actors do not cost one thread hop
    // each.
    const auto target =
        std::clamp<std::size_t>(st.queue.front().batch / (4 * pool_size), 1, max_chunk);
    if (w->chunks > 0 && st.queue.size() < target)
      break;
    // A chunk is the worker's equal share of the work not done yet, waiting or in flight,
    // less what it still holds, at most max_chunk: near the queue's end the workers finish
    // together (the last ~4 ms of 3,000-statement gathers ran on fewer connections when one
    // worker could take the tail), and a worker that frees up while the others still hold
    // their chunks takes more than a share of the queue alone, so that batched reads make
    // fewer round trips (33 statements per round trip at 300 statements against 13 with
    // shares of the queue, 8% faster on PostgreSQL's tiny statements).
    std::size_t in_flight = 0;
    for (const auto& x : st.workers)
      in_flight += x.assigned.size();
    const auto share = (st.queue.size() + in_flight + slots - 1) / slots;
    const auto n =
        std::clamp<std::size_t>(share > w->assigned.size() ? share - w->assigned.size() : 1, 1,
                                std::min(max_chunk, st.queue.size()));
    work_chunk chunk;
    chunk.items.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      w->assigned.push_back(st.queue.front().session);
      chunk.items.push_back(std::move(st.queue.front()));
      st.queue.pop_front();
    }
    ++w->chunks;
    self->send(w->handle, run_atom::value, std::move(chunk));
  }
}

void arm_expiry(self_ptr self) {
  auto& st = self->state;
  if (st.expire_armed || st.queue.empty())
    return;
  st.expire_armed = true;
  self->delayed_send(self, expire_interval, expire_atom::value);
}

} // namespace

pool_actor::behavior_type connection_pool(self_ptr self, std::shared_ptr<const settings> config) {
  self->state.config = std::move(config);
  // Workers are linked: they stop with the pool. A worker that stops on its own fails the
  // statements it held instead of losing them; the next demand spawns a replacement.
  self->set_exit_handler([self](caf::exit_msg& em) {
    for (auto& w : self->state.workers) {
      if (w.handle && w.handle.address() == em.source) {
        fail_assigned(self, w, "connection worker stopped: " + self->system().render(em.reason));
        w.handle = nullptr;
        dispatch(self);
        return;
      }
    }
    self->quit(em.reason);
  });
  return {
      [=](enqueue_atom, work_item& item) {
        auto& st = self->state;
        if (st.queue.size() >= st.config->queue_bound) {
          ++st.exhausted;
          self->send(
              item.session, done_atom::value,
              detail::pool_exhausted_outcome("pool exhausted: " + std::to_string(st.queue.size()) +
                                             " statements already wait for a connection"));
          return;
        }
        item.queued = clock::now();
        // Session actors run on several scheduler threads, so a gather's statements arrive a
        // few places out of order. Queued in statement order, an early statement never waits
        // in a chunk behind a later, long one (fail_fast then reports a failing first
        // statement at once), and the merge actor's in-order prefix grows sooner.
        auto pos = st.queue.end();
        while (pos != st.queue.begin()) {
          const auto& prev = *std::prev(pos);
          if (prev.control != item.control || prev.index < item.index)
            break;
          --pos;
        }
        st.queue.insert(pos, std::move(item));
        dispatch(self);
        arm_expiry(self);
      },
      [=](done_atom, std::uint32_t worker, done_chunk& done, bool chunk_finished) {
        auto& st = self->state;
        if (worker < st.workers.size()) {
          auto& w = st.workers[worker];
          for (std::size_t i = 0; i < done.results.size() && !w.assigned.empty(); ++i)
            w.assigned.pop_front();
          if (chunk_finished && w.chunks > 0)
            --w.chunks;
        }
        st.completed += done.results.size();
        for (auto& [session, result] : done.results)
          self->send(session, done_atom::value, std::move(result));
        dispatch(self);
      },
      [=](expire_atom) {
        auto& st = self->state;
        st.expire_armed = false;
        const auto now = clock::now();
        // A queued statement ends here, without waiting for a connection, when it waited too
        // long (pool_exhausted), when its deadline passed, or when its gather was stopped
        // (fail_fast, shutdown): otherwise it would wait behind other gathers' statements.
        auto keep = st.queue.begin();
        for (auto it = st.queue.begin(); it != st.queue.end(); ++it) {
          auto& item = *it;
          if (now - item.queued >= st.config->pool_wait_timeout) {
            ++st.exhausted;
            self->send(item.session, done_atom::value,
                       detail::pool_exhausted_outcome(
                           "pool exhausted: no connection within " +
                           std::to_string(st.config->pool_wait_timeout.count()) + " ms"));
          } else if (item.control->stopped()) {
            self->send(item.session, done_atom::value, detail::stopped_outcome(*item.control));
          } else if (now >= item.deadline) {
            work_done d;
            d.status = outcome_status::cancelled;
            d.error = {error_source::database,
                       {"HYT00", 0, "deadline expired while waiting for a connection",
                        drivers::error_category::timeout, false}};
            self->send(item.session, done_atom::value, std::move(d));
          } else {
            if (keep != it)
              *keep = std::move(item);
            ++keep;
          }
        }
        st.queue.erase(keep, st.queue.end());
        arm_expiry(self);
      },
      [=](stats_atom) {
        auto& st = self->state;
        pool_stats s;
        s.pool_size = st.config->pool_size;
        for (auto& w : st.workers) {
          if (w.handle) {
            ++s.connections;
            if (w.chunks > 0)
              ++s.busy;
          }
        }
        s.queued = st.queue.size();
        s.completed = st.completed;
        s.exhausted = st.exhausted;
        return s;
      },
  };
}

} // namespace gatherdb::actors
