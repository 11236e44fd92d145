// gather_bench: the example topology (`select A where data == "a_<k>"`, random keys) measured
// three ways in one process, on one database:
//
//   raw     ODBC C API on threads, no actors and no gatherdb code on the hot path: one thread per
//           connection (as many as the pool), a prepared statement each, statements strided over
//           the threads, rows fetched into std::vector, results kept in statement order;
//   gather  gatherdb's `client::gather(statements)` on a warm client (default settings except
//           DSN and pool size): statements, frozen results and the merge into one session;
//   gather, no coalescing  the same with `max_coalesce = 1`: one SQL statement per lookup;
//   single  `drivers::run_sequentially` on one connection into one `session_state`.
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
#include "python_random.hpp"
#include "seed_entity.hpp"

namespace {

using gatherdb::examples::A;
using gatherdb::examples::parse_non_negative;
using gatherdb::examples::parse_positive;
using bench_clock = std::chrono::steady_clock;

constexpr std::string_view usage = R"(usage: gatherdb_gather_bench [options]

Runs random `select A where data == "a_<k>"` statements as raw ODBC threads, as a gatherdb
gather and as gatherdb single (one connection), on one database, and reports statements/s.

  --dsn STR            ODBC connection string (default: an SQLite file in a temporary directory)
  --pool-size N        connections of the gather pool and raw threads (default 4)
  --scheduler-threads N  CAF scheduler threads of the gather client (default: the client's)
  --session-window N   session actors of one gather alive at once (default: the client's)
  --max-chunk N        statements per message to a connection worker at most (default: the client's)
  --worker-queue-chunks N  chunks queued at one connection worker at most (default: the client's)
  --max-read-batch N   statements per round trip at most, 1 for none (default: the client's)
  --max-coalesce N     lookups per coalesced statement at most, 1 for none (default: the client's)
  --statements LIST    comma-separated batch sizes (default 300,3000,30000)
  --rows LIST          comma-separated table sizes (default 100,10000)
  --repeat N           runs per cell after one uncounted warm-up run; the median is reported
                       (default 3)
  --cell-budget S      stop repeating a cell once its runs would exceed S seconds (default 30)
  --contenders LIST    any of raw,gather,uncoalesced,single (default all four)
  --order balanced|fixed  balanced (default): round r runs the contenders in the r-th of their
                       orders, so each follows each other equally often; fixed: always raw,
                       gather, single (what this bench did before 2026-11-28)
  --pause-ms N         idle this long before every run (default 0), as a server between
                       requests would be
  --seed N             python_random seed for the keys (default 2024)
  --json-out FILE      append one JSON line per cell to FILE
  --help               this text
)";

[[noreturn]] void fail(const std::string& message) {
  std::cerr << "gather_bench: FAILED: " << gatherdb::drivers::redact(message) << '\n';
  std::exit(1);
}

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
  bool balanced_order = true;
  std::size_t pause_ms = 0;
  std::uint64_t seed = 2024;
  std::string json_out;
};

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in{text};
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty())
      out.push_back(item);
  return out;
}

// Returns nullopt when --help was printed; exits through fail() on a usage error.
std::optional<options> parse(int argc, char** argv) try {
  options opt;
  gatherdb::examples::flag_reader args{argc, argv};
  while (args.next()) {
    const std::string& arg = args.flag();
    if (arg == "--help" || arg == "-h") {
      std::cout << usage;
      return std::nullopt;
    } else if (arg == "--dsn") {
      opt.dsn = args.value();
    } else if (arg == "--pool-size") {
      opt.pool_size = parse_positive(arg, args.value());
    } else if (arg == "--scheduler-threads") {
      opt.scheduler_threads = parse_positive(arg, args.value());
    } else if (arg == "--session-window") {
      opt.session_window = parse_positive(arg, args.value());
    } else if (arg == "--max-chunk") {
      opt.max_chunk = parse_positive(arg, args.value());
    } else if (arg == "--worker-queue-chunks") {
      opt.worker_queue_chunks = parse_positive(arg, args.value());
    } else if (arg == "--max-read-batch") {
      opt.max_read_batch = parse_positive(arg, args.value());
    } else if (arg == "--max-coalesce") {
      opt.max_coalesce = parse_positive(arg, args.value());
    } else if (arg == "--statements") {
      opt.statements.clear();
      for (const auto& s : split(args.value()))
        opt.statements.push_back(parse_non_negative(arg, s));
    } else if (arg == "--rows") {
      opt.rows.clear();
      for (const auto& s : split(args.value())) {
        auto n = parse_non_negative(arg, s);
        if (n == 0 || n > 10'000'000)
          fail("--rows values must be between 1 and 10000000");
        opt.rows.push_back(static_cast<std::uint32_t>(n));
      }
    } else if (arg == "--repeat") {
      opt.repeat = std::max<std::uint64_t>(1, parse_non_negative(arg, args.value()));
    } else if (arg == "--cell-budget") {
      opt.cell_budget = static_cast<double>(parse_non_negative(arg, args.value()));
    } else if (arg == "--contenders") {
      opt.run_raw = opt.run_gather = opt.run_uncoalesced = opt.run_single = false;
      for (const auto& c : split(args.value())) {
        if (c == "raw")
          opt.run_raw = true;
        else if (c == "gather")
          opt.run_gather = true;
        else if (c == "uncoalesced")
          opt.run_uncoalesced = true;
        else if (c == "single")
          opt.run_single = true;
        else
          fail("unknown contender '" + c + "'");
      }
    } else if (arg == "--order") {
      const std::string order = args.value();
      if (order != "balanced" && order != "fixed")
        fail("--order must be balanced or fixed");
      opt.balanced_order = order == "balanced";
    } else if (arg == "--pause-ms") {
      opt.pause_ms = parse_non_negative(arg, args.value());
    } else if (arg == "--seed") {
      opt.seed = parse_non_negative(arg, args.value());
    } else if (arg == "--json-out") {
      opt.json_out = args.value();
    } else {
      fail("unknown option '" + arg + "' (see --help)");
    }
  }
  return opt;
} catch (const gatherdb::examples::usage_error& e) {
  fail(e.message);
}

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

// One fetched row of table a, as every contender reports it.
struct row {
  std::int64_t id = 0;
  std::string data;
  bool operator==(const row& o) const { return id == o.id && data == o.data; }
};

// ---------------------------------------------------------------------------------------------
// (a) raw ODBC: the C API only.

std::string odbc_diagnostics(SQLSMALLINT type, SQLHANDLE handle) {
  std::string out;
  SQLCHAR state[6];
  SQLINTEGER native = 0;
  SQLCHAR text[1024];
  SQLSMALLINT len = 0;
  for (SQLSMALLINT i = 1;
       SQLGetDiagRec(type, handle, i, state, &native, text, sizeof text, &len) == SQL_SUCCESS; ++i)
    out += std::string{"["} + reinterpret_cast<char*>(state) + "] " +
           reinterpret_cast<char*>(text) + "; ";
  return out;
}

void odbc_check(SQLRETURN rc, SQLSMALLINT type, SQLHANDLE handle, const char* what) {
  if (!SQL_SUCCEEDED(rc))
    throw std::runtime_error(std::string{"raw ODBC "} + what + ": " +
                             odbc_diagnostics(type, handle));
}

/// One raw connection with the prepared select, its parameter and columns bound once.
/// Thread-safety: used by one thread at a time.
class raw_connection {
public:
  raw_connection(SQLHENV env, const std::string& dsn, const std::string& sql) {
    odbc_check(SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc_), SQL_HANDLE_ENV, env, "alloc dbc");
    SQLSetConnectAttr(dbc_, SQL_ATTR_LOGIN_TIMEOUT, reinterpret_cast<SQLPOINTER>(5), 0);
    std::string conn = dsn;
    if (conn.find("PostgreSQL") != std::string::npos && conn.find("CommLog") == std::string::npos)
      conn += (conn.empty() || conn.back() == ';' ? "" : ";") + std::string{"CommLog=0;"};
    odbc_check(SQLDriverConnect(dbc_, nullptr, reinterpret_cast<SQLCHAR*>(conn.data()),
                                static_cast<SQLSMALLINT>(conn.size()), nullptr, 0, nullptr,
                                SQL_DRIVER_NOPROMPT),
               SQL_HANDLE_DBC, dbc_, "connect");
    connected_ = true;
    odbc_check(SQLAllocHandle(SQL_HANDLE_STMT, dbc_, &stmt_), SQL_HANDLE_DBC, dbc_, "alloc stmt");
    odbc_check(
        SQLPrepare(stmt_, reinterpret_cast<SQLCHAR*>(const_cast<char*>(sql.c_str())), SQL_NTS),
        SQL_HANDLE_STMT, stmt_, "prepare");
    odbc_check(SQLBindParameter(stmt_, 1, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR,
                                sizeof param_ - 1, 0, param_, sizeof param_, &param_len_),
               SQL_HANDLE_STMT, stmt_, "bind parameter");
    odbc_check(SQLBindCol(stmt_, 1, SQL_C_SBIGINT, &id_, 0, &id_ind_), SQL_HANDLE_STMT, stmt_,
               "bind id");
    odbc_check(SQLBindCol(stmt_, 2, SQL_C_CHAR, data_, sizeof data_, &data_ind_), SQL_HANDLE_STMT,
               stmt_, "bind data");
  }
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;
  ~raw_connection() {
    if (stmt_ != SQL_NULL_HSTMT)
      SQLFreeHandle(SQL_HANDLE_STMT, stmt_);
    if (connected_)
      SQLDisconnect(dbc_);
    if (dbc_ != SQL_NULL_HDBC)
      SQLFreeHandle(SQL_HANDLE_DBC, dbc_);
  }

  /// Executes the select for `key` and appends its rows to `out`.
  void run(const std::string& key, std::vector<row>& out) {
    if (key.size() >= sizeof param_)
      throw std::runtime_error("raw ODBC: key too long");
    std::memcpy(param_, key.data(), key.size());
    param_len_ = static_cast<SQLLEN>(key.size());
    odbc_check(SQLExecute(stmt_), SQL_HANDLE_STMT, stmt_, "execute");
    for (;;) {
      SQLRETURN rc = SQLFetch(stmt_);
      if (rc == SQL_NO_DATA)
        break;
      odbc_check(rc, SQL_HANDLE_STMT, stmt_, "fetch");
      if (data_ind_ == SQL_NULL_DATA || data_ind_ >= static_cast<SQLLEN>(sizeof data_))
        throw std::runtime_error("raw ODBC: unexpected NULL or truncated data");
      out.push_back(row{id_, std::string(data_, static_cast<std::size_t>(data_ind_))});
    }
    odbc_check(SQLFreeStmt(stmt_, SQL_CLOSE), SQL_HANDLE_STMT, stmt_, "close cursor");
  }

private:
  SQLHDBC dbc_ = SQL_NULL_HDBC;
  SQLHSTMT stmt_ = SQL_NULL_HSTMT;
  bool connected_ = false;
  char param_[128] = {};
  SQLLEN param_len_ = 0;
  SQLBIGINT id_ = 0;
  SQLLEN id_ind_ = 0;
  char data_[256] = {};
  SQLLEN data_ind_ = 0;
};

/// The raw contender: one environment, `pool_size` connections opened up front.
class raw_runner {
public:
  raw_runner(const std::string& dsn, std::size_t connections, const std::string& sql) {
    odbc_check(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env_), SQL_HANDLE_ENV, env_,
               "alloc env");
    SQLSetEnvAttr(env_, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0);
    for (std::size_t i = 0; i < connections; ++i) // one at a time: sqlite3odbc connects unsafely
      conns_.push_back(std::make_unique<raw_connection>(env_, dsn, sql));
  }
  raw_runner(const raw_runner&) = delete;
  raw_runner& operator=(const raw_runner&) = delete;
  ~raw_runner() {
    conns_.clear();
    SQLFreeHandle(SQL_HANDLE_ENV, env_);
  }

  /// Runs every key, thread t taking keys t, t+P, t+2P, ...; `out[i]` gets the rows of key i.
  void run(const std::vector<std::string>& keys, std::vector<std::vector<row>>& out) {
    const std::size_t p = conns_.size();
    std::vector<std::string> errors(p);
    std::vector<std::thread> threads;
    threads.reserve(p);
    for (std::size_t t = 0; t < p; ++t)
      threads.emplace_back([&, t] {
        try {
          for (std::size_t i = t; i < keys.size(); i += p)
            conns_[t]->run(keys[i], out[i]);
        } catch (const std::exception& e) {
          errors[t] = e.what();
        }
      });
    for (auto& th : threads)
      th.join();
    for (const auto& e : errors)
      if (!e.empty())
        throw std::runtime_error(e);
  }

private:
  SQLHENV env_ = SQL_NULL_HENV;
  std::vector<std::unique_ptr<raw_connection>> conns_;
};

// ---------------------------------------------------------------------------------------------
/// When a gather's connections were busy, from its outcomes' metrics.
struct timeline {
  /// How long every connection waited for the first statement.
  double first_start_ms = 0;
  /// From the last moment every connection ran a statement until the last statement ended.
  double tail_ms = 0;
};

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

// ---------------------------------------------------------------------------------------------

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

std::string fixed(double x, int digits) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(digits) << x;
  return out.str();
}

