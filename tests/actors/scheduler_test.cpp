// gatherdb's scheduler module (apply_scheduler_defaults): a work-sharing scheduler with a
// clock that skips terminating actors that never set a timeout. Timeouts of every kind must
// still fire, also while many actors without timeouts come and go.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <pthread.h>
#include <string>
#include <thread>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>

#include "gatherdb/actors/config.hpp"

using namespace std::chrono_literals;

namespace {

using ping_atom = caf::atom_constant<caf::atom("ping")>;

// The names of this process's threads.
std::string thread_names() {
  std::string names;
  for (const auto& task : std::filesystem::directory_iterator{"/proc/self/task"}) {
    std::ifstream comm{task.path() / "comm"};
    std::string name;
    std::getline(comm, name);
    names += name + '\n';
  }
  return names;
}

// Every actor here is spawned with an argument: CAF 0.17 dereferences a null argument tuple
// for a function-based actor spawned without one (UBSan, caf/detail/init_fun_factory.hpp).

// Answers no request: it keeps each promise (a dropped promise would answer) until it ends.
caf::behavior silent_actor(caf::event_based_actor* self,
                           std::shared_ptr<std::vector<caf::response_promise>> kept) {
  return {[=](ping_atom) {
    kept->push_back(self->make_response_promise());
    return kept->back();
  }};
}

caf::actor spawn_silent(caf::actor_system& sys) {
  return sys.spawn(silent_actor, std::make_shared<std::vector<caf::response_promise>>());
}

struct system_fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;

  explicit system_fixture(caf::atom_value policy = caf::atom("sharing"), std::size_t threads = 1) {
    gatherdb::actors::apply_scheduler_defaults(cfg, threads);
    cfg.set("scheduler.policy", policy);
    sys = std::make_unique<caf::actor_system>(cfg);
  }
};

} // namespace

BOOST_AUTO_TEST_SUITE(actors_scheduler)

