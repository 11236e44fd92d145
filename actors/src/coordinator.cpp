#include "coordinator.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include <caf/all.hpp>

#include "gatherdb/model/route.hpp"

#include "connection_pool.hpp"
#include "merger.hpp"
#include "node_lane.hpp"
#include "session.hpp"

namespace gatherdb::actors {

namespace {

using self_ptr = coordinator_actor::stateful_pointer<coordinator_state>;

// How often gather deadlines are checked, and how long after its deadline a gather is expired:
// the grace lets the watchdog's own report of a running statement win.
constexpr auto sweep_interval = std::chrono::milliseconds{50};
constexpr auto deadline_grace = std::chrono::milliseconds{100};

void arm_sweep(self_ptr self) {
  auto& st = self->state;
  if (st.sweep_armed || st.deadlines.empty())
    return;
  st.sweep_armed = true;
  self->delayed_send(self, sweep_interval, expire_atom::value);
}

// One timer for every gather in flight rather than one per gather: CAF 0.17 cannot cancel a
// delayed message, which would keep each finished merge actor alive until its deadline.
void sweep(self_ptr self) {
  auto& st = self->state;
  st.sweep_armed = false;
  const auto now = std::chrono::steady_clock::now();
  auto& ds = st.deadlines;
  ds.erase(std::remove_if(ds.begin(), ds.end(),
                          [&](const coordinator_state::pending_deadline& d) {
                            auto merger = d.merger.lock();
                            if (!merger)
                              return true; // finished
                            if (now < d.due)
                              return false;
                            self->send(caf::actor_cast<merge_actor>(merger), expire_atom::value);
                            return true;
                          }),
           ds.end());
  arm_sweep(self);
}

// Asks every pool for its figures (5 s at most each; a pool that does not answer counts as
// empty) and calls `done` with them in route order.
template <class F>
void collect_pool_stats(self_ptr self, F done) {
  struct pending {
    std::vector<pool_stats> all;
    std::size_t missing = 0;
    F done;
  };
  const auto& routes = self->state.routes->routes();
  auto p = std::make_shared<pending>(pending{{}, 0, std::move(done)});
  for (const auto& r : routes)
    for (std::size_t i = 0; i < r->pools.size(); ++i) {
      auto& s = p->all.emplace_back();
      s.route = r->name;
      s.replica = i;
      ++p->missing;
    }
  std::size_t slot = 0;
  for (const auto& r : routes)
    for (const auto& pool : r->pools) {
      auto settle = [p, slot](std::optional<pool_stats> s) {
        if (s) {
          s->route = std::move(p->all[slot].route);
          s->replica = p->all[slot].replica;
          p->all[slot] = std::move(*s);
        }
        if (--p->missing == 0)
          p->done(std::move(p->all));
      };
      self->request(pool.actor, std::chrono::seconds{5}, stats_atom::value)
          .then([settle](pool_stats& s) mutable { settle(std::move(s)); },
                [settle](caf::error&) mutable { settle(std::nullopt); });
      ++slot;
    }
}

} // namespace

coordinator_actor::behavior_type coordinator(self_ptr self, std::shared_ptr<const settings> config,
                                             std::shared_ptr<control_registry> registry,
                                             worker_factory make_worker,
                                             std::shared_ptr<const outcome_observers> observers) {
  auto& st = self->state;
  st.observers = std::move(observers);
  st.config = std::move(config);
  st.registry = registry ? std::move(registry) : std::make_shared<control_registry>();
  auto table = std::make_shared<route_table>();
  for (auto& [name, r] : route_table::routes_of(*st.config)) {
    std::vector<route_table::pool> pools;
    // A route served by nodes whose connection strings this client has too keeps local pools
    // standing by for the reads its nodes cannot run.
    const bool standby = !r.nodes.empty() && !r.dsns.empty();
    if (!r.nodes.empty()) {
      // One pool whose workers are lanes to the route's nodes: enough chunks in flight to keep
      // every node's own pool busy.
      auto pool_config = std::make_shared<settings>(*st.config);
      pool_config->routes.clear();
      pool_config->pool_size =
          (r.pool_size > 0 ? r.pool_size : st.config->pool_size) * r.nodes.size();
      std::shared_ptr<const settings> shared{pool_config};
      auto load = standby ? std::make_shared<pool_load>() : nullptr;
      pools.push_back(
          {self->spawn<caf::linked>(connection_pool, shared,
                                    node_lane_factory(self->system(), name, shared, r.nodes), load),
           load});
    }
    for (auto& dsn : r.dsns) {
      auto pool_config = std::make_shared<settings>(*st.config);
      pool_config->dsn = dsn;
      pool_config->routes.clear();
      if (r.pool_size > 0)
        pool_config->pool_size = r.pool_size;
      if (standby)
        pool_config->min_connections = 0; // opened only when the nodes fail it
      // Read only to choose among a route's pools: a route of one publishes nothing.
      auto load = standby || r.dsns.size() > 1 ? std::make_shared<pool_load>() : nullptr;
      pools.push_back(
          {self->spawn<caf::linked>(connection_pool, std::shared_ptr<const settings>{pool_config},
                                    make_worker, load),
           load});
    }
    table->add(name, std::move(pools), standby);
  }
  st.routes = std::move(table);
  // Only merge actors are monitored. Its pools (linked) end with the coordinator, so a gather
  // must have replied before: its requester may be an actor that nothing else would wake.
  self->set_down_handler([=](caf::down_msg&) {
    auto& st = self->state;
    --st.gathers_in_flight;
    if (st.stopping && st.gathers_in_flight == 0)
      self->quit(caf::exit_reason::user_shutdown);
  });
  return {
      [=](gather_atom, gather_request& req) -> caf::result<gather_result> {
        auto& st = self->state;
        const auto started = std::chrono::steady_clock::now();
        auto timeout = req.options.timeout;
        if (timeout.count() == 0)
          timeout = st.config->statement_timeout;
        const auto deadline = timeout.count() > 0 ? started + timeout : steady_time::max();
        req.options.timeout = timeout.count() > 0 ? timeout : std::chrono::milliseconds{-1};
        auto control = std::make_shared<gather_control>();
        st.registry->add(control);
        auto statements =
            std::make_shared<const std::vector<model::statement>>(std::move(req.statements));
        auto chooser = std::move(req.options.route_chooser);
        auto m = self->spawn(merger, statements, std::move(req.options), control, st.registry,
                             started, st.observers, st.next_gather_id++, st.routes);
        self->monitor(m);
        ++st.gathers_in_flight;
        // More sessions than the pool's queue holds would fail with pool_exhausted.
        const auto window = std::clamp<std::size_t>(
            std::min(st.config->session_window, st.config->queue_bound), 1, UINT32_MAX);
        const auto first = static_cast<std::uint32_t>(std::min(window, statements->size()));
        auto context = std::make_shared<gather_context>();
        context->statements = statements;
        context->gathered = started;
        context->deadline = deadline;
        context->control = control;
        context->routes = st.routes;
        context->chooser = std::move(chooser);
        if (st.routes->routes().size() > 1 || st.routes->has_replicas())
          context->placements.resize(statements->size());
        context->merger = m;
        context->next_session = first;
        context->ramp_end = first;
        // Lookups that coalesce arrive at the pool in slices as large as one coalesced
        // statement, so that a small gather's lookups become one statement, not several.
        const auto slice = std::max(st.config->max_chunk / 4,
                                    std::min(st.config->max_coalesce, st.config->max_chunk));
        context->ramp_slice = static_cast<std::uint32_t>(std::clamp<std::size_t>(slice, 1, window));
        std::shared_ptr<const gather_context> gather = std::move(context);
        for (std::uint32_t i = 0; i < std::min(first, gather->ramp_slice); ++i)
          self->spawn(session, i, gather);
        // The merge actor also ends, at the deadline, statements that never reach a connection
        // in time (the sweep tells it).
        if (deadline != steady_time::max() && !statements->empty()) {
          st.deadlines.push_back(
              {deadline + deadline_grace, caf::actor_cast<caf::weak_actor_ptr>(m)});
          arm_sweep(self);
        }
        return self->delegate(m, gather_atom::value);
      },
      [=](stats_atom) -> caf::result<std::vector<pool_stats>> {
        auto rp = self->make_response_promise<std::vector<pool_stats>>();
        collect_pool_stats(
            self, [rp](std::vector<pool_stats> all) mutable { rp.deliver(std::move(all)); });
        return rp;
      },
      [=](metrics_atom) -> caf::result<metrics_snapshot> {
        auto rp = self->make_response_promise<metrics_snapshot>();
        auto observers = self->state.observers;
        collect_pool_stats(self, [rp, observers](const std::vector<pool_stats>& all) mutable {
          metrics_snapshot out;
          for (const auto& s : all)
            out.routes.push_back(route_metrics{s.route, s.replica, s.pool_size, s.connections,
                                               s.busy, s.queued, s.completed, s.exhausted});
          if (observers && observers->metrics)
            out.statements = observers->metrics->counters();
          rp.deliver(std::move(out));
        });
        return rp;
      },
      [=](exec_atom, connection_task& task) {
        const auto& routes = *self->state.routes;
        const auto name = task.route.empty() ? std::string{model::default_route} : task.route;
        const int r = routes.find(name);
        if (r < 0) {
          task.done->set_exception(std::make_exception_ptr(
              std::invalid_argument("gatherdb: no route named '" + name + "'")));
          return;
        }
        self->send(routes.routes()[static_cast<std::size_t>(r)]->pools.front().actor,
                   exec_atom::value, std::move(task));
      },
      [=](expire_atom) { sweep(self); },
      [=](shutdown_atom) {
        auto& st = self->state;
        st.registry->stop_all();
        st.stopping = true;
        // Not a normal exit: the linked pools, and their linked workers, stop with it.
        if (st.gathers_in_flight == 0)
          self->quit(caf::exit_reason::user_shutdown);
      },
  };
}

} // namespace gatherdb::actors
