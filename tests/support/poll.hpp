#pragma once
// Waiting for an observable state instead of sleeping for a guessed time: the tests poll the
// state with a generous bound, so that a slow or loaded machine only makes them slower.
//
// Thread-safety: `poll_until` is as thread-safe as the predicate it calls.

#include <chrono>
#include <thread>

namespace gatherdb::test {

/// How long a test waits at most for a state that a healthy run reaches in milliseconds.
inline constexpr std::chrono::milliseconds poll_bound{60000};

/// Calls `done()` every 10 ms until it returns true or `timeout` passed; returns its last
/// answer (false: the state was never reached).
template <class Predicate>
bool poll_until(Predicate&& done, std::chrono::milliseconds timeout = poll_bound) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  return true;
}

} // namespace gatherdb::test
