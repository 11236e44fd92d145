#include "gatherdb/actors/config.hpp"

#include <stdexcept>

#include <caf/all.hpp>

#include "gatherdb/drivers/connection_string.hpp"

#include "sharing_scheduler.hpp"

namespace gatherdb::actors {

void apply_scheduler_defaults(caf::actor_system_config& cfg, std::size_t threads) {
  // Work stealing polls with >= 4 threads and cost 20-50% here against a shared queue.
  cfg.set("scheduler.policy", caf::atom("sharing"));
  cfg.set("scheduler.max-threads", std::max<std::size_t>(threads, 1));
  cfg.module_factories.emplace_back(detail::make_scheduler);
}

config::config() {
  const settings defaults;
  dsn = defaults.dsn;
  pool_size = defaults.pool_size;
  queue_bound = defaults.queue_bound;
  pool_wait_ms = static_cast<std::size_t>(defaults.pool_wait_timeout.count());
  statement_timeout_ms = static_cast<std::size_t>(defaults.statement_timeout.count());
  login_timeout_ms = static_cast<std::size_t>(defaults.login_timeout.count());
  max_chunk = defaults.max_chunk;
  max_read_batch = defaults.max_read_batch;
  max_coalesce = defaults.max_coalesce;
  min_connections = -1;
  session_window = defaults.session_window;
  log = std::string{to_string(defaults.log)};
  log_slow_ms = static_cast<std::size_t>(defaults.log_slow.count());
  log_params = defaults.log_params;
  log_file = defaults.log_file;
  caf::config_option_adder{custom_options_, "gatherdb"}
      .add(dsn, "dsn", "ODBC connection string (passwords are never printed)")
      .add(routes, "routes",
           "more routes: {name = [primary DSN, replica DSN...], ...} (passwords never printed)")
      .add(nodes, "nodes", "gatherdb nodes serving the route default: [\"host:port\", ...]")
      .add(route_nodes, "route-nodes",
           "gatherdb nodes serving routes: {name = [\"host:port\", ...], ...}")
      .add(node_tls_ca, "node-tls-ca", "TLS to nodes: the CA's certificate (PEM file)")
      .add(node_tls_cert, "node-tls-cert", "TLS to nodes: this client's certificate (PEM file)")
      .add(node_tls_key, "node-tls-key", "TLS to nodes: this client's key (PEM file)")
      .add(pool_size, "pool-size", "connections at most")
      .add(queue_bound, "queue-bound", "statements waiting for a connection at most")
      .add(pool_wait_ms, "pool-wait-ms", "wait for a connection at most (ms)")
      .add(statement_timeout_ms, "statement-timeout-ms", "default statement deadline (ms, 0: none)")
      .add(login_timeout_ms, "login-timeout-ms", "bound on opening a connection (ms)")
      .add(max_chunk, "max-chunk", "statements per message to a connection worker at most")
      .add(max_read_batch, "max-read-batch",
           "idempotent statements per round trip at most (1: no batching)")
      .add(max_coalesce, "max-coalesce", "lookups per coalesced statement at most (1: none)")
      .add(min_connections, "min-connections",
           "connections opened at start (-1: the pool size, 0: on demand)")
      .add(session_window, "session-window", "session actors of one gather alive at once")
      .add(log, "log", "statement log: off, slow or statements (one line per statement)")
      .add(log_slow_ms, "log-slow-ms", "with log=slow: statements taking this long or longer (ms)")
      .add(log_params, "log-params", "show parameter values in the statement log")
      .add(log_file, "log-file", "statement log file (default: standard error)");
  apply_scheduler_defaults(*this, defaults.scheduler_threads);
}

caf::settings config::dump_content() const {
  auto content = caf::actor_system_config::dump_content();
  caf::put(content, "gatherdb.dsn", drivers::redact(dsn));
  std::map<std::string, std::vector<std::string>> redacted;
  for (const auto& [name, dsns] : routes)
    for (const auto& d : dsns)
      redacted[name].push_back(drivers::redact(d));
  if (!redacted.empty())
    caf::put(content, "gatherdb.routes", redacted);
  return content;
}

settings config::to_settings() const {
  settings s;
  s.dsn = dsn;
  s.pool_size = std::max<std::size_t>(pool_size, 1);
  s.queue_bound = queue_bound;
  s.pool_wait_timeout = std::chrono::milliseconds{pool_wait_ms};
  s.statement_timeout = std::chrono::milliseconds{statement_timeout_ms};
  s.login_timeout = std::chrono::milliseconds{login_timeout_ms};
  s.max_chunk = std::max<std::size_t>(max_chunk, 1);
  s.session_window = std::max<std::size_t>(session_window, 1);
  s.max_read_batch = std::max<std::size_t>(max_read_batch, 1);
  s.max_coalesce = std::max<std::size_t>(max_coalesce, 1);
  s.min_connections =
      min_connections < 0 ? settings::whole_pool : static_cast<std::size_t>(min_connections);
  auto mode = parse_log_mode(log);
  if (!mode)
    throw std::invalid_argument("gatherdb.log must be off, slow or statements, not '" + log + "'");
  s.log = *mode;
  s.log_slow = std::chrono::milliseconds{log_slow_ms};
  s.log_params = log_params;
  s.log_file = log_file;
  for (const auto& [name, dsns] : routes)
    s.routes[name].dsns = dsns;
  s.nodes = nodes;
  s.node_tls = {node_tls_ca, node_tls_cert, node_tls_key};
  for (const auto& [name, endpoints] : route_nodes)
    s.routes[name].nodes = endpoints;
  return s;
}

} // namespace gatherdb::actors
