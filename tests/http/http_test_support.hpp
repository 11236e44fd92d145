#pragma once
// What the HTTP suites share: the server binary run as a process (`--port=0`, the port read
// from its first line) on a table of its own, and a tiny HTTP/1.1 client over plain sockets.
// Thread-safety: each object is used by one thread at a time.
#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <map>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "gatherdb/drivers/connection.hpp"

#include "support/backends.hpp"
#include "support/listening_process.hpp"

extern char** environ;

// Named, not anonymous: the test cases' lambdas capture these types (-Wsubobject-linkage).
namespace gatherdb_http_test {

using gatherdb::test::backend;
using json = nlohmann::json;
using namespace std::chrono_literals;

// --- the server process ------------------------------------------------------------------

/// The server binary running with `args`; its first stdout line gives the port, its stderr
/// goes to a file of its own (for the checks of what it logs).
class server_process {
public:
  explicit server_process(std::vector<std::string> args)
      : process_(with_binary(std::move(args)), "127.0.0.1", next_error_path(), 30s) {}

  [[nodiscard]] std::uint16_t port() const noexcept { return process_.port(); }

  /// What the server wrote to stderr so far.
  [[nodiscard]] std::string error_output() const { return process_.error_output(); }

  /// Sends `sig` and waits (at most 10 s, then SIGKILL) for the exit; returns the wait status,
  /// and how long it took.
  int stop(std::chrono::milliseconds& took, int sig = SIGTERM) {
    const auto start = std::chrono::steady_clock::now();
    const int status = process_.stop(sig, 10s);
    took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start);
    return status;
  }

  /// The threads' stacks of a server that did not exit within 10 s of `stop`; empty otherwise.
  [[nodiscard]] const std::string& hung_stacks() const noexcept { return process_.hung_stacks(); }

private:
  static std::vector<std::string> with_binary(std::vector<std::string> args) {
    args.insert(args.begin(), GATHERDB_HTTP_SERVER_BINARY);
    return args;
  }
  static std::string next_error_path() {
    static std::atomic<unsigned> spawned{0};
    return (gatherdb::test::scratch_dir::path() /
            ("http_server_" + std::to_string(spawned.fetch_add(1)) + ".err"))
        .string();
  }

  gatherdb::test::listening_process process_;
};

// --- a tiny HTTP/1.1 client ----------------------------------------------------------------

struct response {
  int status = 0;
  std::map<std::string, std::string> headers; // lower-case names
  std::string body;
  [[nodiscard]] json parsed() const { return json::parse(body); }
};

/// One keep-alive connection. Thread-safety: one thread at a time.
class connection {
public:
  explicit connection(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error("cannot connect to port " + std::to_string(port));
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection() { ::close(fd_); }

  response request(const std::string& method, const std::string& target,
                   const std::string& extra_headers = {}) {
    send_all(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers + "\r\n");
    return read_response();
  }

  void send_all(const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      auto n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0)
        throw std::runtime_error("send failed");
      sent += static_cast<std::size_t>(n);
    }
  }

  /// True when the server closed the connection (reads EOF within `timeout`).
  bool closed_by_peer() {
    char c;
    return ::recv(fd_, &c, 1, 0) == 0;
  }

  response read_response() {
    std::size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos)
      fill();
    response r;
    const std::string head = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    std::size_t pos = head.find("\r\n");
    const std::string status_line = head.substr(0, pos);
    r.status = std::stoi(status_line.substr(9, 3));
    while (pos != std::string::npos && pos < head.size()) {
      auto next = head.find("\r\n", pos + 2);
      auto line =
          head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (auto& ch : name)
          ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        auto value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ')
          value.erase(0, 1);
        r.headers[name] = value;
      }
      pos = next;
    }
    const std::size_t length = std::stoul(r.headers.at("content-length"));
    while (buf_.size() < length)
      fill();
    r.body = buf_.substr(0, length);
    buf_.erase(0, length);
    return r;
  }

private:
  void fill() {
    char tmp[65536];
    auto n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0)
      throw std::runtime_error("connection closed or timed out while reading a response");
    buf_.append(tmp, static_cast<std::size_t>(n));
  }

  int fd_ = -1;
  std::string buf_;
};

inline response get(std::uint16_t port, const std::string& target) {
  connection c{port};
  return c.request("GET", target);
}

// --- fixtures ------------------------------------------------------------------------------

inline std::string dsn_for(backend b) {
  return b == backend::sqlite
             ? gatherdb::test::sqlite_connection_string(gatherdb::test::unique_name("http"))
             : gatherdb::test::connection_string(b);
}

/// A server on a table of its own (`rows` rows a_0..), dropped afterwards.
struct running_server {
  std::string dsn;
  std::string table = gatherdb::test::unique_name("http_a");
  server_process process;

  running_server(backend b, std::vector<std::string> extra = {}, std::size_t rows = 100)
      : dsn(dsn_for(b)), process(args(extra, rows)) {}

  ~running_server() {
    try {
      auto conn = gatherdb::drivers::connection::open(dsn);
      conn.execute("DROP TABLE IF EXISTS " + table);
    } catch (...) {
    }
  }

  [[nodiscard]] std::uint16_t port() const noexcept { return process.port(); }

  /// SIGTERM; the server must exit 0 within 3 s.
  void stop_gracefully() {
    std::chrono::milliseconds took{};
    const int status = process.stop(took);
    BOOST_TEST(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0);
    BOOST_TEST(took.count() < 3000, "exit took " << took.count() << " ms; its stderr:\n"
                                                 << process.error_output()
                                                 << process.hung_stacks());
  }

private:
  std::vector<std::string> args(const std::vector<std::string>& extra, std::size_t rows) {
    std::vector<std::string> a{"--dsn=" + dsn, "--port=0", "--table=" + table,
                               "--rows=" + std::to_string(rows), "--threads=2"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
};

inline json expected_rows(const std::vector<int>& keys, std::size_t rows = 100) {
  json out = json::array();
  for (int k : keys) {
    json one = json::array();
    if (k >= 0 && static_cast<std::size_t>(k) < rows)
      one.push_back({{"id", k + 1}, {"data", "a_" + std::to_string(k)}});
    out.push_back(one);
  }
  return out;
}

inline std::string query_for(const std::vector<int>& keys) {
  std::string t = "/a?";
  for (std::size_t i = 0; i < keys.size(); ++i)
    t += (i ? "&data=a_" : "data=a_") + std::to_string(keys[i]);
  return t;
}

} // namespace gatherdb_http_test
