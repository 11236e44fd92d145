#include "gatherdb/actors/prometheus_text.hpp"

#include <charconv>
#include <cstdint>

#include "gatherdb/actors/outcome.hpp"

namespace gatherdb::actors {

namespace {

// The shortest text that reads back as the same double; Prometheus parses it with Go's
// ParseFloat, which takes exponents ("5e-05"); the same text as Go's clients write.
std::string number(double x) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::general);
  return std::string(buf, r.ptr);
}

double seconds(std::uint64_t us) {
  return static_cast<double>(us) / 1e6;
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  // HELP texts here are constants without backslashes or line feeds: nothing to escape.
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void sample(std::string& out, std::string_view name, std::string_view labels, std::uint64_t value) {
  out.append(name);
  if (!labels.empty())
    out.append("{").append(labels).append("}");
  out.append(" ").append(std::to_string(value)).append("\n");
}

std::string label(std::string_view key, std::string_view value) {
  std::string s{key};
  s.append("=\"").append(escape_label_value(value)).append("\"");
  return s;
}

void route_family(std::string& out, const metrics_snapshot& m, std::string_view name,
                  std::string_view type, std::string_view help,
                  std::uint64_t route_metrics::*field) {
  family(out, name, type, help);
  for (const auto& r : m.routes)
    sample(out, name, label("route", r.route) + "," + label("replica", std::to_string(r.replica)),
           r.*field);
}

void counter(std::string& out, std::string_view name, std::string_view help, std::uint64_t value) {
  family(out, name, "counter", help);
  sample(out, name, {}, value);
}

void histogram(std::string& out, std::string_view name, std::string_view help,
               const latency_histogram& h) {
  family(out, name, "histogram", help);
  const std::string bucket = std::string{name} + "_bucket";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < latency_bucket_bounds_us.size(); ++i) {
    cumulative += h.buckets[i];
    sample(out, bucket, label("le", number(seconds(latency_bucket_bounds_us[i]))), cumulative);
  }
  // +Inf is the count by definition, whatever the buckets add up to.
  sample(out, bucket, label("le", "+Inf"), h.count);
  out.append(name).append("_sum ").append(number(seconds(h.sum_us))).append("\n");
  sample(out, std::string{name} + "_count", {}, h.count);
}

} // namespace

std::string escape_label_value(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
    case '\\':
      out += "\\\\";
      break;
    case '"':
      out += "\\\"";
      break;
    case '\n':
      out += "\\n";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string render_prometheus(const metrics_snapshot& m) {
  std::string out;
  out.reserve(8192);
  route_family(out, m, "gatherdb_pool_size_connections", "gauge",
               "Connections the pool opens at most.", &route_metrics::size);
  route_family(out, m, "gatherdb_pool_open_connections", "gauge", "Open pooled connections.",
               &route_metrics::open);
  route_family(out, m, "gatherdb_pool_busy_workers", "gauge",
               "Connection workers with statements assigned.", &route_metrics::busy);
  route_family(out, m, "gatherdb_pool_queued_statements", "gauge",
               "Statements waiting for a connection.", &route_metrics::queued);
  route_family(out, m, "gatherdb_pool_completed_statements_total", "counter",
               "Statements the pool saw finish.", &route_metrics::completed);
  route_family(out, m, "gatherdb_pool_exhausted_statements_total", "counter",
               "Statements failed because no connection was free in time or the queue was full.",
               &route_metrics::exhausted);

  const auto& s = m.statements;
  family(out, "gatherdb_statements_total", "counter", "Statements by final outcome.");
  for (auto status : {outcome_status::ok, outcome_status::failed, outcome_status::cancelled})
    sample(out, "gatherdb_statements_total", label("status", to_string(status)),
           s.by_status[static_cast<std::size_t>(status)]);
  counter(out, "gatherdb_gathers_total", "Gathers that ended.", s.gathers);
  counter(out, "gatherdb_statements_batched_total",
          "Statements that shared a round trip with others (batched reads).", s.batched);
  counter(out, "gatherdb_statements_coalesced_total",
          "Statements that ran as part of a coalesced lookup.", s.coalesced);
  counter(out, "gatherdb_statements_retried_total",
          "Statements executed more than once (retried on a fresh connection).", s.retried);
  histogram(out, "gatherdb_statement_queue_wait_seconds",
            "Time from the gather's start until a connection began executing the statement.",
            s.queue_wait);
  histogram(out, "gatherdb_statement_execute_seconds",
            "Time binding and executing the statement (its share of a batch).", s.execute);
  histogram(out, "gatherdb_statement_fetch_seconds",
            "Time fetching and freezing the statement's rows.", s.fetch);
  histogram(out, "gatherdb_statement_merge_seconds",
            "Time merging the statement's rows into the session.", s.merge);
  return out;
}

} // namespace gatherdb::actors
