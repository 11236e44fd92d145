// gatherdb: runs SQL statements concurrently through gatherdb::client and prints their
// results in statement order as a table, JSON or CSV.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <unistd.h>
#include <vector>

#include "gatherdb/actors/client.hpp"
#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/drivers/connection_string.hpp"
#include "gatherdb/drivers/error.hpp"
#include "gatherdb/model/statement.hpp"

#include "cli_support.hpp"
#include "result_writer.hpp"
#include "statement_splitter.hpp"

namespace {

using namespace gatherdb;

constexpr std::string_view usage = R"(usage: gatherdb --dsn STR [options] [--file F]

Runs SQL statements concurrently (each on a pooled connection, in autocommit) and prints their
results in statement order. Statements come from --file or stdin: one per line, or separated by
';' when the input has one (then they may span lines); blank lines and '--' comments are
ignored, and ';' inside '...' literals does not split.

  --dsn STR          ODBC connection string (default: $GATHERDB_DSN), e.g.
                     "Driver=SQLite3;Database=app.db;" or
                     "Driver={PostgreSQL Unicode};Server=h;Database=d;Uid=u;Pwd=p;"
  --route NAME=STR   one more database, the route NAME (repeat the flag: a name given again
                     adds a replica, which shares the reads; --dsn is the route "default")
  --on NAME          run every statement on route NAME; "all": each read on every route,
                     its rows one after another in route order (default, then by name); a
                     line "\route NAME" in the input does the same for the statements after it
  --file F           read the statements from F ('-': stdin, the default)
  --format FMT       table (default) | json | csv
  --pool-size N      connections at most (default 4)
  --timeout MS       per-statement deadline in milliseconds; 0: none (default 30000)
  --mode MODE        collect (default): run every statement, report each failure;
                     fail-fast: the first failure cancels the statements still running
  --progress         show "done/total statements" on stderr (default: when stderr is a
                     terminal and the batch takes more than a second)
  --no-progress      never show it
  --log LOG          statement log on stderr, one line per statement (SQL, parameter count,
                     rows, attempts, outcome and SQLSTATE, times; never values or passwords):
                     off (default) | slow (500 ms or longer) | statements
  --help             this text

Exit status: 0 when every statement succeeded, 1 when any failed or was cancelled, 2 on a
usage error or when the database cannot be reached. Errors go to stderr with their SQLSTATE;
passwords are never printed.
)";

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

struct options {
  std::string dsn;
  /// --route flags in order: (name, connection string).
  std::vector<std::pair<std::string, std::string>> routes;
  /// --on: empty for the default route, "all" for every route.
  std::string on;
  std::string file = "-";
  cli::output_format format = cli::output_format::table;
  std::size_t pool_size = 4;
  std::optional<std::chrono::milliseconds> timeout;
  gather_mode mode = gather_mode::collect;
  std::optional<bool> progress; // nullopt: when stderr is a terminal
  actors::log_mode log = actors::log_mode::off;
};

// The one way to stderr: every message is redacted, also against the passwords of the
// connection strings given.
class diagnostics {
public:
  void set_dsn(std::string dsn) { dsn_ = std::move(dsn); }
  void add_dsn(std::string dsn) { more_.push_back(std::move(dsn)); }
  void line(const std::string& text) const {
    auto out = drivers::redact(text, dsn_);
    for (const auto& dsn : more_)
      out = drivers::redact(out, dsn);
    std::cerr << "gatherdb: " << out << '\n';
  }

private:
  std::string dsn_;
  std::vector<std::string> more_;
};

diagnostics diag;

using examples::parse_non_negative;
using examples::usage_error;

