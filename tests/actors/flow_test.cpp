// The message flows of a gather without a database: the coordinator, session actors, pool and
// merge actor run under CAF's deterministic scheduler (`scheduler.policy=testing`, on this
// thread, only when the test says so) against fake connection workers that the test answers
// in the order it chooses. Statement order, fail_fast, collect, a worker that dies and a full
// pool queue, each decided by the test, never by timing.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "gatherdb/actors/messages.hpp"
#include "gatherdb/actors/settings.hpp"

#include "canned_outcomes.hpp"
#include "coordinator.hpp"
#include "support/print_log_values.hpp"

using namespace gatherdb;
using namespace gatherdb::actors;

namespace {

/// What the fake workers received and have not answered, shared with the test.
struct fake_workers {
  struct received {
    std::uint32_t worker = 0;
    pool_actor pool;
    work_chunk chunk;
  };
  std::vector<received> chunks;
  std::vector<worker_actor> spawned;
};

// A connection worker that connects at once, answers a stopped gather's statements at once (as
// a real worker does before it runs them), and otherwise keeps each chunk for the test.
worker_actor::behavior_type fake_worker(worker_actor::pointer self, std::uint32_t id,
                                        pool_actor pool, std::shared_ptr<fake_workers> log) {
  return {
      [=](connect_atom) { self->send(pool, ready_atom::value, id, connect_report{}); },
      [=](run_atom, work_chunk& chunk) {
        if (!chunk.items.empty() && chunk.items.front().control->stopped()) {
          done_chunk out;
          for (auto& item : chunk.items)
            out.results.emplace_back(item.session, detail::stopped_outcome(*item.control));
          self->send(pool, done_atom::value, id, std::move(out), true);
          return;
        }
        log->chunks.push_back({id, pool, std::move(chunk)});
      },
      [=](exec_atom, connection_task& task) {
        task.done->set_value();
        self->send(pool, done_atom::value, id, done_chunk{}, true);
      },
  };
}

model::frozen_result number(std::int64_t n) {
  std::vector<model::column_info> columns{{"n", model::value_type::int64, 0, false}};
  model::row_chunk chunk{columns};
  chunk.column(0).push_int64(n);
  chunk.finish_row();
  std::vector<model::row_chunk> chunks;
  chunks.push_back(std::move(chunk));
  return model::freeze(std::move(columns), std::move(chunks));
}

work_done ok_with(std::int64_t n) {
  work_done d;
  d.status = outcome_status::ok;
  d.rows = number(n);
  d.metrics.attempts = 1;
  return d;
}

work_done failed_with(std::string sqlstate) {
  work_done d;
  d.status = outcome_status::failed;
  d.error = {error_source::database,
             {std::move(sqlstate), 1, "fake failure", drivers::error_category::syntax, false}};
  d.metrics.attempts = 1;
  return d;
}

struct flow_fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;
  std::shared_ptr<fake_workers> workers = std::make_shared<fake_workers>();
  std::unique_ptr<caf::scoped_actor> self;

  flow_fixture() {
    cfg.set("scheduler.policy", caf::atom("testing"));
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
    self = std::make_unique<caf::scoped_actor>(*sys);
  }
  ~flow_fixture() {
    // The coordinator's shutdown stops the pool and the workers linked to it.
    for (auto& c : started)
      caf::anon_send(c, shutdown_atom::value);
    started.clear();
    workers->spawned.clear();
    workers->chunks.clear();
    sched->run();
    self.reset();
  }

  std::vector<coordinator_actor> started;

  coordinator_actor start(settings s) {
    auto log = workers;
    auto factory = [this, log](pool_actor pool, std::uint32_t id) {
      auto w = sys->spawn(fake_worker, id, std::move(pool), log);
      log->spawned.push_back(w);
      return w;
    };
    auto c = sys->spawn(coordinator, std::make_shared<const settings>(std::move(s)),
                        std::make_shared<control_registry>(), worker_factory{factory},
                        std::shared_ptr<const outcome_observers>{});
    sched->run();
    started.push_back(c);
    return c;
  }

