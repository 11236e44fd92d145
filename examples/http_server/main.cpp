// An HTTP/1.1 server (Boost.Beast) in front of gatherdb, in ONE actor system: the gatherdb
// actors (coordinator, session actors, pool, workers, merge actors) and the actors that bridge
// each HTTP request into it. Asio threads never block on the database: a request becomes a
// short-lived cooperative actor that asks the coordinator and posts the answer back to the
// request's Beast session.
//
//   gatherdb_http_server --dsn='Driver=SQLite3;Database=/tmp/a.db;' --port=8080
//   curl 'http://127.0.0.1:8080/a?data=a_5&data=a_17'   # [[{"id":6,"data":"a_5"}],[...]]

#include <cctype>
#include <cstdint>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include <caf/all.hpp>

#include "gatherdb/actors/client.hpp"
#include "gatherdb/actors/config.hpp"
#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/drivers/connection_executor.hpp"
#include "gatherdb/drivers/connection_string.hpp"
#include "gatherdb/drivers/error.hpp"
#include "gatherdb/model/table_schema.hpp"

#include "gather_bridge.hpp"
#include "http_server.hpp"
#include "seed_entity.hpp"

namespace {

using gatherdb::examples::A;

/// gatherdb's CAF configuration (`--gatherdb.*`, `--scheduler.*`) plus the server's own flags.
class http_config : public gatherdb::actors::config {
public:
  std::string dsn_flag;
  std::uint16_t port = 8080;
  std::size_t pool_size_flag = 0;
  std::size_t threads = 2;
  std::size_t rows = 100;
  std::string table = "a";
  bool shared_session = false;

  http_config() {
    caf::config_option_adder{custom_options_, "global"}
        .add(dsn_flag, "dsn", "ODBC connection string (overrides gatherdb.dsn)")
        .add(port, "port", "listen port on 127.0.0.1 (0: pick a free one; printed first)")
        .add(pool_size_flag, "pool-size", "connections at most (overrides gatherdb.pool-size)")
        .add(threads, "threads", "Asio threads serving HTTP (default 2)")
        .add(rows, "rows", "create the table and fill it with N rows a_0.. (0: use it as is)")
        .add(table, "table", "table holding the A rows (default a)")
        .add(shared_session, "shared-session",
             "merge every request into one long-lived session, one gather at a time");
  }
};

bool valid_table_name(const std::string& t) {
  if (t.empty() || t.size() > 63 ||
      !(std::islower(static_cast<unsigned char>(t[0])) || t[0] == '_'))
    return false;
  for (char c : t)
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
      return false;
  return true;
}

// Creates the table (dropping an old one) and fills it with `rows` rows (id k+1, data "a_k") in
// one transaction; with rows == 0 only connects to learn the dialect. Returns the dialect.
gatherdb::model::dialect prepare_table(const gatherdb::settings& s, const std::string& table,
                                       std::size_t rows) {
  using namespace gatherdb;
  auto conn = drivers::connection::open(s.dsn, s.login_timeout);
  const auto d = conn.sql_dialect();
  if (rows == 0)
    return d;
  drivers::connection_executor exec{conn};
  auto schema = model::mapping_of<A>().schema();
  schema.table = table;
  (void)exec.execute(model::drop_table_sql(schema, d, true), {});
  (void)exec.execute(model::create_table_sql(schema, d, true), {});
  const auto insert = model::insert_sql(schema, d, true);
  exec.begin();
  try {
    for (std::size_t k = 0; k < rows; ++k)
      (void)exec.execute(insert, {model::value{static_cast<std::int64_t>(k + 1)},
                                  model::value{"a_" + std::to_string(k)}});
    exec.commit();
  } catch (...) {
    exec.rollback();
    throw;
  }
  return d;
}

} // namespace

int main(int argc, char** argv) {
  using namespace gatherdb;
  http_config cfg;
  if (auto err = cfg.parse(argc, argv)) {
    std::cerr << "gatherdb_http_server: " << drivers::redact(cfg.render(err)) << '\n';
    return 2;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  actors::settings s;
  try {
    s = cfg.to_settings();
  } catch (const std::invalid_argument& e) {
    std::cerr << "gatherdb_http_server: " << e.what() << '\n';
    return 2;
  }
  if (!cfg.dsn_flag.empty())
    s.dsn = cfg.dsn_flag;
  if (cfg.pool_size_flag > 0)
    s.pool_size = cfg.pool_size_flag;
  if (!valid_table_name(cfg.table)) {
    std::cerr << "gatherdb_http_server: --table must match [a-z_][a-z0-9_]{0,62}\n";
    return 2;
  }

  http::bridge_options bopts;
  bopts.table = cfg.table;
  bopts.shared_session = cfg.shared_session;
  try {
    bopts.dialect = prepare_table(s, cfg.table, cfg.rows);
  } catch (const std::exception& e) {
    if (cfg.rows > 0) {
      std::cerr << "gatherdb_http_server: cannot prepare table " << cfg.table << ": "
                << drivers::redact(e.what()) << '\n';
      return 2;
    }
    // Serve anyway: /healthz reports 503 until the database can be reached.
    std::cerr << "gatherdb_http_server: warning: " << drivers::redact(e.what()) << '\n';
    if (s.dsn.find("PostgreSQL") != std::string::npos)
      bopts.dialect = model::dialect::postgresql;
  }

  auto metrics = std::make_shared<http::server_metrics>();
  http::server_options sopts;
  sopts.port = cfg.port;
  sopts.threads = cfg.threads;
  sopts.drain_timeout = std::chrono::milliseconds{2000};
  // Declared before the actor system: answers that actors post after the server stopped are
  // dropped with its io_context, which therefore outlives every actor.
  http::http_server server{sopts, metrics};
  std::uint16_t port = 0;
  try {
    port = server.listen();
  } catch (const std::exception& e) {
    std::cerr << "gatherdb_http_server: cannot listen on 127.0.0.1:" << cfg.port << ": " << e.what()
              << '\n';
    return 2;
  }

  caf::actor_system system{cfg};
  {
    actors::client db{system, s};
    http::gather_bridge bridge{system, db.coordinator(), bopts, metrics};
    server.set_api(bridge.api());
    std::cout << "listening on 127.0.0.1:" << port << std::endl;
    server.run(); // until SIGINT/SIGTERM and the requests in flight are answered
    bridge.stop();
    db.shutdown();
  }
  std::cout << "stopped" << std::endl;
  return 0;
}
