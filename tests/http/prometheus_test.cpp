// GET /metrics is the Prometheus text format: `promtool check metrics` accepts it, and a real
// Prometheus scrapes it (up == 1, the statement histograms have samples).

#include <arpa/inet.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <optional>
#include <signal.h>
#include <spawn.h>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "http/http_test_support.hpp"

namespace gatherdb_http_test {

/// The path of `program` on PATH, or nothing.
inline std::optional<std::string> find_program(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const auto end = std::min(dirs.find(':', start), dirs.size());
    auto candidate = std::filesystem::path{dirs.substr(start, end - start)} / program;
    if (::access(candidate.c_str(), X_OK) == 0)
      return candidate.string();
    start = end + 1;
  }
  return std::nullopt;
}

/// A port nobody listened on a moment ago (Prometheus takes an address, not port 0).
inline std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

/// A directory of its own under the system temp directory, removed with its contents.
class temp_dir {
public:
  temp_dir() {
    auto pattern = (std::filesystem::temp_directory_path() / "gatherdb-prom-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

private:
  std::filesystem::path path_;
};

/// `argv` run with stdin from `in` (may be empty) and stdout+stderr to `out`; its exit status.
inline int run_program(const std::vector<std::string>& args, const std::string& in,
                       const std::string& out) {
  std::vector<char*> argv;
  std::vector<std::string> copy = args;
  for (auto& a : copy)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!in.empty())
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    throw std::runtime_error("cannot start " + args[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream f{p};
  return {std::istreambuf_iterator<char>{f}, std::istreambuf_iterator<char>{}};
}

/// Prometheus running in the background with `config`, killed (and reaped) on destruction.
class prometheus_process {
public:
  prometheus_process(const std::string& binary, const temp_dir& dir, std::uint16_t port) {
    const auto config = dir.path() / "prometheus.yml";
    log_ = dir.path() / "prometheus.log";
    std::vector<std::string> args{binary, "--config.file=" + config.string(),
                                  "--storage.tsdb.path=" + (dir.path() / "data").string(),
                                  "--web.listen-address=127.0.0.1:" + std::to_string(port)};
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
      throw std::runtime_error("cannot start " + binary);
  }
  prometheus_process(const prometheus_process&) = delete;
  prometheus_process& operator=(const prometheus_process&) = delete;
  ~prometheus_process() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  [[nodiscard]] std::string log() const { return read_file(log_); }

private:
  pid_t pid_ = -1;
  std::filesystem::path log_;
};

/// The body of `GET target` over HTTP/1.0 (the answer ends with the connection, never chunked),
/// or nothing when the server is not there (yet).
inline std::optional<std::string> get_body_http10(std::uint16_t port, const std::string& target) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  const std::string req = "GET " + target + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  (void)::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  std::string all;
  char buf[8192];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    all.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  const auto end = all.find("\r\n\r\n");
  if (end == std::string::npos || all.compare(0, 12, "HTTP/1.0 200") != 0)
    return std::nullopt;
  return all.substr(end + 4);
}

/// The first sample's value of an instant query, or nothing while the answer has no sample.
inline std::optional<double> query_value(std::uint16_t port, const std::string& query) {
  auto body = get_body_http10(port, "/api/v1/query?query=" + query);
  if (!body)
    return std::nullopt;
  const auto j = json::parse(*body, nullptr, false);
  if (j.is_discarded() || j.value("status", "") != "success")
    return std::nullopt;
  const auto& result = j["data"]["result"];
  if (!result.is_array() || result.empty())
    return std::nullopt;
  return std::stod(result[0]["value"][1].get<std::string>());
}

} // namespace gatherdb_http_test

using namespace gatherdb_http_test;

BOOST_AUTO_TEST_SUITE(http_prometheus)

BOOST_AUTO_TEST_CASE(metrics_is_prometheus_text_that_promtool_accepts) {
  running_server srv{backend::sqlite};
  BOOST_TEST(get(srv.port(), query_for({1, 2, 3})).status == 200);
  (void)get(srv.port(), "/nope");
  auto r = get(srv.port(), "/metrics");
  BOOST_TEST_REQUIRE(r.status == 200);
  BOOST_TEST(r.headers["content-type"] == "text/plain; version=0.0.4");
  for (const char* series : {"gatherdb_pool_open_connections{route=\"default\",replica=\"0\"} ",
                             "gatherdb_statements_total{status=\"ok\"} 3\n",
                             "gatherdb_statement_execute_seconds_bucket{le=\"+Inf\"} 3\n",
                             "gatherdb_statement_execute_seconds_count 3\n",
                             "gatherdb_http_requests_total{code=\"404\"} 1\n"})
    BOOST_TEST(r.body.find(series) != std::string::npos, series << " in\n" << r.body);
  // The JSON moved to /metrics.json.
  auto j = get(srv.port(), "/metrics.json");
  BOOST_TEST(j.status == 200);
  BOOST_TEST(j.headers["content-type"] == "application/json");
  BOOST_TEST(j.parsed()["pool"]["size"] == 4);

  const auto promtool = find_program("promtool");
  if (!promtool) {
    BOOST_TEST_MESSAGE("promtool is not installed (Debian package prometheus): not checked");
    return;
  }
  temp_dir dir;
  const auto metrics = dir.path() / "metrics.txt";
  std::ofstream{metrics} << r.body;
  const auto out = dir.path() / "promtool.out";
  const int status = run_program({*promtool, "check", "metrics"}, metrics.string(), out.string());
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 0, read_file(out));
}

BOOST_AUTO_TEST_CASE(a_real_prometheus_scrapes_up_and_the_statement_histograms) {
  const auto binary = find_program("prometheus");
  if (!binary) {
    BOOST_TEST_MESSAGE("prometheus is not installed (Debian package prometheus): not run");
    return;
  }
  running_server srv{backend::sqlite};
  BOOST_TEST(get(srv.port(), query_for({1, 2, 3, 4})).status == 200);
  temp_dir dir;
  std::ofstream{dir.path() / "prometheus.yml"}
      << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
         "scrape_configs:\n  - job_name: gatherdb\n    static_configs:\n"
         "      - targets: ['127.0.0.1:"
      << srv.port() << "']\n";
  const auto port = free_port();
  prometheus_process prom{*binary, dir, port};
  // Prometheus starts, scrapes once a second and answers queries: generous, never timed.
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  std::optional<double> up;
  std::optional<double> executed;
  while (std::chrono::steady_clock::now() < deadline) {
    up = query_value(port, "up");
    executed = query_value(port, "gatherdb_statement_execute_seconds_count");
    if (up == 1.0 && executed && *executed >= 4)
      break;
    std::this_thread::sleep_for(500ms);
  }
  BOOST_TEST(up.has_value(), prom.log());
  BOOST_TEST(up.value_or(0) == 1.0);
  BOOST_TEST(executed.value_or(0) >= 4.0, prom.log());
  const auto inf =
      query_value(port, "gatherdb_statement_execute_seconds_bucket%7Ble%3D%22%2BInf%22%7D");
  BOOST_TEST(inf.value_or(0) >= 4.0);
}

BOOST_AUTO_TEST_SUITE_END()
