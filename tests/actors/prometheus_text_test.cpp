// render_prometheus writes the text exposition format 0.0.4: HELP and TYPE before each family,
// label values escaped, histogram buckets cumulative up to +Inf (= _count), _sum in seconds.

#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "gatherdb/actors/prometheus_text.hpp"

using namespace gatherdb::actors;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

// The value of the sample line `name labels`, or -1.
double sample_value(const std::string& text, const std::string& series) {
  for (const auto& line : lines_of(text))
    if (starts_with(line, series + " "))
      return std::stod(line.substr(series.size() + 1));
  return -1;
}

metrics_snapshot snapshot_with_execute_times(const std::vector<std::uint64_t>& us) {
  metrics_snapshot m;
  m.routes.push_back(route_metrics{"default", 0, 4, 3, 1, 2, 10, 1});
  for (auto x : us)
    m.statements.execute.observe(x);
  return m;
}

} // namespace

BOOST_AUTO_TEST_SUITE(prometheus_text)

BOOST_AUTO_TEST_CASE(label_values_escape_backslash_quote_and_line_feed) {
  BOOST_TEST(escape_label_value("plain") == "plain");
  BOOST_TEST(escape_label_value("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
  metrics_snapshot m;
  m.routes.push_back(route_metrics{"we\"ird\\route\nname", 0, 4, 3});
  const auto text = render_prometheus(m);
  BOOST_TEST(text.find("gatherdb_pool_open_connections{route=\"we\\\"ird\\\\route\\nname\",replica="
                       "\"0\"} 3\n") != std::string::npos,
             text);
}

BOOST_AUTO_TEST_CASE(every_family_has_help_and_type_before_its_samples) {
  const auto text = render_prometheus(snapshot_with_execute_times({100}));
  std::map<std::string, int> types;
  std::string current;
  for (const auto& line : lines_of(text)) {
    if (starts_with(line, "# HELP ")) {
      current = line.substr(7, line.find(' ', 7) - 7);
      continue;
    }
    if (starts_with(line, "# TYPE ")) {
      BOOST_TEST(line.substr(7, current.size()) == current);
      ++types[current];
      continue;
    }
    BOOST_TEST_REQUIRE(!current.empty());
    BOOST_TEST(starts_with(line, current), line);
    BOOST_TEST(starts_with(line, "gatherdb_"), line);
  }
  for (const auto& [name, n] : types)
    BOOST_TEST(n == 1, name);
  BOOST_TEST(types.count("gatherdb_statement_execute_seconds") == 1U);
  BOOST_TEST(types.count("gatherdb_statements_total") == 1U);
  BOOST_TEST(text.back() == '\n');
}

BOOST_AUTO_TEST_CASE(pool_figures_carry_the_route_label) {
  const auto text = render_prometheus(snapshot_with_execute_times({}));
  BOOST_TEST(
      sample_value(text, "gatherdb_pool_size_connections{route=\"default\",replica=\"0\"}") == 4);
  BOOST_TEST(
      sample_value(text, "gatherdb_pool_open_connections{route=\"default\",replica=\"0\"}") == 3);
  BOOST_TEST(sample_value(text, "gatherdb_pool_busy_workers{route=\"default\",replica=\"0\"}") ==
             1);
  BOOST_TEST(
      sample_value(text, "gatherdb_pool_queued_statements{route=\"default\",replica=\"0\"}") == 2);
  BOOST_TEST(
      sample_value(
          text, "gatherdb_pool_completed_statements_total{route=\"default\",replica=\"0\"}") == 10);
  BOOST_TEST(
      sample_value(
          text, "gatherdb_pool_exhausted_statements_total{route=\"default\",replica=\"0\"}") == 1);
}

BOOST_AUTO_TEST_CASE(histogram_buckets_are_cumulative_and_inf_equals_count) {
  // 40 µs and 50 µs fall in le=5e-05 (bounds are inclusive), 60 µs in 0.0001, 2 ms in 0.0025,
  // 20 s above every bound.
  const auto text = render_prometheus(snapshot_with_execute_times({40, 50, 60, 2000, 20000000}));
  const std::string b = "gatherdb_statement_execute_seconds_bucket";
  BOOST_TEST(sample_value(text, b + "{le=\"5e-05\"}") == 2);
  BOOST_TEST(sample_value(text, b + "{le=\"0.0001\"}") == 3);
  BOOST_TEST(sample_value(text, b + "{le=\"0.001\"}") == 3);
  BOOST_TEST(sample_value(text, b + "{le=\"0.0025\"}") == 4);
  BOOST_TEST(sample_value(text, b + "{le=\"10\"}") == 4);
  BOOST_TEST(sample_value(text, b + "{le=\"+Inf\"}") == 5);
  BOOST_TEST(sample_value(text, "gatherdb_statement_execute_seconds_count") == 5);
  BOOST_TEST(sample_value(text, "gatherdb_statement_execute_seconds_sum") == 20.00215,
             boost::test_tools::tolerance(1e-12));
  // Never decreasing, one bucket per bound plus +Inf, +Inf last.
  double previous = 0;
  std::size_t buckets = 0;
  std::string last;
  for (const auto& line : lines_of(text)) {
    if (!starts_with(line, b))
      continue;
    const double v = std::stod(line.substr(line.rfind(' ') + 1));
    BOOST_TEST(v >= previous, line);
    previous = v;
    ++buckets;
    last = line;
  }
  BOOST_TEST(buckets == latency_bucket_bounds_us.size() + 1);
  BOOST_TEST(starts_with(last, b + "{le=\"+Inf\"}"));
}

BOOST_AUTO_TEST_CASE(an_empty_histogram_has_zero_buckets_sum_and_count) {
  const auto text = render_prometheus(snapshot_with_execute_times({}));
  BOOST_TEST(sample_value(text, "gatherdb_statement_merge_seconds_bucket{le=\"+Inf\"}") == 0);
  BOOST_TEST(sample_value(text, "gatherdb_statement_merge_seconds_sum") == 0);
  BOOST_TEST(sample_value(text, "gatherdb_statement_merge_seconds_count") == 0);
}

BOOST_AUTO_TEST_CASE(statements_are_counted_by_status) {
  metrics_snapshot m;
  m.statements.by_status = {7, 2, 1};
  m.statements.retried = 3;
  const auto text = render_prometheus(m);
  BOOST_TEST(sample_value(text, "gatherdb_statements_total{status=\"ok\"}") == 7);
  BOOST_TEST(sample_value(text, "gatherdb_statements_total{status=\"failed\"}") == 2);
  BOOST_TEST(sample_value(text, "gatherdb_statements_total{status=\"cancelled\"}") == 1);
  BOOST_TEST(sample_value(text, "gatherdb_statements_retried_total") == 3);
}

BOOST_AUTO_TEST_SUITE_END()
