#include "connection_pool.hpp"

#include <algorithm>
#include <chrono>

#include <caf/all.hpp>

#include "gatherdb/drivers/error.hpp"

#include "canned_outcomes.hpp"
#include "chunk_sizing.hpp"
#include "connection_worker.hpp"
#include "route_table.hpp"

namespace gatherdb::actors {

namespace {

using clock = std::chrono::steady_clock;
using self_ptr = pool_actor::stateful_pointer<connection_pool_state>;
using phase = connection_pool_state::phase;
using slot_t = connection_pool_state::worker_slot;

// How often queued statements are checked against the pool's wait timeout.
constexpr auto expire_interval = std::chrono::milliseconds{20};
// A failed connect is tried again on demand after this long; until then, work that finds no
// connection open or opening fails at once with its error instead of each paying a connect.
constexpr auto reconnect_backoff = std::chrono::milliseconds{100};

work_done connect_failed_outcome(const statement_error& e) {
  work_done d;
  d.status = outcome_status::failed;
  d.error = e;
  return d;
}

void fail_assigned(self_ptr self, slot_t& slot, const std::string& why) {
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

std::size_t count(const connection_pool_state& st, phase p) {
  return static_cast<std::size_t>(std::count_if(st.workers.begin(), st.workers.end(),
                                                [p](auto& w) { return w.handle && w.state == p; }));
}

// Asks the worker of `slot` to open its connection, spawning it first when it has none.
void start_connecting(self_ptr self, slot_t& slot) {
  auto& st = self->state;
  if (!slot.handle) {
    auto id = static_cast<std::uint32_t>(&slot - st.workers.data());
    slot.handle = st.make_worker(caf::actor_cast<pool_actor>(self), id);
    self->link_to(slot.handle);
    slot.assigned.clear();
    slot.chunks = 0;
  }
  slot.state = phase::connecting;
  self->send(slot.handle, connect_atom::value);
}

// Opens connections while work waits and no open connection is free: every slot of the pool
// that has no connection (and whose last connect failed long enough ago) starts connecting.
void grow(self_ptr self) {
  auto& st = self->state;
  if (st.queue.empty() && st.tasks.empty())
    return;
  const bool idle_open = std::any_of(st.workers.begin(), st.workers.end(), [](auto& w) {
    return w.handle && w.state == phase::open && w.chunks == 0;
  });
  if (idle_open)
    return;
  const auto now = clock::now();
  for (auto& w : st.workers)
    if (!w.handle || (w.state == phase::failed && now - w.failed_at >= reconnect_backoff))
      start_connecting(self, w);
}

// With no connection open or opening, waiting work fails with the last connect error.
void fail_unreachable(self_ptr self) {
  auto& st = self->state;
  if (!st.connect_error || count(st, phase::open) > 0 || count(st, phase::connecting) > 0)
    return;
  for (auto& item : st.queue)
    self->send(item.session, done_atom::value, connect_failed_outcome(*st.connect_error));
  st.queue.clear();
  for (auto& task : st.tasks)
    task.done->set_exception(
        std::make_exception_ptr(drivers::database_error(st.connect_error->info)));
  st.tasks.clear();
}

slot_t* pick_worker(connection_pool_state& st) {
  return detail::pick_worker(st.workers, st.config->worker_queue_chunks,
                             [](const slot_t& w) { return w.handle && w.state == phase::open; });
}

// Tells the sessions choosing among a route's pools how busy this one is and whether its
// database is reachable.
void publish_load(connection_pool_state& st) {
  if (!st.load)
    return;
  std::size_t backlog = st.queue.size();
  for (const auto& w : st.workers)
    backlog += w.assigned.size();
  st.load->backlog.store(static_cast<std::uint32_t>(std::min<std::size_t>(backlog, UINT32_MAX)),
                         std::memory_order_relaxed);
  const bool unreachable =
      st.connect_error && count(st, phase::open) == 0 && count(st, phase::connecting) == 0;
  if (!unreachable)
    st.load->down_since_ms.store(0, std::memory_order_relaxed);
  else if (st.load->down_since_ms.load(std::memory_order_relaxed) == 0)
    st.load->down_since_ms.store(steady_ms(), std::memory_order_relaxed);
}

void dispatch(self_ptr self) {
  auto& st = self->state;
  // Connection tasks (set-up work of the application) take an idle open connection first.
  while (!st.tasks.empty()) {
    auto* w = pick_worker(st);
    if (w == nullptr || w->chunks > 0)
      break;
    ++w->chunks;
    w->last_used = ++st.work_sequence;
    self->send(w->handle, exec_atom::value, std::move(st.tasks.front()));
    st.tasks.pop_front();
  }
  while (!st.queue.empty()) {
    auto* w = pick_worker(st);
    if (w == nullptr)
      break;
    detail::chunk_demand demand;
    demand.queued = st.queue.size();
    for (const auto& x : st.workers)
      demand.in_flight += x.assigned.size();
    demand.held = w->assigned.size();
    demand.busy = w->chunks > 0;
    demand.gather_size = st.queue.front().gather_size;
    demand.coalescible = st.queue.front().stmt.coalescible();
    const auto n = detail::chunk_size(demand, *st.config);
    if (n == 0)
      break;
    work_chunk chunk;
    chunk.items.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      w->assigned.push_back(st.queue.front().session);
      chunk.items.push_back(std::move(st.queue.front()));
      st.queue.pop_front();
    }
    ++w->chunks;
    w->last_used = ++st.work_sequence;
    self->send(w->handle, run_atom::value, std::move(chunk));
  }
  grow(self);
  fail_unreachable(self);
  publish_load(st);
}

void arm_expiry(self_ptr self) {
  auto& st = self->state;
  if (st.expire_armed || st.queue.empty())
    return;
  st.expire_armed = true;
  self->delayed_send(self, expire_interval, expire_atom::value);
}

// Ends the queued statements that waited too long, whose deadline passed or whose gather was
// stopped (fail_fast, shutdown): otherwise they would wait behind other gathers' statements.
void expire(self_ptr self) {
  auto& st = self->state;
  const auto now = clock::now();
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
}

} // namespace

pool_actor::behavior_type connection_pool(self_ptr self, std::shared_ptr<const settings> config,
                                          worker_factory make_worker,
                                          std::shared_ptr<pool_load> load) {
  auto& st = self->state;
  st.config = std::move(config);
  st.load = std::move(load);
  st.make_worker =
      make_worker ? std::move(make_worker) : [self](pool_actor pool, std::uint32_t id) {
        return self->spawn<caf::detached>(connection_worker, id, self->state.config,
                                          std::move(pool));
      };
  const auto pool_size = std::max<std::size_t>(st.config->pool_size, 1);
  // Slots never move: a worker knows its slot by index for the pool's lifetime.
  st.workers.resize(pool_size);
  for (std::size_t i = 0; i < std::min(st.config->min_connections, pool_size); ++i)
    start_connecting(self, st.workers[i]);
  // Workers are linked: they stop with the pool. A worker that stops on its own fails the
  // statements it held instead of losing them; the next demand spawns a replacement.
  self->set_exit_handler([self](caf::exit_msg& em) {
    for (auto& w : self->state.workers) {
      if (w.handle && w.handle.address() == em.source) {
        fail_assigned(self, w, "connection worker stopped: " + self->system().render(em.reason));
        w.handle = nullptr;
        w.state = phase::connecting;
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
        // Handed out once the statements already in the mailbox are queued too: a gather's
        // statements arrive in bursts, and a burst handed out whole makes full chunks, which
        // coalesce and batch, where one handed out statement by statement makes chunks of one.
        if (!st.dispatch_pending) {
          st.dispatch_pending = true;
          self->send(self, dispatch_atom::value);
        }
        arm_expiry(self);
      },
      [=](dispatch_atom) {
        self->state.dispatch_pending = false;
        dispatch(self);
      },
      [=](exec_atom, connection_task& task) {
        self->state.tasks.push_back(std::move(task));
        dispatch(self);
      },
      [=](ready_atom, std::uint32_t worker, connect_report& report) {
        auto& st = self->state;
        if (worker >= st.workers.size() || !st.workers[worker].handle)
          return;
        auto& w = st.workers[worker];
        if (report.error) {
          w.state = phase::failed;
          w.failed_at = clock::now();
          st.connect_error = statement_error{report.source, std::move(*report.error)};
        } else {
          w.state = phase::open;
          st.connect_error.reset();
        }
        dispatch(self);
      },
      [=](done_atom, std::uint32_t worker, done_chunk& done, bool chunk_finished) {
        auto& st = self->state;
        if (worker < st.workers.size()) {
          auto& w = st.workers[worker];
          // Mostly in order; a coalesced lookup reports its statements together.
          for (const auto& result : done.results) {
            auto it = std::find(w.assigned.begin(), w.assigned.end(), result.first);
            if (it != w.assigned.end())
              w.assigned.erase(it);
          }
          if (chunk_finished && w.chunks > 0)
            --w.chunks;
          if (chunk_finished && !done.connected && w.handle && w.state == phase::open)
            start_connecting(self, w);
        }
        st.completed += done.results.size();
        for (auto& [session, result] : done.results)
          self->send(session, done_atom::value, std::move(result));
        dispatch(self);
      },
      [=](expire_atom) {
        self->state.expire_armed = false;
        expire(self);
        publish_load(self->state);
        arm_expiry(self);
      },
      [=](stats_atom) {
        auto& st = self->state;
        pool_stats s;
        s.pool_size = st.config->pool_size;
        for (auto& w : st.workers) {
          if (!w.handle)
            continue;
          s.connections += w.state == phase::open ? 1 : 0;
          s.connecting += w.state == phase::connecting ? 1 : 0;
          s.busy += w.chunks > 0 ? 1 : 0;
        }
        s.queued = st.queue.size();
        s.completed = st.completed;
        s.exhausted = st.exhausted;
        return s;
      },
  };
}

} // namespace gatherdb::actors
