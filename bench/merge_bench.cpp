// Merges 1,000,000 rows of A into a session_state: first into an empty session (every row
// creates an object), then again into the full one (every row overwrites an object). Prints
// rows/s for each pass, peak RSS and the memory the session needs per raw row byte.
// Each result shape runs in its own child process so that peak-RSS figures do not mix.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "gatherdb/model/entity.hpp"
#include "gatherdb/model/frozen_result.hpp"
#include "gatherdb/model/session_state.hpp"

namespace {

struct A {
  std::int64_t id = 0;
  std::string data;
};

} // namespace

template <>
struct gatherdb::model::entity_definition<A> {
  static entity_mapping<A> define() {
    return entity_mapping<A>{"a", "A"}
        .generated_key(&A::id, "id")
        .repr_as("id_")
        .column(&A::data, "data");
  }
};

namespace {

using namespace gatherdb::model;
using clock_type = std::chrono::steady_clock;

constexpr std::int64_t total_rows = 1'000'000;
constexpr std::size_t chunk_rows = 4096;

// Reads a "<name>: <n> kB" line of /proc/self/status, in bytes.
std::size_t proc_status_bytes(const char* name) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string prefix = std::string{name} + ":";
  while (std::getline(in, line))
    if (line.rfind(prefix, 0) == 0)
      return std::stoull(line.substr(prefix.size())) * 1024;
  return 0;
}

std::size_t ru_maxrss_bytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<std::size_t>(u.ru_maxrss) * 1024;
}

std::vector<frozen_result> make_results(std::int64_t rows_per_result) {
  std::vector<column_info> cols{{"id", value_type::int64, 0, false},
                                {"data", value_type::text, 0, false}};
  std::vector<frozen_result> results;
  for (std::int64_t first = 1; first <= total_rows; first += rows_per_result) {
    const auto last = std::min(total_rows, first + rows_per_result - 1);
    std::vector<row_chunk> chunks;
    for (std::int64_t id = first; id <= last; ++id) {
      if ((id - first) % static_cast<std::int64_t>(chunk_rows) == 0) {
        chunks.emplace_back(cols);
        const auto n = static_cast<std::size_t>(std::min<std::int64_t>(chunk_rows, last - id + 1));
        chunks.back().column(0).reserve(n);
        chunks.back().column(1).reserve(n, n * 8);
      }
      auto& chunk = chunks.back();
      chunk.column(0).push_int64(id);
      auto& arena = chunk.column(1).arena();
      arena += "a_";
      arena += std::to_string(id - 1);
      chunk.column(1).commit_arena_cell();
      chunk.finish_row();
    }
    results.push_back(freeze(cols, std::move(chunks)));
  }
  return results;
}

struct pass_rate {
  double wall; // rows per second of wall time
  double cpu;  // rows per second of this process's CPU time (robust on a busy machine)
};

pass_rate merge_pass(session_state& s, const std::vector<frozen_result>& results) {
  const auto cpu_start = std::clock();
  const auto start = clock_type::now();
  std::size_t rows = 0;
  for (const auto& r : results)
    rows += s.merge<A>(r).size();
  const std::chrono::duration<double> elapsed = clock_type::now() - start;
  const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  if (rows != static_cast<std::size_t>(total_rows))
    std::abort();
  return {static_cast<double>(rows) / elapsed.count(), static_cast<double>(rows) / cpu};
}

int run_shape(std::int64_t rows_per_result) {
  const auto results = make_results(rows_per_result);
  std::size_t raw = 0;
  for (const auto& r : results)
    raw += r->payload_bytes();
  // Baseline: the frozen results exist before any merge and are not the session's cost.
  const auto rss_before = proc_status_bytes("VmRSS");

  session_state s;
  const auto empty_rate = merge_pass(s, results);
  const auto hwm_after_first = proc_status_bytes("VmHWM");
  const auto full_rate = merge_pass(s, results);
  const auto hwm = proc_status_bytes("VmHWM");
  const auto maxrss = ru_maxrss_bytes();
  if (s.size<A>() != static_cast<std::size_t>(total_rows) || s.find<A>(1)->data != "a_0")
    std::abort();

  const auto increase = hwm - rss_before;
  std::printf("shape: %zu frozen result(s) x %lld rows, chunks of %zu rows\n", results.size(),
              static_cast<long long>(rows_per_result), chunk_rows);
  std::printf("  merge into empty session : %12.0f rows/s wall, %12.0f rows/s CPU\n",
              empty_rate.wall, empty_rate.cpu);
  std::printf("  merge into full session  : %12.0f rows/s wall, %12.0f rows/s CPU (overwrite)\n",
              full_rate.wall, full_rate.cpu);
  std::printf("  raw row bytes            : %12zu (8 per int64 + string length)\n", raw);
  std::printf("  RSS before merging       : %12zu (frozen results included)\n", rss_before);
  std::printf("  peak RSS  VmHWM          : %12zu  (after 1st pass %zu)\n", hwm, hwm_after_first);
  std::printf("  peak RSS  ru_maxrss      : %12zu\n", maxrss);
  std::printf("  session_state heap       : %12zu (arena + index + flags)\n", s.memory_bytes());
  std::printf("  peak RSS increase / raw  : %12.2f\n",
              static_cast<double>(increase) / static_cast<double>(raw));
  std::printf("  targets: >= 1000000 rows/s: %s; <= 3x raw bytes: %s\n",
              empty_rate.wall >= 1e6 && full_rate.wall >= 1e6 ? "met" : "MISSED",
              static_cast<double>(increase) <= 3.0 * static_cast<double>(raw) ? "met" : "MISSED");
  std::fflush(stdout);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  if (argc > 1)
    return run_shape(std::atoll(argv[1]));
  for (std::int64_t rows_per_result : {std::int64_t{1000}, total_rows}) {
    const pid_t pid = fork();
    if (pid == 0)
      std::_Exit(run_shape(rows_per_result));
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
      return 1;
  }
  return 0;
}
