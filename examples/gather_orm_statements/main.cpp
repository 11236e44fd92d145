// The SQLAlchemy example `asyncio/gather_orm_statements` in C++: create table `a`, add 100 rows
// in one transaction, run 30 random selects concurrently (a session actor and a pooled
// connection each, autocommit), merge their frozen results into the one original session
// (load=false) and print them exactly as the Python original does.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

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

constexpr std::string_view usage = R"(usage: gather_orm_statements [options]

Runs N random `select A where data == "a_<k>"` statements concurrently, each in its own session
actor on its own pooled connection (autocommit), merges the frozen results into one session and
prints them like the SQLAlchemy original.

  --dsn STR          ODBC connection string (default: an SQLite file in a temporary directory)
  --shard STR        a shard's connection string (repeat for more; gather mode): row a_i, with
                     the id it has unsharded, goes to shard i mod S, and each statement runs on
                     the shard that holds its key; the output is the unsharded one
  --node HOST:PORT   a gatherdb_node serving the route default (repeat for more; gather mode):
                     the set-up and the statements run there, the database's DSN stays on it
  --tls-ca FILE      with --node: the CA that signed the nodes' and this client's certificates
  --tls-cert FILE    with --node: this client's certificate
  --tls-key FILE     with --node: this client's key
  --rows N           rows inserted into table a (default 100)
  --statements N     statements to run (default 30)
  --seed N           pick statements as Python's random.Random(N).choice does (default: random)
  --mode MODE        gather (default) | single: the same statements one after another on one
                     connection in one session, the baseline
  --pool-size N      connections for gather mode (default 4)
  --json             print one JSON line of timings instead of the results
  --help             this text
)";

struct options {
  std::string dsn;
  std::vector<std::string> shards;
  std::vector<std::string> nodes;
  gatherdb::actors::tls_settings node_tls;
  std::uint32_t rows = 100;
  std::size_t statements = 30;
  std::optional<std::uint64_t> seed;
  bool single = false;
  std::size_t pool_size = 4;
  bool json = false;
};

[[noreturn]] void fail(const std::string& message) {
  // Messages from gatherdb are redacted already; redacting again covers the DSN echoed here.
  std::cerr << "gather_orm_statements: " << gatherdb::drivers::redact(message) << '\n';
  std::exit(2);
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
    } else if (arg == "--shard") {
      opt.shards.push_back(args.value());
    } else if (arg == "--node") {
      opt.nodes.push_back(args.value());
    } else if (arg == "--tls-ca") {
      opt.node_tls.ca_file = args.value();
    } else if (arg == "--tls-cert") {
      opt.node_tls.certificate_file = args.value();
    } else if (arg == "--tls-key") {
      opt.node_tls.key_file = args.value();
    } else if (arg == "--rows") {
      auto n = parse_non_negative(arg, args.value());
      if (n == 0 || n > 100'000'000)
        fail("--rows must be between 1 and 100000000");
      opt.rows = static_cast<std::uint32_t>(n);
    } else if (arg == "--statements") {
      opt.statements = parse_non_negative(arg, args.value());
    } else if (arg == "--seed") {
      opt.seed = parse_non_negative(arg, args.value());
    } else if (arg == "--mode") {
      auto m = args.value();
      if (m != "gather" && m != "single")
        fail("--mode must be gather or single, got '" + m + "'");
      opt.single = m == "single";
    } else if (arg == "--pool-size") {
      opt.pool_size = parse_positive(arg, args.value());
    } else if (arg == "--json") {
      opt.json = true;
    } else {
      fail("unknown option '" + arg + "' (see --help)");
    }
  }
  if (!opt.shards.empty() && opt.single)
    fail("--shard needs --mode gather");
  if (!opt.shards.empty() && !opt.dsn.empty())
    fail("--shard and --dsn exclude each other");
  if (!opt.nodes.empty() && (opt.single || !opt.shards.empty() || !opt.dsn.empty()))
    fail("--node needs --mode gather, and excludes --shard and --dsn (the DSN is the node's)");
  if (opt.nodes.empty() && opt.node_tls.enabled())
    fail("--tls-ca, --tls-cert and --tls-key are for --node");
  return opt;
} catch (const gatherdb::examples::usage_error& e) {
  fail(e.message);
}

