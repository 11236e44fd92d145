// Peak memory of a 1,000,000-row result gathered through gatherdb.
//
//   gatherdb_large_result_bench --dsn "<ODBC connection string>" [--rows N]
//
// Runs `SELECT g, <40 x> FROM <1..N>` (generate_series on PostgreSQL, a recursive CTE on
// SQLite) as one raw statement of one gather and prints the frozen result's payload bytes
// (frozen_result_data::payload_bytes()), its heap bytes (memory_bytes()), its chunks, the
// process' peak RSS (VmHWM from /proc/self/status) before and after, and the ratio of the peak
// RSS increase to the payload. Add `UseDeclareFetch=1;Fetch=1000;` to a PostgreSQL DSN to make
// psqlODBC stream instead of buffering the whole result.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "gatherdb/actors/client.hpp"
#include "gatherdb/drivers/connection_string.hpp"
#include "gatherdb/model/statement.hpp"

namespace {

/// A field of /proc/self/status in kB ("VmHWM", "VmRSS"), 0 when absent.
std::uint64_t status_kb(const std::string& field) {
  std::ifstream in{"/proc/self/status"};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0)
      return std::stoull(line.substr(field.size() + 1));
  return 0;
}

int usage() {
  std::cerr << "usage: gatherdb_large_result_bench --dsn <connection string> [--rows N]\n";
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  std::string dsn;
  long long rows = 1000000;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--dsn" && i + 1 < argc)
      dsn = argv[++i];
    else if (arg == "--rows" && i + 1 < argc)
      rows = std::stoll(argv[++i]);
    else
      return usage();
  }
  if (dsn.empty() || rows <= 0)
    return usage();
  try {
    gatherdb::settings cfg;
    cfg.dsn = dsn;
    cfg.pool_size = 1;
    cfg.statement_timeout = std::chrono::minutes{10};
    gatherdb::client c{cfg};
    // Open the connection first so that the baseline includes the driver's own memory.
    const auto warm = c.gather({gatherdb::model::statement::raw("SELECT 1", {}, true)});
    const bool pg = warm.outcomes.at(0).ok() && dsn.find("SQLite") == std::string::npos &&
                    dsn.find("sqlite") == std::string::npos;
    const std::string n = std::to_string(rows);
    const std::string sql =
        pg ? "SELECT g, repeat('x', 40) AS pad FROM generate_series(1, " + n + ") g"
           : "WITH RECURSIVE c(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM c WHERE g < " + n +
                 ") SELECT g, 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' AS pad FROM c";
    const auto hwm_before = status_kb("VmHWM");
    const auto t0 = std::chrono::steady_clock::now();
    gatherdb::gather_options options;
    const auto r = c.gather({gatherdb::model::statement::raw(sql, {}, true)}, options);
    const auto wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto hwm_after = status_kb("VmHWM");
    const auto& frozen = *r.outcomes.at(0).rows;
    const double payload = static_cast<double>(frozen.payload_bytes());
    const double increase =
        (static_cast<double>(hwm_after) - static_cast<double>(hwm_before)) * 1024;
    std::cout << "dsn:               " << gatherdb::drivers::redact(dsn) << "\n"
              << "rows:              " << frozen.row_count() << " in " << frozen.chunks().size()
              << " chunks\n"
              << "wall:              " << wall << " s\n"
              << "payload bytes:     " << frozen.payload_bytes() << "\n"
              << "frozen memory:     " << frozen.memory_bytes() << "\n"
              << "peak RSS before:   " << hwm_before * 1024 << "\n"
              << "peak RSS after:    " << hwm_after * 1024 << "\n"
              << "RSS increase:      " << static_cast<long long>(increase) << "\n"
              << "increase / payload: " << (payload > 0 ? increase / payload : 0) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "gatherdb_large_result_bench: " << e.what() << "\n";
    return 1;
  }
}
