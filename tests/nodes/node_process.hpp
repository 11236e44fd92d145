#pragma once
// A `gatherdb_node` run as a child process for the nodes suites: started with `--listen
// 127.0.0.1:<port>` (0: a free one, read from its first line), stopped with SIGTERM (its exit
// status checked) or killed with SIGKILL; every child is bounded and reaped.
//
// Thread-safety: one thread at a time.

#include <chrono>
#include <cstdint>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "support/backends.hpp"

extern char** environ;

namespace gatherdb::nodes_test {

class node_process {
public:
  /// Starts a node serving `routes` ("name=DSN" each) on `port` (0: any free one) of `host`,
  /// with `extra` arguments. Throws when it does not print `listening on` within 60 s.
  node_process(const std::vector<std::string>& routes, std::uint16_t port = 0,
               std::size_t pool_size = 2, const std::vector<std::string>& extra = {},
               const std::string& host = "127.0.0.1") {
    std::vector<std::string> args{GATHERDB_NODE_BINARY, "--listen",
                                  host + ":" + std::to_string(port), "--pool-size",
                                  std::to_string(pool_size)};
    args.insert(args.end(), extra.begin(), extra.end());
    for (const auto& r : routes) {
      args.emplace_back("--route");
      args.push_back(r);
    }
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    int fds[2];
    if (::pipe(fds) != 0)
      throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    posix_spawn_file_actions_addclose(&actions, fds[1]);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    out_ = fds[0];
    if (rc != 0) {
      pid_ = -1;
      throw std::runtime_error("cannot start gatherdb_node");
    }
    const auto line = read_line(std::chrono::seconds{60});
    const std::string prefix = "listening on " + host + ":";
    if (line.rfind(prefix, 0) != 0) {
      kill_now();
      throw std::runtime_error("gatherdb_node did not start, first line: '" + line + "'");
    }
    port_ = static_cast<std::uint16_t>(std::stoi(line.substr(prefix.size())));
  }
  node_process(const node_process&) = delete;
  node_process& operator=(const node_process&) = delete;
  ~node_process() {
    kill_now();
    ::close(out_);
  }

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  /// "127.0.0.1:<port>", as a client on this host names it (whatever address it listens on).
  [[nodiscard]] std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }

  /// SIGKILL, then reaps it.
  void kill_now() {
    if (pid_ <= 0)
      return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  /// Sends SIGTERM and waits (at most `bound`, then SIGKILL) for the exit; returns the wait
  /// status.
  int terminate(std::chrono::milliseconds bound = std::chrono::seconds{60}) {
    if (pid_ <= 0)
      return -1;
    ::kill(pid_, SIGTERM);
    int status = 0;
    const auto until = std::chrono::steady_clock::now() + bound;
    while (::waitpid(pid_, &status, WNOHANG) != pid_) {
      if (std::chrono::steady_clock::now() >= until) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    pid_ = -1;
    return status;
  }

private:
  std::string read_line(std::chrono::milliseconds timeout) {
    std::string line;
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0)
        continue;
      char c;
      if (::read(out_, &c, 1) != 1)
        break;
      if (c == '\n')
        return line;
      line += c;
    }
    return line;
  }

  pid_t pid_ = -1;
  int out_ = -1;
  std::uint16_t port_ = 0;
};

} // namespace gatherdb::nodes_test
