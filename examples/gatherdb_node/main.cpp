// gatherdb_node: serves routes to gatherdb clients on other hosts (`settings::nodes`). It owns
// a connection pool per route and publishes one actor through CAF's io middleman that runs
// chunks of statements and answers with their frozen results. Connection strings never leave
// it: clients name routes. With --tls-* every connection is mutual TLS. SIGTERM (or SIGINT)
// drains it and it exits 0.

#include <csignal>
#include <iostream>
#include <string>

#include "gatherdb/actors/node.hpp"
#include "gatherdb/drivers/error.hpp"

#include "cli_support.hpp"

namespace {

using gatherdb::examples::usage_error;

constexpr const char* usage =
    "usage: gatherdb_node [--listen HOST:PORT] (--route NAME=DSN ... | --dsn DSN)\n"
    "                     [--tls-ca FILE --tls-cert FILE --tls-key FILE]\n"
    "                     [--pool-size N] [--statement-timeout-ms N]\n"
    "                     [--max-coalesce N] [--max-read-batch N]\n"
    "  --listen HOST:PORT   where to listen (default 127.0.0.1:0; port 0 picks a free one);\n"
    "                       an address other than loopback needs TLS\n"
    "  --tls-ca/--tls-cert/--tls-key  mutual TLS: clients must present a certificate signed\n"
    "                       by the CA (PEM files)\n"
    "  --route NAME=DSN     a route it serves (repeatable); --dsn DSN is the route 'default'\n"
    "  --pool-size N        connections per route at most (default 4)\n"
    "  --max-coalesce N     lookups per coalesced statement at most, 1 for none (default 64)\n"
    "  --max-read-batch N   reads per round trip at most, 1 for none (default 64)\n"
    "The first line printed is 'listening on HOST:PORT'. SIGTERM drains and exits 0.\n";

gatherdb::actors::node_options parse(int argc, char** argv) {
  gatherdb::actors::node_options o;
  gatherdb::examples::flag_reader args{argc, argv};
  while (args.next()) {
    const auto& flag = args.flag();
    if (flag == "--help" || flag == "-h") {
      std::cout << usage;
      std::exit(0);
    } else if (flag == "--listen") {
      const auto text = args.value();
      const auto colon = text.rfind(':');
      if (colon == std::string::npos)
        throw usage_error{"--listen needs HOST:PORT, got '" + text + "'"};
      o.host = text.substr(0, colon);
      if (o.host.size() > 2 && o.host.front() == '[' && o.host.back() == ']')
        o.host = o.host.substr(1, o.host.size() - 2);
      const auto port =
          gatherdb::examples::parse_non_negative("--listen's port", text.substr(colon + 1));
      if (port > 65535)
        throw usage_error{"--listen's port must be at most 65535"};
      o.port = static_cast<std::uint16_t>(port);
    } else if (flag == "--route") {
      const auto text = args.value();
      const auto eq = text.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
        throw usage_error{"--route needs NAME=DSN"};
      o.routes[text.substr(0, eq)] = text.substr(eq + 1);
    } else if (flag == "--dsn") {
      o.routes["default"] = args.value();
    } else if (flag == "--tls-ca") {
      o.tls.ca_file = args.value();
    } else if (flag == "--tls-cert") {
      o.tls.certificate_file = args.value();
    } else if (flag == "--tls-key") {
      o.tls.key_file = args.value();
    } else if (flag == "--pool-size") {
      o.pools.pool_size = gatherdb::examples::parse_positive(flag, args.value());
    } else if (flag == "--max-coalesce") {
      o.pools.max_coalesce = gatherdb::examples::parse_positive(flag, args.value());
    } else if (flag == "--max-read-batch") {
      o.pools.max_read_batch = gatherdb::examples::parse_positive(flag, args.value());
    } else if (flag == "--statement-timeout-ms") {
      o.pools.statement_timeout =
          std::chrono::milliseconds{gatherdb::examples::parse_non_negative(flag, args.value())};
    } else {
      throw usage_error{"unknown argument '" + flag + "'"};
    }
  }
  if (o.routes.empty())
    throw usage_error{"no route: give --route NAME=DSN or --dsn DSN"};
  return o;
}

} // namespace

int main(int argc, char** argv) {
  gatherdb::actors::node_options options;
  try {
    options = parse(argc, argv);
  } catch (const usage_error& e) {
    std::cerr << "gatherdb_node: " << e.message << "\n" << usage;
    return 2;
  }
  // Blocked before any thread starts, so that every thread inherits the mask and the signals
  // wait for sigwait below instead of killing the process mid-chunk.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  try {
    gatherdb::actors::node server{options};
    const bool v6 = server.host().find(':') != std::string::npos;
    std::cout << "listening on " << (v6 ? "[" : "") << server.host() << (v6 ? "]" : "") << ':'
              << server.port() << std::endl;
    int signal = 0;
    sigwait(&stop_signals, &signal);
    std::cerr << "gatherdb_node: " << (signal == SIGTERM ? "SIGTERM" : "SIGINT") << ": draining\n";
    server.drain(std::chrono::seconds{30});
  } catch (const gatherdb::drivers::database_error& e) {
    std::cerr << "gatherdb_node: cannot reach a route's database: " << e.info().to_string() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
