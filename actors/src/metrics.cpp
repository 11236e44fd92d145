#include "gatherdb/actors/metrics.hpp"

namespace gatherdb::actors {

statement_counters& statement_counters::operator+=(const statement_counters& other) noexcept {
  gathers += other.gathers;
  for (std::size_t i = 0; i < by_status.size(); ++i)
    by_status[i] += other.by_status[i];
  batched += other.batched;
  coalesced += other.coalesced;
  retried += other.retried;
  queue_wait += other.queue_wait;
  execute += other.execute;
  fetch += other.fetch;
  merge += other.merge;
  return *this;
}

} // namespace gatherdb::actors
