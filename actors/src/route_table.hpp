#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gatherdb/actors/messages.hpp"
#include "gatherdb/actors/settings.hpp"

namespace gatherdb::actors {

/// How busy one connection pool is, published by the pool for the sessions that choose among
/// a route's pools. Thread-safety: atomics; written by the pool (and bumped by placing
/// sessions), read by any session.
struct pool_load {
  /// Statements queued or running in the pool (sessions add one as they place a statement,
  /// so that a burst spreads before the pool has counted it).
  std::atomic<std::uint32_t> backlog{0};
  /// When the pool found its database unreachable (steady clock, ms); 0 while it is reachable.
  std::atomic<std::int64_t> down_since_ms{0};
};

/// The pools of a client, by route: the coordinator spawns one pool per connection string
/// and never changes the table afterwards. Thread-safety: immutable after construction except
/// the pools' loads and the routes' turn counters, which are atomics; shared by the
/// coordinator and every session.
class route_table {
public:
  /// One connection string's pool.
  struct pool {
    pool_actor actor;
    /// Null for the only pool of a route: there is nothing to choose.
    std::shared_ptr<pool_load> load;
  };

  /// One route: its primary's pool first, then its replicas'.
  struct route {
    std::string name;
    std::vector<pool> pools;
    /// Breaks ties between equally busy pools, so that a burst takes turns.
    mutable std::atomic<std::uint32_t> turn{0};
    /// Whether the pools after the first stand by: they take only the reads the first could
    /// not run (a route served by gatherdb nodes whose connection strings this client has too).
    bool standby = false;

    route(std::string n, std::vector<pool> p, bool s)
        : name(std::move(n)), pools(std::move(p)), standby(s) {}
  };

  /// The routes of `s` in route order: `default` first (from `s.dsn`, unless `s.routes` has
  /// one, or `s.dsn` is empty while `s.routes` is not), then `s.routes` in name order. Throws
  /// `std::invalid_argument` for a route in `s.routes` with an empty name or without a
  /// connection string, or with an empty one (a route served by nodes needs none: `default`
  /// is then `s.nodes` unless `s.routes` has it).
  [[nodiscard]] static std::vector<std::pair<std::string, route_settings>>
  routes_of(const settings& s);

  /// Adds a route; with `standby`, its pools after the first only take what the first could not
  /// run (see `route::standby`).
  void add(std::string name, std::vector<pool> pools, bool standby = false);

  [[nodiscard]] const std::vector<std::unique_ptr<route>>& routes() const noexcept {
    return routes_;
  }

  /// The position of the route named `name`, or -1.
  [[nodiscard]] int find(std::string_view name) const noexcept;

  /// Whether any route has more than one pool (a statement may then move to another).
  [[nodiscard]] bool has_replicas() const noexcept { return has_replicas_; }

  /// The pool of `r` for a statement: its primary unless `read` (an idempotent read), then the
  /// least busy of its pools that is not `avoid` (-1: none) and not down since less than
  /// `down_retry` ago; when every pool is, the least recently downed other than `avoid`. A
  /// route whose pools stand by sends every read to its first pool while that one is up.
  [[nodiscard]] std::uint16_t pick(std::size_t r, bool read, int avoid = -1) const;

  /// How long a pool that found its database unreachable gets no reads that another pool of
  /// its route could take.
  static constexpr std::chrono::milliseconds down_retry{1000};

private:
  std::vector<std::unique_ptr<route>> routes_;
  bool has_replicas_ = false;
};

/// Milliseconds of the steady clock, for `pool_load::down_since_ms`.
[[nodiscard]] std::int64_t steady_ms() noexcept;

} // namespace gatherdb::actors
