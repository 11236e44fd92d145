#include "gatherdb/actors/merge_actor.hpp"

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

// The first statement not merged yet: outcomes are appended in statement order.
std::size_t next_to_merge(const merge_actor_state& st) noexcept {
  return st.result.outcomes.size();
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
  if (!st.promise || st.received < st.statements->size())
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
  st.promise->deliver(std::move(st.result));
  self->quit();
}

// Appends the outcome of the next statement in order, merged into the session.
void merge_next(merge_actor_state& st, work_done& done) {
  const auto i = next_to_merge(st);
  auto& out = st.result.outcomes.emplace_back();
  out.status = done.status;
  out.rows = std::move(done.rows);
  out.error = std::move(done.error);
  out.metrics = done.metrics;
  if (out.status != outcome_status::ok)
    return;
  const auto t0 = clock::now();
  try {
    out.result = (*st.statements)[i].merge_into(*st.result.session, out.rows, st.options.policy);
  } catch (const std::exception& e) {
    // Merging is all or nothing per frozen result: the session is as it was.
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
  while (!st.waiting.empty() && st.waiting.front()) {
    merge_next(st, *st.waiting.front());
    st.waiting.pop_front();
  }
  finish_if_done(self);
}

} // namespace

merge_actor::behavior_type merger(self_ptr self,
                                  std::shared_ptr<const std::vector<model::statement>> statements,
                                  gather_options options, std::shared_ptr<gather_control> control,
                                  std::shared_ptr<control_registry> registry, steady_time started) {
  auto& st = self->state;
  const auto n = statements->size();
  st.statements = std::move(statements);
  st.options = std::move(options);
  st.control = std::move(control);
  st.registry = std::move(registry);
  st.started = started;
  st.result.session =
      st.options.session ? st.options.session : std::make_shared<model::session_state>();
  // Appended as they are merged: constructing all of them here first touched every page of
  // the vector (184 bytes each, 5.5 MB at 30,000 statements) before the first session could
  // start.
  st.result.outcomes.reserve(n);
  return {
      [=](merge_atom, std::uint32_t index, work_done& done) {
        auto& st = self->state;
        if (index >= st.statements->size() || index < next_to_merge(st))
          return; // late (after the deadline) or duplicate: never merge twice
        const auto offset = index - next_to_merge(st);
        if (offset < st.waiting.size() && st.waiting[offset])
          return;
        ++st.received;
        if (done.status != outcome_status::ok && !st.control->stopped())
          note_failure(st, index, done.error);
        if (offset == 0) {
          // The usual case, the next statement in order: merged without a stay in `waiting`.
          merge_next(st, done);
          if (!st.waiting.empty())
            st.waiting.pop_front(); // its empty slot
        } else {
          if (offset >= st.waiting.size())
            st.waiting.resize(offset + 1);
          st.waiting[offset] = std::move(done);
        }
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
        const auto next = next_to_merge(st);
        st.waiting.resize(st.statements->size() - next);
        for (std::size_t offset = 0; offset < st.waiting.size(); ++offset) {
          auto& slot = st.waiting[offset];
          if (slot)
            continue;
          ++st.received;
          slot = detail::deadline_expired_outcome();
          slot->metrics.queue_wait_us = waited;
          if (!st.control->stopped())
            note_failure(st, next + offset, slot->error);
        }
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