// Schema and the rows, in one transaction, through the one original session.
void set_up(gatherdb::model::executor& exec, gatherdb::model::session_state& session,
            std::uint32_t row_count) {
  using namespace gatherdb;
  model::metadata meta;
  meta.add<A>();
  meta.drop_all(exec);
  meta.create_all(exec);
  std::vector<A> rows;
  rows.reserve(row_count);
  for (std::uint32_t i = 0; i < row_count; ++i)
    rows.push_back(A{0, "a_" + std::to_string(i)});
  session.add_all(std::move(rows));
  session.commit(exec);
}

// Schema and rows through gatherdb nodes, which run statements but no set-up closures: portable
// SQL, and explicit ids, so that each row gets the id it gets locally whatever order the
// inserts run in.
void set_up_on_nodes(const gatherdb::actors::client& c, std::uint32_t row_count) {
  using gatherdb::model::statement;
  using gatherdb::model::value;
  (void)c.gather({statement::raw("DROP TABLE IF EXISTS a")});
  (void)c.gather({statement::raw(
      "CREATE TABLE a (id INTEGER NOT NULL PRIMARY KEY, data VARCHAR(255) NOT NULL)")});
  std::vector<statement> inserts;
  inserts.reserve(row_count);
  for (std::uint32_t i = 0; i < row_count; ++i)
    inserts.push_back(
        statement::raw("INSERT INTO a (id, data) VALUES (?, ?)",
                       {value{std::int64_t{i} + 1}, value{"a_" + std::to_string(i)}}));
  (void)c.gather(std::move(inserts));
}

std::string shard_name(std::size_t i) {
  return "shard" + std::to_string(i);
}

// Shard `shard` of `shards`: schema, and rows a_i with i mod shards == shard under the ids they
// get unsharded (i + 1), in one transaction.
void set_up_shard(gatherdb::model::executor& exec, std::uint32_t row_count, std::size_t shard,
                  std::size_t shards) {
  using namespace gatherdb;
  model::metadata meta;
  meta.add<A>();
  meta.drop_all(exec);
  meta.create_all(exec);
  const auto insert = "INSERT INTO a (id, data) VALUES (?, ?)";
  exec.begin();
  try {
    for (std::uint32_t i = static_cast<std::uint32_t>(shard); i < row_count;
         i += static_cast<std::uint32_t>(shards))
      (void)exec.execute(
          insert, {model::value{std::int64_t{i} + 1}, model::value{"a_" + std::to_string(i)}});
    exec.commit();
  } catch (...) {
    exec.rollback();
    throw;
  }
}

// The shard of a statement `select A where data == "a_<k>"`: k mod shards.
std::string shard_of(const gatherdb::model::statement& stmt, std::size_t shards) {
  const auto sql = stmt.compile(gatherdb::model::dialect::sqlite);
  const auto* data = sql.params.empty() ? nullptr : sql.params[0].get_if<std::string>();
  if (data == nullptr || data->size() < 3)
    return {};
  return shard_name(std::stoul(data->substr(2)) % shards);
}

