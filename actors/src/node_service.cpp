#include "node_service.hpp"

#include <chrono>

#include <caf/all.hpp>

#include "connection_pool.hpp"
#include "node_wire.hpp"
#include "precompiled_statement.hpp"

namespace gatherdb::actors::detail {

namespace {

using clock = std::chrono::steady_clock;
using self_ptr = node_actor::stateful_pointer<node_service_state>;

/// Gathers the outcomes of one chunk, one per item, then answers the client once.
using collector_actor = caf::typed_actor<caf::reacts_to<done_atom, std::uint32_t, work_done>>;

// A chunk's outcomes that are ready go to its client at once after a failure (fail_fast then
// stops the rest) and at most this long after the previous ones while the chunk runs.
constexpr auto partial_flush_after = std::chrono::milliseconds{50};

struct collector_state {
  /// Outcomes ready and not sent yet.
  std::vector<node_outcome> ready;
  std::size_t remaining = 0;
  caf::typed_response_promise<std::string> answer;
  /// The client actor that sent the chunk, and its id for the request.
  caf::actor client;
  std::uint64_t request = 0;
  clock::time_point last_flush = clock::now();
  std::shared_ptr<std::atomic<std::size_t>> in_flight;

  static inline const char* name = "gatherdb.node_chunk";
};

collector_actor::behavior_type collector(collector_actor::stateful_pointer<collector_state> self,
                                         std::size_t n,
                                         caf::typed_response_promise<std::string> answer,
                                         caf::actor client, std::uint64_t request,
                                         std::shared_ptr<std::atomic<std::size_t>> in_flight) {
  auto& st = self->state;
  st.remaining = n;
  st.answer = std::move(answer);
  st.client = std::move(client);
  st.request = request;
  st.in_flight = std::move(in_flight);
  return {
      [self](done_atom, std::uint32_t slot, work_done& d) {
        auto& st = self->state;
        node_outcome o;
        o.slot = slot;
        o.status = d.status;
        o.error = std::move(d.error);
        o.metrics = std::move(d.metrics);
        o.rows = std::move(d.rows);
        const bool failed = o.status != outcome_status::ok;
        st.ready.push_back(std::move(o));
        if (--st.remaining == 0) {
          st.answer.deliver(encode_outcomes(st.ready));
          st.in_flight->fetch_sub(1);
          self->quit();
          return;
        }
        const auto now = clock::now();
        if (st.client && (failed || now - st.last_flush >= partial_flush_after)) {
          caf::anon_send(st.client, node_part_atom::value, st.request, encode_outcomes(st.ready));
          st.ready.clear();
          st.last_flush = now;
        }
      },
  };
}

// The session of one item on the node: hands its outcome to the chunk's collector.
session_actor::behavior_type item_relay(session_actor::pointer self, const collector_actor& chunk,
                                        std::uint32_t slot) {
  return {
      [self, chunk, slot](done_atom, work_done& d) {
        self->send(chunk, done_atom::value, slot, std::move(d));
        self->quit();
      },
      [self, chunk, slot](done_atom, std::uint16_t, work_done& d) {
        self->send(chunk, done_atom::value, slot, std::move(d));
        self->quit();
      },
  };
}

std::string failed_chunk(std::size_t n, error_source source, const std::string& why) {
  std::vector<node_outcome> outcomes(n);
  for (auto& o : outcomes) {
    o.status = outcome_status::failed;
    o.error = {source, {"HY000", 0, why, drivers::error_category::other, false}};
  }
  return encode_outcomes(outcomes);
}

caf::node_id sender_node(self_ptr self) {
  const auto& sender = self->current_sender();
  return sender ? sender->node() : caf::node_id{};
}

std::shared_ptr<gather_control> control_of(node_service_state& st, const caf::node_id& client,
                                           std::uint64_t token) {
  auto& slot = st.gathers[{client, token}];
  auto control = slot.lock();
  if (!control) {
    control = std::make_shared<gather_control>();
    slot = control;
  }
  return control;
}

void forget_ended_gathers(node_service_state& st) {
  for (auto it = st.gathers.begin(); it != st.gathers.end();)
    it = it->second.expired() ? st.gathers.erase(it) : std::next(it);
}

caf::result<std::string> run_chunk(self_ptr self, const std::string& bytes) {
  auto& st = self->state;
  // Taken first: making the response promise below moves the sender out of the request.
  const auto client = caf::actor_cast<caf::actor>(self->current_sender());
  const auto client_node = sender_node(self);
  if (st.draining->load())
    return caf::make_error(caf::sec::runtime_error, std::string{"the gatherdb node is draining"});
  node_chunk chunk;
  try {
    chunk = decode_chunk(bytes);
  } catch (const model::codec_error& e) {
    return caf::make_error(caf::sec::invalid_argument, std::string{"malformed chunk: "} + e.what());
  }
  const auto n = chunk.items.size();
  auto route = st.pools.find(chunk.route);
  if (route == st.pools.end())
    return failed_chunk(n, error_source::route,
                        "this gatherdb node does not serve route '" + chunk.route + "'");
  if (n == 0)
    return encode_outcomes({});
  forget_ended_gathers(st);
  std::vector<std::shared_ptr<const model::coalesced_shape>> shapes;
  shapes.reserve(chunk.shapes.size());
  for (auto& s : chunk.shapes)
    shapes.push_back(std::make_shared<const model::coalesced_shape>(std::move(s)));
  auto answer = self->make_response_promise<std::string>();
  st.in_flight->fetch_add(1);
  auto chunk_actor = self->spawn(collector, n, answer, client, chunk.request, st.in_flight);
  // One `now` for the chunk: statements of one client deadline keep one deadline here, which
  // coalescing and batching require.
  const auto now = clock::now();
  const auto& pool = route->second.first;
  for (std::size_t i = 0; i < n; ++i) {
    auto& x = chunk.items[i];
    work_item item;
    auto shape = x.shape >= 0 ? shapes[static_cast<std::size_t>(x.shape)] : nullptr;
    item.stmt = model::statement{std::make_shared<const precompiled_statement>(
        std::move(x.sql), x.idempotent, std::move(shape))};
    item.deadline =
        x.remaining_us == 0 ? steady_time::max() : now + std::chrono::microseconds{x.remaining_us};
    item.gathered = now;
    item.control = control_of(st, client_node, x.gather);
    item.gather_size = x.gather_size;
    item.index = x.index;
    item.session = self->spawn(item_relay, chunk_actor, static_cast<std::uint32_t>(i));
    self->send(pool, enqueue_atom::value, std::move(item));
  }
  return answer;
}

} // namespace

node_actor::behavior_type node_service(self_ptr self, node_setup setup) {
  auto& st = self->state;
  st.in_flight = std::move(setup.in_flight);
  st.draining = std::move(setup.draining);
  node_welcome welcome;
  for (auto& [name, r] : setup.routes) {
    auto pool = self->spawn<caf::linked>(connection_pool, r.config, worker_factory{}, nullptr);
    st.pools.emplace(name, std::make_pair(pool, r.dialect));
    welcome.routes.emplace_back(name, r.dialect);
  }
  st.welcome = encode_welcome(welcome);
  return {
      // Any version gets the node's welcome: a client of another version then reports both.
      [self](node_hello_atom, const std::string&) { return self->state.welcome; },
      [self](node_run_atom, const std::string& bytes) { return run_chunk(self, bytes); },
      [self](node_stop_atom, std::uint64_t token) {
        auto& st = self->state;
        auto it = st.gathers.find({sender_node(self), token});
        if (it == st.gathers.end())
          return;
        if (auto control = it->second.lock())
          control->request_stop(false);
      },
  };
}

} // namespace gatherdb::actors::detail
