#include "gatherdb/actors/client.hpp"

#include <algorithm>
#include <condition_variable>
#include <future>
#include <mutex>

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>

#include "gatherdb/actors/config.hpp"

#include "coordinator.hpp"
#include "node_tls.hpp"
#include "route_table.hpp"

namespace gatherdb::actors {

gather_error::gather_error(gather_failure failure, gather_result partial)
    : std::runtime_error("gather failed at statement " + std::to_string(failure.index) + ": " +
                         failure.error.to_string()),
      failure_(std::move(failure)), partial_(std::move(partial)) {}

struct client::impl {
  std::unique_ptr<caf::actor_system_config> own_config;
  std::unique_ptr<caf::actor_system> own_system;
  caf::actor_system* system = nullptr;
  std::shared_ptr<const settings> config;
  std::shared_ptr<control_registry> registry = std::make_shared<control_registry>();
  std::shared_ptr<const outcome_observers> observers;
  coordinator_actor coord;

  std::mutex mtx;
  std::condition_variable idle;
  std::size_t callers = 0;
  bool stopping = false;

  void start(caf::actor_system& sys, settings s) {
    system = &sys;
    config = std::make_shared<const settings>(std::move(s));
    // Refused here, in the caller's thread, rather than inside the coordinator.
    (void)route_table::routes_of(*config);
    observers = std::make_shared<const outcome_observers>(
        outcome_observers{std::make_shared<metrics_recorder>(), statement_log::open(*config)});
    coord = sys.spawn(actors::coordinator, config, registry, worker_factory{}, observers);
  }
};

namespace {

[[noreturn]] void throw_shutdown(std::string message) {
  throw gather_error(
      gather_failure{0, statement_error{error_source::shutdown,
                                        {"", 0, std::move(message),
                                         drivers::error_category::cancelled, false}}},
      gather_result{});
}

} // namespace

client::client(settings config) : impl_(std::make_unique<impl>()) {
  impl_->own_config = std::make_unique<caf::actor_system_config>();
  apply_scheduler_defaults(*impl_->own_config, config.scheduler_threads);
  // Routes served by gatherdb nodes reach them through CAF's io middleman (one more thread).
  const bool nodes =
      !config.nodes.empty() || std::any_of(config.routes.begin(), config.routes.end(),
                                           [](const auto& r) { return !r.second.nodes.empty(); });
  if (nodes) {
    impl_->own_config->load<caf::io::middleman>();
    // CAF's middleman actor (it connects and publishes without blocking) on the scheduler
    // rather than on a thread of its own.
    impl_->own_config->set("middleman.attach-utility-actors", true);
    if (config.node_tls.enabled())
      detail::enable_node_tls(*impl_->own_config, config.node_tls);
  }
  impl_->own_system = std::make_unique<caf::actor_system>(*impl_->own_config);
  impl_->start(*impl_->own_system, std::move(config));
}

client::client(caf::actor_system& system, settings config) : impl_(std::make_unique<impl>()) {
  impl_->start(system, std::move(config));
}

client::~client() {
  shutdown();
  // The actor system (when ours) joins every actor here; none of them waits on anything
  // that is still running, since shutdown() stopped every gather.
  impl_->own_system.reset();
  impl_->own_config.reset();
}

void client::shutdown() noexcept {
  {
    std::unique_lock<std::mutex> lock{impl_->mtx};
    if (impl_->stopping)
      return;
    impl_->stopping = true;
  }
  impl_->registry->stop_all();
  {
    std::unique_lock<std::mutex> lock{impl_->mtx};
    impl_->idle.wait(lock, [this] { return impl_->callers == 0; });
  }
  caf::anon_send(impl_->coord, shutdown_atom::value);
  // A handle that outlives the actor system keeps it from shutting down.
  impl_->coord = nullptr;
}

gather_result client::gather(std::vector<model::statement> statements,
                             gather_options options) const {
  {
    std::lock_guard<std::mutex> guard{impl_->mtx};
    if (impl_->stopping)
      throw_shutdown("the client is shutting down");
    ++impl_->callers;
  }
  struct leave {
    impl& i;
    ~leave() {
      std::lock_guard<std::mutex> guard{i.mtx};
      if (--i.callers == 0)
        i.idle.notify_all();
    }
  } on_exit{*impl_};

  const auto mode = options.mode;
  gather_result result;
  std::string failure;
  caf::scoped_actor self{*impl_->system};
  self->request(impl_->coord, caf::infinite, gather_atom::value,
                gather_request{std::move(statements), std::move(options)})
      .receive([&](gather_result& r) { result = std::move(r); },
               [&](caf::error& e) { failure = impl_->system->render(e); });
  if (!failure.empty())
    throw_shutdown("gather could not run: " + failure);
  if (result.failure && mode == gather_mode::fail_fast) {
    auto f = *result.failure;
    throw gather_error(std::move(f), std::move(result));
  }
  return result;
}

void client::with_connection(std::function<void(model::executor&)> fn, std::string route) const {
  {
    std::lock_guard<std::mutex> guard{impl_->mtx};
    if (impl_->stopping)
      throw_shutdown("the client is shutting down");
  }
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  caf::anon_send(impl_->coord, exec_atom::value,
                 connection_task{std::move(fn), std::move(done), std::move(route)});
  // A pool that stops before running the task drops the promise: the future then reports a
  // broken promise, which is the shutdown it is.
  try {
    finished.get();
  } catch (const std::future_error&) {
    throw_shutdown("the client stopped before the connection task ran");
  }
}

std::vector<pool_stats> client::pool_stats_by_route() const {
  std::vector<pool_stats> out;
  caf::scoped_actor self{*impl_->system};
  self->request(impl_->coord, std::chrono::seconds{5}, stats_atom::value)
      .receive([&](std::vector<pool_stats>& all) { out = std::move(all); }, [&](caf::error&) {});
  return out;
}

pool_stats client::stats() const {
  pool_stats out;
  for (const auto& s : pool_stats_by_route()) {
    out.pool_size += s.pool_size;
    out.connections += s.connections;
    out.connecting += s.connecting;
    out.busy += s.busy;
    out.queued += s.queued;
    out.completed += s.completed;
    out.exhausted += s.exhausted;
  }
  return out;
}

metrics_snapshot client::metrics() const {
  metrics_snapshot out;
  bool answered = false;
  coordinator_actor coord;
  {
    std::lock_guard<std::mutex> guard{impl_->mtx};
    if (!impl_->stopping)
      coord = impl_->coord;
  }
  if (coord) {
    caf::scoped_actor self{*impl_->system};
    self->request(coord, std::chrono::seconds{5}, metrics_atom::value)
        .receive(
            [&](metrics_snapshot& m) {
              out = std::move(m);
              answered = true;
            },
            [&](caf::error&) {});
  }
  // Without the pool (shutting down, or it did not answer) the counters are still true.
  if (!answered) {
    for (const auto& [name, r] : route_table::routes_of(*impl_->config))
      for (std::size_t i = 0; i < r.dsns.size(); ++i)
        out.routes.push_back(
            route_metrics{name, i, r.pool_size > 0 ? r.pool_size : impl_->config->pool_size});
    out.statements = impl_->observers->metrics->counters();
  }
  return out;
}

coordinator_actor client::coordinator() const {
  return impl_->coord;
}

caf::actor_system& client::system() const noexcept {
  return *impl_->system;
}

const settings& client::config() const noexcept {
  return *impl_->config;
}

} // namespace gatherdb::actors
