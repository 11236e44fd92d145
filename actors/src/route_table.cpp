#include "route_table.hpp"

#include <limits>
#include <stdexcept>

#include "gatherdb/model/route.hpp"

namespace gatherdb::actors {

std::int64_t steady_ms() noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::vector<std::pair<std::string, route_settings>> route_table::routes_of(const settings& s) {
  std::vector<std::pair<std::string, route_settings>> out;
  const std::string default_name{model::default_route};
  if (auto it = s.routes.find(default_name); it != s.routes.end())
    out.emplace_back(default_name, it->second);
  else if (!s.nodes.empty())
    out.emplace_back(default_name, route_settings{{}, 0, s.nodes});
  else if (!s.dsn.empty())
    out.emplace_back(default_name, route_settings{{s.dsn}, 0, {}});
  for (const auto& [name, r] : s.routes) {
    if (name == default_name)
      continue;
    out.emplace_back(name, r);
  }
  for (const auto& [name, r] : out) {
    if (name.empty())
      throw std::invalid_argument("gatherdb: a route needs a name");
    for (const auto& n : r.nodes)
      if (n.empty())
        throw std::invalid_argument("gatherdb: route '" + name + "' has an empty node address");
    // Nodes keep the connection strings of the routes they serve.
    if (r.dsns.empty() && r.nodes.empty())
      throw std::invalid_argument("gatherdb: route '" + name + "' has no connection string");
    for (const auto& dsn : r.dsns)
      if (dsn.empty())
        throw std::invalid_argument("gatherdb: route '" + name +
                                    "' has an empty connection string");
  }
  // Without any route, `dsn` is the default route as it is: an empty one fails each statement
  // with the driver manager's error, as any connection string that reaches no database does.
  if (out.empty())
    out.emplace_back(default_name, route_settings{{s.dsn}, 0, {}});
  if (out.size() > std::numeric_limits<std::uint16_t>::max())
    throw std::invalid_argument("gatherdb: too many routes");
  return out;
}

void route_table::add(std::string name, std::vector<pool> pools, bool standby) {
  has_replicas_ = has_replicas_ || pools.size() > 1;
  routes_.push_back(std::make_unique<route>(std::move(name), std::move(pools), standby));
}

int route_table::find(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < routes_.size(); ++i)
    if (routes_[i]->name == name)
      return static_cast<int>(i);
  return -1;
}

std::uint16_t route_table::pick(std::size_t r, bool read, int avoid) const {
  const auto& rt = *routes_[r];
  const auto n = rt.pools.size();
  if (!read || n == 1)
    return 0;
  const auto now = steady_ms();
  if (rt.standby && avoid != 0) {
    const auto down = rt.pools[0].load->down_since_ms.load(std::memory_order_relaxed);
    if (down == 0 || now - down >= down_retry.count()) {
      rt.pools[0].load->backlog.fetch_add(1, std::memory_order_relaxed);
      return 0;
    }
    avoid = 0;
  }
  const auto start = rt.turn.fetch_add(1, std::memory_order_relaxed);
  int best = -1;
  std::uint32_t best_backlog = 0;
  int fallback = -1;
  std::int64_t fallback_since = std::numeric_limits<std::int64_t>::max();
  for (std::size_t k = 0; k < n; ++k) {
    const auto i = static_cast<int>((start + k) % n);
    if (i == avoid)
      continue;
    const auto& load = *rt.pools[static_cast<std::size_t>(i)].load;
    const auto down = load.down_since_ms.load(std::memory_order_relaxed);
    if (down != 0 && now - down < down_retry.count()) {
      if (down < fallback_since) {
        fallback = i;
        fallback_since = down;
      }
      continue;
    }
    const auto backlog = load.backlog.load(std::memory_order_relaxed);
    if (best < 0 || backlog < best_backlog) {
      best = i;
      best_backlog = backlog;
    }
  }
  // Every other pool is down: the one down longest is the likeliest back. (With two pools or
  // more there is always one that is not `avoid`.)
  if (best < 0)
    best = fallback;
  rt.pools[static_cast<std::size_t>(best)].load->backlog.fetch_add(1, std::memory_order_relaxed);
  return static_cast<std::uint16_t>(best);
}

} // namespace gatherdb::actors