  /// Answers the statements of received chunk `k` with `answer(item)`.
  template <class Answer>
  void answer(std::size_t k, Answer&& answer) {
    auto r = std::move(workers->chunks.at(k));
    workers->chunks.erase(workers->chunks.begin() + static_cast<std::ptrdiff_t>(k));
    done_chunk out;
    for (auto& item : r.chunk.items)
      out.results.emplace_back(item.session, answer(item));
    caf::anon_send(r.pool, done_atom::value, r.worker, std::move(out), true);
    sched->run();
  }

  /// Sends a gather and runs every actor until nothing is left to do.
  auto gather(const coordinator_actor& c, std::size_t n, gather_mode mode) {
    gather_request req;
    for (std::size_t i = 0; i < n; ++i)
      req.statements.push_back(model::statement::raw("SELECT " + std::to_string(i), {}, true));
    req.options.mode = mode;
    req.options.timeout = std::chrono::milliseconds{-1};
    auto handle = (*self)->request(caf::actor_cast<caf::actor>(c), caf::infinite,
                                   gather_atom::value, std::move(req));
    sched->run();
    return handle;
  }

  /// The gather's result, which must have arrived: under this scheduler nothing else would
  /// deliver it, so waiting would only hang.
  template <class Handle>
  gather_result result_of(Handle& h) {
    BOOST_REQUIRE_MESSAGE(!(*self)->mailbox().empty(), "the gather has not ended");
    gather_result out;
    bool got = false;
    h.receive(
        [&](gather_result& r) {
          out = std::move(r);
          got = true;
        },
        [&](caf::error&) { got = false; });
    BOOST_REQUIRE(got);
    return out;
  }

  std::size_t statements_received() const {
    std::size_t n = 0;
    for (const auto& r : workers->chunks)
      n += r.chunk.items.size();
    return n;
  }
};

