// Runs examples/http_server as a user would (`--port=0`, the port read from its first line)
// against SQLite and PostgreSQL, and talks HTTP/1.1 to it over plain sockets.
#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "gatherdb/drivers/connection_executor.hpp"

#include "http/http_test_support.hpp"
#include "support/poll.hpp"

using namespace gatherdb_http_test;

BOOST_AUTO_TEST_SUITE(http_server)

BOOST_DATA_TEST_CASE(answers_each_value_in_request_order, gatherdb::test::all_backends, b) {
  running_server srv{b};
  const std::vector<int> keys{5, 17, 5, 99, 0, 17};
  auto r = get(srv.port(), query_for(keys));
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.headers["content-type"] == "application/json");
  BOOST_TEST(r.parsed() == expected_rows(keys), r.body);
  // The documented shape, byte for byte.
  r = get(srv.port(), "/a?data=a_5&data=a_17");
  BOOST_TEST(r.body == R"([[{"id":6,"data":"a_5"}],[{"id":18,"data":"a_17"}]])");
  // A value with no row gives an empty list; percent-encoding and '+' are decoded.
  r = get(srv.port(), "/a?data=nope&data=a%5F7&other=x&data=a+1");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.parsed() == json::parse(R"([[],[{"id":8,"data":"a_7"}],[]])"), r.body);
  // 1000 values are allowed.
  std::vector<int> many(1000);
  for (int i = 0; i < 1000; ++i)
    many[static_cast<std::size_t>(i)] = (i * 37) % 100;
  r = get(srv.port(), query_for(many));
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.parsed() == expected_rows(many));
  srv.stop_gracefully();
}

BOOST_DATA_TEST_CASE(bad_requests_get_a_json_error, gatherdb::test::all_backends, b) {
  running_server srv{b};
  struct bad_case {
    std::string method, target;
    int status;
  };
  std::vector<bad_case> cases{
      {"GET", "/a", 400},           {"GET", "/a?other=1", 400},
      {"GET", "/a?data=%zz", 400},  {"GET", "/a?data=" + std::string(1025, 'x'), 400},
      {"GET", "/nope", 404},        {"GET", "/", 404},
      {"POST", "/a?data=a_1", 405}, {"DELETE", "/metrics", 405},
      {"PUT", "/healthz", 405},
  };
  std::string many = "/a?data=a_1";
  for (int i = 0; i < 1000; ++i)
    many += "&data=a_1";
  cases.push_back({"GET", many, 400});
  connection c{srv.port()};
  for (const auto& bc : cases) {
    BOOST_TEST_CONTEXT(bc.method << " " << bc.target.substr(0, 60)) {
      auto r = c.request(bc.method, bc.target, bc.method == "GET" ? "" : "Content-Length: 0\r\n");
      BOOST_TEST(r.status == bc.status);
      BOOST_TEST(r.headers["content-type"] == "application/json");
      BOOST_TEST(r.parsed().contains("error"), r.body);
      if (bc.status == 405)
        BOOST_TEST(r.headers["allow"] == "GET");
    }
  }
  // The connection survived every error, and so did the server.
  auto r = c.request("GET", "/a?data=a_3");
  BOOST_TEST(r.parsed() == expected_rows({3}));
  // A value of exactly 1 KiB is fine (no such row).
  r = c.request("GET", "/a?data=" + std::string(1024, 'x'));
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body == "[[]]");
  srv.stop_gracefully();
}

BOOST_DATA_TEST_CASE(values_no_database_holds_exactly_are_400_with_sqlstate_22021,
                     gatherdb::test::all_backends, b) {
  running_server srv{b};
  connection c{srv.port()};
  // A NUL byte (which once matched `a_5`), invalid UTF-8 and a surrogate, among good values.
  for (const std::string bad : {"a_5%00zzz", "a_5%C3%28", "a_%ED%A0%80"}) {
    BOOST_TEST_CONTEXT(bad) {
      auto r = c.request("GET", "/a?data=a_1&data=" + bad);
      BOOST_TEST(r.status == 400);
      BOOST_TEST(r.parsed()["sqlstate"] == "22021", r.body);
      BOOST_TEST(!r.headers.count("retry-after"));
    }
  }
  BOOST_TEST(c.request("GET", "/a?data=a_5").parsed() == expected_rows({5}));
  srv.stop_gracefully();
}

