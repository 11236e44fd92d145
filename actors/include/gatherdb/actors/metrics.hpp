#pragma once
// What a client has done since it started, as one snapshot: the pool's figures per route and
// per-statement counters and latency histograms. Plain C++ (no CAF): `prometheus_text.hpp`
// renders it.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gatherdb::actors {

/// Upper bounds of the latency histograms' buckets, in microseconds (50 µs to 10 s); one more
/// bucket, +Inf, follows them.
inline constexpr std::array<std::uint64_t, 17> latency_bucket_bounds_us{
    50,    100,    250,    500,    1000,    2500,    5000,    10000,   25000,
    50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000};

/// One latency histogram. Thread-safety: a value type.
struct latency_histogram {
  /// Observations per bucket, not cumulative: `buckets[i]` counts the values v with
  /// `latency_bucket_bounds_us[i-1] < v <= latency_bucket_bounds_us[i]`; the last one those
  /// above every bound (+Inf).
  std::array<std::uint64_t, latency_bucket_bounds_us.size() + 1> buckets{};
  /// Sum of the observed values, microseconds.
  std::uint64_t sum_us = 0;
  /// Observations (the sum of `buckets`).
  std::uint64_t count = 0;

  /// Adds one observation.
  void observe(std::uint64_t us) noexcept {
    std::size_t i = 0;
    while (i < latency_bucket_bounds_us.size() && us > latency_bucket_bounds_us[i])
      ++i;
    ++buckets[i];
    sum_us += us;
    ++count;
  }

  /// Adds every observation of `other`.
  latency_histogram& operator+=(const latency_histogram& other) noexcept {
    for (std::size_t i = 0; i < buckets.size(); ++i)
      buckets[i] += other.buckets[i];
    sum_us += other.sum_us;
    count += other.count;
    return *this;
  }
};

/// The figures of one pool: one connection string of a route (its primary, or a replica).
/// Thread-safety: a value type.
struct route_metrics {
  std::string route = "default";
  std::uint64_t replica = 0;   ///< the connection string's position in the route (0: primary)
  std::uint64_t size = 0;      ///< connections at most (`settings::pool_size`)
  std::uint64_t open = 0;      ///< open connections
  std::uint64_t busy = 0;      ///< workers with statements assigned
  std::uint64_t queued = 0;    ///< statements waiting for a connection
  std::uint64_t completed = 0; ///< statements finished since start
  std::uint64_t exhausted = 0; ///< statements failed with `pool_exhausted` since start

  /// Adds the figures of `other` (not its name): several pools as one.
  route_metrics& operator+=(const route_metrics& other) noexcept {
    size += other.size;
    open += other.open;
    busy += other.busy;
    queued += other.queued;
    completed += other.completed;
    exhausted += other.exhausted;
    return *this;
  }
};

/// Counters of the statements whose outcome became final (merged into a gather's result), since
/// the client started. Thread-safety: a value type.
struct statement_counters {
  /// Gathers that ended.
  std::uint64_t gathers = 0;
  /// Statements by `outcome_status` (index: `ok`, `failed`, `cancelled`).
  std::array<std::uint64_t, 3> by_status{};
  /// Statements that shared a round trip with others (`statement_metrics::batched > 1`).
  std::uint64_t batched = 0;
  /// Statements that ran as part of a coalesced lookup (`statement_metrics::coalesced > 1`).
  std::uint64_t coalesced = 0;
  /// Statements executed more than once (a retry on a fresh connection).
  std::uint64_t retried = 0;
  /// Per-statement times of the statements that reached a connection (`attempts > 0`).
  latency_histogram queue_wait;
  latency_histogram execute;
  latency_histogram fetch;
  latency_histogram merge;

  statement_counters& operator+=(const statement_counters& other) noexcept;
};

/// Everything `client::metrics()` reports. Thread-safety: a value type.
struct metrics_snapshot {
  /// One entry per pool, in route order.
  std::vector<route_metrics> routes;
  statement_counters statements;
};

} // namespace gatherdb::actors
