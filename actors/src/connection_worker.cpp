#include "gatherdb/actors/connection_worker.hpp"

#include <algorithm>
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

prepared_sql& prepared(connection_worker_state& st, const std::string& sql) {
  if (st.last_prepared != nullptr && st.last_prepared->single.sql() == sql)
    return *st.last_prepared;
  auto it = st.prepared.find(sql);
  if (it == st.prepared.end()) {
    if (st.prepared.size() >= max_prepared) {
      st.last_prepared = nullptr;
      st.prepared.clear();
    }
    it = st.prepared.emplace(sql, prepared_sql{drivers::statement{*st.conn, sql}, {}}).first;
  }
  st.last_prepared = &it->second;
  return it->second;
}

// Whether `e` lost the connection: the driver may report the symptom (an error of another
// category) on a connection it has found dead.
bool lost_connection(const connection_worker_state& st, const drivers::database_error& e) {
  return e.category() == drivers::error_category::connection || (st.conn && st.conn->is_dead());
}

// Whether `e` is an end the gather caused: a cancel (only a stop or the deadline cancels), or
// a timeout once stopped or past the deadline. A timeout of the database's own before the
// deadline (SQLite's busy timeout, a lock wait) is a failure.
bool ended_by_gather(const work_item& item, const drivers::database_error& e) {
  const auto cat = e.category();
  return cat == drivers::error_category::cancelled ||
         (cat == drivers::error_category::timeout &&
          (item.control->stopped() || clock::now() >= item.deadline));
}

// Makes `st.sql` hold `item`'s SQL, compiling it unless a batch's look-ahead already did.
void compile(connection_worker_state& st, const work_item& item) {
  if (st.sql_of == &item)
    return;
  if (st.ahead_of == &item) {
    std::swap(st.sql, st.ahead);
    st.ahead_of = nullptr;
  } else {
    item.stmt.compile_into(st.conn->sql_dialect(), st.sql);
  }
  st.sql_of = &item;
}

