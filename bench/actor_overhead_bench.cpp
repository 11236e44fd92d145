// What the actor topology costs per statement on top of the database work: the same N
// statements run (a) one after another on one connection through drivers::prepared_statement
// (execute + fetch + freeze) and (b) as one gather on a pool of one connection (session actor
// spawn, messages, chunked dispatch, merge). Same connection count, same SQL, same rows: the
// difference per statement is the overhead of spawn + hops + merge. SQLite in a temp file.
//
//   gatherdb_actor_overhead_bench [--statements N] [--repeat R]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <sys/resource.h>
#include <vector>

#include "gatherdb/actors/client.hpp"
#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/drivers/connection_executor.hpp"
#include "gatherdb/model/metadata.hpp"
#include "gatherdb/model/query.hpp"
#include "gatherdb/model/session_state.hpp"

#include "python_random.hpp"
#include "seed_entity.hpp"

namespace {

using gatherdb::examples::A;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// CPU seconds (user + system) of the whole process: the overhead other threads pay too.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

} // namespace

int main(int argc, char** argv) {
  using namespace gatherdb;
  std::size_t n = 30000;
  int repeat = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--statements")
      n = std::stoul(argv[i + 1]);
    else if (flag == "--repeat")
      repeat = std::stoi(argv[i + 1]);
  }
  auto dir = std::filesystem::temp_directory_path() / "gatherdb-overhead-bench";
  std::filesystem::create_directories(dir);
  const std::string dsn = "Driver=SQLite3;Database=" + (dir / "bench.db").string() + ";";

  auto conn = drivers::connection::open(dsn);
  drivers::connection_executor exec{conn};
  model::metadata meta;
  meta.add<A>();
  meta.drop_all(exec);
  meta.create_all(exec);
  {
    model::session_state s;
    std::vector<A> rows;
    for (int i = 0; i < 100; ++i)
      rows.push_back(A{0, "a_" + std::to_string(i)});
    s.add_all(std::move(rows));
    s.commit(exec);
  }
  examples::python_random rng{7};
  std::vector<model::statement> statements;
  for (std::size_t i = 0; i < n; ++i)
    statements.emplace_back(
        model::select<A>().where(model::col(&A::data) == "a_" + std::to_string(rng.choice(100))));

  actors::settings cfg;
  cfg.dsn = dsn;
  cfg.pool_size = 1;
  actors::client client{cfg};
  (void)client.gather(statements); // warm: worker spawned, connection open, statement prepared

  std::vector<double> raw, gathered, raw_cpu, gathered_cpu;
  for (int r = 0; r < repeat; ++r) {
    auto c0 = cpu_seconds();
    auto t0 = clock_type::now();
    const auto sql = statements[0].compile(conn.sql_dialect()).sql;
    auto& stmt = exec.prepared(sql);
    std::size_t rows = 0;
    for (const auto& s : statements)
      rows += stmt.run(s.compile(conn.sql_dialect()).params)->row_count();
    raw.push_back(seconds_since(t0));
    raw_cpu.push_back(cpu_seconds() - c0);
    if (rows != n) {
      std::cerr << "raw run returned " << rows << " rows for " << n << " statements\n";
      return 1;
    }
    c0 = cpu_seconds();
    t0 = clock_type::now();
    auto result = client.gather(statements);
    gathered.push_back(seconds_since(t0));
    gathered_cpu.push_back(cpu_seconds() - c0);
    if (result.metrics.succeeded != n) {
      std::cerr << "gather: " << result.metrics.succeeded << " of " << n << " succeeded\n";
      return 1;
    }
  }
  auto per_statement_us = [n](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2] / static_cast<double>(n) * 1e6;
  };
  const double raw_us = per_statement_us(raw);
  const double gather_us = per_statement_us(gathered);
  const double raw_cpu_us = per_statement_us(raw_cpu);
  const double gather_cpu_us = per_statement_us(gathered_cpu);
  std::printf("| statements | measure | sequential drivers µs/stmt | gather (pool 1) µs/stmt | "
              "overhead µs/stmt |\n|---:|---|---:|---:|---:|\n");
  std::printf("| %zu | wall | %.2f | %.2f | %.2f |\n", n, raw_us, gather_us, gather_us - raw_us);
  std::printf("| %zu | CPU, all threads | %.2f | %.2f | %.2f |\n", n, raw_cpu_us, gather_cpu_us,
              gather_cpu_us - raw_cpu_us);
  std::printf("{\"bench\":\"actor_overhead\",\"backend\":\"sqlite\",\"statements\":%zu,"
              "\"sequential_us\":%.3f,\"gather_us\":%.3f,\"overhead_us\":%.3f,"
              "\"sequential_cpu_us\":%.3f,\"gather_cpu_us\":%.3f,\"overhead_cpu_us\":%.3f}\n",
              n, raw_us, gather_us, gather_us - raw_us, raw_cpu_us, gather_cpu_us,
              gather_cpu_us - raw_cpu_us);
  std::filesystem::remove_all(dir);
  return 0;
}
