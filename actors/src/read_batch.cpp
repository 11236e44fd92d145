// Batched reads: idempotent statements of one SQL that follow each other in a chunk run as one
// parameter array execution, one round trip, where the driver returns one result per set.

#include <algorithm>
#include <optional>

#include "canned_outcomes.hpp"
#include "worker_runs.hpp"

namespace gatherdb::actors::detail {

std::size_t batch_end(connection_worker_state& st, const std::vector<work_item>& items,
                      std::size_t i) {
  const auto& first = items[i];
  const auto max_batch = std::clamp<std::size_t>(st.config->max_read_batch, 1, 100);
  const auto limit = std::min(items.size(), i + max_batch);
  if (limit - i < 2 || !st.conn || !st.conn->batches_param_arrays() || !first.stmt.idempotent() ||
      first.control->stopped())
    return i + 1;
  const auto& sql = compiled(st, items, i);
  if (sql.params.empty() || !drivers::batchable(sql.params))
    return i + 1;
  // Learnt from a single run first: a batch of large results would sit in the driver at once.
  const auto it = st.prepared.find(sql.sql);
  if (it == st.prepared.end() || it->second.last_rows > st.config->read_batch_rows)
    return i + 1;
  auto k = i + 1;
  for (; k < limit; ++k) {
    const auto& item = items[k];
    if (st.taken[k] || item.control != first.control || item.deadline != first.deadline ||
        !item.stmt.idempotent())
      break;
    const auto& next = compiled(st, items, k);
    if (next.sql != sql.sql || !drivers::batchable(next.params) ||
        !drivers::batchable_together(sql.params, next.params))
      break;
  }
  return k;
}

void run_batch(connection_worker_state& st, std::vector<work_item>& items, std::size_t i,
               std::size_t end, done_chunk& out) {
  const auto started = worker_clock::now();
  const auto& first = items[i];
  const auto n = end - i;
  st.batch_sets.clear();
  for (auto k = i; k < end; ++k)
    st.batch_sets.push_back(&st.compiled[k].params);
  drivers::run_timings timings;
  drivers::run_options opts;
  opts.deadline = first.deadline;
  opts.stop = first.control->stop;
  opts.timings = &timings;
  std::optional<drivers::database_error> failure;
  try {
    auto& entry = prepared(st, st.compiled[i].sql);
    if (!entry.batch)
      entry.batch.emplace(*st.conn, st.compiled[i].sql);
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
      d.metrics.coalesced = 1;
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
      d = stopped_outcome(*first.control);
    } else if (ours || (lost && !retry)) {
      d.status = ours ? outcome_status::cancelled : outcome_status::failed;
      d.error = {error_source::database, failure->info()};
      d.metrics.attempts = 1;
    } else {
      // Lost: the batch was every statement's first attempt. Otherwise one statement failed
      // the batch, and running each alone tells which.
      d = execute(st, items, k, lost ? 2 : 1);
      d.metrics.fell_back = true;
    }
    // `batched` says what the outcome's own execution shared: a fallback ran alone.
    d.metrics.batched = 1;
    out.results.emplace_back(std::move(item.session), std::move(d));
  }
}

} // namespace gatherdb::actors::detail
