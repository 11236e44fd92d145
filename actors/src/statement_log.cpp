#include "statement_log.hpp"

#include <algorithm>
#include <cctype>
#include <spdlog/async.h>
#include <spdlog/async_logger.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <stdexcept>

#include "gatherdb/drivers/connection_string.hpp"

namespace gatherdb::actors {

namespace {

// Quoted, with backslash, quote, CR and LF escaped: one statement is always one line.
void append_quoted(std::string& out, std::string_view s) {
  out += '"';
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
    case '\r':
      out += "\\r";
      break;
    default:
      out += c;
    }
  }
  out += '"';
}

void field(std::string& out, std::string_view key, std::uint64_t value) {
  out.append(" ").append(key).append("=").append(std::to_string(value));
}

// The dialect the SQL is shown in: the driver's, as the workers will find it on connecting
// (the merge actor has no connection to ask).
model::dialect dialect_of(const std::string& dsn) {
  auto driver = drivers::find_attribute(dsn, "driver");
  std::transform(driver.begin(), driver.end(), driver.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return model::dialect_from_dbms_name(driver);
}

} // namespace

std::shared_ptr<statement_log> statement_log::open(const settings& s) {
  if (s.log == log_mode::off)
    return nullptr;
  spdlog::sink_ptr sink;
  try {
    if (s.log_file.empty())
      sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    else
      sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(s.log_file);
  } catch (const spdlog::spdlog_ex& e) {
    throw std::runtime_error(std::string{"cannot open the statement log: "} + e.what());
  }
  // One thread per client writes its lines; a full queue makes the merge actor wait rather than
  // drop lines, since a log with holes misleads.
  auto pool = std::make_shared<spdlog::details::thread_pool>(8192, 1);
  auto logger = std::make_shared<spdlog::async_logger>("gatherdb.statements", std::move(sink), pool,
                                                       spdlog::async_overflow_policy::block);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ gatherdb %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  return std::make_shared<statement_log>(s, std::move(pool), std::move(logger));
}

statement_log::statement_log(const settings& s, std::shared_ptr<spdlog::details::thread_pool> pool,
                             std::shared_ptr<spdlog::logger> logger)
    : mode_(s.log), slow_(s.log_slow), params_(s.log_params), dialect_(dialect_of(s.dsn)),
      pool_(std::move(pool)), logger_(std::move(logger)) {}

statement_log::~statement_log() = default;

std::string statement_log::line(std::uint64_t gather_id, std::size_t index,
                                const model::statement& stmt, const outcome& o) const {
  const auto& m = o.metrics;
  const std::uint64_t total_us =
      std::uint64_t{m.queue_wait_us} + m.execute_us + m.fetch_us + m.merge_us;
  if (mode_ == log_mode::off ||
      (mode_ == log_mode::slow && total_us < static_cast<std::uint64_t>(slow_.count())))
    return {};
  const auto sql = stmt.compile(dialect_);
  std::string out;
  out.reserve(160 + sql.sql.size());
  out.append("statement");
  field(out, "gather", gather_id);
  field(out, "index", index);
  // A statement on every route has no route of its own: "*".
  out.append(" route=").append(o.parts.empty() ? std::string_view{o.route} : "*");
  out.append(" status=").append(to_string(o.status));
  if (o.status != outcome_status::ok) {
    out.append(" source=").append(to_string(o.error.source));
    if (!o.error.info.sqlstate.empty())
      out.append(" sqlstate=").append(o.error.info.sqlstate);
  }
  field(out, "rows", o.rows ? o.rows->row_count() : 0);
  field(out, "attempts", m.attempts);
  field(out, "batched", m.batched);
  field(out, "coalesced", m.coalesced);
  field(out, "queue_us", m.queue_wait_us);
  field(out, "execute_us", m.execute_us);
  field(out, "fetch_us", m.fetch_us);
  field(out, "merge_us", m.merge_us);
  field(out, "params", sql.params.size());
  out.append(" sql=");
  append_quoted(out, sql.sql);
  if (params_) {
    std::string values;
    for (std::size_t i = 0; i < sql.params.size(); ++i) {
      if (i > 0)
        values.append(", ");
      values.append(model::to_string(sql.params[i]));
    }
    out.append(" values=");
    append_quoted(out, "[" + values + "]");
  }
  return out;
}

void statement_log::write(std::uint64_t gather_id, const std::vector<model::statement>& statements,
                          const std::vector<outcome>& outcomes) const {
  const auto n = std::min(statements.size(), outcomes.size());
  for (std::size_t i = 0; i < n; ++i) {
    auto text = line(gather_id, i, statements[i], outcomes[i]);
    if (!text.empty())
      logger_->info(text);
  }
}

} // namespace gatherdb::actors
