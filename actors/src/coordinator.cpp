#include "coordinator.hpp"

#include <algorithm>
#include <cstdint>

#include <caf/all.hpp>

#include "connection_pool.hpp"
#include "merger.hpp"
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

} // namespace

coordinator_actor::behavior_type coordinator(self_ptr self, std::shared_ptr<const settings> config,
                                             std::shared_ptr<control_registry> registry,
                                             worker_factory make_worker) {
  auto& st = self->state;
  st.config = std::move(config);
  st.registry = registry ? std::move(registry) : std::make_shared<control_registry>();
  st.pool = self->spawn<caf::linked>(connection_pool, st.config, std::move(make_worker));
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
        auto m =
            self->spawn(merger, statements, std::move(req.options), control, st.registry, started);
        // More sessions than the pool's queue holds would fail with pool_exhausted.
        const auto window = std::clamp<std::size_t>(
            std::min(st.config->session_window, st.config->queue_bound), 1, UINT32_MAX);
        const auto first = static_cast<std::uint32_t>(std::min(window, statements->size()));
        auto context = std::make_shared<gather_context>();
        context->statements = statements;
        context->gathered = started;
        context->deadline = deadline;
        context->control = control;
        context->pool = st.pool;
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
      [=](stats_atom) { return self->delegate(self->state.pool, stats_atom::value); },
      [=](exec_atom, connection_task& task) {
        self->send(self->state.pool, exec_atom::value, std::move(task));
      },
      [=](expire_atom) { sweep(self); },
      [=](shutdown_atom) {
        self->state.registry->stop_all();
        // Not a normal exit: the linked pool, and its linked workers, stop with it.
        self->quit(caf::exit_reason::user_shutdown);
      },
  };
}

} // namespace gatherdb::actors
