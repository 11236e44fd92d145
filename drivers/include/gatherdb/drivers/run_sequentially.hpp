#pragma once

#include <vector>

#include "gatherdb/drivers/connection_executor.hpp"
#include "gatherdb/model/merge_policy.hpp"
#include "gatherdb/model/merged_result.hpp"
#include "gatherdb/model/session_state.hpp"
#include "gatherdb/model/statement.hpp"

namespace gatherdb::drivers {

/// The plain baseline that gathering competes with: runs `statements` one after another on one
/// connection (prepared once per distinct SQL, autocommit) and merges each result into
/// `session` in order. Throws `database_error` or `model::merge_error` at the first failure;
/// what was merged before stays merged.
/// Thread-safety: uses `exec` and `session` from the calling thread only.
[[nodiscard]] std::vector<model::merged_result>
run_sequentially(connection_executor& exec, const std::vector<model::statement>& statements,
                 model::session_state& session,
                 model::merge_policy policy = model::merge_policy::overwrite);

} // namespace gatherdb::drivers
