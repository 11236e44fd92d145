#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "gatherdb/actors/messages.hpp"

namespace gatherdb::actors {

/// A session actor: cooperative, one per statement of a gather. It owns its statement, the
/// statement's deadline and outcome: it places the statement with the pool, receives the
/// frozen result (or error) of its execution in autocommit and hands it to the merge actor,
/// then ends.
session_actor::behavior_type
session(session_actor::pointer self, std::uint32_t index,
        std::shared_ptr<const std::vector<model::statement>> statements, steady_time gathered,
        steady_time deadline, std::shared_ptr<const gather_control> control, pool_actor pool,
        merge_actor merger);

} // namespace gatherdb::actors
