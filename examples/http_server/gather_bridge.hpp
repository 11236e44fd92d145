#pragma once
// The actor side of the HTTP server: turns requests into gathers on the coordinator of the
// one actor system, without blocking the caller (an Asio thread).

#include <memory>
#include <string>

#include "gatherdb/actors/messages.hpp"
#include "gatherdb/model/dialect.hpp"

#include "http_types.hpp"

namespace caf {
class actor_system;
} // namespace caf

namespace gatherdb::http {

/// How requests become gathers.
struct bridge_options {
  /// The table the `A` rows live in; "a" uses `model::select<A>()`, any other name the same
  /// query as raw SQL loading `A` entities.
  std::string table = "a";
  /// The dialect the raw SQL is quoted for.
  model::dialect dialect = model::dialect::sqlite;
  /// Merge every gather into one long-lived session state, one gather at a time.
  bool shared_session = false;
  /// Requests waiting for the shared session at most; beyond it the answer is 503 + Retry-After.
  std::size_t shared_queue_bound = 1024;
};

/// Bridges HTTP requests into the actor system. Each request spawns a short-lived cooperative
/// actor that `request`s the coordinator (or, with `shared_session`, the one actor that owns
/// the shared session and runs its gathers one after another) and hands the rendered answer
/// to the request's callback. Nothing here blocks.
/// Thread-safety: `api()`'s functions may be called from any thread until `stop()`; `stop()`
/// must be called once no more requests come (it drops the actor handles, which must not
/// outlive the actor system).
class gather_bridge {
public:
  gather_bridge(caf::actor_system& system, actors::coordinator_actor coordinator,
                bridge_options options, std::shared_ptr<server_metrics> metrics);
  ~gather_bridge();
  gather_bridge(const gather_bridge&) = delete;
  gather_bridge& operator=(const gather_bridge&) = delete;

  /// The entry points for the HTTP sessions.
  [[nodiscard]] request_api api() const;

  /// Stops the shared-session actor and drops every actor handle. Idempotent.
  void stop() noexcept;

  struct impl;

private:
  std::shared_ptr<impl> impl_;
};

} // namespace gatherdb::http
