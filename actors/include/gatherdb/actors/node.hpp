#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "gatherdb/actors/settings.hpp"

namespace gatherdb::actors {

/// What a gatherdb node serves and where. Thread-safety: a value type.
struct node_options {
  /// The address it listens on: loopback (`127.0.0.1`, `::1`, `localhost`), or any other with
  /// `tls`.
  std::string host = "127.0.0.1";
  /// 0: a free port, see `node::port`.
  std::uint16_t port = 0;
  /// The routes it serves: name -> ODBC connection string. The strings never leave the node:
  /// clients name routes.
  std::map<std::string, std::string> routes;
  /// Mutual TLS with its clients, required for a non-loopback `host`: clients must present a
  /// certificate signed by `tls.ca_file`.
  tls_settings tls;
  /// Its pools (`pool_size`, `min_connections`, timeouts, `max_chunk`, `max_coalesce`,
  /// `max_read_batch`, ...), one per route; `dsn`, `routes` and `nodes` are ignored.
  settings pools;
};

/// Whether `host` names a loopback address (127.0.0.0/8, ::1, localhost). Thread-safe.
[[nodiscard]] bool is_loopback(const std::string& host) noexcept;

/// A gatherdb node: one actor system with CAF's io middleman, a connection pool per route and
/// one published actor that runs chunks of statements for clients (`route_settings::nodes`)
/// and answers each chunk with its frozen results, versioned on the wire.
/// Thread-safety: construct, `drain` and destroy from one thread; the node's actors run on
/// their own threads meanwhile.
class node {
public:
  /// Opens one connection per route (which checks its connection string and learns its
  /// database's dialect), starts the pools and publishes the node. Throws
  /// `std::invalid_argument` for a non-loopback host without TLS, unreadable TLS files or no
  /// route, `drivers::database_error`
  /// (redacted) when a route's database cannot be reached, `std::runtime_error` when the
  /// address cannot be bound.
  explicit node(const node_options& options);
  node(const node&) = delete;
  node& operator=(const node&) = delete;
  /// Drains (see `drain`, bounded by 30 s) and stops the node.
  ~node();

  /// The port it listens on.
  [[nodiscard]] std::uint16_t port() const noexcept;
  [[nodiscard]] const std::string& host() const noexcept;

  /// Refuses new chunks (clients send their reads elsewhere), waits until every chunk it runs
  /// has been answered or `bound` has passed, then closes its port. Idempotent.
  void drain(std::chrono::milliseconds bound);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace gatherdb::actors
