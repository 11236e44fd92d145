#pragma once

#include <mutex>
#include <vector>

#include "gatherdb/actors/metrics.hpp"
#include "gatherdb/actors/outcome.hpp"

namespace gatherdb::actors {

/// The statement counters of one client since it started. Merge actors record each gather's
/// final outcomes once, as the gather ends, so that the lock is taken per gather, not per
/// statement. Ownership: shared by the client, the coordinator and the merge actors.
/// Thread-safety: `record` and `counters` may be called from any number of threads at once.
class metrics_recorder {
public:
  /// Counts the outcomes of one gather that ended (the gather itself too).
  void record(const std::vector<outcome>& outcomes);

  /// Everything recorded so far.
  [[nodiscard]] statement_counters counters() const;

  /// The counters of one gather's outcomes, computed without a lock.
  [[nodiscard]] static statement_counters count(const std::vector<outcome>& outcomes) noexcept;

private:
  mutable std::mutex mtx_;
  statement_counters totals_;
};

} // namespace gatherdb::actors
