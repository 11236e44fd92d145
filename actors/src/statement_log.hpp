#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gatherdb/actors/outcome.hpp"
#include "gatherdb/actors/settings.hpp"
#include "gatherdb/model/dialect.hpp"
#include "gatherdb/model/statement.hpp"

namespace spdlog {
class logger;
namespace details {
class thread_pool;
} // namespace details
} // namespace spdlog

namespace gatherdb::actors {

/// The statement log (`settings::log`): one line per statement of a gather, written by the
/// gather's merge actor when the gather ends through an asynchronous spdlog logger, whose own
/// thread does the writing, so that neither a connection worker nor the scheduler waits for the
/// file. Never writes a DSN; parameter values only with `settings::log_params`.
/// Ownership: shared by the client, the coordinator and the merge actors; the last owner's
/// release writes what is still queued and closes the file.
/// Thread-safety: `write` may be called from any number of threads at once.
class statement_log {
public:
  /// The log `s` asks for, or null when `s.log` is `off`. Throws `std::runtime_error` when the
  /// log file cannot be opened.
  [[nodiscard]] static std::shared_ptr<statement_log> open(const settings& s);

  statement_log(const settings& s, std::shared_ptr<spdlog::details::thread_pool> pool,
                std::shared_ptr<spdlog::logger> logger);
  ~statement_log();
  statement_log(const statement_log&) = delete;
  statement_log& operator=(const statement_log&) = delete;

  /// Writes the lines of one gather's outcomes (`statements[i]` gave `outcomes[i]`).
  void write(std::uint64_t gather_id, const std::vector<model::statement>& statements,
             const std::vector<outcome>& outcomes) const;

  /// The line of one statement (without the logger's timestamp prefix), or nothing when the
  /// mode leaves it out.
  [[nodiscard]] std::string line(std::uint64_t gather_id, std::size_t index,
                                 const model::statement& stmt, const outcome& o) const;

private:
  log_mode mode_;
  std::chrono::microseconds slow_;
  bool params_;
  model::dialect dialect_;
  // Declared before the logger, so destroyed after it: the pool's thread drains the queue
  // (whose messages keep the logger alive) before it joins.
  std::shared_ptr<spdlog::details::thread_pool> pool_;
  std::shared_ptr<spdlog::logger> logger_;
};

} // namespace gatherdb::actors