BOOST_DATA_TEST_CASE(healthz_and_metrics_json, gatherdb::test::all_backends, b) {
  running_server srv{b};
  auto r = get(srv.port(), "/healthz");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.parsed() == json::parse(R"({"status":"ok"})"));
  (void)get(srv.port(), query_for({1, 2, 3}));
  (void)get(srv.port(), "/nope");
  r = get(srv.port(), "/metrics.json");
  BOOST_REQUIRE(r.status == 200);
  auto m = r.parsed();
  for (const char* k : {"size", "connections", "busy", "queued", "completed", "exhausted"})
    BOOST_TEST(m["pool"].contains(k), k);
  BOOST_TEST(m["pool"]["size"] == 4);
  BOOST_TEST(m["pool"]["completed"].get<int>() >= 4); // SELECT 1 and the three
  const auto& lat = m["statement_latency_ms"];
  BOOST_TEST(lat["buckets"].size() == 12U);
  BOOST_TEST(lat["buckets"][11]["le"] == "+Inf");
  std::uint64_t sum = 0;
  for (const auto& bucket : lat["buckets"])
    sum += bucket["count"].get<std::uint64_t>();
  BOOST_TEST(sum == lat["count"].get<std::uint64_t>());
  BOOST_TEST(sum >= 3U);
  BOOST_TEST(m["requests"]["by_status"]["200"].get<int>() >= 2);
  BOOST_TEST(m["requests"]["by_status"]["404"] == 1);
  srv.stop_gracefully();
}

BOOST_DATA_TEST_CASE(keep_alive_serves_many_requests_on_one_connection,
                     gatherdb::test::all_backends, b) {
  running_server srv{b};
  connection c{srv.port()};
  for (int i = 0; i < 20; ++i) {
    auto r = c.request("GET", query_for({i, i + 50}));
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.parsed() == expected_rows({i, i + 50}));
    BOOST_TEST(r.headers.count("connection") == 0U); // HTTP/1.1: keep-alive by default
  }
  (void)c.request("GET", "/healthz");
  (void)c.request("GET", "/metrics");
  // Pipelined: two requests sent at once, answered in order.
  c.send_all(
      "GET /a?data=a_1 HTTP/1.1\r\nHost: x\r\n\r\nGET /a?data=a_2 HTTP/1.1\r\nHost: x\r\n\r\n");
  BOOST_TEST(c.read_response().parsed() == expected_rows({1}));
  BOOST_TEST(c.read_response().parsed() == expected_rows({2}));
  // Connection: close is honoured.
  auto r = c.request("GET", "/a?data=a_4", "Connection: close\r\n");
  BOOST_TEST(r.parsed() == expected_rows({4}));
  BOOST_TEST(c.closed_by_peer());
  srv.stop_gracefully();
}

BOOST_DATA_TEST_CASE(concurrent_requests_from_eight_threads, gatherdb::test::all_backends, b) {
  for (bool shared : {false, true}) {
    BOOST_TEST_CONTEXT("shared session " << shared) {
      running_server srv{b, shared ? std::vector<std::string>{"--shared-session"}
                                   : std::vector<std::string>{}};
      std::atomic<int> wrong{0}, done{0};
      std::vector<std::thread> threads;
      for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
          try {
            connection c{srv.port()};
            for (int i = 0; i < 25; ++i) {
              std::vector<int> keys{(t * 7 + i) % 100, (t + i * 3) % 100, (t * 7 + i) % 100,
                                    (i * 11) % 100, t};
              auto r = c.request("GET", query_for(keys));
              if (r.status != 200 || r.parsed() != expected_rows(keys))
                ++wrong;
              ++done;
            }
          } catch (const std::exception&) {
            ++wrong;
          }
        });
      }
      for (auto& th : threads)
        th.join();
      BOOST_TEST(wrong == 0);
      BOOST_TEST(done == 200);
      auto m = get(srv.port(), "/metrics.json").parsed();
      BOOST_TEST(m["shared_session"] == shared);
      BOOST_TEST(m["requests"]["by_status"]["200"].get<int>() == 200);
      srv.stop_gracefully();
    }
  }
}

BOOST_DATA_TEST_CASE(database_errors_are_503_with_sqlstate, gatherdb::test::all_backends, b) {
  // --rows=0 on a table that does not exist: the statement fails in the database.
  running_server srv{b, {}, 0};
  auto r = get(srv.port(), "/a?data=a_1&data=a_2");
  BOOST_TEST(r.status == 503);
  auto body = r.parsed();
  BOOST_TEST(body.contains("error"), r.body);
  BOOST_TEST(body["sqlstate"].get<std::string>() == gatherdb::test::missing_table_sqlstate(b),
             r.body);
  // The database itself is fine.
  BOOST_TEST(get(srv.port(), "/healthz").status == 200);
  srv.stop_gracefully();
}

