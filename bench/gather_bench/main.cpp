// gather_bench: the example topology (`select A where data == "a_<k>"`, random keys) measured
// three ways in one process, on one database:
//
//   raw     ODBC C API on threads, no actors and no gatherdb code on the hot path: one thread per
//           connection (as many as the pool), a prepared statement each, statements strided over
//           the threads, rows fetched into std::vector, results kept in statement order;
//   gather  gatherdb's `client::gather(statements)` on a warm client (default settings except
//           DSN and pool size): statements, frozen results and the merge into one session;
//   gather, no coalescing  the same with `max_coalesce = 1`: one SQL statement per lookup;
//   single  `drivers::run_sequentially` on one connection into one `session_state`;
//   nodes   (with --node) the same gather, its statements run by gatherdb nodes serving the
//           database: the client's CPU here, the nodes' in their own processes.
//
// Markdown on stdout, with the CPU time of this process per statement (on a small machine the
// client's CPU is taken from the database); one JSON line per (rows, statements, contender)
// cell to --json-out; progress on stderr. Every run is checked: each statement returns exactly one
// row, the row is the one its key names, and gatherdb's rows equal the raw rows.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/resource.h>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <sql.h>
#include <sqlext.h>

#include "gatherdb/actors/client.hpp"
#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/drivers/connection_executor.hpp"
#include "gatherdb/drivers/connection_string.hpp"
#include "gatherdb/drivers/error.hpp"
#include "gatherdb/drivers/run_sequentially.hpp"
#include "gatherdb/model/metadata.hpp"
#include "gatherdb/model/query.hpp"
#include "gatherdb/model/session_state.hpp"

#include "cli_support.hpp"
#include "options.hpp"
#include "python_random.hpp"
#include "raw_runner.hpp"
#include "report.hpp"
#include "seed_entity.hpp"

