#include "worker_runs.hpp"

#include <algorithm>

#include "canned_outcomes.hpp"

namespace gatherdb::actors::detail {

namespace {

// After a failed connect, statements fail at once with its error for this long instead of
// each trying again: a server that is down would cost every queued statement a connect, and a
// server coming back up would meet a storm of them. About ten attempts a second per worker.
constexpr auto reconnect_backoff = std::chrono::milliseconds{100};
// Bounds the prepared-statement cache of one connection.
constexpr std::size_t max_prepared = 256;

} // namespace

std::uint32_t micros(worker_clock::duration d) noexcept {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(us, 0, UINT32_MAX));
}

void drop_connection(connection_worker_state& st) noexcept {
  st.last_prepared = nullptr;
  st.prepared.clear();
  st.conn.reset();
}

void connect(connection_worker_state& st) {
  const auto now = worker_clock::now();
  if (st.connect_error && now - st.connect_failed_at < reconnect_backoff)
    throw drivers::database_error(*st.connect_error);
  try {
    st.conn.emplace(drivers::connection::open(st.config->dsn, st.config->login_timeout));
    st.connect_error.reset();
  } catch (const drivers::database_error& e) {
    st.connect_error = e.info();
    st.connect_failed_at = worker_clock::now();
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
    it =
        st.prepared
            .emplace(sql,
                     prepared_sql{drivers::prepared_statement{*st.conn, sql}, {}, SIZE_MAX, {}, {}})
            .first;
  }
  st.last_prepared = &it->second;
  return it->second;
}

bool lost_connection(const connection_worker_state& st, const drivers::database_error& e) {
  return e.category() == drivers::error_category::connection || (st.conn && st.conn->is_dead());
}

bool ended_by_gather(const work_item& item, const drivers::database_error& e) {
  const auto cat = e.category();
  return cat == drivers::error_category::cancelled ||
         (cat == drivers::error_category::timeout &&
          (item.control->stopped() || worker_clock::now() >= item.deadline));
}

void begin_chunk(connection_worker_state& st, std::size_t n) {
  if (st.compiled.size() < n)
    st.compiled.resize(n);
  st.is_compiled.assign(n, false);
  st.taken.assign(n, false);
}

const model::compiled_sql& compiled(connection_worker_state& st,
                                    const std::vector<work_item>& items, std::size_t k) {
  if (!st.is_compiled[k]) {
    items[k].stmt.compile_into(st.conn->sql_dialect(), st.compiled[k]);
    st.is_compiled[k] = true;
  }
  return st.compiled[k];
}

work_done execute(connection_worker_state& st, const std::vector<work_item>& items, std::size_t k,
                  int first_attempt) {
  const auto& item = items[k];
  const auto started = worker_clock::now();
  if (item.control->stopped())
    return stopped_outcome(*item.control);
  work_done d;
  d.metrics.queue_wait_us = micros(started - item.gathered);
  d.metrics.batched = 1;
  d.metrics.coalesced = 1;
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
      const auto& sql = compiled(st, items, k);
      auto& entry = prepared(st, sql.sql);
      drivers::run_options opts;
      opts.deadline = item.deadline;
      opts.stop = item.control->stop;
      opts.timings = &timings;
      d.rows = entry.single.run(sql.params, opts);
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
          return stopped_outcome(*item.control);
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

} // namespace gatherdb::actors::detail
