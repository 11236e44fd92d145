#include "merger.hpp"

#include <chrono>

#include <caf/all.hpp>

#include "canned_outcomes.hpp"

namespace gatherdb::actors {

namespace {

using clock = std::chrono::steady_clock;
using self_ptr = merge_actor::stateful_pointer<merge_actor_state>;

std::chrono::microseconds us(std::uint32_t x) {
  return std::chrono::microseconds{x};
}

void note_failure(merge_actor_state& st, std::size_t i, const statement_error& error) {
  if (st.result.failure)
    return;
  st.result.failure = gather_failure{i, error};
  if (st.options.mode == gather_mode::fail_fast)
    st.control->request_stop(false);
}

void finish_if_done(self_ptr self) {
  auto& st = self->state;
  if (!st.promise || !st.arrivals.complete())
    return;
  auto& m = st.result.metrics;
  m = gather_metrics{};
  m.statements = st.result.outcomes.size();
  for (std::size_t i = 0; i < st.result.outcomes.size(); ++i) {
    const auto& o = st.result.outcomes[i];
    switch (o.status) {
    case outcome_status::ok:
      ++m.succeeded;
      break;
    case outcome_status::failed:
      ++m.failed;
      break;
    case outcome_status::cancelled:
      ++m.cancelled;
      break;
    }
    if (o.metrics.attempts > 1)
      ++m.retried;
    m.queue_wait += us(o.metrics.queue_wait_us);
    m.execute += us(o.metrics.execute_us);
    m.fetch += us(o.metrics.fetch_us);
    m.merge += us(o.metrics.merge_us);
    m.max_queue_wait = std::max(m.max_queue_wait, us(o.metrics.queue_wait_us));
    // In collect mode the reported failure is the first in statement order, whatever order
    // the statements ended in; a merge failure is only known here.
    if (o.status != outcome_status::ok && st.options.mode == gather_mode::collect &&
        (!st.result.failure || st.result.failure->index > i))
      st.result.failure = gather_failure{i, o.error};
  }
  m.wall = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - st.started);
  if (st.registry)
    st.registry->remove(st.control.get());
  // Once per gather, off the connection workers: one lock for the metrics, and the log's
  // lines only when it is on.
  if (st.observers)
    st.observers->observe(st.gather_id, *st.statements, st.result.outcomes);
  st.promise->deliver(std::move(st.result));
  self->quit();
}

// Merges rows read through route `r` (its position in the route table).
model::merged_result merge_route(merge_actor_state& st, std::size_t i,
                                 const model::frozen_result& rows, std::uint16_t r) {
  const auto& routes = st.routes->routes();
  const std::string_view name =
      r < routes.size() ? std::string_view{routes[r]->name} : model::default_route;
  return (*st.statements)[i].merge_into(*st.result.session, rows, st.options.policy, name);
}

// Appends the outcome of statement `i`, the next in order, merged into the session.
void merge_next(merge_actor_state& st, std::size_t i, work_done& done) {
  auto& out = st.result.outcomes.emplace_back();
  out.status = done.status;
  out.rows = std::move(done.rows);
  out.error = std::move(done.error);
  out.metrics = done.metrics;
  const auto& routes = st.routes->routes();
  if (done.parts.empty() && done.route < routes.size())
    out.route = routes[done.route]->name;
  for (const auto& part : done.parts)
    out.parts.push_back(outcome_part{routes[part.route]->name,
                                     part.rows ? part.rows->row_count() : 0, part.metrics});
  if (out.status != outcome_status::ok)
    return;
  const auto t0 = clock::now();
  try {
    if (done.parts.empty()) {
      out.result = merge_route(st, i, out.rows, done.route);
    } else {
      // Each route's rows merge all or nothing; should a later route's fail, the earlier
      // routes' objects stay in the session (as two statements' would).
      std::vector<model::merged_result> merged;
      for (const auto& part : done.parts)
        merged.push_back(merge_route(st, i, part.rows, part.route));
      out.result = model::merged_result::concatenate(merged, out.rows);
    }
  } catch (const std::exception& e) {
    // Merging is all or nothing per frozen result (per route's rows).
    out.status = outcome_status::failed;
    out.error = {error_source::merge, {"", 0, e.what(), drivers::error_category::other, false}};
    note_failure(st, i, out.error);
  }
  out.metrics.merge_us = static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - t0).count());
}

// Merges the complete prefix of outcomes, in statement order, then replies if all are in.
void merge_ready(self_ptr self) {
  auto& st = self->state;
  st.arrivals.release_ready([&](std::size_t i, work_done& done) { merge_next(st, i, done); });
  finish_if_done(self);
}

} // namespace

merge_actor::behavior_type merger(self_ptr self,
                                  std::shared_ptr<const std::vector<model::statement>> statements,
                                  gather_options options, std::shared_ptr<gather_control> control,
                                  std::shared_ptr<control_registry> registry, steady_time started,
                                  std::shared_ptr<const outcome_observers> observers,
                                  std::uint64_t gather_id,
                                  std::shared_ptr<const route_table> routes) {
  auto& st = self->state;
  st.routes = std::move(routes);
  const auto n = statements->size();
  st.statements = std::move(statements);
  st.options = std::move(options);
  st.control = std::move(control);
  st.registry = std::move(registry);
  st.started = started;
  st.observers = std::move(observers);
  st.gather_id = gather_id;
  st.result.session =
      st.options.session ? st.options.session : std::make_shared<model::session_state>();
  // Appended as they are merged: constructing all of them here first touched every page of
  // the vector (184 bytes each, 5.5 MB at 30,000 statements) before the first session could
  // start.
  st.result.outcomes.reserve(n);
  st.arrivals = detail::in_order_buffer<work_done>{n};
  return {
      [=](merge_atom, std::uint32_t index, work_done& done) {
        auto& st = self->state;
        const bool failed = done.status != outcome_status::ok;
        auto error = failed ? done.error : statement_error{};
        // A late (after the deadline) or duplicate outcome is dropped: never merged twice.
        if (!st.arrivals.put(index, done))
          return;
        if (failed && !st.control->stopped())
          note_failure(st, index, error);
        merge_ready(self);
      },
      // The deadline passed (the coordinator's sweep says so): a statement still waiting at a
      // connection worker busy with another gather's long statement cannot be cancelled there,
      // so its outcome is decided here and whatever arrives later is dropped.
      [=](expire_atom) {
        auto& st = self->state;
        const auto waited = static_cast<std::uint32_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - st.started)
                .count());
        st.arrivals.fill_missing([&](std::size_t i) {
          auto d = detail::deadline_expired_outcome();
          d.metrics.queue_wait_us = waited;
          if (!st.control->stopped())
            note_failure(st, i, d.error);
          return d;
        });
        merge_ready(self);
      },
      [=](gather_atom) -> caf::result<gather_result> {
        auto& st = self->state;
        st.promise = self->make_response_promise<gather_result>();
        auto rp = *st.promise;
        finish_if_done(self);
        return rp;
      },
  };
}

} // namespace gatherdb::actors
