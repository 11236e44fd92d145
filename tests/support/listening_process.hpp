#pragma once
// A server program run as a child process by a test: started with its arguments, its port read
// from its first stdout line (`listening on HOST:PORT`), its stderr kept in a file, stopped with
// a signal within a bound (its threads' stacks gathered by gdb first, where installed, when it
// does not exit) or killed; every child is reaped.
//
// Thread-safety: one thread at a time.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace gatherdb::test {

class listening_process {
public:
  /// Runs `args[0]` with the rest of `args`, stderr to `stderr_path` (empty: inherited). Throws
  /// unless its first line, within `startup`, is `listening on <host>:<port>`.
  listening_process(std::vector<std::string> args, const std::string& host,
                    std::string stderr_path = {},
                    std::chrono::milliseconds startup = std::chrono::seconds{60})
      : err_path_(std::move(stderr_path)) {
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
    if (!err_path_.empty())
      posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path_.c_str(),
                                       O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    posix_spawn_file_actions_addclose(&actions, fds[1]);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    out_ = fds[0];
    if (rc != 0) {
      pid_ = -1;
      ::close(out_);
      throw std::runtime_error("cannot start " + args[0]);
    }
    const auto line = read_line(startup);
    const std::string prefix = "listening on " + host + ":";
    if (line.rfind(prefix, 0) != 0) {
      kill_now();
      ::close(out_);
      throw std::runtime_error(args[0] + " did not start, first line: '" + line + "'");
    }
    port_ = static_cast<std::uint16_t>(std::stoi(line.substr(prefix.size())));
  }
  listening_process(const listening_process&) = delete;
  listening_process& operator=(const listening_process&) = delete;
  ~listening_process() {
    kill_now();
    ::close(out_);
  }

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }

  /// SIGKILL, then reaps it.
  void kill_now() {
    if (pid_ <= 0)
      return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  /// Sends `sig` and waits at most `bound` for the exit; past it, gathers the threads' stacks
  /// (`hung_stacks`) and kills it. Returns the wait status (-1 when it had ended already).
  int stop(int sig, std::chrono::milliseconds bound) {
    if (pid_ <= 0)
      return -1;
    ::kill(pid_, sig);
    int status = 0;
    const auto until = std::chrono::steady_clock::now() + bound;
    while (::waitpid(pid_, &status, WNOHANG) != pid_) {
      if (std::chrono::steady_clock::now() >= until) {
        hung_stacks_ = thread_stacks(pid_);
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
    pid_ = -1;
    return status;
  }

  /// The threads' stacks of a process that did not exit within the bound of `stop` (by gdb,
  /// when installed), so that a hang reports where it hung; empty otherwise.
  [[nodiscard]] const std::string& hung_stacks() const noexcept { return hung_stacks_; }

  /// What it wrote to stderr so far (with a `stderr_path`).
  [[nodiscard]] std::string error_output() const {
    std::ifstream in{err_path_, std::ios::binary};
    return {std::istreambuf_iterator<char>{in}, {}};
  }

private:
  static std::string thread_stacks(pid_t pid) {
    const std::string command =
        "gdb -batch -nx -p " + std::to_string(pid) + " -ex 'thread apply all bt' 2>/dev/null";
    std::string out;
    if (FILE* p = ::popen(command.c_str(), "r")) {
      char buf[4096];
      for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;)
        out.append(buf, n);
      ::pclose(p);
    }
    return out;
  }

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
  std::string err_path_;
  std::string hung_stacks_;
  std::uint16_t port_ = 0;
};

} // namespace gatherdb::test