// Runs one statement; `first_attempt` is 2 for a statement whose batch lost its connection,
// which counts as its first attempt.
work_done execute(connection_worker_state& st, const work_item& item, int first_attempt = 1) {
  const auto started = clock::now();
  if (item.control->stopped())
    return detail::stopped_outcome(*item.control);
  work_done d;
  d.metrics.queue_wait_us = micros(started - item.gathered);
  d.metrics.batched = 1;
  if (started >= item.deadline) {
    d.status = outcome_status::cancelled;
    d.error = {error_source::database,
               {"HYT00", 0, "deadline expired while waiting for a connection",
                drivers::error_category::timeout, false}};
    return d;
  }
  const int max_attempts = st.config->retry_idempotent_reads && item.stmt.idempotent() ? 2 : 1;
  for (int attempt = first_attempt; attempt <= max_attempts; ++attempt) {
    d.metrics.attempts = static_cast<std::uint8_t>(attempt);
    drivers::run_timings timings;
    try {
      if (!st.conn)
        connect(st);
      compile(st, item);
      auto& entry = prepared(st, st.sql.sql);
      drivers::run_options opts;
      opts.deadline = item.deadline;
      opts.stop = item.control->stop;
      opts.timings = &timings;
      d.rows = entry.single.run(st.sql.params, opts);
      entry.last_rows = d.rows ? d.rows->row_count() : 0;
      d.status = outcome_status::ok;
      d.error = {};
      d.metrics.execute_us = micros(timings.execute);
      d.metrics.fetch_us = micros(timings.fetch);
      return d;
    } catch (const drivers::database_error& e) {
      d.metrics.execute_us = micros(timings.execute);
      d.metrics.fetch_us = micros(timings.fetch);
      d.error = {error_source::database, e.info()};
      const bool lost = lost_connection(st, e);
      // Health check: a connection that reported a connection-class error is replaced.
      if (lost)
        drop_connection(st);
      if (ended_by_gather(item, e)) {
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

// The end of the batch that starts at `items[i]`: the items after it that may share its round
// trip, compiled into `st.sql` (the first) and `st.batch_sql` (the rest). `i + 1` when it
// runs alone.
std::size_t batch_end(connection_worker_state& st, const std::vector<work_item>& items,
                      std::size_t i) {
  const auto& first = items[i];
  const auto max_batch = std::clamp<std::size_t>(st.config->max_read_batch, 1, 100);
  const auto limit = std::min(items.size(), i + max_batch);
  if (limit - i < 2 || !st.conn || !st.conn->batches_param_arrays() || !first.stmt.idempotent() ||
      first.control->stopped())
    return i + 1;
  compile(st, first);
  if (st.sql.params.empty() || !drivers::batchable(st.sql.params))
    return i + 1;
  // Learnt from a single run first: a batch of large results would sit in the driver at once.
  const auto it = st.prepared.find(st.sql.sql);
  if (it == st.prepared.end() || it->second.last_rows > st.config->read_batch_rows)
    return i + 1;
  auto k = i + 1;
  for (; k < limit; ++k) {
    const auto& item = items[k];
    if (item.control != first.control || item.deadline != first.deadline || !item.stmt.idempotent())
      break;
    if (st.batch_sql.size() < k - i)
      st.batch_sql.resize(k - i);
    auto& next = st.batch_sql[k - i - 1];
    item.stmt.compile_into(st.conn->sql_dialect(), next);
    if (next.sql != st.sql.sql || !drivers::batchable(next.params) ||
        !drivers::batchable_together(st.sql.params, next.params)) {
      std::swap(st.ahead, next);
      st.ahead_of = &item;
      break;
    }
  }
  return k;
}

// Runs `items[i, end)` (from `batch_end`) in one execution and appends their outcomes to `out`.
// A batch that fails as a whole is run again one statement at a time, so that each statement
// gets its own outcome; a stop or an expired deadline ends all of them at once.
void run_batch(connection_worker_state& st, std::vector<work_item>& items, std::size_t i,
               std::size_t end, done_chunk& out) {
  const auto started = clock::now();
  const auto& first = items[i];
  const auto n = end - i;
  st.batch_sets.clear();
  st.batch_sets.push_back(&st.sql.params);
  for (std::size_t k = 0; k + 1 < n; ++k)
    st.batch_sets.push_back(&st.batch_sql[k].params);
  drivers::run_timings timings;
  drivers::run_options opts;
  opts.deadline = first.deadline;
  opts.stop = first.control->stop;
  opts.timings = &timings;
  std::optional<drivers::database_error> failure;
  try {
    auto& entry = prepared(st, st.sql.sql);
    if (!entry.batch)
      entry.batch.emplace(*st.conn, st.sql.sql);
    auto results = entry.batch->run_batch(st.batch_sets, opts);
    std::size_t most_rows = 0;
    for (std::size_t k = 0; k < n; ++k) {
      auto& item = items[i + k];
      work_done d;
      d.status = outcome_status::ok;
      d.rows = std::move(results[k]);
      most_rows = std::max(most_rows, d.rows ? d.rows->row_count() : 0);
      d.metrics.queue_wait_us = micros(started - item.gathered);
      d.metrics.execute_us = micros(timings.execute / n);
      d.metrics.fetch_us = micros(timings.fetch / n);
      d.metrics.attempts = 1;
      d.metrics.batched = static_cast<std::uint16_t>(n);
      out.results.emplace_back(std::move(item.session), std::move(d));
    }
    entry.last_rows = most_rows;
    return;
  } catch (const drivers::database_error& e) {
    failure = e;
  } catch (const std::exception& e) {
    failure.emplace(
        drivers::error_info{"HY000", 0, e.what(), drivers::error_category::other, false});
  }
  const bool lost = lost_connection(st, *failure);
  if (lost)
    drop_connection(st);
  const bool ours = ended_by_gather(first, *failure);
  const bool retry = lost && failure->retryable() && st.config->retry_idempotent_reads;
  for (auto k = i; k < end; ++k) {
    auto& item = items[k];
    work_done d;
    if (first.control->stopped()) {
      d = detail::stopped_outcome(*first.control);
    } else if (ours || (lost && !retry)) {
      d.status = ours ? outcome_status::cancelled : outcome_status::failed;
      d.error = {error_source::database, failure->info()};
      d.metrics.attempts = 1;
    } else {
      // Lost: the batch was every statement's first attempt. Otherwise one statement failed
      // the batch, and running each alone tells which.
      d = execute(st, item, lost ? 2 : 1);
    }
    d.metrics.batched = 1;
    out.results.emplace_back(std::move(item.session), std::move(d));
  }
}

} // namespace

worker_actor::behavior_type
connection_worker(worker_actor::stateful_pointer<connection_worker_state> self, std::uint32_t id,
                  std::shared_ptr<const settings> config, pool_actor pool) {
  self->state.id = id;
  self->state.config = std::move(config);
  return {
      [self, id, pool = std::move(pool)](run_atom, work_chunk& chunk) {
        auto& st = self->state;
        // Items are known by address within this chunk only.
        st.sql_of = st.ahead_of = nullptr;
        done_chunk out;
        out.results.reserve(chunk.items.size());
        auto last_flush = clock::now();
        auto& items = chunk.items;
        for (std::size_t i = 0; i < items.size();) {
          const auto from = out.results.size();
          const auto end = batch_end(st, items, i);
          if (end - i > 1)
            run_batch(st, items, i, end, out);
          else
            out.results.emplace_back(std::move(items[i].session), execute(st, items[i]));
          // A failure is reported at once: under fail_fast it stops the rest of the gather. (A
          // batch's statements share their gather.)
          const bool stopped = items[i].control->stopped();
          i = end;
          const bool failed =
              std::any_of(out.results.begin() + static_cast<std::ptrdiff_t>(from),
                          out.results.end(), [stopped](const auto& r) {
                            return r.second.status == outcome_status::failed ||
                                   (r.second.status == outcome_status::cancelled && !stopped);
                          });
          if (i < items.size() && (failed || clock::now() - last_flush >= partial_flush_after)) {
            self->send<caf::message_priority::high>(pool, done_atom::value, id, std::move(out),
                                                    false);
            out = done_chunk{};
            last_flush = clock::now();
          }
        }
        st.sql_of = st.ahead_of = nullptr;
        // High priority: the pool handles finished chunks before new statements, so that the
        // worker gets its next chunk without waiting behind a burst of arrivals.
        self->send<caf::message_priority::high>(pool, done_atom::value, id, std::move(out), true);
      },
  };
}

} // namespace gatherdb::actors
