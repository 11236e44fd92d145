// Runs examples/http_server as a user would (`--port=0`, the port read from its first line)
// against SQLite and PostgreSQL, and talks HTTP/1.1 to it over plain sockets.
#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <fcntl.h>
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

extern char** environ;

// Named, not anonymous: the test cases' lambdas capture these types (-Wsubobject-linkage).
namespace gatherdb_http_test {

using gatherdb::test::backend;
using json = nlohmann::json;
using namespace std::chrono_literals;

// --- the server process ------------------------------------------------------------------

/// The server binary running with `args`; its first stdout line gives the port.
class server_process {
public:
  explicit server_process(std::vector<std::string> args) {
    args.insert(args.begin(), GATHERDB_HTTP_SERVER_BINARY);
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
    if (rc != 0)
      throw std::runtime_error("cannot start " + args[0]);
    const auto line = read_line(30s);
    const std::string prefix = "listening on 127.0.0.1:";
    if (line.rfind(prefix, 0) != 0)
      throw std::runtime_error("server did not start, first line: '" + line + "'");
    port_ = static_cast<std::uint16_t>(std::stoi(line.substr(prefix.size())));
  }

  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  ~server_process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(out_);
  }

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }

  /// Sends `sig` and waits for the exit; returns the wait status, and how long it took.
  int stop(std::chrono::milliseconds& took, int sig = SIGTERM) {
    const auto start = std::chrono::steady_clock::now();
    ::kill(pid_, sig);
    int status = 0;
    while (true) {
      auto r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_)
        break;
      if (std::chrono::steady_clock::now() - start > 10s) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(5ms);
    }
    pid_ = -1;
    took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start);
    return status;
  }

private:
  std::string read_line(std::chrono::milliseconds timeout) {
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
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

response get(std::uint16_t port, const std::string& target) {
  connection c{port};
  return c.request("GET", target);
}

// --- fixtures ------------------------------------------------------------------------------

std::string dsn_for(backend b) {
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
    BOOST_TEST(took.count() < 3000, "exit took " << took.count() << " ms");
  }

private:
  std::vector<std::string> args(const std::vector<std::string>& extra, std::size_t rows) {
    std::vector<std::string> a{"--dsn=" + dsn, "--port=0", "--table=" + table,
                               "--rows=" + std::to_string(rows), "--threads=2"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
};

json expected_rows(const std::vector<int>& keys, std::size_t rows = 100) {
  json out = json::array();
  for (int k : keys) {
    json one = json::array();
    if (k >= 0 && static_cast<std::size_t>(k) < rows)
      one.push_back({{"id", k + 1}, {"data", "a_" + std::to_string(k)}});
    out.push_back(one);
  }
  return out;
}

std::string query_for(const std::vector<int>& keys) {
  std::string t = "/a?";
  for (std::size_t i = 0; i < keys.size(); ++i)
    t += (i ? "&data=a_" : "data=a_") + std::to_string(keys[i]);
  return t;
}

} // namespace gatherdb_http_test

using namespace gatherdb_http_test;

BOOST_AUTO_TEST_SUITE(http_server)

BOOST_DATA_TEST_CASE(answers_each_value_in_request_order, gatherdb::test::all_backends, b) {
  running_server srv{b};
  const std::vector<int> keys{5, 17, 5, 99, 0, 17};
  auto r = get(srv.port(), query_for(keys));
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.headers["content-type"] == "application/json");
  BOOST_TEST(r.parsed() == expected_rows(keys), r.body);
  // The documented shape, byte for byte.
  r = get(srv.port(), "/a?data=a_5&data=a_17");
  BOOST_TEST(r.body == R"([[{"id":6,"data":"a_5"}],[{"id":18,"data":"a_17"}]])");
  // A value with no row gives an empty list; percent-encoding and '+' are decoded.
  r = get(srv.port(), "/a?data=nope&data=a%5F7&other=x&data=a+1");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.parsed() == json::parse(R"([[],[{"id":8,"data":"a_7"}],[]])"), r.body);
  // 1000 values are allowed.
  std::vector<int> many(1000);
  for (int i = 0; i < 1000; ++i)
    many[static_cast<std::size_t>(i)] = (i * 37) % 100;
  r = get(srv.port(), query_for(many));
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.parsed() == expected_rows(many));
  srv.stop_gracefully();
}

