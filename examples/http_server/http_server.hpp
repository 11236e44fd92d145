#pragma once
// The HTTP side of the server: Boost.Beast sessions on a few Asio threads. Knows nothing of
// CAF; requests reach the actors through `request_api`, which never blocks.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "http_types.hpp"

namespace gatherdb::http {

struct server_options {
  std::string address = "127.0.0.1";
  /// 0: the system picks a free port (`listen()` returns it).
  std::uint16_t port = 0;
  /// Asio threads running the sessions.
  std::size_t threads = 2;
  /// After SIGINT/SIGTERM: how long in-flight requests may take to finish.
  std::chrono::milliseconds drain_timeout{2500};
  /// An idle keep-alive connection is closed after this long.
  std::chrono::seconds idle_timeout{30};
};

/// An HTTP/1.1 server: `GET /a?data=...`, `GET /healthz`, `GET /metrics`; keep-alive; 400 on a
/// bad query (no data, a value over 1 KiB, over 1000 values), 404 elsewhere, 405 on other
/// methods. Signals SIGINT and SIGTERM stop it gracefully: no new connections, requests in
/// flight finish (within `drain_timeout`), idle connections close, `run()` returns.
/// Thread-safety: construct, `listen()` and `run()` from one thread; the rest is internal.
class http_server {
public:
  http_server(server_options options, std::shared_ptr<server_metrics> metrics);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// The entry points of the actor side; set before `run()`.
  void set_api(request_api api);

  /// Binds and listens (and starts watching SIGINT/SIGTERM); returns the port. Throws
  /// `std::system_error` when it cannot bind.
  std::uint16_t listen();

  /// Serves on `threads` Asio threads until a signal stopped it; returns once every thread
  /// has returned.
  void run();

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace gatherdb::http
