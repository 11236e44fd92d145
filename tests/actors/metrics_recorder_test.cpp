// metrics_recorder counts a gather's final outcomes: by status, batched, coalesced and retried
// statements, and times only of statements that reached a connection; totals add up over
// gathers.

#include <vector>

#include <boost/test/unit_test.hpp>

#include "metrics_recorder.hpp"

using namespace gatherdb::actors;

namespace {

outcome make_outcome(outcome_status status, std::uint8_t attempts, std::uint16_t batched = 1,
                     std::uint16_t coalesced = 1) {
  outcome o;
  o.status = status;
  o.metrics.attempts = attempts;
  o.metrics.batched = batched;
  o.metrics.coalesced = coalesced;
  o.metrics.queue_wait_us = 10;
  o.metrics.execute_us = 100;
  o.metrics.fetch_us = 20;
  o.metrics.merge_us = 5;
  return o;
}

} // namespace

BOOST_AUTO_TEST_SUITE(metrics_recorder_suite)

BOOST_AUTO_TEST_CASE(one_gather_counts_statuses_batches_coalescing_and_retries) {
  const std::vector<outcome> outcomes{
      make_outcome(outcome_status::ok, 1, 3), make_outcome(outcome_status::ok, 1, 1, 4),
      make_outcome(outcome_status::ok, 2), make_outcome(outcome_status::failed, 1),
      make_outcome(outcome_status::cancelled, 0)};
  const auto c = metrics_recorder::count(outcomes);
  BOOST_TEST(c.gathers == 1U);
  BOOST_TEST(c.by_status[0] == 3U);
  BOOST_TEST(c.by_status[1] == 1U);
  BOOST_TEST(c.by_status[2] == 1U);
  BOOST_TEST(c.batched == 1U);
  BOOST_TEST(c.coalesced == 1U);
  BOOST_TEST(c.retried == 1U);
  // The cancelled statement never ran: no times of it.
  BOOST_TEST(c.execute.count == 4U);
  BOOST_TEST(c.execute.sum_us == 400U);
  BOOST_TEST(c.queue_wait.sum_us == 40U);
  BOOST_TEST(c.fetch.sum_us == 80U);
  BOOST_TEST(c.merge.sum_us == 20U);
}

BOOST_AUTO_TEST_CASE(totals_add_up_over_gathers) {
  metrics_recorder r;
  r.record({make_outcome(outcome_status::ok, 1)});
  r.record({make_outcome(outcome_status::ok, 1), make_outcome(outcome_status::failed, 1)});
  r.record({});
  const auto c = r.counters();
  BOOST_TEST(c.gathers == 3U);
  BOOST_TEST(c.by_status[0] == 2U);
  BOOST_TEST(c.by_status[1] == 1U);
  BOOST_TEST(c.execute.count == 3U);
  std::uint64_t in_buckets = 0;
  for (auto n : c.execute.buckets)
    in_buckets += n;
  BOOST_TEST(in_buckets == c.execute.count);
}

BOOST_AUTO_TEST_SUITE_END()
