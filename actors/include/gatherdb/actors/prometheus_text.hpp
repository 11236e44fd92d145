#pragma once
// The Prometheus text exposition format (version 0.0.4) of a metrics snapshot. Plain C++.

#include <string>
#include <string_view>

#include "gatherdb/actors/metrics.hpp"

namespace gatherdb::actors {

/// The content type to serve `render_prometheus`'s text with.
inline constexpr std::string_view prometheus_content_type = "text/plain; version=0.0.4";

/// `s` as a label value of the text format: backslash, double quote and line feed escaped
/// (`\\`, `\"`, `\n`), without the surrounding quotes.
[[nodiscard]] std::string escape_label_value(std::string_view s);

/// The snapshot in the text format, one family per figure, each with HELP and TYPE lines:
/// pool figures as `gatherdb_pool_*{route="..."}`, `gatherdb_statements_total{status=...}`,
/// `gatherdb_gathers_total`, `gatherdb_statements_{batched,coalesced,retried}_total`, and the
/// histograms `gatherdb_statement_{queue_wait,execute,fetch,merge}_seconds` (cumulative `le`
/// buckets ending with `+Inf`, `_sum` in seconds, `_count`). Ends with a line feed, so that
/// more families may be appended. Thread-safety: a pure function.
[[nodiscard]] std::string render_prometheus(const metrics_snapshot& m);

} // namespace gatherdb::actors
