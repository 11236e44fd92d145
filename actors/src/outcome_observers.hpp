#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "gatherdb/actors/outcome.hpp"
#include "gatherdb/model/statement.hpp"

#include "metrics_recorder.hpp"
#include "statement_log.hpp"

namespace gatherdb::actors {

/// What learns of a gather's final outcomes as it ends: the client's metrics and, when it is
/// on, the statement log. Ownership: shared by the client, the coordinator and every merge
/// actor. Thread-safety: `observe` may be called from any number of threads at once.
struct outcome_observers {
  std::shared_ptr<metrics_recorder> metrics;
  /// Null when the log is off.
  std::shared_ptr<statement_log> log;

  /// Records one gather that ended; what the merge actor calls before it replies.
  void observe(std::uint64_t gather_id, const std::vector<model::statement>& statements,
               const std::vector<outcome>& outcomes) const {
    if (metrics)
      metrics->record(outcomes);
    if (log)
      log->write(gather_id, statements, outcomes);
  }
};

} // namespace gatherdb::actors