BOOST_AUTO_TEST_CASE(unreachable_database_makes_healthz_503_and_no_password_is_shown) {
  const std::string sentinel = "S3ntinel-http-pw";
  server_process p{{"--dsn=Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=1;Database=x;Uid=u;"
                    "Pwd=" +
                        sentinel + ";",
                    "--port=0", "--rows=0", "--gatherdb.login-timeout-ms=1000",
                    "--gatherdb.log=statements"}};
  auto r = get(p.port(), "/healthz");
  BOOST_TEST(r.status == 503);
  BOOST_TEST(r.parsed()["status"] == "unavailable", r.body);
  BOOST_TEST(r.body.find(sentinel) == std::string::npos);
  r = get(p.port(), "/a?data=a_1");
  BOOST_TEST(r.status == 503);
  BOOST_TEST(r.body.find(sentinel) == std::string::npos, r.body);
  for (const char* path : {"/metrics", "/metrics.json"})
    BOOST_TEST(get(p.port(), path).body.find(sentinel) == std::string::npos, path);
  std::chrono::milliseconds took{};
  const int status = p.stop(took);
  BOOST_TEST(WEXITSTATUS(status) == 0);
  BOOST_TEST(took.count() < 3000);
  // Its log says what failed (the connect, and the statement in the statement log), redacted.
  const auto log = p.error_output();
  BOOST_TEST(log.find("08001") != std::string::npos, log);
  BOOST_TEST(log.find(" statement gather=") != std::string::npos, log);
  BOOST_TEST(log.find("Pwd=***") != std::string::npos, log);
  BOOST_TEST(log.find(sentinel) == std::string::npos, log);
}

BOOST_DATA_TEST_CASE(overload_is_503_with_retry_after, gatherdb::test::all_backends, b) {
  // One connection, one statement per chunk, no queue: most of 50 statements find no room.
  running_server srv{b, {"--pool-size=1", "--gatherdb.queue-bound=0", "--gatherdb.max-chunk=1"}};
  std::string target = "/a?data=a_1";
  for (int i = 0; i < 49; ++i)
    target += "&data=a_" + std::to_string(i);
  auto r = get(srv.port(), target);
  BOOST_TEST(r.status == 503);
  BOOST_TEST(r.headers["retry-after"] == "1");
  BOOST_TEST(r.parsed().contains("error"), r.body);
  auto m = get(srv.port(), "/metrics.json").parsed();
  BOOST_TEST(m["pool"]["exhausted"].get<int>() >= 1);
  srv.stop_gracefully();
}

BOOST_DATA_TEST_CASE(sigterm_finishes_requests_in_flight_and_exits_0, gatherdb::test::all_backends,
                     b) {
  running_server srv{b, {}, 2000};
  // Idle keep-alive connections must not hold the server up.
  connection idle{srv.port()};
  (void)idle.request("GET", "/healthz");
  // On PostgreSQL the table is locked until the server has been told to stop, so that the
  // requests are surely in flight then (their statements wait for the lock).
  std::optional<gatherdb::drivers::connection> locker;
  std::optional<gatherdb::drivers::connection_executor> lock;
  if (gatherdb::test::is_postgres(b)) {
    locker.emplace(
        gatherdb::drivers::connection::open(gatherdb::test::postgres_connection_string()));
    lock.emplace(*locker);
    lock->begin();
    (void)lock->execute("LOCK TABLE " + srv.table + " IN ACCESS EXCLUSIVE MODE", {});
  }
  std::atomic<int> ok{0}, answered{0}, sent{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t)
    clients.emplace_back([&] {
      try {
        connection c{srv.port()};
        std::vector<int> keys;
        for (int i = 0; i < 500; ++i)
          keys.push_back((i * 13) % 2000);
        ++sent;
        auto r = c.request("GET", query_for(keys));
        ++answered;
        if (r.status == 200 && r.parsed() == expected_rows(keys, 2000))
          ++ok;
      } catch (const std::exception&) {
        // refused: sent after the listener closed
      }
    });
  BOOST_REQUIRE(gatherdb::test::poll_until([&] { return sent == 4; }));
  if (locker) {
    auto monitor =
        gatherdb::drivers::connection::open(gatherdb::test::postgres_connection_string());
    const auto waiting = [&] {
      return monitor
          .execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND "
                   "strpos(query, ?) > 0",
                   {gatherdb::model::value{srv.table}})
          ->row(0)
          .int64_at(0);
    };
    BOOST_REQUIRE(gatherdb::test::poll_until([&] { return waiting() > 0; }));
  } else {
    std::this_thread::sleep_for(20ms);
  }
  std::thread stopper{[&] { srv.stop_gracefully(); }};
  if (lock) {
    // Let the stop begin, then let the statements run: the server must still answer them.
    std::this_thread::sleep_for(200ms);
    lock->commit();
  }
  stopper.join();
  for (auto& c : clients)
    c.join();
  // Whatever was answered was answered completely and correctly; with the lock, the requests
  // in flight (at least the one whose statement waited) were answered.
  BOOST_TEST(ok == answered);
  if (locker)
    BOOST_TEST(answered >= 1);
  BOOST_TEST(idle.closed_by_peer());
}

BOOST_AUTO_TEST_SUITE_END()
