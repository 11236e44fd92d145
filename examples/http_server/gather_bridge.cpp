#include "gather_bridge.hpp"

#include <deque>
#include <mutex>
#include <utility>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "gatherdb/actors/prometheus_text.hpp"
#include "gatherdb/model/query.hpp"
#include "gatherdb/model/table_schema.hpp"

#include "seed_entity.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gatherdb::http::http_answer)

namespace gatherdb::http {

namespace {

using examples::A;
using json = nlohmann::ordered_json;

std::string dump(const json& j) {
  // Values come from URLs: replace invalid UTF-8 instead of throwing.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

http_answer error_answer(unsigned status, const std::string& message,
                         const std::string& sqlstate = {}, bool retry_after = false) {
  json body = {{"error", message}};
  if (!sqlstate.empty())
    body["sqlstate"] = sqlstate;
  return http_answer{status, dump(body), retry_after};
}

http_answer statement_error_answer(const actors::statement_error& e) {
  switch (e.source) {
  case actors::error_source::pool_exhausted:
    return error_answer(503, "overloaded: " + e.to_string(), e.info.sqlstate, true);
  case actors::error_source::shutdown:
    return error_answer(503, "shutting down", {}, true);
  default:
    // A value the database cannot hold came from the request: the client's fault.
    if (e.source == actors::error_source::database &&
        e.info.category == drivers::error_category::data)
      return error_answer(400, e.to_string(), e.info.sqlstate);
    return error_answer(503, e.to_string(), e.info.sqlstate);
  }
}

void record_latencies(const actors::gather_result& r, server_metrics& m) {
  for (const auto& o : r.outcomes) {
    const auto& x = o.metrics;
    if (x.attempts == 0)
      continue; // never reached a connection
    m.record_latency_us(std::uint64_t{x.queue_wait_us} + x.execute_us + x.fetch_us + x.merge_us);
  }
}

// The JSON of a gather of `A` statements, in statement order; 503 when one failed (fail_fast:
// the first failure cancels the rest and is the one reported). Must run while nobody merges
// into the result's session (the shared-session actor calls it before the next gather).
http_answer render_gather(const actors::gather_result& r, server_metrics& m) {
  record_latencies(r, m);
  if (r.failure)
    return statement_error_answer(r.failure->error);
  json out = json::array();
  for (const auto& o : r.outcomes) {
    if (!o.ok())
      return statement_error_answer(o.error);
    json rows = json::array();
    for (const A* a : o.result.all<A>())
      rows.push_back({{"id", a->id}, {"data", a->data}});
    out.push_back(std::move(rows));
  }
  return http_answer{200, dump(out), false};
}

http_answer actor_error_answer(caf::actor_system& sys, const caf::error& e) {
  return error_answer(503, "gather could not run: " + sys.render(e), {}, true);
}

// --- the shared session: one actor owns it and runs its gathers one at a time -------------

struct shared_session_state {
  struct pending {
    actors::gather_request request;
    caf::typed_response_promise<http_answer> promise;
  };
  std::deque<pending> queue;
  bool running = false;
  std::shared_ptr<model::session_state> session = std::make_shared<model::session_state>();

  static inline const char* name = "http.shared_session";
};

using shared_session_pointer = caf::stateful_actor<shared_session_state>*;

void run_next(shared_session_pointer self, const actors::coordinator_actor& coordinator,
              const std::shared_ptr<server_metrics>& metrics) {
  auto& st = self->state;
  if (st.running || st.queue.empty())
    return;
  st.running = true;
  auto next = std::move(st.queue.front());
  st.queue.pop_front();
  auto promise = next.promise;
  next.request.options.session = st.session;
  self->request(coordinator, caf::infinite, actors::gather_atom::value, std::move(next.request))
      .then(
          [=](actors::gather_result& r) mutable {
            // Rendered before the next gather may overwrite the session's objects.
            promise.deliver(render_gather(r, *metrics));
            self->state.running = false;
            run_next(self, coordinator, metrics);
          },
          [=](caf::error& e) mutable {
            promise.deliver(actor_error_answer(self->system(), e));
            self->state.running = false;
            run_next(self, coordinator, metrics);
          });
}

caf::behavior shared_session(shared_session_pointer self,
                             const actors::coordinator_actor& coordinator,
                             const std::shared_ptr<server_metrics>& metrics, std::size_t bound) {
  return {
      [=](actors::gather_atom, actors::gather_request& req) -> caf::result<http_answer> {
        if (self->state.queue.size() >= bound)
          return error_answer(503, "overloaded: the shared session's queue is full", {}, true);
        auto promise = self->make_response_promise<http_answer>();
        self->state.queue.push_back({std::move(req), promise});
        run_next(self, coordinator, metrics);
        return promise;
      },
  };
}

// --- one short-lived actor per request ----------------------------------------------------

// Spawns a one-shot actor running `body(self)`. The body travels as a spawn argument: CAF 0.17
// dereferences a null argument tuple for a function-based actor spawned without arguments
// (UBSan: "reference binding to null pointer" in caf/detail/init_fun_factory.hpp).
template <class F>
void spawn_once(caf::actor_system& sys, F body) {
  sys.spawn([](caf::event_based_actor* self, F f) { f(self); }, std::move(body));
}

// Gathers on the coordinator (own session) and renders the answer in the actor.
void spawn_gather(caf::actor_system& sys, actors::coordinator_actor coordinator,
                  actors::gather_request req, std::shared_ptr<server_metrics> metrics,
                  answer_callback done) {
  spawn_once(sys, [coordinator = std::move(coordinator), req = std::move(req),
                   metrics = std::move(metrics),
                   done = std::move(done)](caf::event_based_actor* self) mutable {
    self->request(coordinator, caf::infinite, actors::gather_atom::value, std::move(req))
        .then(
            [=](actors::gather_result& r) {
              done(render_gather(r, *metrics));
              self->quit();
            },
            [=](caf::error& e) {
              done(actor_error_answer(self->system(), e));
              self->quit();
            });
  });
}

// Asks the shared-session actor, which answers rendered JSON.
void spawn_shared_gather(caf::actor_system& sys, caf::actor shared, actors::gather_request req,
                         answer_callback done) {
  spawn_once(sys, [shared = std::move(shared), req = std::move(req),
                   done = std::move(done)](caf::event_based_actor* self) mutable {
    self->request(shared, caf::infinite, actors::gather_atom::value, std::move(req))
        .then(
            [=](http_answer& a) {
              done(std::move(a));
              self->quit();
            },
            [=](caf::error& e) {
              done(actor_error_answer(self->system(), e));
              self->quit();
            });
  });
}

} // namespace

struct gather_bridge::impl {
  caf::actor_system* system = nullptr;
  bridge_options options;
  std::shared_ptr<server_metrics> metrics;
  std::string raw_select; // SQL for a table other than "a"

