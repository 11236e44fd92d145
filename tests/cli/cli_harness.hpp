#pragma once
// Runs the `gatherdb` tool as a user would (via popen): shared by the CLI suites.
//
// Thread-safety: `run` may be called from any thread; the scratch files are unique per call.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <sys/wait.h>

#include <boost/test/unit_test.hpp>

#include "support/backends.hpp"

namespace gatherdb::cli_test {

namespace fs = std::filesystem;

/// What one run of the tool did.
struct run_result {
  int status = -1;
  std::string out;
  std::string err;
  double seconds = 0;
};

inline std::string shell_quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s)
    q += c == '\'' ? std::string{"'\\''"} : std::string(1, c);
  return q + "'";
}

inline std::string read_file(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

inline fs::path write_temp(const std::string& text) {
  static std::atomic<unsigned> n{0};
  auto p = gatherdb::test::scratch_dir::path() / ("input_" + std::to_string(n++) + ".sql");
  std::ofstream{p, std::ios::binary} << text;
  return p;
}

/// How long one run of the tool may take before it is killed: a hang fails the case that ran
/// it, with the tool's stderr, instead of the whole suite's ctest timeout.
constexpr int run_limit_seconds = 120;

// Runs `gatherdb ARGS < input`, stdout and stderr captured apart.
inline run_result run(const std::string& args, const std::string& input = "") {
  const auto in = write_temp(input);
  const auto err = fs::path{in}.replace_extension(".err");
  const std::string cmd = "timeout -k 10 " + std::to_string(run_limit_seconds) + " " +
                          std::string{GATHERDB_CLI_BINARY} + " " + args + " < " +
                          shell_quoted(in.string()) + " 2> " + shell_quoted(err.string());
  run_result r;
  const auto started = std::chrono::steady_clock::now();
  std::unique_ptr<FILE, int (*)(FILE*)> pipe{popen(cmd.c_str(), "r"), pclose};
  BOOST_REQUIRE(pipe);
  char buf[4096];
  while (auto n = fread(buf, 1, sizeof(buf), pipe.get()))
    r.out.append(buf, n);
  const int raw = pclose(pipe.release());
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.err = read_file(err);
  // timeout(1) exits 124 after its SIGTERM, 137 after its SIGKILL.
  BOOST_CHECK_MESSAGE(r.status != 124 && r.status != 137,
                      "gatherdb " << args << " did not end within " << run_limit_seconds
                                  << " s; its stderr: " << r.err);
  return r;
}

} // namespace gatherdb::cli_test
