#include "gatherdb/actors/connection_worker.hpp"

#include <chrono>

#include <caf/all.hpp>

#include "canned_outcomes.hpp"

namespace gatherdb::actors {

namespace {

using clock = std::chrono::steady_clock;

// A long chunk reports what it has after this long, so that the results of its first
// statements do not wait for its last ones. Every report wakes the pool and the sessions on
// the scheduler threads: at 5 ms, DB-bound gathers (~300 us statements) spent ~40 us more
// client CPU per statement than at 50 ms (gather_bench, 10,000-row table).
constexpr auto partial_flush_after = std::chrono::milliseconds{50};
// After a failed connect, statements fail at once with its error for this long instead of
// each trying again: a server that is down cost every queued statement a connect (two with the
// retry of idempotent reads), ~2,600 of them in 4.5 s under ASan, and a server coming back
// up meets a storm of connects. Bounds the attempts to ~10 per second per worker.
constexpr auto reconnect_backoff = std::chrono::milliseconds{100};
// Bounds the prepared-statement cache of one connection.
constexpr std::size_t max_prepared = 256;

std::uint32_t micros(clock::duration d) noexcept {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(us, 0, UINT32_MAX));
}

void drop_connection(connection_worker_state& st) noexcept {
  st.last_prepared = nullptr;
  st.prepared.clear();
  st.conn.reset();
}

// Opens the worker's connection, or throws the last connect error while backing off.
void connect(connection_worker_state& st) {
  const auto now = clock::now();
  if (st.connect_error && now - st.connect_failed_at < reconnect_backoff)
    throw drivers::database_error(*st.connect_error);
  try {
    st.conn.emplace(drivers::connection::open(st.config->dsn, st.config->login_timeout));
    st.connect_error.reset();
  } catch (const drivers::database_error& e) {
    st.connect_error = e.info();
    st.connect_failed_at = clock::now();
    throw;
  }
}

drivers::statement& prepared(connection_worker_state& st, const std::string& sql) {
  if (st.last_prepared != nullptr && st.last_prepared->sql() == sql)
    return *st.last_prepared;
  auto it = st.prepared.find(sql);
  if (it == st.prepared.end()) {
    if (st.prepared.size() >= max_prepared) {
      st.last_prepared = nullptr;
      st.prepared.clear();
    }
    it = st.prepared.emplace(sql, drivers::statement{*st.conn, sql}).first;
  }
  st.last_prepared = &it->second;
  return it->second;
}

work_done execute(connection_worker_state& st, const work_item& item) {
  const auto started = clock::now();
  if (item.control->stopped())
    return detail::stopped_outcome(*item.control);
  work_done d;
  d.metrics.queue_wait_us = micros(started - item.gathered);
  if (started >= item.deadline) {
    d.status = outcome_status::cancelled;
    d.error = {error_source::database,
               {"HYT00", 0, "deadline expired while waiting for a connection",
                drivers::error_category::timeout, false}};
    return d;
  }
  const int max_attempts = st.config->retry_idempotent_reads && item.stmt.idempotent() ? 2 : 1;
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    d.metrics.attempts = static_cast<std::uint8_t>(attempt);
    drivers::run_timings timings;
    try {
      if (!st.conn)
        connect(st);
      item.stmt.compile_into(st.conn->sql_dialect(), st.sql);
      auto& stmt = prepared(st, st.sql.sql);
      drivers::run_options opts;
      opts.deadline = item.deadline;
      opts.stop = item.control->stop;
      opts.timings = &timings;
      d.rows = stmt.run(st.sql.params, opts);
      d.status = outcome_status::ok;
      d.error = {};
      d.metrics.execute_us = micros(timings.execute);
      d.metrics.fetch_us = micros(timings.fetch);
      return d;
    } catch (const drivers::database_error& e) {
      d.metrics.execute_us = micros(timings.execute);
      d.metrics.fetch_us = micros(timings.fetch);
      d.error = {error_source::database, e.info()};
      const bool lost =
          e.category() == drivers::error_category::connection || (st.conn && st.conn->is_dead());
      // Health check: a connection that reported a connection-class error is replaced.
      if (lost)
        drop_connection(st);
      const auto cat = e.category();
      // Cancelled means we cancelled it: a stop, or its deadline. A timeout of the database's
      // own (SQLite's busy timeout, a lock wait) before the deadline is a failure.
      const bool ours = cat == drivers::error_category::cancelled || item.control->stopped() ||
                        clock::now() >= item.deadline;
      if (ours &&
          (cat == drivers::error_category::cancelled || cat == drivers::error_category::timeout)) {
        d.status = outcome_status::cancelled;
        if (item.control->stopped())
          return detail::stopped_outcome(*item.control);
        return d;
      }
      d.status = outcome_status::failed;
      if (!(lost && e.retryable()) || item.control->stopped())
        return d;
    } catch (const std::exception& e) {
      d.status = outcome_status::failed;
      d.error = {error_source::database,
                 {"HY000", 0, e.what(), drivers::error_category::other, false}};
      return d;
    }
  }
  return d;
}

} // namespace

worker_actor::behavior_type
connection_worker(worker_actor::stateful_pointer<connection_worker_state> self, std::uint32_t id,
                  std::shared_ptr<const settings> config, pool_actor pool) {
  self->state.id = id;
  self->state.config = std::move(config);
  return {
      [=](run_atom, work_chunk& chunk) {
        done_chunk out;
        out.results.reserve(chunk.items.size());
        auto last_flush = clock::now();
        for (std::size_t i = 0; i < chunk.items.size(); ++i) {
          auto& item = chunk.items[i];
          out.results.emplace_back(std::move(item.session), execute(self->state, item));
          const bool last = i + 1 == chunk.items.size();
          // A failure is reported at once: under fail_fast it stops the rest of the gather.
          const auto status = out.results.back().second.status;
          const bool failed = status == outcome_status::failed ||
                              (status == outcome_status::cancelled && !item.control->stopped());
          if (!last && (failed || clock::now() - last_flush >= partial_flush_after)) {
            self->send<caf::message_priority::high>(pool, done_atom::value, id, std::move(out),
                                                    false);
            out = done_chunk{};
            last_flush = clock::now();
          }
        }
        // High priority: the pool handles finished chunks before new statements, so that the
        // worker gets its next chunk without waiting behind a burst of arrivals.
        self->send<caf::message_priority::high>(pool, done_atom::value, id, std::move(out), true);
      },
  };
}

} // namespace gatherdb::actors