  std::mutex mtx;
  actors::coordinator_actor coordinator;
  caf::actor shared;

  // The handles, or nulls after stop().
  std::pair<actors::coordinator_actor, caf::actor> handles() {
    std::lock_guard<std::mutex> guard{mtx};
    return {coordinator, shared};
  }

  model::statement select(const std::string& value) const {
    if (raw_select.empty())
      return model::select<A>().where(model::col(&A::data) == value);
    return model::statement::raw_entities<A>(raw_select, {model::value{value}});
  }

  void gather(const std::vector<std::string>& values, answer_callback done) {
    auto [coord, shr] = handles();
    if (!coord) {
      done(error_answer(503, "shutting down", {}, true));
      return;
    }
    actors::gather_request req;
    req.statements.reserve(values.size());
    for (const auto& v : values)
      req.statements.push_back(select(v));
    req.options.mode = actors::gather_mode::fail_fast;
    if (shr)
      spawn_shared_gather(*system, std::move(shr), std::move(req), std::move(done));
    else
      spawn_gather(*system, std::move(coord), std::move(req), metrics, std::move(done));
  }

  void health(answer_callback done) {
    auto coord = handles().first;
    if (!coord) {
      done(error_answer(503, "shutting down", {}, true));
      return;
    }
    actors::gather_request req;
    req.statements.push_back(model::statement::raw("SELECT 1", {}, true));
    req.options.mode = actors::gather_mode::fail_fast;
    req.options.timeout = std::chrono::milliseconds{2000};
    spawn_once(*system, [coord = std::move(coord), req = std::move(req),
                         done = std::move(done)](caf::event_based_actor* self) mutable {
      self->request(coord, std::chrono::seconds{5}, actors::gather_atom::value, std::move(req))
          .then(
              [=](actors::gather_result& r) {
                if (r.failure) {
                  const auto& e = r.failure->error;
                  json body = {{"status", "unavailable"}, {"error", e.to_string()}};
                  if (!e.info.sqlstate.empty())
                    body["sqlstate"] = e.info.sqlstate;
                  done(http_answer{503, dump(body), false});
                } else {
                  done(http_answer{200, R"({"status":"ok"})", false});
                }
                self->quit();
              },
              [=](caf::error& e) {
                done(http_answer{
                    503, dump(json{{"status", "unavailable"}, {"error", self->system().render(e)}}),
                    false});
                self->quit();
              });
    });
  }

