#pragma once
// gather_bench's command line.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gatherdb/actors/settings.hpp"

namespace gatherdb::bench {

/// Prints the message (passwords redacted) and exits with status 1.
[[noreturn]] void fail(const std::string& message);

/// What gather_bench measures and how.
struct options {
  std::string dsn;
  std::size_t pool_size = 4;
  std::size_t scheduler_threads = gatherdb::actors::settings{}.scheduler_threads;
  std::size_t session_window = gatherdb::actors::settings{}.session_window;
  std::size_t max_chunk = gatherdb::actors::settings{}.max_chunk;
  std::size_t worker_queue_chunks = gatherdb::actors::settings{}.worker_queue_chunks;
  std::size_t max_read_batch = gatherdb::actors::settings{}.max_read_batch;
  std::size_t max_coalesce = gatherdb::actors::settings{}.max_coalesce;
  std::vector<std::size_t> statements{300, 3000, 30000};
  std::vector<std::uint32_t> rows{100, 10000};
  std::size_t repeat = 3;
  double cell_budget = 30;
  bool run_raw = true, run_gather = true, run_uncoalesced = true, run_single = true;
  /// gatherdb nodes ("host:port") serving the route `default` on the same database: with any,
  /// the contender `nodes` gathers through them.
  std::vector<std::string> nodes;
  bool run_nodes = true;
  bool balanced_order = true;
  std::size_t pause_ms = 0;
  std::uint64_t seed = 2024;
  std::string json_out;
};

/// The options of `argv`; nullopt when --help was printed. Exits through `fail` on a usage error.
[[nodiscard]] std::optional<options> parse(int argc, char** argv);

} // namespace gatherdb::bench
