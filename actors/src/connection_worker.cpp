#include "connection_worker.hpp"

#include <algorithm>
#include <chrono>

#include <caf/all.hpp>

#include "gatherdb/drivers/connection_executor.hpp"

#include "worker_runs.hpp"

namespace gatherdb::actors {

namespace {

using detail::worker_clock;
using self_ptr = worker_actor::stateful_pointer<connection_worker_state>;

// A long chunk reports what it has after this long, so that the results of its first
// statements do not wait for its last ones; every report wakes the pool and the sessions.
constexpr auto partial_flush_after = std::chrono::milliseconds{50};

void run_chunk(self_ptr self, const pool_actor& pool, work_chunk& chunk) {
  auto& st = self->state;
  auto& items = chunk.items;
  detail::begin_chunk(st, items.size());
  done_chunk out;
  out.results.reserve(items.size());
  auto last_flush = worker_clock::now();
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (st.taken[i])
      continue;
    const auto from = out.results.size();
    // The gather of items[i] (a coalesced lookup or a batch shares it).
    const auto control = items[i].control;
    if (detail::coalesce_group(st, items, i)) {
      detail::run_coalesced(st, items, out);
    } else {
      const auto end = detail::batch_end(st, items, i);
      if (end - i > 1)
        detail::run_batch(st, items, i, end, out);
      else
        out.results.emplace_back(std::move(items[i].session), detail::execute(st, items, i));
      for (auto k = i; k < end; ++k)
        st.taken[k] = true;
      i = end - 1;
    }
    // A failure is reported at once: under fail_fast it stops the rest of the gather.
    const bool stopped = control->stopped();
    const bool failed =
        std::any_of(out.results.begin() + static_cast<std::ptrdiff_t>(from), out.results.end(),
                    [stopped](const auto& r) {
                      return r.second.status == outcome_status::failed ||
                             (r.second.status == outcome_status::cancelled && !stopped);
                    });
    const bool more = std::find(st.taken.begin(), st.taken.end(), false) != st.taken.end();
    if (more && (failed || worker_clock::now() - last_flush >= partial_flush_after)) {
      self->send<caf::message_priority::high>(pool, done_atom::value, st.id, std::move(out), false);
      out = done_chunk{};
      last_flush = worker_clock::now();
    }
  }
  out.connected = st.conn.has_value();
  // High priority: the pool handles finished chunks before new statements, so that the
  // worker gets its next chunk without waiting behind a burst of arrivals.
  self->send<caf::message_priority::high>(pool, done_atom::value, st.id, std::move(out), true);
}

} // namespace

worker_actor::behavior_type
connection_worker(worker_actor::stateful_pointer<connection_worker_state> self, std::uint32_t id,
                  std::shared_ptr<const settings> config, const pool_actor& pool) {
  self->state.id = id;
  self->state.config = std::move(config);
  return {
      [self, pool](run_atom, work_chunk& chunk) { run_chunk(self, pool, chunk); },
      [self, pool](connect_atom) {
        auto& st = self->state;
        connect_report report;
        try {
          if (!st.conn)
            detail::connect(st);
        } catch (const drivers::database_error& e) {
          report.error = e.info();
        }
        self->send<caf::message_priority::high>(pool, ready_atom::value, st.id, std::move(report));
      },
      [self, pool](exec_atom, connection_task& task) {
        auto& st = self->state;
        try {
          if (!st.conn)
            detail::connect(st);
          drivers::connection_executor exec{*st.conn};
          task.fn(exec);
          task.done->set_value();
        } catch (...) {
          // The task may have left a transaction open or the connection broken: start afresh.
          detail::drop_connection(st);
          task.done->set_exception(std::current_exception());
        }
        done_chunk out;
        out.connected = st.conn.has_value();
        self->send<caf::message_priority::high>(pool, done_atom::value, st.id, std::move(out),
                                                true);
      },
  };
}

} // namespace gatherdb::actors
