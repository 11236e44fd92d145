#include "report.hpp"

#include <fstream>
#include <iostream>
#include <sys/resource.h>

namespace gatherdb::bench {

double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(u.ru_utime) + seconds(u.ru_stime);
}

double load_average() {
  std::ifstream in{"/proc/loadavg"};
  double one = 0;
  in >> one;
  return one;
}

timeline timeline_of(const gatherdb::actors::gather_result& r, std::size_t connections) {
  std::vector<std::pair<std::uint64_t, int>> events; // (µs since the gather, +1 start / -1 end)
  for (const auto& o : r.outcomes) {
    const std::uint64_t start = o.metrics.queue_wait_us;
    events.emplace_back(start, 1);
    events.emplace_back(start + o.metrics.execute_us + o.metrics.fetch_us, -1);
  }
  if (events.empty())
    return {};
  std::sort(events.begin(), events.end());
  std::uint64_t last_full = events.front().first;
  std::size_t running = 0;
  for (const auto& [t, d] : events) {
    running = d > 0 ? running + 1 : running - 1;
    if (running >= connections)
      last_full = t;
  }
  auto ms = [](std::uint64_t us) { return static_cast<double>(us) / 1000.0; };
  return {ms(events.front().first), ms(events.back().first - last_full)};
}

/// Statements per execution: batched reads and coalesced lookups share one.
double statements_per_round_trip(const gatherdb::actors::gather_result& r) {
  double executions = 0;
  for (const auto& o : r.outcomes)
    executions +=
        1.0 / std::max<double>(o.metrics.batched, 1) / std::max<double>(o.metrics.coalesced, 1);
  return executions > 0 ? static_cast<double>(r.outcomes.size()) / executions : 0;
}

void write_report(const std::vector<cell>& cells, const options& opt, const std::string& backend,
                  bench_clock::time_point bench_started) {
  auto raw_of = [&](const cell& c) -> const cell* {
    for (const auto& r : cells)
      if (r.impl == "raw_odbc" && r.rows == c.rows && r.statements == c.statements)
        return &r;
    return nullptr;
  };
  std::ofstream json;
  if (!opt.json_out.empty()) {
    json.open(opt.json_out, std::ios::app);
    if (!json)
      fail("cannot open " + opt.json_out);
  }
  std::cout << "| backend | rows | statements | contender | statements/s | µs per statement | "
               "ratio to raw | client CPU µs per statement |\n"
               "|---|---:|---:|---|---:|---:|---:|---:|\n";
  for (const auto& c : cells) {
    const cell* r = raw_of(c);
    const bool has_ratio = r != nullptr;
    const double ratio = has_ratio ? c.stmts_per_s() / r->stmts_per_s() : 0.0;
    std::cout << "| " << c.backend << " | " << thousands(c.rows) << " | "
              << thousands(static_cast<double>(c.statements)) << " | " << c.label << " | "
              << thousands(c.stmts_per_s()) << " | " << fixed(1e6 / c.stmts_per_s(), 1) << " | "
              << (has_ratio ? fixed(ratio, 2) : "–") << " | "
              << fixed(1e6 * c.median().cpu_seconds / static_cast<double>(c.statements), 1)
              << " |\n";
    if (json.is_open()) {
      nlohmann::json j = {
          {"impl", c.impl},
          {"mode", c.mode},
          {"label", c.label},
          {"backend", c.backend},
          {"rows", c.rows},
          {"statements", c.statements},
          {"seconds", c.seconds()},
          {"stmts_per_s", c.stmts_per_s()},
          {"cpu_us_per_stmt", 1e6 * c.median().cpu_seconds / static_cast<double>(c.statements)},
          {"ratio_to_raw", has_ratio ? nlohmann::json(ratio) : nlohmann::json()},
          {"pool_size", opt.pool_size},
          {"scheduler_threads", opt.scheduler_threads},
          {"order", opt.balanced_order ? "balanced" : "fixed"},
          {"session_window", opt.session_window},
          {"max_chunk", opt.max_chunk},
          {"worker_queue_chunks", opt.worker_queue_chunks},
          {"max_read_batch", opt.max_read_batch},
          {"max_coalesce", c.mode == "gather_uncoalesced" ? 1 : opt.max_coalesce},
          {"runs", c.samples.size()},
          {"load1", c.load1}};
      std::vector<double> all;
      for (const auto& s : c.samples)
        all.push_back(s.seconds);
      j["all_seconds"] = all;
      for (const auto& [k, v] : c.median().extra.items())
        j[k] = v;
      json << j.dump() << '\n';
    }
  }
  std::cerr << "gather_bench: " << backend << " done in "
            << fixed(std::chrono::duration<double>(bench_clock::now() - bench_started).count(), 1)
            << " s\n";
}

} // namespace gatherdb::bench
