// Destroying a client while a gather runs: it returns promptly, the blocked gather returns or
// throws, nothing hangs or crashes.

#include <cstdlib>
#include <future>
#include <memory>
#include <thread>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>

#include "gatherdb/actors/config.hpp"
#include "gatherdb/actors/messages.hpp"

#include "actors_fixture.hpp"
#include "support/poll.hpp"
#include "support/server_monitor.hpp"

using namespace gatherdb;
using namespace gatherdb::actors_test;
using test::all_backends;

BOOST_AUTO_TEST_SUITE(actors_shutdown)

BOOST_DATA_TEST_CASE(destroying_the_client_with_100_long_statements_in_flight_returns_quickly,
                     all_backends, backend) {
  seeded_database db{backend, "shutdown"};
  auto c = std::make_unique<client>(db.settings(4));
  std::vector<model::statement> statements;
  for (int i = 0; i < 100; ++i)
    statements.push_back(long_statement(backend));
  actors::gather_options options;
  options.mode = actors::gather_mode::collect;
  auto running = std::async(std::launch::async, [&] { return c->gather(statements, options); });
  // The first statements reach their connections: every worker holds one, and on a server
  // they run there.
  BOOST_REQUIRE(test::poll_until([&] { return c->stats().busy == 4; }));
  if (backend != backend::sqlite) {
    test::server_monitor<suite_tag> running{backend, "shutdown"};
    BOOST_REQUIRE(test::poll_until([&] { return running.active_sleeps() >= 1; }));
  }
  BOOST_TEST((running.wait_for(0s) == std::future_status::timeout));
  const auto t0 = clock_type::now();
  c.reset();
  const auto elapsed = clock_type::now() - t0;
  BOOST_TEST_MESSAGE(backend << ": client destroyed in " << millis(elapsed) << " ms");
  BOOST_TEST(millis(elapsed) < test::long_statement_seconds * 1000 / 2,
             "the destruction waited for a statement's end");
  BOOST_REQUIRE_MESSAGE(running.wait_for(2s) == std::future_status::ready,
                        "the blocked gather did not return after the client was destroyed");
  // A collect gather ends with an outcome per statement, never an exception: the client waits
  // for its callers before it stops its actors.
  const auto result = running.get();
  BOOST_REQUIRE_EQUAL(result.outcomes.size(), statements.size());
  std::size_t by_shutdown = 0;
  for (const auto& o : result.outcomes) {
    BOOST_TEST(o.status == actors::outcome_status::cancelled, o.error.to_string());
    by_shutdown += o.error.source == actors::error_source::shutdown ? 1 : 0;
  }
  BOOST_TEST(result.metrics.cancelled == statements.size());
  BOOST_TEST(by_shutdown >= statements.size() - 4); // all but those on the 4 connections
  if (backend != backend::sqlite) {
    test::server_monitor<suite_tag> monitor{backend, "shutdown"};
    BOOST_TEST(monitor.active_sleeps() == 0);
  }
}

BOOST_DATA_TEST_CASE(shutting_down_answers_the_gathers_that_actors_requested, all_backends,
                     backend) {
  // Actor code asks the coordinator itself, so the client cannot wait for it as it waits for
  // callers of gather(): the coordinator must answer every gather before its pools end, or the
  // requesting actor, and the actor system's destructor with it, would wait forever.
  seeded_database db{backend, "shutdownactor"};
  std::vector<model::statement> statements;
  for (int i = 0; i < 20; ++i)
    statements.push_back(i % 2 == 0 ? long_statement(backend) : select_data(i));
  std::promise<actors::gather_result> answered;
  auto answer = answered.get_future();
  std::promise<void> busy;
  std::promise<void> destroyed;
  auto busy_reached = busy.get_future();
  auto ended = destroyed.get_future();
  // CAF's actor system must end on the thread that made it (its logger is thread-local there).
  std::thread owner{[&] {
    caf::actor_system_config cfg;
    actors::apply_scheduler_defaults(cfg, 1);
    {
      caf::actor_system sys{cfg};
      client c{sys, db.settings(2)};
      actors::gather_request req;
      req.statements = statements;
      req.options.mode = actors::gather_mode::collect;
      auto body = [coordinator = c.coordinator(), req = std::move(req),
                   &answered](caf::event_based_actor* self) mutable {
        self->request(coordinator, caf::infinite, actors::gather_atom::value, std::move(req))
            .then(
                [=, &answered](actors::gather_result& r) {
                  answered.set_value(std::move(r));
                  self->quit();
                },
                [=, &answered](caf::error&) {
                  answered.set_value(actors::gather_result{});
                  self->quit();
                });
      };
      // The body travels as a spawn argument: CAF 0.17 dereferences a null argument tuple for a
      // function-based actor spawned without arguments (UBSan: reference binding to null).
      sys.spawn([](caf::event_based_actor* self, decltype(body) f) { f(self); }, std::move(body));
      (void)test::poll_until([&] { return c.stats().busy == 2; });
      busy.set_value();
      c.shutdown();
    }
    destroyed.set_value();
  }};
  busy_reached.wait();
  const auto bound = std::chrono::seconds{test::long_statement_seconds / 2};
  if (ended.wait_for(bound) != std::future_status::ready) {
    BOOST_ERROR("the actor system did not end within " << bound.count()
                                                       << " s of the client's shutdown");
    std::_Exit(1); // its threads still wait: nothing else can end this process
  }
  owner.join();
  BOOST_REQUIRE((answer.wait_for(0s) == std::future_status::ready));
  const auto result = answer.get();
  BOOST_REQUIRE_EQUAL(result.outcomes.size(), statements.size());
  for (std::size_t i = 0; i < statements.size(); i += 2)
    BOOST_TEST(result.outcomes[i].status == actors::outcome_status::cancelled,
               "statement " << i << ": " << result.outcomes[i].error.to_string());
}

BOOST_DATA_TEST_CASE(gather_after_shutdown_throws_gather_error, all_backends, backend) {
  seeded_database db{backend};
  client c{db.settings(2)};
  BOOST_TEST(c.gather({select_data(1)}).outcomes.at(0).ok());
  c.shutdown();
  c.shutdown(); // idempotent
  BOOST_CHECK_THROW((void)c.gather({select_data(1)}), actors::gather_error);
  // The pool is gone: stats say so instead of crashing or blocking.
  const auto s = c.stats();
  BOOST_TEST(s.connections == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