BOOST_AUTO_TEST_CASE(sharing_policy_runs_gatherdb_clock_thread) {
  system_fixture f;
  // The thread names itself once it runs.
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (thread_names().find("gatherdb.clock") == std::string::npos &&
         std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(1ms);
  BOOST_TEST(thread_names().find("gatherdb.clock") != std::string::npos, thread_names());
}

BOOST_AUTO_TEST_CASE(sharing_policy_runs_actors_on_its_own_scheduler_threads) {
  system_fixture f{caf::atom("sharing"), 2};
  caf::scoped_actor self{*f.sys};
  // Each answer names the thread that ran it, and spawns (and so sets CAF's thread-local
  // logger) like a session actor does.
  auto where = f.sys->spawn(
      [](caf::event_based_actor* self, int) -> caf::behavior {
        return {[=](ping_atom, int) {
          self->spawn([](int) -> caf::behavior { return {}; }, 0);
          char name[16] = {};
          pthread_getname_np(pthread_self(), name, sizeof name);
          return std::string{name};
        }};
      },
      0);
  for (int i = 0; i < 100; ++i) {
    std::string name;
    self->request(where, 5s, ping_atom::value, i)
        .receive([&](std::string& n) { name = std::move(n); },
                 [&](caf::error& e) { name = f.sys->render(e); });
    BOOST_TEST(name == "gatherdb.sched");
  }
  self->send_exit(where, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(stealing_policy_falls_back_to_caf_scheduler) {
  system_fixture f{caf::atom("stealing"), 2};
  caf::scoped_actor self{*f.sys};
  // The answer names the thread that ran it: one of CAF's, not gatherdb's.
  auto echo = f.sys->spawn(
      [](int) -> caf::behavior {
        return {[=](ping_atom, int) {
          char name[16] = {};
          pthread_getname_np(pthread_self(), name, sizeof name);
          return std::string{name};
        }};
      },
      0);
  std::string ran_on;
  // A request with a timeout has the clock schedule its timeout: gatherdb's clock would run now.
  self->request(echo, 5s, ping_atom::value, 7)
      .receive([&](std::string& name) { ran_on = std::move(name); },
               [&](caf::error& e) { ran_on = f.sys->render(e); });
  BOOST_TEST(!ran_on.empty());
  BOOST_TEST(ran_on.rfind("gatherdb.", 0) != 0, ran_on);
  const auto silent = spawn_silent(*f.sys);
  self->request(silent, 20ms, ping_atom::value).receive([] {}, [](caf::error&) {});
  BOOST_TEST(thread_names().find("gatherdb.clock") == std::string::npos, thread_names());
  self->send_exit(echo, caf::exit_reason::user_shutdown);
  self->send_exit(silent, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(request_to_a_silent_actor_times_out) {
  system_fixture f;
  caf::scoped_actor self{*f.sys};
  auto silent = spawn_silent(*f.sys);
  caf::error err;
  const auto t0 = std::chrono::steady_clock::now();
  self->request(silent, 50ms, ping_atom::value)
      .receive([] { BOOST_FAIL("a reply from an actor that never replies"); },
               [&](caf::error& e) { err = std::move(e); });
  const auto waited = std::chrono::steady_clock::now() - t0;
  BOOST_TEST((err == caf::sec::request_timeout), f.sys->render(err));
  BOOST_TEST((waited >= 50ms && waited < 5s));
  self->send_exit(silent, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(event_based_request_timeout_reaches_its_handler) {
  system_fixture f;
  caf::scoped_actor self{*f.sys};
  auto silent = spawn_silent(*f.sys);
  auto asker = f.sys->spawn(
      [](caf::event_based_actor* me, caf::actor silent) -> caf::behavior {
        return {[=](ping_atom, const caf::actor& report_to) {
          me->request(silent, 50ms, ping_atom::value)
              .then([=] { me->send(report_to, false); },
                    [=](caf::error& e) { me->send(report_to, e == caf::sec::request_timeout); });
        }};
      },
      silent);
  self->send(asker, ping_atom::value, caf::actor{self});
  bool timed_out = false;
  self->receive([&](bool x) { timed_out = x; }, caf::after(5s) >> [] {});
  BOOST_TEST(timed_out);
  self->send_exit(asker, caf::exit_reason::user_shutdown);
  self->send_exit(silent, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(behavior_timeout_fires_and_delayed_message_arrives) {
  system_fixture f;
  caf::scoped_actor self{*f.sys};
  caf::actor report_to = self;
  auto idle = f.sys->spawn(
      [](caf::event_based_actor* me, caf::actor report_to) -> caf::behavior {
        return {[](ping_atom) {}, caf::after(30ms) >>
                                      [=] {
                                        me->send(report_to, std::string{"idle"});
                                        me->quit();
                                      }};
      },
      report_to);
  self->delayed_send(self, 30ms, std::string{"delayed"});
  std::string first;
  std::string second;
  self->receive([&](std::string& x) { first = x; }, caf::after(5s) >> [] {});
  self->receive([&](std::string& x) { second = x; }, caf::after(5s) >> [] {});
  BOOST_TEST((first + "," + second == "idle,delayed" || first + "," + second == "delayed,idle"),
             first + "," + second);
}

BOOST_AUTO_TEST_CASE(request_timeouts_fire_while_many_actors_end_without_timeouts) {
  system_fixture f{caf::atom("sharing"), 2};
  caf::scoped_actor self{*f.sys};
  auto silent = spawn_silent(*f.sys);
  caf::actor report_to = self;
  constexpr int askers = 10;
  for (int i = 0; i < askers; ++i) {
    f.sys->spawn(
        [](caf::event_based_actor* me, caf::actor silent, caf::actor report_to) {
          me->request(silent, 100ms, ping_atom::value)
              .then([=] { me->send(report_to, false); },
                    [=](caf::error& e) { me->send(report_to, e == caf::sec::request_timeout); });
        },
        silent, report_to);
  }
  for (int i = 0; i < 20000; ++i)
    f.sys->spawn([](caf::event_based_actor* me, int) { me->quit(); }, i);
  int timed_out = 0;
  for (int i = 0; i < askers; ++i)
    self->receive([&](bool x) { timed_out += x ? 1 : 0; }, caf::after(5s) >> [] {});
  BOOST_TEST(timed_out == askers);
  self->send_exit(silent, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_SUITE_END()
