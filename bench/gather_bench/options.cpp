#include "options.hpp"

#include <iostream>
#include <sstream>
#include <string_view>

#include "gatherdb/drivers/connection_string.hpp"

#include "cli_support.hpp"

namespace gatherdb::bench {

namespace {

using gatherdb::examples::parse_non_negative;
using gatherdb::examples::parse_positive;

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
  --contenders LIST    any of raw,gather,uncoalesced,single,nodes (default all; nodes only with
                       --node)
  --node HOST:PORT     a gatherdb_node serving the route default on the same database
                       (repeatable): the contender nodes gathers through them
  --order balanced|fixed  balanced (default): round r runs the contenders in the r-th of their
                       orders, so each follows each other equally often; fixed: always raw,
                       gather, single (what this bench did before 2026-11-28)
  --pause-ms N         idle this long before every run (default 0), as a server between
                       requests would be
  --seed N             python_random seed for the keys (default 2024)
  --json-out FILE      append one JSON line per cell to FILE
  --help               this text
)";

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in{text};
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty())
      out.push_back(item);
  return out;
}

} // namespace

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
      opt.run_raw = opt.run_gather = opt.run_uncoalesced = opt.run_single = opt.run_nodes = false;
      for (const auto& c : split(args.value())) {
        if (c == "raw")
          opt.run_raw = true;
        else if (c == "gather")
          opt.run_gather = true;
        else if (c == "uncoalesced")
          opt.run_uncoalesced = true;
        else if (c == "single")
          opt.run_single = true;
        else if (c == "nodes")
          opt.run_nodes = true;
        else
          fail("unknown contender '" + c + "'");
      }
    } else if (arg == "--node") {
      opt.nodes.push_back(args.value());
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

[[noreturn]] void fail(const std::string& message) {
  std::cerr << "gather_bench: FAILED: " << gatherdb::drivers::redact(message) << '\n';
  std::exit(1);
}

} // namespace gatherdb::bench