// nullopt when --help was printed.
std::optional<options> parse(int argc, char** argv) {
  options opt;
  if (const char* env = std::getenv("GATHERDB_DSN"))
    opt.dsn = env;
  examples::flag_reader args{argc, argv};
  while (args.next()) {
    const std::string& arg = args.flag();
    if (arg == "--help" || arg == "-h") {
      std::cout << usage;
      return std::nullopt;
    } else if (arg == "--dsn") {
      opt.dsn = args.value();
      diag.set_dsn(opt.dsn);
    } else if (arg == "--route") {
      auto spec = args.value();
      const auto eq = spec.find('=');
      if (eq == 0 || eq == std::string::npos || eq + 1 == spec.size())
        throw usage_error{"--route must be NAME=CONNECTION-STRING"};
      diag.add_dsn(spec.substr(eq + 1));
      opt.routes.emplace_back(spec.substr(0, eq), spec.substr(eq + 1));
    } else if (arg == "--on") {
      opt.on = args.value();
      if (opt.on.empty())
        throw usage_error{"--on needs a route name, or all"};
    } else if (arg == "--file") {
      opt.file = args.value();
    } else if (arg == "--format") {
      auto name = args.value();
      auto f = cli::parse_output_format(name);
      if (!f)
        throw usage_error{"--format must be table, json or csv, got '" + name + "'"};
      opt.format = *f;
    } else if (arg == "--pool-size") {
      opt.pool_size = parse_non_negative(arg, args.value());
      if (opt.pool_size == 0 || opt.pool_size > 1024)
        throw usage_error{"--pool-size must be between 1 and 1024"};
    } else if (arg == "--timeout") {
      const auto ms = parse_non_negative(arg, args.value());
      if (ms > std::uint64_t{24} * 3600 * 1000)
        throw usage_error{"--timeout must be at most a day (86400000 ms)"};
      opt.timeout = std::chrono::milliseconds{ms};
    } else if (arg == "--mode") {
      auto m = args.value();
      if (m == "collect")
        opt.mode = gather_mode::collect;
      else if (m == "fail-fast" || m == "fail_fast")
        opt.mode = gather_mode::fail_fast;
      else
        throw usage_error{"--mode must be collect or fail-fast, got '" + m + "'"};
    } else if (arg == "--log") {
      auto name = args.value();
      auto mode = actors::parse_log_mode(name);
      if (!mode)
        throw usage_error{"--log must be off, slow or statements, got '" + name + "'"};
      opt.log = *mode;
    } else if (arg == "--progress" && !args.has_inline_value()) {
      opt.progress = true;
    } else if (arg == "--no-progress" && !args.has_inline_value()) {
      opt.progress = false;
    } else {
      throw usage_error{"unknown argument '" + arg + "' (see --help)"};
    }
  }
  if (opt.dsn.empty())
    throw usage_error{"--dsn is required (or set GATHERDB_DSN; see --help)"};
  diag.set_dsn(opt.dsn);
  return opt;
}

std::string read_input(const std::string& file) {
  if (file == "-")
    return std::string{std::istreambuf_iterator<char>{std::cin}, {}};
  std::ifstream in{file, std::ios::binary};
  if (!in)
    throw usage_error{"cannot read '" + file + "'"};
  return std::string{std::istreambuf_iterator<char>{in}, {}};
}