std::string thousands(double x) {
  auto s = std::to_string(std::llround(x));
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3)
    s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

int run(const options& opt) {
  using namespace gatherdb;
  const auto bench_started = bench_clock::now();

  auto seed_conn = drivers::connection::open(opt.dsn);
  const std::string backend{model::to_string(seed_conn.sql_dialect())};
  const auto sql = model::statement{model::select<A>().where(model::col(&A::data) == "a_0")}
                       .compile(seed_conn.sql_dialect())
                       .sql;
  const std::string raw_sql = R"(SELECT "a"."id", "a"."data" FROM "a" WHERE "a"."data" = ?)";
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
      auto make_client = [&](std::optional<actors::client>& out, std::size_t max_coalesce) {
        actors::settings cfg;
        cfg.dsn = opt.dsn;
        cfg.pool_size = opt.pool_size;
        cfg.scheduler_threads = opt.scheduler_threads;
        cfg.session_window = opt.session_window;
        cfg.max_chunk = opt.max_chunk;
        cfg.worker_queue_chunks = opt.worker_queue_chunks;
        cfg.max_read_batch = opt.max_read_batch;
        cfg.max_coalesce = max_coalesce;
        out.emplace(cfg);
        auto r = out->gather(warm);
        if (r.failure)
          fail("warm-up gather: " + r.failure->error.to_string());
      };
      if (opt.run_gather)
        make_client(client, opt.max_coalesce);
      if (opt.run_uncoalesced)
        make_client(uncoalesced_client, 1);
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
      for (auto* c : {&raw_cell, &gather_cell, &uncoalesced_cell, &single_cell}) {
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

  // Report.
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
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  auto opt = parse(argc, argv);
  if (!opt)
    return 0;
  // The default embedded database lives in a temporary directory removed at exit.
  std::optional<gatherdb::examples::temp_dir> tmp;
  try {
    if (opt->dsn.empty()) {
      tmp.emplace("gatherdb-bench");
      opt->dsn = "Driver=SQLite3;Database=" + (tmp->path() / "gather_bench.db").string() + ";";
    }
    return run(*opt);
  } catch (const std::exception& e) { // gather_error and database_error included
    fail(e.what());
  }
}