BOOST_DATA_TEST_CASE(bad_requests_get_a_json_error, gatherdb::test::all_backends, b) {
  running_server srv{b};
  struct bad_case {
    std::string method, target;
    int status;
  };
  std::vector<bad_case> cases{
      {"GET", "/a", 400},           {"GET", "/a?other=1", 400},
      {"GET", "/a?data=%zz", 400},  {"GET", "/a?data=" + std::string(1025, 'x'), 400},
      {"GET", "/nope", 404},        {"GET", "/", 404},
      {"POST", "/a?data=a_1", 405}, {"DELETE", "/metrics", 405},
      {"PUT", "/healthz", 405},
  };
  std::string many = "/a?data=a_1";
  for (int i = 0; i < 1000; ++i)
    many += "&data=a_1";
  cases.push_back({"GET", many, 400});
  connection c{srv.port()};
  for (const auto& bc : cases) {
    BOOST_TEST_CONTEXT(bc.method << " " << bc.target.substr(0, 60)) {
      auto r = c.request(bc.method, bc.target, bc.method == "GET" ? "" : "Content-Length: 0\r\n");
      BOOST_TEST(r.status == bc.status);
      BOOST_TEST(r.headers["content-type"] == "application/json");
      BOOST_TEST(r.parsed().contains("error"), r.body);
      if (bc.status == 405)
        BOOST_TEST(r.headers["allow"] == "GET");
    }
  }
  // The connection survived every error, and so did the server.
  auto r = c.request("GET", "/a?data=a_3");
  BOOST_TEST(r.parsed() == expected_rows({3}));
  // A value of exactly 1 KiB is fine (no such row).
  r = c.request("GET", "/a?data=" + std::string(1024, 'x'));
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body == "[[]]");
  srv.stop_gracefully();
}

BOOST_DATA_TEST_CASE(values_no_database_holds_exactly_are_400_with_sqlstate_22021,
                     gatherdb::test::all_backends, b) {
  running_server srv{b};
  connection c{srv.port()};
  // A NUL byte (which once matched `a_5`), invalid UTF-8 and a surrogate, among good values.
  for (const std::string bad : {"a_5%00zzz", "a_5%C3%28", "a_%ED%A0%80"}) {
    BOOST_TEST_CONTEXT(bad) {
      auto r = c.request("GET", "/a?data=a_1&data=" + bad);
      BOOST_TEST(r.status == 400);
      BOOST_TEST(r.parsed()["sqlstate"] == "22021", r.body);
      BOOST_TEST(!r.headers.count("retry-after"));
    }
  }
  BOOST_TEST(c.request("GET", "/a?data=a_5").parsed() == expected_rows({5}));
  srv.stop_gracefully();
}

BOOST_DATA_TEST_CASE(healthz_and_metrics, gatherdb::test::all_backends, b) {
  running_server srv{b};
  auto r = get(srv.port(), "/healthz");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.parsed() == json::parse(R"({"status":"ok"})"));
  (void)get(srv.port(), query_for({1, 2, 3}));
  (void)get(srv.port(), "/nope");
  r = get(srv.port(), "/metrics");
  BOOST_REQUIRE(r.status == 200);
  auto m = r.parsed();
  for (const char* k : {"size", "connections", "busy", "queued", "completed", "exhausted"})
    BOOST_TEST(m["pool"].contains(k), k);
  BOOST_TEST(m["pool"]["size"] == 4);
  BOOST_TEST(m["pool"]["completed"].get<int>() >= 4); // SELECT 1 and the three
  const auto& lat = m["statement_latency_ms"];
  BOOST_TEST(lat["buckets"].size() == 12U);
  BOOST_TEST(lat["buckets"][11]["le"] == "+Inf");
  std::uint64_t sum = 0;
  for (const auto& bucket : lat["buckets"])
    sum += bucket["count"].get<std::uint64_t>();
  BOOST_TEST(sum == lat["count"].get<std::uint64_t>());
  BOOST_TEST(sum >= 3U);
  BOOST_TEST(m["requests"]["by_status"]["200"].get<int>() >= 2);
  BOOST_TEST(m["requests"]["by_status"]["404"] == 1);
  srv.stop_gracefully();
}

BOOST_DATA_TEST_CASE(keep_alive_serves_many_requests_on_one_connection,
                     gatherdb::test::all_backends, b) {
  running_server srv{b};
  connection c{srv.port()};
  for (int i = 0; i < 20; ++i) {
    auto r = c.request("GET", query_for({i, i + 50}));
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.parsed() == expected_rows({i, i + 50}));
    BOOST_TEST(r.headers.count("connection") == 0U); // HTTP/1.1: keep-alive by default
  }
  (void)c.request("GET", "/healthz");
  (void)c.request("GET", "/metrics");
  // Pipelined: two requests sent at once, answered in order.
  c.send_all(
      "GET /a?data=a_1 HTTP/1.1\r\nHost: x\r\n\r\nGET /a?data=a_2 HTTP/1.1\r\nHost: x\r\n\r\n");
  BOOST_TEST(c.read_response().parsed() == expected_rows({1}));
  BOOST_TEST(c.read_response().parsed() == expected_rows({2}));
  // Connection: close is honoured.
  auto r = c.request("GET", "/a?data=a_4", "Connection: close\r\n");
  BOOST_TEST(r.parsed() == expected_rows({4}));
  BOOST_TEST(c.closed_by_peer());
  srv.stop_gracefully();
}