int run(const options& opt) {
  using namespace gatherdb;
  auto session = std::make_shared<model::session_state>();
  // Single mode is one session on one connection; gather mode constructs its client first, so
  // that the pool opens its connections while the set-up runs on one of them (as SQLAlchemy's
  // engine does).
  std::optional<drivers::connection> conn;
  std::optional<drivers::connection_executor> exec;
  std::optional<actors::client> client;
  model::dialect backend = model::dialect::other;
  if (opt.single) {
    conn.emplace(drivers::connection::open(opt.dsn));
    exec.emplace(*conn);
    set_up(*exec, *session, opt.rows);
    backend = conn->sql_dialect();
  } else if (!opt.nodes.empty()) {
    actors::settings cfg;
    cfg.dsn.clear();
    cfg.nodes = opt.nodes;
    cfg.node_tls = opt.node_tls;
    cfg.pool_size = opt.pool_size;
    client.emplace(cfg);
    set_up_on_nodes(*client, opt.rows);
  } else if (!opt.shards.empty()) {
    actors::settings cfg;
    cfg.dsn.clear(); // no default route: every statement goes to its shard
    for (std::size_t i = 0; i < opt.shards.size(); ++i)
      cfg.routes[shard_name(i)].dsns = {opt.shards[i]};
    cfg.pool_size = opt.pool_size;
    client.emplace(cfg);
    for (std::size_t i = 0; i < opt.shards.size(); ++i)
      client->with_connection(
          [&](model::executor& e) {
            set_up_shard(e, opt.rows, i, opt.shards.size());
            if (i == 0)
              backend = e.sql_dialect();
          },
          shard_name(i));
  } else {
    actors::settings cfg;
    cfg.dsn = opt.dsn;
    cfg.pool_size = opt.pool_size;
    client.emplace(cfg);
    client->with_connection([&](model::executor& e) {
      set_up(e, *session, opt.rows);
      backend = e.sql_dialect();
    });
  }

  examples::python_random rng{opt.seed ? *opt.seed : std::random_device{}()};
  std::vector<model::statement> statements;
  statements.reserve(opt.statements);
  for (std::size_t i = 0; i < opt.statements; ++i)
    statements.emplace_back(model::select<A>().where(model::col(&A::data) ==
                                                     "a_" + std::to_string(rng.choice(opt.rows))));

  std::string repr;
  const auto started = std::chrono::steady_clock::now();
  const auto cpu_started = std::clock(); // the whole process: every thread's CPU
  if (opt.single) {
    auto merged = drivers::run_sequentially(*exec, statements, *session);
    repr = "[";
    for (std::size_t i = 0; i < merged.size(); ++i) {
      if (i > 0)
        repr += ", ";
      repr += merged[i].repr();
    }
    repr += ']';
  } else {
    actors::gather_options go;
    go.session = session; // merge into the one original session, as the seed does
    if (!opt.shards.empty())
      go.route_chooser = [shards = opt.shards.size()](const model::statement& stmt) {
        return shard_of(stmt, shards);
      };
    auto result = client->gather(std::move(statements), go);
    repr = result.repr();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double cpu_seconds = static_cast<double>(std::clock() - cpu_started) / CLOCKS_PER_SEC;

  if (opt.json) {
    nlohmann::json j = {
        {"impl", "gatherdb"},
        {"mode", opt.single ? "single" : "gather"},
        {"backend",
         opt.nodes.empty() ? std::string{model::to_string(backend)} : std::string{"gatherdb_node"}},
        {"rows", opt.rows},
        {"statements", opt.statements},
        {"seconds", seconds},
        {"cpu_seconds", cpu_seconds},
        {"stmts_per_s", seconds > 0 ? static_cast<double>(opt.statements) / seconds : 0.0}};
    if (!opt.shards.empty())
      j["shards"] = opt.shards.size();
    std::cout << j.dump() << '\n';
  } else {
    std::cout << "results: " << repr << '\n';
  }
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
    if (opt->dsn.empty() && opt->shards.empty() && opt->nodes.empty()) {
      tmp.emplace("gatherdb-example");
      opt->dsn =
          "Driver=SQLite3;Database=" + (tmp->path() / "gather_orm_statements.db").string() + ";";
    }
    return run(*opt);
  } catch (const std::exception& e) { // gather_error and database_error included
    fail(e.what());
  }
}
