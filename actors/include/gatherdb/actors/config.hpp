#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>

#include "gatherdb/actors/settings.hpp"

namespace gatherdb::actors {

/// CAF configuration for programs that embed gatherdb: every `settings` field is an option in
/// the `gatherdb` group (`--gatherdb.dsn=...`, `--gatherdb.pool-size=8`, or the same keys in
/// `caf-application.ini`), and the scheduler defaults to what measured fastest on small
/// machines (`scheduler.policy=sharing`, 1 thread); the command line still overrides them.
/// Thread-safety: configure before constructing the actor system; read-only afterwards.
class config : public caf::actor_system_config {
public:
  config();

  /// The settings as parsed (milliseconds turned into durations). Throws
  /// `std::invalid_argument` when `log` names no `log_mode`.
  [[nodiscard]] settings to_settings() const;

  /// What `--dump-config` prints: CAF's content with the DSN's passwords redacted.
  [[nodiscard]] caf::settings dump_content() const override;

  /// Settings in their parsed form; durations in milliseconds.
  std::string dsn;
  /// `settings::routes`: name -> connection strings (primary first), e.g. in
  /// caf-application.ini `routes = { eu = ["Driver=...", "Driver=..."], us = ["Driver=..."] }`
  /// (a list for each route: CAF drops a plain string there silently).
  std::map<std::string, std::vector<std::string>> routes;
  /// `settings::nodes`: gatherdb nodes ("host:port") serving the route `default`, e.g.
  /// `nodes = ["10.0.0.5:4242"]`. A program with nodes loads CAF's io middleman
  /// (`load<caf::io::middleman>()`) before it constructs its actor system.
  std::vector<std::string> nodes;
  /// `route_settings::nodes` by route: `route-nodes = { eu = ["10.0.0.5:4242"] }`.
  std::map<std::string, std::vector<std::string>> route_nodes;
  /// `settings::node_tls`: PEM files (a program with them also loads `caf::openssl::manager`).
  std::string node_tls_ca;
  std::string node_tls_cert;
  std::string node_tls_key;
  std::size_t pool_size;
  std::size_t queue_bound;
  std::size_t pool_wait_ms;
  std::size_t statement_timeout_ms;
  std::size_t login_timeout_ms;
  std::size_t max_chunk;
  std::size_t max_read_batch;
  std::size_t max_coalesce;
  std::size_t session_window;
  /// -1 (the default): the whole pool.
  std::int64_t min_connections;
  /// The statement log: "off", "slow" or "statements" (`settings::log`).
  std::string log;
  std::size_t log_slow_ms;
  bool log_params;
  /// Empty: standard error.
  std::string log_file;
};

/// Applies gatherdb's scheduler defaults to any CAF configuration (before it is parsed, so
/// the command line still wins), and loads gatherdb's scheduler module: for
/// `scheduler.policy=sharing`, CAF's work-sharing scheduler with a clock that is not told
/// about every actor that ends, only about those that set a timeout (that costs more CPU per
/// session actor than the actor itself). Call it once per configuration.
void apply_scheduler_defaults(caf::actor_system_config& cfg, std::size_t threads);

} // namespace gatherdb::actors