BOOST_DATA_TEST_CASE(concurrent_requests_from_eight_threads, gatherdb::test::all_backends, b) {
  for (bool shared : {false, true}) {
    BOOST_TEST_CONTEXT("shared session " << shared) {
      running_server srv{b, shared ? std::vector<std::string>{"--shared-session"}
                                   : std::vector<std::string>{}};
      std::atomic<int> wrong{0}, done{0};
      std::vector<std::thread> threads;
      for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
          try {
            connection c{srv.port()};
            for (int i = 0; i < 25; ++i) {
              std::vector<int> keys{(t * 7 + i) % 100, (t + i * 3) % 100, (t * 7 + i) % 100,
                                    (i * 11) % 100, t};
              auto r = c.request("GET", query_for(keys));
              if (r.status != 200 || r.parsed() != expected_rows(keys))
                ++wrong;
              ++done;
            }
          } catch (const std::exception&) {
            ++wrong;
          }
        });
      }
      for (auto& th : threads)
        th.join();
      BOOST_TEST(wrong == 0);
      BOOST_TEST(done == 200);
      auto m = get(srv.port(), "/metrics").parsed();
      BOOST_TEST(m["shared_session"] == shared);
      BOOST_TEST(m["requests"]["by_status"]["200"].get<int>() == 200);
      srv.stop_gracefully();
    }
  }
}

BOOST_DATA_TEST_CASE(database_errors_are_503_with_sqlstate, gatherdb::test::all_backends, b) {
  // --rows=0 on a table that does not exist: the statement fails in the database.
  running_server srv{b, {}, 0};
  auto r = get(srv.port(), "/a?data=a_1&data=a_2");
  BOOST_TEST(r.status == 503);
  auto body = r.parsed();
  BOOST_TEST(body.contains("error"), r.body);
  BOOST_TEST(body["sqlstate"].get<std::string>().size() == 5U, r.body);
  // The database itself is fine.
  BOOST_TEST(get(srv.port(), "/healthz").status == 200);
  srv.stop_gracefully();
}

BOOST_AUTO_TEST_CASE(unreachable_database_makes_healthz_503) {
  server_process p{
      {"--dsn=Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=1;Database=x;Uid=u;Pwd=p;",
       "--port=0", "--rows=0", "--gatherdb.login-timeout-ms=1000"}};
  auto r = get(p.port(), "/healthz");
  BOOST_TEST(r.status == 503);
  BOOST_TEST(r.parsed()["status"] == "unavailable", r.body);
  BOOST_TEST(r.body.find("Pwd=p") == std::string::npos);
  r = get(p.port(), "/a?data=a_1");
  BOOST_TEST(r.status == 503);
  std::chrono::milliseconds took{};
  const int status = p.stop(took);
  BOOST_TEST(WEXITSTATUS(status) == 0);
  BOOST_TEST(took.count() < 3000);
}

BOOST_DATA_TEST_CASE(overload_is_503_with_retry_after, gatherdb::test::all_backends, b) {
  // One connection, one statement per chunk, no queue: most of 50 statements find no room.
  running_server srv{b, {"--pool-size=1", "--gatherdb.queue-bound=0", "--gatherdb.max-chunk=1"}};
  std::string target = "/a?data=a_1";
  for (int i = 0; i < 49; ++i)
    target += "&data=a_" + std::to_string(i);
  auto r = get(srv.port(), target);
  BOOST_TEST(r.status == 503);
  BOOST_TEST(r.headers["retry-after"] == "1");
  BOOST_TEST(r.parsed().contains("error"), r.body);
  auto m = get(srv.port(), "/metrics").parsed();
  BOOST_TEST(m["pool"]["exhausted"].get<int>() >= 1);
  srv.stop_gracefully();
}

BOOST_DATA_TEST_CASE(sigterm_finishes_requests_in_flight_and_exits_0, gatherdb::test::all_backends,
                     b) {
  running_server srv{b, {}, 2000};
  // Idle keep-alive connections must not hold the server up.
  connection idle{srv.port()};
  (void)idle.request("GET", "/healthz");
  std::atomic<int> ok{0}, answered{0};
  std::vector<std::thread> clients;
  std::atomic<bool> go{false};
  for (int t = 0; t < 4; ++t)
    clients.emplace_back([&] {
      try {
        connection c{srv.port()};
        std::vector<int> keys;
        for (int i = 0; i < 500; ++i)
          keys.push_back((i * 13) % 2000);
        go = true;
        auto r = c.request("GET", query_for(keys));
        ++answered;
        if (r.status == 200 && r.parsed() == expected_rows(keys, 2000))
          ++ok;
      } catch (const std::exception&) {
        // refused: sent after the listener closed
      }
    });
  while (!go)
    std::this_thread::sleep_for(1ms);
  std::this_thread::sleep_for(20ms);
  srv.stop_gracefully();
  for (auto& c : clients)
    c.join();
  // Whatever was answered was answered completely and correctly.
  BOOST_TEST(ok == answered);
  BOOST_TEST(idle.closed_by_peer());
}

BOOST_AUTO_TEST_SUITE_END()
