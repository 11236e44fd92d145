#include "metrics_recorder.hpp"

namespace gatherdb::actors {

statement_counters metrics_recorder::count(const std::vector<outcome>& outcomes) noexcept {
  statement_counters c;
  c.gathers = 1;
  for (const auto& o : outcomes) {
    ++c.by_status[static_cast<std::size_t>(o.status)];
    const auto& m = o.metrics;
    if (m.batched > 1)
      ++c.batched;
    if (m.coalesced > 1)
      ++c.coalesced;
    if (m.attempts > 1)
      ++c.retried;
    // A statement that never reached a connection (cancelled or refused while queued) has no
    // execution to time: counting its zeros would pull every quantile down.
    if (m.attempts == 0)
      continue;
    c.queue_wait.observe(m.queue_wait_us);
    c.execute.observe(m.execute_us);
    c.fetch.observe(m.fetch_us);
    c.merge.observe(m.merge_us);
  }
  return c;
}

void metrics_recorder::record(const std::vector<outcome>& outcomes) {
  const auto c = count(outcomes);
  std::lock_guard<std::mutex> guard{mtx_};
  totals_ += c;
}

statement_counters metrics_recorder::counters() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return totals_;
}

} // namespace gatherdb::actors
