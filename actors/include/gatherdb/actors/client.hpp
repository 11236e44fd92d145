#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <vector>

#include "gatherdb/actors/gather_options.hpp"
#include "gatherdb/actors/messages.hpp"
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
/// It owns a coordinator (and through it the connection pool) in an actor system of its own,
/// or in one the caller provides. Thread-safety: `gather` and `stats` may be called from any
/// number of threads at once. Destruction stops every gather in flight (running statements are
/// cancelled), waits for the callers blocked in `gather` to return, and stops the actors.
class client {
public:
  /// A client with an actor system of its own (`settings::scheduler_threads` threads, sharing
  /// scheduler).
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

  /// Runs `fn` on a pooled connection (in autocommit; `fn` may begin and commit transactions
  /// through the executor) on that connection's worker thread, and returns when it has
  /// returned, rethrowing what it threw (`drivers::database_error` when no connection could be
  /// opened). For set-up work outside any gather: creating tables, loading rows. `fn` must not
  /// call back into this client.
  void with_connection(std::function<void(model::executor&)> fn) const;

  /// The pool's occupancy now.
  [[nodiscard]] pool_stats stats() const;

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
