#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <vector>

#include "gatherdb/actors/gather_options.hpp"
#include "gatherdb/actors/messages.hpp"
#include "gatherdb/actors/metrics.hpp"
#include "gatherdb/actors/outcome.hpp"
#include "gatherdb/actors/settings.hpp"
#include "gatherdb/model/executor.hpp"
#include "gatherdb/model/statement.hpp"

namespace caf {
class actor_system;
} // namespace caf

namespace gatherdb::actors {

/// Thrown by `client::gather` when a `fail_fast` gather fails, or when the client cannot run
/// the gather at all (shutting down, actor system gone). Carries the failing statement's
/// error and whatever outcomes exist.
class gather_error : public std::runtime_error {
public:
  gather_error(gather_failure failure, gather_result partial);

  [[nodiscard]] const gather_failure& failure() const noexcept { return failure_; }
  [[nodiscard]] const statement_error& error() const noexcept { return failure_.error; }
  [[nodiscard]] const gather_result& partial() const noexcept { return partial_; }

private:
  gather_failure failure_;
  gather_result partial_;
};

/// The blocking facade for code that is not an actor (a server thread, `main`):
///
///     gatherdb::actors::client c{settings};
///     auto result = c.gather({select<A>().where(col(&A::data) == "a_5"), ...});
///
/// It owns a coordinator (and through it a connection pool per connection string of each
/// route, `settings::routes`) in an actor system of its own,
/// or in one the caller provides. Thread-safety: `gather`, `stats` and `metrics` may be called from
/// any number of threads at once. Destruction stops every gather in flight (running statements are
/// cancelled), waits for the callers blocked in `gather` to return, and stops the actors.
class client {
public:
  /// A client with an actor system of its own (`settings::scheduler_threads` threads, sharing
  /// scheduler). Throws `std::invalid_argument` for a route in `settings::routes` without a
  /// name or without a (non-empty) connection string.
  explicit client(settings config);
  /// A client in an existing actor system, which must outlive it.
  client(caf::actor_system& system, settings config);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// Runs the statements concurrently (a session actor each, autocommit on pooled
  /// connections), merges their frozen results into one session in statement order, and
  /// returns one outcome per statement. Throws `gather_error` when a `fail_fast` gather fails
  /// (in `collect` mode errors are outcomes) or when the client is shutting down.
  [[nodiscard]] gather_result gather(std::vector<model::statement> statements,
                                     gather_options options = {}) const;

  /// Runs `fn` on a pooled connection of the primary of `route` (empty: `default`), in
  /// autocommit (`fn` may begin and commit transactions through the executor), on that
  /// connection's worker thread, and returns when it has returned, rethrowing what it threw
  /// (`drivers::database_error` when no connection could be opened, `std::invalid_argument`
  /// for a route the client does not have). For set-up work outside any gather: creating
  /// tables, loading rows. `fn` must not call back into this client.
  void with_connection(std::function<void(model::executor&)> fn, std::string route = {}) const;

  /// The occupancy of all pools together now (`route` empty).
  [[nodiscard]] pool_stats stats() const;

  /// The occupancy of each pool now, in route order: one per connection string of each route.
  [[nodiscard]] std::vector<pool_stats> pool_stats_by_route() const;

  /// What the client has done since it started: each pool's figures (per route) and the
  /// counters and latency histograms of every statement whose gather has ended (recorded once
  /// per gather by its merge actor). Returns a copy the caller owns; render it with
  /// `render_prometheus` (prometheus_text.hpp). Thread-safety: may be called from any thread,
  /// also while gathers run; each figure is consistent, the pool's and the statements' are
  /// taken a moment apart. Blocks until the pool answers (5 s at most; without an answer, or
  /// once shutting down, the pool's figures are zero but the statement counters are true).
  /// Actor code asks `coordinator()` with `metrics_atom` instead.
  [[nodiscard]] metrics_snapshot metrics() const;

  /// The coordinator, for actor code: `request(c.coordinator(), infinite, gather_atom::value,
  /// gather_request{...})`.
  [[nodiscard]] coordinator_actor coordinator() const;

  /// The actor system the client runs in.
  [[nodiscard]] caf::actor_system& system() const noexcept;

  [[nodiscard]] const settings& config() const noexcept;

  /// Stops every gather in flight and refuses new ones; what the destructor does first.
  /// Idempotent; returns once the callers blocked in `gather` have returned.
  void shutdown() noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace gatherdb::actors

namespace gatherdb {
using actors::client;
using actors::gather_error;
using actors::gather_mode;
using actors::gather_options;
using actors::gather_result;
using actors::settings;
} // namespace gatherdb
