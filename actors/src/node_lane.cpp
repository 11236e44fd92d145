#include "node_lane.hpp"

#include <algorithm>

#include <caf/all.hpp>

#include "canned_outcomes.hpp"
#include "node_wire.hpp"

namespace gatherdb::actors {

namespace {

using clock = std::chrono::steady_clock;
/// The lane's interface: a worker's, and `expire_atom`, its tick that forwards stops.
using lane_actor =
    worker_actor::extend<caf::reacts_to<expire_atom>,
                         caf::reacts_to<detail::node_part_atom, std::uint64_t, std::string>>;
using self_ptr = lane_actor::stateful_pointer<node_lane_state>;
using ticker_actor = caf::typed_actor<caf::reacts_to<expire_atom>, caf::reacts_to<done_atom>>;

// How often the gathers of statements out on nodes are checked for a stop to forward.
constexpr auto stop_check_interval = std::chrono::milliseconds{20};
// A lost node is attached again on the next chunk after this long, not on every chunk.
constexpr auto reattach_backoff = std::chrono::milliseconds{100};
// A node answers a chunk once each of its statements has ended, by their deadline at the
// latest (its own pools enforce it); past this much more, the node counts as lost.
constexpr auto answer_grace = std::chrono::seconds{10};

drivers::error_info node_error(std::string message, bool retryable) {
  return {"08S01", 0, std::move(message), drivers::error_category::connection, retryable};
}

void attach(self_ptr self, node_endpoint& n) {
  attach_node(self->system(), n, self->state.route, *self->state.config);
  if (n.handle)
    self->monitor(n.handle);
}

bool any_attached(const node_lane_state& st) {
  return std::any_of(st.nodes.begin(), st.nodes.end(), [](auto& n) { return n.handle != nullptr; });
}

std::string why_none(const node_lane_state& st, int exclude) {
  std::string why = "no gatherdb node of route '" + st.route + "' is attached";
  for (std::size_t i = 0; i < st.nodes.size(); ++i) {
    if (static_cast<int>(i) == exclude)
      continue;
    if (const auto& e = st.nodes[i].error)
      why += "; " + e->message;
  }
  return why;
}

// The attached node that holds the fewest statements of the route, other than `exclude`.
std::optional<std::size_t> pick(const node_lane_state& st, int exclude) {
  std::optional<std::size_t> best;
  std::uint32_t best_load = 0;
  for (std::size_t i = 0; i < st.nodes.size(); ++i) {
    if (static_cast<int>(i) == exclude || !st.nodes[i].handle)
      continue;
    const auto load = st.loads->in_flight[i].load(std::memory_order_relaxed);
    if (!best || load < best_load) {
      best = i;
      best_load = load;
    }
  }
  return best;
}

void report(self_ptr self, const pool_actor& pool, std::uint64_t job, done_chunk out) {
  auto& st = self->state;
  auto it = st.jobs.find(job);
  const bool finished = it == st.jobs.end() || it->second == 0;
  if (finished && it != st.jobs.end())
    st.jobs.erase(it);
  if (!finished && out.results.empty())
    return;
  out.connected = any_attached(st);
  self->send<caf::message_priority::high>(pool, done_atom::value, st.id, std::move(out), finished);
}

work_done failed_outcome(drivers::error_info info, const node_endpoint* n, int attempts) {
  work_done d;
  d.status = outcome_status::failed;
  d.error = {error_source::node, std::move(info)};
  d.metrics.attempts = static_cast<std::uint8_t>(attempts);
  if (n != nullptr)
    d.metrics.node = n->name;
  return d;
}

void send_items(self_ptr self, const pool_actor& pool, std::uint64_t job,
                std::vector<work_item> items, std::size_t target, bool retry, done_chunk& out);

// The statements of `req` lost their node: reads go once to another node, the rest fail.
void fail_request(self_ptr self, const pool_actor& pool, node_request req, const std::string& why,
                  done_chunk& out) {
  auto& st = self->state;
  const auto& n = st.nodes[req.node];
  std::vector<work_item> again;
  for (std::size_t k = 0; k < req.items.size(); ++k) {
    if (req.answered[k])
      continue;
    auto& item = req.items[k];
    if (item.control->stopped()) {
      out.results.emplace_back(std::move(item.session), detail::stopped_outcome(*item.control));
    } else if (!req.retry && item.stmt.idempotent() && st.config->retry_idempotent_reads) {
      again.push_back(std::move(item));
    } else {
      auto message =
          why + (item.stmt.idempotent() ? std::string{} : "; a write is never sent twice");
      auto d = failed_outcome(node_error(std::move(message), false), &n, req.retry ? 2 : 1);
      d.metrics.moved = req.retry; // it had its one retry, on another node
      out.results.emplace_back(std::move(item.session), std::move(d));
    }
  }
  if (again.empty())
    return;
  if (auto other = pick(st, static_cast<int>(req.node))) {
    send_items(self, pool, req.job, std::move(again), *other, true, out);
    return;
  }
  for (auto& item : again)
    out.results.emplace_back(
        std::move(item.session),
        failed_outcome(node_error(why + "; " + why_none(st, -1), true), &n, 1));
}

// Node `i` is gone: every request it holds fails (see `fail_request`).
void lose(self_ptr self, const pool_actor& pool, std::size_t i, const std::string& why) {
  auto& st = self->state;
  auto& n = st.nodes[i];
  if (n.handle)
    self->demonitor(n.handle.address());
  n.handle = nullptr;
  n.error = node_error(why, true);
  n.failed_at = clock::now();
  std::vector<node_request> lost;
  for (auto it = st.requests.begin(); it != st.requests.end();) {
    if (it->second.node == i) {
      lost.push_back(std::move(it->second));
      it = st.requests.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& req : lost) {
    st.loads->in_flight[i].fetch_sub(static_cast<std::uint32_t>(req.open));
    done_chunk out;
    const auto job = req.job;
    --st.jobs[job];
    fail_request(self, pool, std::move(req), why, out);
    report(self, pool, job, std::move(out));
  }
}

// Hands the outcomes of `req` that came from its node to their sessions (each once); false
// with `malformed` set when they are not outcomes of its statements.
bool deliver(self_ptr self, node_request& req, const std::string& bytes, done_chunk& out,
             std::string& malformed) {
  auto& st = self->state;
  std::vector<detail::node_outcome> outcomes;
  try {
    outcomes = detail::decode_outcomes(bytes);
  } catch (const model::codec_error& e) {
    malformed = e.what();
    return false;
  }
  const auto& n = st.nodes[req.node];
  for (auto& o : outcomes) {
    if (o.slot >= req.items.size() || req.answered[o.slot]) {
      malformed = "an outcome for no statement it holds";
      return false;
    }
    auto& item = req.items[o.slot];
    req.answered[o.slot] = true;
    --req.open;
    st.loads->in_flight[req.node].fetch_sub(1);
    work_done d;
    if (o.status != outcome_status::ok && item.control->stopped()) {
      d = detail::stopped_outcome(*item.control);
    } else {
      d.status = o.status;
      d.rows = std::move(o.rows);
      d.error = std::move(o.error);
      d.metrics = std::move(o.metrics);
    }
    d.metrics.node = n.name;
    if (req.retry) {
      d.metrics.moved = true;
      d.metrics.attempts = static_cast<std::uint8_t>(std::max<int>(d.metrics.attempts, 1) + 1);
    }
    out.results.emplace_back(std::move(item.session), std::move(d));
  }
  return true;
}

// Outcomes of a chunk that the node sent before the whole chunk ended.
void on_part(self_ptr self, const pool_actor& pool, std::uint64_t id, const std::string& bytes) {
  auto& st = self->state;
  auto it = st.requests.find(id);
  if (it == st.requests.end())
    return;
  done_chunk out;
  std::string malformed;
  const auto job = it->second.job;
  if (!deliver(self, it->second, bytes, out, malformed)) {
    auto req = std::move(it->second);
    st.requests.erase(it);
    st.loads->in_flight[req.node].fetch_sub(static_cast<std::uint32_t>(req.open));
    --st.jobs[job];
    const auto name = st.nodes[req.node].name;
    fail_request(self, pool, std::move(req),
                 "gatherdb node " + name + " sent a malformed answer: " + malformed, out);
  }
  report(self, pool, job, std::move(out));
}

// The answer to a chunk: the outcomes the node had not sent yet.
void on_reply(self_ptr self, const pool_actor& pool, std::uint64_t id, const std::string& bytes) {
  auto& st = self->state;
  auto it = st.requests.find(id);
  if (it == st.requests.end())
    return;
  auto req = std::move(it->second);
  st.requests.erase(it);
  const auto job = req.job;
  --st.jobs[job];
  done_chunk out;
  std::string malformed;
  if (deliver(self, req, bytes, out, malformed) && req.open > 0)
    malformed = "no outcome for " + std::to_string(req.open) + " of its statements";
  if (!malformed.empty()) {
    st.loads->in_flight[req.node].fetch_sub(static_cast<std::uint32_t>(req.open));
    const auto name = st.nodes[req.node].name;
    fail_request(self, pool, std::move(req),
                 "gatherdb node " + name + " sent a malformed answer: " + malformed, out);
  }
  report(self, pool, job, std::move(out));
}

void arm_tick(self_ptr self) {
  auto& st = self->state;
  if (st.tick_armed || st.requests.empty())
    return;
  st.tick_armed = true;
  self->send(st.ticker, expire_atom::value);
}

// Answers each `expire_atom` of the lane with one after `stop_check_interval`. It holds the
// lane weakly: nothing may keep a detached actor from being destroyed once it ends.
ticker_actor::behavior_type ticker(ticker_actor::pointer self, const caf::actor_addr& lane) {
  return {
      [self](expire_atom) { self->delayed_send(self, stop_check_interval, done_atom::value); },
      [self, lane](done_atom) {
        if (auto l = caf::actor_cast<lane_actor>(lane))
          self->send(l, expire_atom::value);
      },
  };
}

std::uint64_t token_of(const work_item& item) {
  return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(item.control.get()));
}

void send_items(self_ptr self, const pool_actor& pool, std::uint64_t job,
                std::vector<work_item> items, std::size_t target, bool retry, done_chunk& out) {
  auto& st = self->state;
  auto& n = st.nodes[target];
  const auto now = clock::now();
  detail::node_chunk chunk;
  chunk.route = st.route;
  chunk.items.reserve(items.size());
  std::vector<work_item> sent;
  sent.reserve(items.size());
  bool bounded = true;
  auto latest = now;
  // Lookups of one shape follow each other: the last one's shape is checked first.
  int last_shape_item = -1;
  for (auto& item : items) {
    detail::node_item x;
    try {
      x.gather = token_of(item);
      if (item.deadline == steady_time::max()) {
        bounded = false;
      } else {
        const auto left =
            std::chrono::duration_cast<std::chrono::microseconds>(item.deadline - now);
        x.remaining_us = static_cast<std::uint64_t>(std::max<std::int64_t>(left.count(), 1));
        latest = std::max(latest, item.deadline);
      }
      x.gather_size = item.gather_size;
      x.index = item.index;
      x.idempotent = item.stmt.idempotent();
      item.stmt.compile_into(n.dialect, x.sql);
      if (item.stmt.coalescible()) {
        const auto* prev = last_shape_item >= 0 ? &chunk.items[last_shape_item] : nullptr;
        if (prev != nullptr && prev->sql.sql == x.sql.sql &&
            prev->sql.params.size() == x.sql.params.size() && !x.sql.params.empty() &&
            std::equal(x.sql.params.begin() + 1, x.sql.params.end(),
                       prev->sql.params.begin() + 1)) {
          x.shape = prev->shape;
        } else if (auto shape = item.stmt.coalesced_form(n.dialect)) {
          auto at = std::find(chunk.shapes.begin(), chunk.shapes.end(), *shape);
          x.shape = static_cast<std::int32_t>(at - chunk.shapes.begin());
          if (at == chunk.shapes.end())
            chunk.shapes.push_back(std::move(*shape));
        }
        if (x.shape >= 0)
          last_shape_item = static_cast<int>(chunk.items.size());
      }
    } catch (const std::exception& e) {
      work_done d;
      d.status = outcome_status::failed;
      d.error = {error_source::database,
                 {"HY000", 0, e.what(), drivers::error_category::other, false}};
      out.results.emplace_back(std::move(item.session), std::move(d));
      continue;
    }
    chunk.items.push_back(std::move(x));
    sent.push_back(std::move(item));
  }
  if (sent.empty())
    return;
  const auto id = ++st.next_request;
  chunk.request = id;
  auto bytes = detail::encode_chunk(chunk);
  const auto n_sent = sent.size();
  st.loads->in_flight[target].fetch_add(static_cast<std::uint32_t>(n_sent));
  ++st.jobs[job];
  node_request req;
  req.node = target;
  req.job = job;
  req.items = std::move(sent);
  req.answered.assign(n_sent, false);
  req.open = n_sent;
  req.retry = retry;
  req.give_up_at = bounded ? latest + answer_grace : clock::time_point::max();
  st.requests.emplace(id, std::move(req));
  // No timeout in CAF's clock (see `node_lane_state::ticker`): the tick gives up on the node.
  self->request(n.handle, caf::infinite, detail::node_run_atom::value, std::move(bytes))
      .then([self, pool, id](std::string& reply) { on_reply(self, pool, id, reply); },
            [self, pool, id, target](caf::error& e) {
              auto& st = self->state;
              if (st.requests.count(id) == 0)
                return;
              lose(self, pool, target,
                   "gatherdb node " + st.nodes[target].name +
                       " was lost while it held the statement: " + self->system().render(e));
            });
  arm_tick(self);
}

void run(self_ptr self, const pool_actor& pool, work_chunk& chunk) {
  auto& st = self->state;
  const auto job = ++st.next_job;
  st.jobs[job] = 0;
  const auto now = clock::now();
  for (auto& n : st.nodes)
    if (!n.handle && now - n.failed_at >= reattach_backoff)
      attach(self, n);
  done_chunk out;
  if (auto target = pick(st, -1)) {
    send_items(self, pool, job, std::move(chunk.items), *target, false, out);
  } else {
    const auto why = why_none(st, -1);
    for (auto& item : chunk.items)
      out.results.emplace_back(std::move(item.session),
                               failed_outcome(node_error(why, true), nullptr, 0));
  }
  report(self, pool, job, std::move(out));
}

// Forwards the stop of every gather with statements out on a node; a node that has not
// answered long after the deadlines of what it holds counts as lost.
void forward_stops(self_ptr self, const pool_actor& pool) {
  auto& st = self->state;
  const auto now = clock::now();
  for (auto& [id, req] : st.requests) {
    if (now >= req.give_up_at) {
      const auto node = req.node;
      lose(self, pool, node,
           "gatherdb node " + st.nodes[node].name + " did not answer long after its deadline");
      return forward_stops(self, pool);
    }
  }
  for (auto& [id, req] : st.requests) {
    const auto& n = st.nodes[req.node];
    if (!n.handle)
      continue;
    for (const auto& item : req.items) {
      if (!item.control->stopped())
        continue;
      const auto token = token_of(item);
      if (req.stops_sent.insert(token).second)
        self->send(n.handle, detail::node_stop_atom::value, token);
    }
  }
}

lane_actor::behavior_type lane(self_ptr self, std::uint32_t id, std::string route,
                               std::shared_ptr<const settings> config,
                               const std::vector<std::string>& nodes,
                               std::shared_ptr<node_loads> loads, const pool_actor& pool) {
  auto& st = self->state;
  st.id = id;
  st.route = std::move(route);
  st.config = std::move(config);
  st.loads = std::move(loads);
  for (const auto& n : nodes)
    st.nodes.push_back(endpoint_of(n));
  // Not linked: a linked ticker would answer the lane's end with an exit message of its own,
  // and a message that reaches a detached actor while it ends can leave its thread waiting
  // for good (a hang in ~actor_system). The lane ends it, and nothing comes back.
  st.ticker = self->spawn(ticker, self->address());
  self->attach_functor(
      [ticker = st.ticker] { caf::anon_send_exit(ticker, caf::exit_reason::user_shutdown); });
  self->set_down_handler([self, pool](caf::down_msg& dm) {
    auto& st = self->state;
    for (std::size_t i = 0; i < st.nodes.size(); ++i)
      if (st.nodes[i].handle && st.nodes[i].handle.address() == dm.source)
        lose(self, pool, i,
             "gatherdb node " + st.nodes[i].name +
                 " was lost while it held the statement: " + self->system().render(dm.reason));
  });
  return {
      [self, pool](run_atom, work_chunk& chunk) { run(self, pool, chunk); },
      [self, pool](connect_atom) {
        auto& st = self->state;
        for (auto& n : st.nodes)
          if (!n.handle)
            attach(self, n);
        connect_report report;
        report.source = error_source::node;
        if (!any_attached(st))
          report.error = drivers::error_info{"08001", 0, why_none(st, -1),
                                             drivers::error_category::connection, true};
        self->send<caf::message_priority::high>(pool, ready_atom::value, st.id, std::move(report));
      },
      [self, pool](exec_atom, connection_task& task) {
        auto& st = self->state;
        task.done->set_exception(std::make_exception_ptr(drivers::database_error(
            {"HY000", 0,
             "set-up work cannot run on route '" + st.route + "': gatherdb nodes serve it",
             drivers::error_category::other, false})));
        done_chunk out;
        out.connected = any_attached(st);
        self->send<caf::message_priority::high>(pool, done_atom::value, st.id, std::move(out),
                                                true);
      },
      [self, pool](detail::node_part_atom, std::uint64_t id, const std::string& bytes) {
        on_part(self, pool, id, bytes);
      },
      [self, pool](expire_atom) {
        self->state.tick_armed = false;
        forward_stops(self, pool);
        arm_tick(self);
      },
  };
}

} // namespace

worker_factory node_lane_factory(caf::actor_system& sys, std::string route,
                                 std::shared_ptr<const settings> config,
                                 std::vector<std::string> nodes) {
  auto loads = std::make_shared<node_loads>(nodes.size());
  return [&sys, route = std::move(route), config = std::move(config), nodes = std::move(nodes),
          loads](pool_actor pool, std::uint32_t id) -> worker_actor {
    return sys.spawn<caf::detached>(lane, id, route, config, nodes, loads, std::move(pool));
  };
}

} // namespace gatherdb::actors
