#pragma once
// Private to actors/src: the outcomes gatherdb decides itself, without the database, in one
// place so that every actor reports them in the same words.

#include <string>

#include "gatherdb/actors/messages.hpp"

namespace gatherdb::actors::detail {

/// A statement skipped because its gather stopped (fail_fast) or the client is shutting down.
[[nodiscard]] work_done stopped_outcome(const gather_control& control);

/// No connection within the pool's wait timeout, or the pool's queue was full.
[[nodiscard]] work_done pool_exhausted_outcome(std::string message);

/// The gather's deadline passed before the statement's outcome arrived.
[[nodiscard]] work_done deadline_expired_outcome();

} // namespace gatherdb::actors::detail
