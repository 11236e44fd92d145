#pragma once
// A `gatherdb_node` run as a child process for the nodes suites: started with `--listen
// <host>:<port>` (0: a free one, read from its first line), stopped with SIGTERM (its exit
// status checked) or killed with SIGKILL; every child is bounded and reaped.
//
// Thread-safety: one thread at a time.

#include <chrono>
#include <cstdint>
#include <optional>
#include <signal.h>
#include <string>
#include <vector>

#include "support/listening_process.hpp"

namespace gatherdb::nodes_test {

class node_process {
public:
  /// Starts a node serving `routes` ("name=DSN" each) on `port` (0: any free one) of `host`,
  /// with `extra` arguments. Throws when it does not print `listening on` within 60 s.
  node_process(const std::vector<std::string>& routes, std::uint16_t port = 0,
               std::size_t pool_size = 2, const std::vector<std::string>& extra = {},
               const std::string& host = "127.0.0.1")
      : process_(arguments(routes, port, pool_size, extra, host), host) {}

  [[nodiscard]] std::uint16_t port() const noexcept { return process_.port(); }
  /// "127.0.0.1:<port>", as a client on this host names it (whatever address it listens on).
  [[nodiscard]] std::string endpoint() const { return "127.0.0.1:" + std::to_string(port()); }

  /// SIGKILL, then reaps it.
  void kill_now() { process_.kill_now(); }

  /// Sends SIGTERM and waits (at most `bound`, then SIGKILL) for the exit; returns the wait
  /// status.
  int terminate(std::chrono::milliseconds bound = std::chrono::seconds{60}) {
    return process_.stop(SIGTERM, bound);
  }

private:
  static std::vector<std::string> arguments(const std::vector<std::string>& routes,
                                            std::uint16_t port, std::size_t pool_size,
                                            const std::vector<std::string>& extra,
                                            const std::string& host) {
    std::vector<std::string> args{GATHERDB_NODE_BINARY, "--listen",
                                  host + ":" + std::to_string(port), "--pool-size",
                                  std::to_string(pool_size)};
    args.insert(args.end(), extra.begin(), extra.end());
    for (const auto& r : routes) {
      args.emplace_back("--route");
      args.push_back(r);
    }
    return args;
  }

  test::listening_process process_;
};

} // namespace gatherdb::nodes_test