// The SQL of a statement on one short line, for error messages.
std::string excerpt(const std::string& sql) {
  constexpr std::size_t max = 80;
  std::string out;
  for (char c : sql) {
    if (out.size() == max) {
      out += "...";
      break;
    }
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  return out;
}

// "\r1200/3000 statements" on stderr while the gather runs, once it took a second.
class progress_line {
public:
  progress_line(bool enabled, std::size_t total) : enabled_(enabled), total_(total) {}

  void update(std::size_t done) {
    if (!enabled_)
      return;
    std::fprintf(stderr, "\r%zu/%zu statements", std::min(done, total_), total_);
    std::fflush(stderr);
    shown_ = true;
  }
  void finish(std::size_t done) {
    if (shown_) {
      update(done);
      std::fputc('\n', stderr);
    }
  }

private:
  bool enabled_;
  std::size_t total_;
  bool shown_ = false;
};

int run(const options& opt) {
  const auto routed = cli::split_routed_statements(read_input(opt.file));
  std::vector<std::string> sql;
  sql.reserve(routed.size());
  for (const auto& s : routed)
    sql.push_back(s.sql);

  // Reach the database once up front: "cannot connect" is exit 2, not one error per statement.
  settings cfg;
  cfg.dsn = opt.dsn;
  for (const auto& [name, dsn] : opt.routes)
    cfg.routes[name].dsns.push_back(dsn);
  cfg.pool_size = opt.pool_size;
  cfg.log = opt.log;
  cfg.log_slow = std::chrono::milliseconds{500};
  if (opt.timeout)
    cfg.statement_timeout = *opt.timeout;
  try {
    auto probe = drivers::connection::open(cfg.dsn, cfg.login_timeout);
  } catch (const drivers::database_error& e) {
    diag.line(std::string{"cannot connect: "} + e.what());
    return exit_usage;
  }
  // A route that cannot be reached fails its own statements only, as in any gather.

  std::vector<model::statement> statements;
  statements.reserve(sql.size());
  for (const auto& s : routed) {
    auto stmt = model::statement::raw(s.sql, {}, cli::looks_like_read(s.sql));
    const auto& route = s.route.empty() ? opt.on : s.route;
    if (route == "all")
      stmt = stmt.on_all_routes();
    else if (!route.empty())
      stmt = stmt.on(route);
    statements.push_back(std::move(stmt));
  }

  client db{cfg};
  gather_options go;
  go.mode = opt.mode;
  if (opt.timeout && opt.timeout->count() == 0)
    go.timeout = std::chrono::milliseconds{-1}; // no deadline

  // The gather blocks until every statement ended; a second thread runs it so that this one
  // can report progress from the pool's completion counter meanwhile.
  std::vector<actors::outcome> outcomes;
  std::optional<std::string> gather_failed;
  std::mutex mtx;
  std::condition_variable cv;
  bool finished = false;
  std::thread worker{[&] {
    try {
      outcomes = db.gather(std::move(statements), go).outcomes;
    } catch (const gather_error& e) {
      outcomes = e.partial().outcomes;
      if (outcomes.size() != sql.size())
        gather_failed = e.what();
    } catch (const std::exception& e) {
      gather_failed = e.what();
    }
    std::lock_guard<std::mutex> guard{mtx};
    finished = true;
    cv.notify_all();
  }};
  progress_line progress{opt.progress.value_or(::isatty(STDERR_FILENO) == 1), sql.size()};
  {
    const auto started = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> lock{mtx};
    while (!cv.wait_for(lock, std::chrono::milliseconds{200}, [&] { return finished; })) {
      if (std::chrono::steady_clock::now() - started < std::chrono::seconds{1})
        continue;
      lock.unlock();
      progress.update(static_cast<std::size_t>(db.stats().completed));
      lock.lock();
    }
  }
  worker.join();
  std::size_t ended = 0;
  for (const auto& o : outcomes)
    ended += o.status != actors::outcome_status::cancelled;
  progress.finish(ended);

  if (gather_failed) {
    diag.line("the gather failed: " + *gather_failed);
    return exit_failed;
  }

  cli::write_results(std::cout, opt.format, outcomes);
  std::cout.flush();

  int status = exit_ok;
  std::size_t cancelled = 0;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const auto& o = outcomes[i];
    if (o.ok())
      continue;
    status = exit_failed;
    if (o.status == actors::outcome_status::cancelled && opt.mode == gather_mode::fail_fast) {
      ++cancelled; // one summary line below instead of one per statement
      continue;
    }
    diag.line("statement " + std::to_string(i + 1) + ' ' +
              std::string{actors::to_string(o.status)} + ": " + o.error.to_string() + " -- " +
              excerpt(sql[i]));
  }
  if (cancelled > 0)
    diag.line(std::to_string(cancelled) + " statement(s) cancelled after the first failure "
                                          "(fail-fast)");
  return status;
}

} // namespace

int main(int argc, char** argv) {
  // Know the DSN's password before anything can be reported, whatever the argument order.
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--dsn" && i + 1 < argc)
      diag.set_dsn(argv[i + 1]);
    else if (arg.rfind("--dsn=", 0) == 0)
      diag.set_dsn(std::string{arg.substr(6)});
    else if (arg == "--route" && i + 1 < argc)
      diag.add_dsn(argv[i + 1]);
    else if (arg.rfind("--route=", 0) == 0)
      diag.add_dsn(std::string{arg.substr(8)});
  }
  try {
    auto opt = parse(argc, argv);
    if (!opt)
      return exit_ok;
    return run(*opt);
  } catch (const usage_error& e) {
    diag.line(e.message);
    return exit_usage;
  } catch (const std::exception& e) {
    diag.line(e.what());
    return exit_failed;
  }
}
