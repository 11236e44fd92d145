#pragma once
// gather_bench's measurements and report: samples, cells, the markdown table and JSON lines.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iomanip>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "gatherdb/actors/outcome.hpp"

#include "options.hpp"

namespace gatherdb::bench {

using bench_clock = std::chrono::steady_clock;

/// CPU time of this process, every thread, in seconds.
[[nodiscard]] double process_cpu_seconds();
/// The 1-minute load average.
[[nodiscard]] double load_average();

/// When a gather's connections were busy, from its outcomes' metrics.
struct timeline {
  /// How long every connection waited for the first statement.
  double first_start_ms = 0;
  /// From the last moment every connection ran a statement until the last statement ended.
  double tail_ms = 0;
};

[[nodiscard]] timeline timeline_of(const gatherdb::actors::gather_result& r,
                                   std::size_t connections);

/// Statements per execution: batched reads and coalesced lookups share one.
[[nodiscard]] double statements_per_round_trip(const gatherdb::actors::gather_result& r);

struct run_sample {
  double seconds = 0;
  double cpu_seconds = 0; // this process, every thread: what a contender costs the client host
  nlohmann::json extra = nlohmann::json::object();
};

// Runs `f` once: its wall time and this process's CPU time.
template <class F>
run_sample timed(F&& f) {
  const auto cpu0 = process_cpu_seconds();
  const auto t0 = bench_clock::now();
  std::forward<F>(f)();
  const double seconds = std::chrono::duration<double>(bench_clock::now() - t0).count();
  return {seconds, process_cpu_seconds() - cpu0, nlohmann::json::object()};
}

struct cell {
  std::string backend;
  std::uint32_t rows = 0;
  std::size_t statements = 0;
  std::string impl, mode, label;
  std::vector<run_sample> samples;
  double load1 = 0;

  [[nodiscard]] const run_sample& median() const {
    std::vector<std::size_t> idx(samples.size());
    for (std::size_t i = 0; i < idx.size(); ++i)
      idx[i] = i;
    std::sort(idx.begin(), idx.end(),
              [&](auto a, auto b) { return samples[a].seconds < samples[b].seconds; });
    return samples[idx[(idx.size() - 1) / 2]]; // lower median: an actual run, with its metrics
  }
  [[nodiscard]] double seconds() const { return median().seconds; }
  [[nodiscard]] double stmts_per_s() const { return static_cast<double>(statements) / seconds(); }
};

inline std::string fixed(double x, int digits) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(digits) << x;
  return out.str();
}

inline std::string thousands(double x) {
  auto s = std::to_string(std::llround(x));
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3)
    s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

/// Prints the markdown table of `cells` to stdout and appends their JSON lines to
/// `opt.json_out`.
void write_report(const std::vector<cell>& cells, const options& opt, const std::string& backend,
                  bench_clock::time_point bench_started);

} // namespace gatherdb::bench