settings pool_of(std::size_t n) {
  settings s;
  s.pool_size = n;
  return s;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(actors_flow, flow_fixture)

BOOST_AUTO_TEST_CASE(outcomes_come_in_statement_order_whatever_order_the_workers_answer) {
  auto c = start(pool_of(3));
  auto h = gather(c, 12, gather_mode::collect);
  BOOST_REQUIRE(statements_received() == 12u);
  BOOST_TEST(workers->chunks.size() > 1u); // spread over the connections
  while (!workers->chunks.empty())         // the last chunk first, each answered as it came
    answer(workers->chunks.size() - 1, [](const work_item& w) { return ok_with(100 + w.index); });
  auto r = result_of(h);
  BOOST_REQUIRE_EQUAL(r.outcomes.size(), 12u);
  for (std::size_t i = 0; i < 12; ++i) {
    BOOST_REQUIRE(r.outcomes[i].ok());
    BOOST_TEST(r.outcomes[i].rows->row(0).int64_at(0) == static_cast<std::int64_t>(100 + i));
  }
  BOOST_TEST(!r.failure);
}

BOOST_AUTO_TEST_CASE(each_statement_reaches_a_worker_once_in_statement_order) {
  auto s = pool_of(2);
  s.max_chunk = 3;
  auto c = start(s);
  auto h = gather(c, 10, gather_mode::collect);
  std::vector<std::uint32_t> seen;
  while (!workers->chunks.empty()) {
    for (const auto& item : workers->chunks.front().chunk.items)
      seen.push_back(item.index);
    BOOST_TEST(workers->chunks.front().chunk.items.size() <= 3u);
    answer(0, [](const work_item& w) { return ok_with(w.index); });
  }
  const std::vector<std::uint32_t> all{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  BOOST_TEST(seen == all);
  BOOST_TEST(result_of(h).outcomes.size() == 10u);
}

BOOST_AUTO_TEST_CASE(fail_fast_ends_the_statements_not_run_yet_as_cancelled) {
  auto s = pool_of(1);
  s.max_chunk = 2; // the rest waits in the pool
  auto c = start(s);
  auto h = gather(c, 6, gather_mode::fail_fast);
  BOOST_REQUIRE_EQUAL(workers->chunks.size(), 1u);
  answer(0,
         [](const work_item& w) { return w.index == 0 ? failed_with("42601") : ok_with(w.index); });
  // The rest reach the worker, which ends a stopped gather's statements at once, as a real
  // worker checks the gather's stop flag before each statement.
  while (!workers->chunks.empty())
    answer(0, [](const work_item& w) {
      return w.control->stopped() ? detail::stopped_outcome(*w.control) : ok_with(w.index);
    });
  auto r = result_of(h);
  BOOST_REQUIRE(r.failure);
  BOOST_TEST(r.failure->index == 0u);
  BOOST_TEST(r.failure->error.info.sqlstate == "42601");
  BOOST_TEST(r.outcomes[1].ok()); // it ran before the failure was known
  for (std::size_t i = 2; i < 6; ++i) {
    BOOST_TEST(r.outcomes[i].status == outcome_status::cancelled);
    BOOST_TEST(r.outcomes[i].error.info.sqlstate == "HY008");
  }
}

BOOST_AUTO_TEST_CASE(collect_reports_the_first_failure_in_statement_order) {
  auto s = pool_of(2);
  s.max_chunk = 2;
  auto c = start(s);
  auto h = gather(c, 4, gather_mode::collect);
  // Statement 3 fails first, statement 1 later: the gather reports statement 1.
  auto fails = [](const work_item& w) {
    return w.index == 1 || w.index == 3 ? failed_with(w.index == 1 ? "42P01" : "22P02")
                                        : ok_with(w.index);
  };
  while (!workers->chunks.empty()) {
    auto latest = std::max_element(
        workers->chunks.begin(), workers->chunks.end(), [](const auto& x, const auto& y) {
          return x.chunk.items.front().index < y.chunk.items.front().index;
        });
    answer(static_cast<std::size_t>(latest - workers->chunks.begin()), fails);
  }
  auto r = result_of(h);
  BOOST_REQUIRE(r.failure);
  BOOST_TEST(r.failure->index == 1u);
  BOOST_TEST(r.outcomes[0].ok());
  BOOST_TEST(r.outcomes[2].ok()); // collect: nothing was stopped
  BOOST_TEST(r.outcomes[3].error.info.sqlstate == "22P02");
  BOOST_TEST(r.metrics.failed == 2u);
}

BOOST_AUTO_TEST_CASE(a_worker_that_dies_fails_its_statements_and_is_replaced) {
  auto c = start(pool_of(1));
  auto h = gather(c, 5, gather_mode::collect);
  BOOST_REQUIRE_EQUAL(workers->chunks.size(), 1u);
  BOOST_REQUIRE_EQUAL(workers->spawned.size(), 1u);
  // As a worker whose thread ends with an exception (`kill` could not be trapped by the pool).
  caf::anon_send_exit(workers->spawned.front(), caf::exit_reason::unhandled_exception);
  workers->chunks.clear();
  sched->run();
  auto r = result_of(h);
  for (const auto& o : r.outcomes) {
    BOOST_TEST(o.status == outcome_status::failed);
    BOOST_TEST(o.error.info.category == drivers::error_category::connection);
  }
  // The next gather gets a new worker.
  auto again = gather(c, 2, gather_mode::collect);
  BOOST_TEST(workers->spawned.size() == 2u);
  BOOST_REQUIRE_EQUAL(workers->chunks.size(), 1u);
  answer(0, [](const work_item& w) { return ok_with(w.index); });
  BOOST_TEST(result_of(again).metrics.succeeded == 2u);
}

BOOST_AUTO_TEST_CASE(a_full_pool_queue_fails_a_statement_at_once_with_pool_exhausted) {
  auto s = pool_of(1);
  s.max_chunk = 1;
  s.queue_bound = 1;
  auto c = start(s);
  auto first = gather(c, 1, gather_mode::collect);  // runs at the worker
  auto second = gather(c, 1, gather_mode::collect); // waits in the queue
  auto third = gather(c, 1, gather_mode::collect);  // finds the queue full
  auto r3 = result_of(third);
  BOOST_TEST(r3.outcomes.at(0).error.source == error_source::pool_exhausted);
  answer(0, [](const work_item& w) { return ok_with(w.index); });
  answer(0, [](const work_item& w) { return ok_with(w.index); });
  BOOST_TEST(result_of(first).outcomes.at(0).ok());
  BOOST_TEST(result_of(second).outcomes.at(0).ok());
}

BOOST_AUTO_TEST_SUITE_END()