namespace gatherdb::bench {

namespace {

using gatherdb::examples::A;

// Checks, shared by every contender.

void check_row(const std::string& contender, std::size_t i, const std::string& key,
               std::size_t row_count, const row& got, const std::vector<std::vector<row>>* raw) {
  if (row_count != 1)
    fail(contender + ": statement " + std::to_string(i) + " (" + key + ") returned " +
         std::to_string(row_count) + " rows, expected 1");
  if (got.data != key)
    fail(contender + ": statement " + std::to_string(i) + " returned data '" + got.data +
         "', expected '" + key + "'");
  if (raw != nullptr && !raw->empty() && !((*raw)[i].size() == 1 && (*raw)[i][0] == got))
    fail(contender + ": statement " + std::to_string(i) + " differs from the raw ODBC row");
}

row frozen_row(const gatherdb::model::frozen_result& r) {
  auto ref = r->row(0);
  return row{ref.int64_at(0), std::string{ref.text_at(1)}};
}

int run(const options& opt) {
  using namespace gatherdb;
  const auto bench_started = bench_clock::now();

  auto seed_conn = drivers::connection::open(opt.dsn);
  const std::string backend{model::to_string(seed_conn.sql_dialect())};
  const auto sql = model::statement{model::select<A>().where(model::col(&A::data) == "a_0")}
                       .compile(seed_conn.sql_dialect())
                       .sql;
  // MariaDB quotes identifiers with backticks (without ANSI_QUOTES, "a" is a string there).
  const std::string raw_sql = backend == "mariadb"
                                  ? "SELECT `a`.`id`, `a`.`data` FROM `a` WHERE `a`.`data` = ?"
                                  : R"(SELECT "a"."id", "a"."data" FROM "a" WHERE "a"."data" = ?)";
  if (sql != raw_sql)
    std::cerr << "gather_bench: note: gatherdb compiles the select as '" << sql
              << "', raw ODBC runs '" << raw_sql << "'\n";
  std::cerr << "gather_bench: backend " << backend << " (" << seed_conn.dbms_name() << ' '
            << seed_conn.dbms_version() << "), pool " << opt.pool_size << ", repeat " << opt.repeat
            << ", load " << fixed(load_average(), 2) << '\n';

  std::vector<cell> cells;
  for (const auto rows : opt.rows) {
    // Schema and rows, as the example seeds them: one transaction through one session.
    {
      drivers::connection_executor exec{seed_conn};
      model::metadata meta;
      meta.add<A>();
      meta.drop_all(exec);
      meta.create_all(exec);
      model::session_state session;
      std::vector<A> objs;
      objs.reserve(rows);
      for (std::uint32_t i = 0; i < rows; ++i)
        objs.push_back(A{0, "a_" + std::to_string(i)});
      session.add_all(std::move(objs));
      session.commit(exec);
    }
    if (backend == "postgresql")
      seed_conn.execute("ANALYZE a");

    // Contenders, connected and warm before any timing.
    std::optional<raw_runner> raw;
    if (opt.run_raw)
      raw.emplace(opt.dsn, opt.pool_size, raw_sql);
    std::optional<actors::client> client;
    std::optional<actors::client> uncoalesced_client;
    std::optional<actors::client> node_client;
    std::optional<drivers::connection> single_conn;
    std::optional<drivers::connection_executor> single_exec;
    {
      examples::python_random warm_rng{opt.seed + 1};
      std::vector<model::statement> warm;
      std::vector<std::string> warm_keys;
      for (int i = 0; i < 300; ++i) {
        warm_keys.push_back("a_" + std::to_string(warm_rng.choice(rows)));
        warm.emplace_back(model::select<A>().where(model::col(&A::data) == warm_keys.back()));
      }
      if (raw) {
        std::vector<std::vector<row>> out(warm_keys.size());
        raw->run(warm_keys, out);
      }
      auto make_client = [&](std::optional<actors::client>& out, std::size_t max_coalesce,
                             const std::vector<std::string>& nodes) {
        actors::settings cfg;
        cfg.dsn = opt.dsn;
        cfg.nodes = nodes; // the route default then runs on them, its DSN stays unused
        cfg.pool_size = opt.pool_size;
        cfg.scheduler_threads = opt.scheduler_threads;
        cfg.session_window = opt.session_window;
        cfg.max_chunk = opt.max_chunk;
        cfg.worker_queue_chunks = opt.worker_queue_chunks;
        cfg.max_read_batch = opt.max_read_batch;
        cfg.max_coalesce = max_coalesce;
        // MariaDB scans the 10,000-row table at a few hundred lookups/s here, so an uncoalesced
        // gather of 30,000 outlives the default 30 s deadline, which raw and single do not have.
        if (backend == "mariadb")
          cfg.statement_timeout = std::chrono::milliseconds{0};
        out.emplace(cfg);
        auto r = out->gather(warm);
        if (r.failure)
          fail("warm-up gather: " + r.failure->error.to_string());
      };
      if (opt.run_gather)
        make_client(client, opt.max_coalesce, {});
      if (opt.run_uncoalesced)
        make_client(uncoalesced_client, 1, {});
      if (opt.run_nodes && !opt.nodes.empty())
        make_client(node_client, opt.max_coalesce, opt.nodes);
      if (opt.run_single) {
        single_conn.emplace(drivers::connection::open(opt.dsn));
        single_exec.emplace(*single_conn);
        model::session_state s;
        (void)drivers::run_sequentially(*single_exec, warm, s);
      }
    }

    for (const auto n : opt.statements) {
      examples::python_random rng{opt.seed};
      std::vector<std::string> keys;
      std::vector<model::statement> statements;
      keys.reserve(n);
      statements.reserve(n);
      for (std::size_t i = 0; i < n; ++i) {
        keys.push_back("a_" + std::to_string(rng.choice(rows)));
        statements.emplace_back(model::select<A>().where(model::col(&A::data) == keys.back()));
      }

      cell raw_cell{backend, rows, n, "raw_odbc", "threads", "raw ODBC threads", {}, 0};
      cell gather_cell{backend, rows, n, "gatherdb", "gather", "gatherdb gather", {}, 0};
      cell uncoalesced_cell{
          backend, rows, n, "gatherdb", "gather_uncoalesced", "gatherdb gather, no coalescing",
          {},      0};
      cell single_cell{backend, rows, n, "gatherdb", "single", "gatherdb single", {}, 0};
      const auto via = "gatherdb gather via " + std::to_string(opt.nodes.size()) + " node" +
                       (opt.nodes.size() == 1 ? "" : "s");
      cell nodes_cell{backend, rows, n, "gatherdb", "gather_nodes", via, {}, 0};
      std::vector<std::vector<row>> raw_rows; // the last raw run's rows, the reference
      const auto cell_started = bench_clock::now();
      const double load_before = load_average();

      auto run_raw = [&](bool counted) {
        std::vector<std::vector<row>> out(n);
        auto sample = timed([&] { raw->run(keys, out); });
        for (std::size_t i = 0; i < n; ++i)
          check_row("raw", i, keys[i], out[i].size(), out[i].empty() ? row{} : out[i][0], nullptr);
        if (counted)
          raw_cell.samples.push_back(std::move(sample));
        raw_rows = std::move(out);
      };
      auto gather_runner = [&](actors::client& gatherer, cell& into) {
        return [&](bool counted) {
          auto batch = statements; // copies shared pointers, outside the timing
          actors::gather_result r;
          auto sample = timed([&] { r = gatherer.gather(std::move(batch)); });
          if (r.failure)
            fail("gather: statement " + std::to_string(r.failure->index) + ": " +
                 r.failure->error.to_string());
          if (r.outcomes.size() != n)
            fail("gather returned " + std::to_string(r.outcomes.size()) + " outcomes for " +
                 std::to_string(n) + " statements");
          for (std::size_t i = 0; i < n; ++i) {
            const auto& o = r.outcomes[i];
            if (!o.ok())
              fail("gather: statement " + std::to_string(i) + ": " + o.error.to_string());
            if (o.result.size() != 1 || o.rows->row_count() != 1)
              fail("gather: statement " + std::to_string(i) + " (" + keys[i] + ") returned " +
                   std::to_string(o.rows->row_count()) + " rows, expected 1");
            check_row("gather", i, keys[i], 1, frozen_row(o.rows), &raw_rows);
          }
          if (!counted)
            return;
          const auto& m = r.metrics;
          const double per = static_cast<double>(n);
          const auto shape = timeline_of(r, opt.pool_size);
          auto us_per_stmt = [&](auto d) { return static_cast<double>(d.count()) / per; };
          sample.extra = {
              {"wall_us_per_stmt", us_per_stmt(m.wall)},
              {"queue_wait_us_per_stmt", us_per_stmt(m.queue_wait)},
              {"max_queue_wait_ms", static_cast<double>(m.max_queue_wait.count()) / 1000.0},
              {"first_start_ms", shape.first_start_ms},
              {"tail_ms", shape.tail_ms},
              {"execute_us_per_stmt", us_per_stmt(m.execute)},
              {"fetch_us_per_stmt", us_per_stmt(m.fetch)},
              {"merge_us_per_stmt", us_per_stmt(m.merge)},
              {"statements_per_round_trip", statements_per_round_trip(r)},
              {"retried", m.retried}};
          into.samples.push_back(std::move(sample));
        };
      };
      auto run_single = [&](bool counted) {
        model::session_state session;
        std::vector<model::merged_result> merged;
        auto sample =
            timed([&] { merged = drivers::run_sequentially(*single_exec, statements, session); });
        if (merged.size() != n)
          fail("single returned " + std::to_string(merged.size()) + " results");
        for (std::size_t i = 0; i < n; ++i) {
          const auto& rr = merged[i].rows();
          if (merged[i].size() != 1 || !rr || rr->row_count() != 1)
            fail("single: statement " + std::to_string(i) + " (" + keys[i] +
                 ") did not return exactly one row");
          check_row("single", i, keys[i], 1, frozen_row(rr), &raw_rows);
        }
        if (counted)
          single_cell.samples.push_back(std::move(sample));
      };
      // The contenders, in round 1's order (raw first: the others check their rows against
      // raw's). A run's speed depends on what ran before it (this 2-core VM, 3,000 statements:
      // raw alone 28,000-31,000/s, raw after single 37,000-42,000/s), so a fixed order favours
      // whoever always follows the contender that helps it.
      std::vector<std::function<void(bool)>> runners;
      if (raw)
        runners.emplace_back(run_raw);
      if (client)
        runners.emplace_back(gather_runner(*client, gather_cell));
      if (uncoalesced_client)
        runners.emplace_back(gather_runner(*uncoalesced_client, uncoalesced_cell));
      if (single_exec)
        runners.emplace_back(run_single);
      if (node_client)
        runners.emplace_back(gather_runner(*node_client, nodes_cell));
      std::vector<std::size_t> order(runners.size()); // indexes into runners
      std::iota(order.begin(), order.end(), std::size_t{0});

      // Run 0 of each cell is not counted: the first gather of a new size still grows the
      // heap and the session (first runs were up to 1.8x slower than the rest).
      for (std::size_t run = 0; run <= opt.repeat; ++run) {
        const bool counted = run > 0;
        for (const auto i : order) {
          if (opt.pause_ms > 0)
            std::this_thread::sleep_for(std::chrono::milliseconds{opt.pause_ms});
          runners[i](counted);
        }
        // Counted rounds cycle through every order of the contenders.
        if (counted && opt.balanced_order)
          std::next_permutation(order.begin(), order.end());
        if (!counted)
          continue;
        const double elapsed =
            std::chrono::duration<double>(bench_clock::now() - cell_started).count();
        // `run` counted runs so far, plus the warm-up.
        const double per_rep = elapsed / static_cast<double>(run + 1);
        if (run < opt.repeat && elapsed + per_rep > opt.cell_budget) {
          std::cerr << "gather_bench: rows " << rows << ", statements " << n << ": stopping after "
                    << run << " run(s) (" << fixed(elapsed, 1) << " s, --cell-budget "
                    << opt.cell_budget << ")\n";
          break;
        }
      }
      const double load = (load_before + load_average()) / 2;
      for (auto* c : {&raw_cell, &gather_cell, &uncoalesced_cell, &single_cell, &nodes_cell}) {
        if (c->samples.empty())
          continue;
        c->load1 = load;
        std::cerr << "gather_bench: " << backend << " rows " << rows << " statements " << n << ' '
                  << c->label << ": " << thousands(c->stmts_per_s()) << " stmts/s ("
                  << c->samples.size() << " runs, load " << fixed(load, 2) << ")\n";
        cells.push_back(std::move(*c));
      }
    }
  }
  write_report(cells, opt, backend, bench_started);
  return 0;
}

} // namespace

} // namespace gatherdb::bench

int main(int argc, char** argv) {
  auto opt = gatherdb::bench::parse(argc, argv);
  if (!opt)
    return 0;
  // The default embedded database lives in a temporary directory removed at exit.
  std::optional<gatherdb::examples::temp_dir> tmp;
  try {
    if (opt->dsn.empty()) {
      tmp.emplace("gatherdb-bench");
      opt->dsn = "Driver=SQLite3;Database=" + (tmp->path() / "gather_bench.db").string() + ";";
    }
    return gatherdb::bench::run(*opt);
  } catch (const std::exception& e) { // gather_error and database_error included
    gatherdb::bench::fail(e.what());
  }
}
