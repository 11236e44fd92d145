#include "session.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include <caf/all.hpp>

#include "gatherdb/model/route.hpp"

#include "canned_outcomes.hpp"

namespace gatherdb::actors {

namespace {

/// One route's share of a statement on every route; reports to the statement's session.
using part_actor = caf::typed_actor<caf::reacts_to<done_atom, work_done>>;

work_done route_failure(std::string message) {
  work_done d;
  d.status = outcome_status::failed;
  d.route = UINT16_MAX; // ran on none
  d.error = {error_source::route,
             {"HY000", 0, std::move(message), drivers::error_category::other, false}};
  return d;
}

bool ended_early(const gather_context& gather) {
  return gather.control->stopped() || std::chrono::steady_clock::now() >= gather.deadline;
}

work_done early_outcome(const gather_context& gather) {
  return gather.control->stopped() ? detail::stopped_outcome(*gather.control)
                                   : detail::deadline_expired_outcome();
}

// The route of a statement that is not on every route: its own, the chooser's or `default`.
// Sets `failure` instead when there is none by that name or the chooser threw.
std::optional<std::uint16_t> resolve_route(const gather_context& gather,
                                           const model::statement& stmt, work_done& failure) {
  std::string chosen;
  const std::string* name = &stmt.route();
  if (name->empty() && gather.chooser) {
    try {
      chosen = gather.chooser(stmt);
    } catch (const std::exception& e) {
      failure = route_failure(std::string{"the gather's route chooser failed: "} + e.what());
      return std::nullopt;
    }
    name = &chosen;
  }
  const std::string_view wanted = name->empty() ? model::default_route : std::string_view{*name};
  const int r = gather.routes->find(wanted);
  if (r < 0) {
    std::string known;
    for (const auto& route : gather.routes->routes())
      known.append(known.empty() ? "" : ", ").append(route->name);
    failure = route_failure("no route named '" + std::string{wanted} + "' (routes: " + known + ")");
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(r);
}

// Sends statement `index` to pool `pool` of route `route`; its outcome goes to `owner`.
template <class Self>
void send_to_pool(Self* self, std::uint32_t index, const gather_context& gather,
                  const session_actor& owner, std::uint16_t route, std::uint16_t pool) {
  work_item item;
  item.stmt = (*gather.statements)[index];
  item.deadline = gather.deadline;
  item.gathered = gather.gathered;
  item.control = gather.control;
  item.session = owner;
  item.gather_size = static_cast<std::uint32_t>(gather.statements->size());
  item.index = index;
  self->send(gather.routes->routes()[route]->pools[pool].actor, enqueue_atom::value,
             std::move(item));
}

// After statement `index` ended with `done` on the pool `at` says: an idempotent read that lost
// its connection moves, once, to another pool of its route (sent there on behalf of `self`,
// returns true); otherwise `done` gets the executions on every pool and whether it moved.
template <class Self>
bool moved_to_another_pool(Self* self, std::uint32_t index, const gather_context& gather,
                           gather_context::placement& at, work_done& done) {
  // A node's lane has already tried another node when it says the statement moved.
  const bool moves =
      !at.moved && !done.metrics.moved && done.status == outcome_status::failed &&
      (done.error.source == error_source::database || done.error.source == error_source::node) &&
      done.error.info.category == drivers::error_category::connection &&
      (*gather.statements)[index].idempotent() &&
      gather.routes->routes()[at.route]->pools.size() > 1 && !ended_early(gather);
  if (moves) {
    at.moved = true;
    at.attempts = done.metrics.attempts;
    at.pool = gather.routes->pick(at.route, true, at.pool);
    send_to_pool(self, index, gather, caf::actor_cast<session_actor>(self), at.route, at.pool);
    return true;
  }
  done.metrics.attempts = static_cast<std::uint8_t>(done.metrics.attempts + at.attempts);
  done.metrics.moved = at.moved;
  return false;
}

// A part actor: runs statement `index` on route `route` and reports to `parent`.
part_actor::behavior_type route_part(part_actor::pointer self, const session_actor& parent,
                                     std::uint32_t index, std::uint16_t route,
                                     const std::shared_ptr<const gather_context>& gather) {
  const auto pool = gather->routes->pick(route, (*gather->statements)[index].idempotent());
  send_to_pool(self, index, *gather, caf::actor_cast<session_actor>(self), route, pool);
  auto at =
      std::make_shared<gather_context::placement>(gather_context::placement{route, pool, false, 0});
  return {
      [=](done_atom, work_done& done) {
        if (moved_to_another_pool(self, index, *gather, *at, done))
          return;
        self->send(parent, done_atom::value, route, std::move(done));
        self->quit();
      },
  };
}

// Places statement `index` on behalf of its session `owner`; a statement of a stopped or
// expired gather, or without a route, gets its outcome at once instead, so the rest of the
// batch drains in a few microseconds each instead of queueing at a pool.
void place(session_actor::pointer self, std::uint32_t index,
           const std::shared_ptr<const gather_context>& gather, const session_actor& owner) {
  if (ended_early(*gather)) {
    self->send(owner, done_atom::value, early_outcome(*gather));
    return;
  }
  const auto& stmt = (*gather->statements)[index];
  if (stmt.on_all_routes_requested()) {
    if (!stmt.idempotent()) {
      self->send(owner, done_atom::value,
                 route_failure("a statement that may write cannot run on every route"));
      return;
    }
    const auto n = gather->routes->routes().size();
    for (std::size_t r = 0; r < n; ++r)
      self->spawn(route_part, owner, index, static_cast<std::uint16_t>(r), gather);
    return;
  }
  work_done failure;
  const auto route = resolve_route(*gather, stmt, failure);
  if (!route) {
    self->send(owner, done_atom::value, std::move(failure));
    return;
  }
  const auto pool = gather->routes->pick(*route, stmt.idempotent());
  if (!gather->placements.empty())
    gather->placements[index] = {*route, pool, false, 0};
  send_to_pool(self, index, *gather, owner, *route, pool);
}

// Hands the outcome to the merge actor and passes this session's place in the window on:
// the next session is spawned lazily and its statement placed from here, so that it runs
// once, when its outcome arrives, instead of also once to place its statement (~650
// instructions per session on the scheduler thread).
void finish(session_actor::pointer self, std::uint32_t index,
            const std::shared_ptr<const gather_context>& gather, work_done&& done) {
  self->send(gather->merger, merge_atom::value, index, std::move(done));
  const auto next = gather->next_session.fetch_add(1, std::memory_order_relaxed);
  if (next < gather->statements->size()) {
    const auto i = static_cast<std::uint32_t>(next);
    place(self, i, gather, self->spawn<caf::lazy_init>(session, i, gather));
  }
}

// The outcome of a statement on every route from its parts (in route order): the first part
// that did not succeed, named after its route, else every part's rows one after another.
work_done combine(const gather_context& gather, std::vector<work_done>& parts) {
  const auto& routes = gather.routes->routes();
  for (std::size_t r = 0; r < parts.size(); ++r) {
    if (parts[r].status == outcome_status::ok)
      continue;
    auto out = std::move(parts[r]);
    out.route = static_cast<std::uint16_t>(r);
    out.error.info.message = "route '" + routes[r]->name + "': " + out.error.info.message;
    return out;
  }
  work_done out;
  out.status = outcome_status::ok;
  std::vector<model::frozen_result> rows;
  for (std::size_t r = 0; r < parts.size(); ++r) {
    auto& part = parts[r];
    auto& m = out.metrics;
    m.queue_wait_us = std::max(m.queue_wait_us, part.metrics.queue_wait_us);
    m.execute_us += part.metrics.execute_us;
    m.fetch_us += part.metrics.fetch_us;
    m.attempts = std::max(m.attempts, part.metrics.attempts);
    m.moved = m.moved || part.metrics.moved;
    m.batched = 1;
    m.coalesced = 1;
    rows.push_back(part.rows);
    out.parts.push_back(
        route_rows{static_cast<std::uint16_t>(r), std::move(part.rows), part.metrics});
  }
  try {
    out.rows = model::concatenate(rows);
  } catch (const std::invalid_argument& e) {
    out.status = outcome_status::failed;
    out.parts.clear();
    out.error = {error_source::merge,
                 {"", 0, std::string{"the routes' rows do not fit together: "} + e.what(),
                  drivers::error_category::other, false}};
  }
  return out;
}

} // namespace

session_actor::behavior_type session(session_actor::pointer self, std::uint32_t index,
                                     std::shared_ptr<const gather_context> gather) {
  // The first window's sessions run as they start (the others only when their outcome
  // arrives): each carries the ramp on, whatever happens to its own statement, and places
  // its statement itself.
  if (index < gather->ramp_end - std::min(gather->ramp_end, gather->ramp_slice))
    self->spawn(session, index + gather->ramp_slice, gather);
  if (index < gather->ramp_end)
    place(self, index, gather, caf::actor_cast<session_actor>(self));
  // The parts of a statement on every route, as they arrive.
  std::shared_ptr<std::vector<std::optional<work_done>>> parts;
  if ((*gather->statements)[index].on_all_routes_requested())
    parts =
        std::make_shared<std::vector<std::optional<work_done>>>(gather->routes->routes().size());
  return {
      [=](done_atom, work_done& done) {
        if (!gather->placements.empty() && done.error.source != error_source::route) {
          auto& at = gather->placements[index];
          done.route = at.route;
          // A statement on every route moves part by part (its part actors do).
          if (!parts && moved_to_another_pool(self, index, *gather, at, done))
            return;
        }
        finish(self, index, gather, std::move(done));
        self->quit();
      },
      [=](done_atom, std::uint16_t route, work_done& part) {
        if (!parts || route >= parts->size() || (*parts)[route])
          return; // not a statement on every route, or a duplicate: never merged twice
        (*parts)[route] = std::move(part);
        if (std::any_of(parts->begin(), parts->end(), [](const auto& p) { return !p; }))
          return;
        std::vector<work_done> all;
        for (auto& p : *parts)
          all.push_back(std::move(*p));
        finish(self, index, gather, combine(*gather, all));
        self->quit();
      },
  };
}

} // namespace gatherdb::actors
