#pragma once
// What the HTTP side (Beast, no CAF) and the actor side (CAF, no Beast) of the server share:
// an answer, the asynchronous entry points the sessions call, and the server's counters.

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace gatherdb::http {

/// One HTTP answer: status, body (JSON unless `content_type` says otherwise), and whether to ask
/// the client to retry in a second. Thread-safety: a value type.
struct http_answer {
  unsigned status = 200;
  std::string body;
  bool retry_after = false;
  std::string content_type = "application/json";
};

/// Called exactly once with the answer, from any thread (an actor's); the HTTP session posts it
/// back onto its own strand.
using answer_callback = std::function<void(http_answer)>;

/// The asynchronous entry points of the actor side. None of them blocks: each starts work in
/// the actor system and returns. Thread-safety: callable from any thread.
struct request_api {
  /// `GET /a?data=...`: one statement per value, answered in request order.
  std::function<void(std::vector<std::string> values, answer_callback)> gather;
  /// `GET /healthz`.
  std::function<void(answer_callback)> health;
  /// `GET /metrics`: the Prometheus text format.
  std::function<void(answer_callback)> metrics;
  /// `GET /metrics.json`.
  std::function<void(answer_callback)> metrics_json;
};

/// The per-statement latency buckets of /metrics.json (upper bounds, milliseconds; the last
/// bucket is +inf).
inline constexpr std::array<double, 11> latency_bounds_ms{0.1, 0.25, 0.5, 1,   2.5, 5,
                                                          10,  25,   50,  100, 250};

/// Counters of the running server, updated by HTTP sessions (status counts) and by actors
/// (statement latencies). Thread-safety: lock-free atomics; readers see each counter
/// consistently, not the set as one snapshot.
struct server_metrics {
  /// Requests answered, by status code (index = status - 100).
  std::array<std::atomic<std::uint64_t>, 500> by_status{};
  /// Statements per latency bucket (not cumulative); the last one is +inf.
  std::array<std::atomic<std::uint64_t>, latency_bounds_ms.size() + 1> latency{};
  std::atomic<std::uint64_t> latency_sum_us{0};
  std::atomic<std::uint64_t> statements{0};

  void count_status(unsigned status) noexcept {
    if (status >= 100 && status < 600)
      by_status[status - 100].fetch_add(1, std::memory_order_relaxed);
  }

  void record_latency_us(std::uint64_t us) noexcept {
    const double ms = static_cast<double>(us) / 1000.0;
    std::size_t i = 0;
    while (i < latency_bounds_ms.size() && ms > latency_bounds_ms[i])
      ++i;
    latency[i].fetch_add(1, std::memory_order_relaxed);
    latency_sum_us.fetch_add(us, std::memory_order_relaxed);
    statements.fetch_add(1, std::memory_order_relaxed);
  }
};

} // namespace gatherdb::http
