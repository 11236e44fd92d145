#include "gatherdb/actors/coordinator.hpp"

#include <caf/all.hpp>

#include "gatherdb/actors/connection_pool.hpp"
#include "gatherdb/actors/merge_actor.hpp"
#include "gatherdb/actors/session_actor.hpp"

namespace gatherdb::actors {

coordinator_actor::behavior_type
coordinator(coordinator_actor::stateful_pointer<coordinator_state> self,
            std::shared_ptr<const settings> config, std::shared_ptr<control_registry> registry) {
  auto& st = self->state;
  st.config = std::move(config);
  st.registry = registry ? std::move(registry) : std::make_shared<control_registry>();
  st.pool = self->spawn<caf::linked>(connection_pool, st.config);
  return {
    [=](gather_atom, gather_request& req) -> caf::result<gather_result> {
      auto& st = self->state;
      const auto started = std::chrono::steady_clock::now();
      auto timeout = req.options.timeout;
      if (timeout.count() == 0)
        timeout = st.config->statement_timeout;
      const auto deadline = timeout.count() > 0 ? started + timeout : steady_time::max();
      // The merge actor enforces the same deadline on statements that never reach a
      // connection in time (resolved here: it does not know the client's default).
      req.options.timeout = timeout.count() > 0 ? timeout : std::chrono::milliseconds{-1};
      auto control = std::make_shared<gather_control>();
      st.registry->add(control);
      auto statements =
        std::make_shared<const std::vector<model::statement>>(std::move(req.statements));
      auto m = self->spawn(merger, statements, std::move(req.options), control, st.registry,
                           started);
      for (std::uint32_t i = 0; i < statements->size(); ++i)
        self->spawn(session, i, statements, started, deadline, control, st.pool, m);
      return self->delegate(m, gather_atom::value);
    },
    [=](stats_atom) { return self->delegate(self->state.pool, stats_atom::value); },
    [=](shutdown_atom) {
      self->state.registry->stop_all();
      // Not a normal exit: the linked pool, and its linked workers, stop with it.
      self->quit(caf::exit_reason::user_shutdown);
    },
  };
}

} // namespace gatherdb::actors
