#pragma once
// Gather options the actors and faults suites share.
//
// Thread-safety: pure functions.

#include <chrono>

#include "gatherdb/actors/gather_options.hpp"

namespace gatherdb::test {

/// Collect-mode options (every statement ends as a result or an error) with an optional
/// deadline.
[[nodiscard]] inline actors::gather_options
collect(std::chrono::milliseconds timeout = std::chrono::milliseconds{0}) {
  actors::gather_options o;
  o.mode = actors::gather_mode::collect;
  o.timeout = timeout;
  return o;
}

} // namespace gatherdb::test
