#include "gatherdb/actors/node.hpp"

#include <stdexcept>
#include <thread>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>

#include "gatherdb/actors/config.hpp"
#include "gatherdb/drivers/connection.hpp"

#include "node_service.hpp"
#include "node_tls.hpp"

namespace gatherdb::actors {

namespace {

// CAF 0.17.6 leaks a listening socket's doorman when its publish and its unpublish reach the
// BASP broker in one turn of the multiplexer: the add and remove events cancel out, and the
// acceptor keeps its reference to the doorman. A request the broker answers after the publish
// lets that turn end before anything can unpublish.
void await_broker(caf::actor_system& sys, const caf::io::middleman_actor& manager) {
  caf::scoped_actor self{sys};
  self->request(manager, std::chrono::seconds{10}, caf::get_atom::value, sys.node())
      .receive([](const caf::node_id&, const std::string&, std::uint16_t) {},
               [](const caf::error&) {});
}

caf::io::middleman_actor manager_of(caf::actor_system& sys, bool tls) {
  return tls ? sys.openssl_manager().actor_handle() : sys.middleman().actor_handle();
}

} // namespace

bool is_loopback(const std::string& host) noexcept {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

struct node::impl {
  std::string host;
  std::uint16_t port = 0;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  detail::node_actor service;
  std::shared_ptr<std::atomic<std::size_t>> in_flight =
      std::make_shared<std::atomic<std::size_t>>(0);
  std::shared_ptr<std::atomic<bool>> draining = std::make_shared<std::atomic<bool>>(false);
  bool drained = false;
  bool tls = false;
};

node::node(const node_options& options) : impl_(std::make_unique<impl>()) {
  const bool tls = options.tls.enabled();
  if (!is_loopback(options.host) && !tls)
    throw std::invalid_argument("gatherdb node: listening on '" + options.host +
                                "' (not loopback) needs TLS: --tls-ca, --tls-cert and --tls-key");
  if (options.routes.empty())
    throw std::invalid_argument("gatherdb node: no route to serve (--route NAME=DSN or --dsn)");
  detail::node_setup setup;
  setup.in_flight = impl_->in_flight;
  setup.draining = impl_->draining;
  for (const auto& [name, dsn] : options.routes) {
    if (name.empty() || dsn.empty())
      throw std::invalid_argument("gatherdb node: a route needs a name and a connection string");
    auto s = std::make_shared<settings>(options.pools);
    s->dsn = dsn;
    s->routes.clear();
    s->nodes.clear();
    // Checks the string now, where its (redacted) error reaches the operator, and learns the
    // dialect clients compile for.
    const auto conn = drivers::connection::open(dsn, s->login_timeout);
    setup.routes.emplace(name, detail::node_route{std::move(s), conn.sql_dialect()});
  }
  apply_scheduler_defaults(impl_->cfg, options.pools.scheduler_threads);
  impl_->cfg.load<caf::io::middleman>();
  // CAF's middleman actor on the scheduler rather than on a thread of its own (as a client).
  impl_->cfg.set("middleman.attach-utility-actors", true);
  if (tls)
    detail::enable_node_tls(impl_->cfg, options.tls);
  impl_->tls = tls;
  impl_->sys = std::make_unique<caf::actor_system>(impl_->cfg);
  impl_->service = impl_->sys->spawn(detail::node_service, std::move(setup));
  const char* bind = options.host == "localhost" ? "127.0.0.1" : options.host.c_str();
  auto port = tls ? caf::openssl::publish(impl_->service, options.port, bind, true)
                  : impl_->sys->middleman().publish(impl_->service, options.port, bind, true);
  if (!port) {
    const auto why = impl_->sys->render(port.error());
    caf::anon_send_exit(impl_->service, caf::exit_reason::user_shutdown);
    impl_->service = nullptr;
    throw std::runtime_error("gatherdb node: cannot listen on " + options.host + ":" +
                             std::to_string(options.port) + ": " + why);
  }
  await_broker(*impl_->sys, manager_of(*impl_->sys, tls));
  impl_->host = options.host;
  impl_->port = *port;
}

node::~node() {
  drain(std::chrono::seconds{30});
  if (impl_->service) {
    caf::anon_send_exit(impl_->service, caf::exit_reason::user_shutdown);
    // A handle that outlives the actor system keeps it from shutting down.
    impl_->service = nullptr;
  }
  impl_->sys.reset();
}

std::uint16_t node::port() const noexcept {
  return impl_->port;
}

const std::string& node::host() const noexcept {
  return impl_->host;
}

void node::drain(std::chrono::milliseconds bound) {
  if (impl_->drained || !impl_->service)
    return;
  impl_->drained = true;
  impl_->draining->store(true);
  const auto until = std::chrono::steady_clock::now() + bound;
  while (impl_->in_flight->load() > 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  // Asked of the manager actor itself: caf::openssl::unpublish does not compile in 0.17.6.
  caf::scoped_actor self{*impl_->sys};
  self->request(manager_of(*impl_->sys, impl_->tls), std::chrono::seconds{10},
                caf::unpublish_atom::value, impl_->service.address(), impl_->port)
      .receive([] {}, [](const caf::error&) {});
}

} // namespace gatherdb::actors