  void render_metrics(const actors::route_metrics& s, json& out) const {
    out["pool"] = {{"size", s.size},     {"connections", s.open},    {"busy", s.busy},
                   {"queued", s.queued}, {"completed", s.completed}, {"exhausted", s.exhausted}};
    json buckets = json::array();
    for (std::size_t i = 0; i < metrics->latency.size(); ++i) {
      json le = i < latency_bounds_ms.size() ? json(latency_bounds_ms[i]) : json("+Inf");
      buckets.push_back({{"le", le}, {"count", metrics->latency[i].load()}});
    }
    out["statement_latency_ms"] = {
        {"buckets", std::move(buckets)},
        {"count", metrics->statements.load()},
        {"sum", static_cast<double>(metrics->latency_sum_us.load()) / 1000.0}};
    json by_status = json::object();
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < metrics->by_status.size(); ++i) {
      if (auto n = metrics->by_status[i].load(); n > 0) {
        by_status[std::to_string(i + 100)] = n;
        total += n;
      }
    }
    out["requests"] = {{"total", total}, {"by_status", std::move(by_status)}};
    out["shared_session"] = options.shared_session;
  }

  // The library's figures, then the server's own: requests answered by status code.
  std::string render_prometheus_text(const actors::metrics_snapshot& m) const {
    auto out = actors::render_prometheus(m);
    out += "# HELP gatherdb_http_requests_total HTTP requests answered, by status code.\n"
           "# TYPE gatherdb_http_requests_total counter\n";
    for (std::size_t i = 0; i < metrics->by_status.size(); ++i)
      if (auto n = metrics->by_status[i].load(); n > 0)
        out += "gatherdb_http_requests_total{code=\"" + std::to_string(i + 100) + "\"} " +
               std::to_string(n) + "\n";
    return out;
  }

  // Both formats come from one snapshot of the coordinator (`metrics_atom`).
  void metrics_request(answer_callback done, std::shared_ptr<impl> self_impl, bool prometheus) {
    auto coord = handles().first;
    if (!coord) {
      done(error_answer(503, "shutting down", {}, true));
      return;
    }
    spawn_once(*system, [coord = std::move(coord), done = std::move(done),
                         self_impl = std::move(self_impl),
                         prometheus](caf::event_based_actor* self) {
      self->request(coord, std::chrono::seconds{5}, actors::metrics_atom::value)
          .then(
              [=](actors::metrics_snapshot& m) {
                if (prometheus) {
                  done(http_answer{200, self_impl->render_prometheus_text(m), false,
                                   std::string{actors::prometheus_content_type}});
                } else {
                  // The JSON's "pool" is every pool of every route together.
                  actors::route_metrics all;
                  for (const auto& r : m.routes)
                    all += r;
                  json out = json::object();
                  self_impl->render_metrics(all, out);
                  done(http_answer{200, dump(out), false});
                }
                self->quit();
              },
              [=](caf::error& e) {
                done(error_answer(503, "pool stats unavailable: " + self->system().render(e)));
                self->quit();
              });
    });
  }
};

gather_bridge::gather_bridge(caf::actor_system& system, actors::coordinator_actor coordinator,
                             bridge_options options, std::shared_ptr<server_metrics> metrics)
    : impl_(std::make_shared<impl>()) {
  impl_->system = &system;
  impl_->options = std::move(options);
  impl_->metrics = std::move(metrics);
  if (impl_->options.table != "a") {
    auto schema = model::mapping_of<A>().schema();
    schema.table = impl_->options.table;
    const auto d = impl_->options.dialect;
    impl_->raw_select = model::select_head_sql(schema, d) + " WHERE " +
                        model::quote_identifier(d, schema.table) + "." +
                        model::quote_identifier(d, "data") + " = ?";
  }
  impl_->coordinator = coordinator;
  if (impl_->options.shared_session)
    impl_->shared = system.spawn(shared_session, coordinator, impl_->metrics,
                                 impl_->options.shared_queue_bound);
}

gather_bridge::~gather_bridge() {
  stop();
}

request_api gather_bridge::api() const {
  auto i = impl_;
  request_api api;
  api.gather = [i](const std::vector<std::string>& values, answer_callback done) {
    i->gather(values, std::move(done));
  };
  api.health = [i](answer_callback done) { i->health(std::move(done)); };
  api.metrics = [i](answer_callback done) { i->metrics_request(std::move(done), i, true); };
  api.metrics_json = [i](answer_callback done) { i->metrics_request(std::move(done), i, false); };
  return api;
}

void gather_bridge::stop() noexcept {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  if (impl_->shared)
    caf::anon_send_exit(impl_->shared, caf::exit_reason::user_shutdown);
  impl_->shared = nullptr;
  impl_->coordinator = nullptr;
}

} // namespace gatherdb::http
