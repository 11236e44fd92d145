#pragma once
// What a connection worker does with its connection: open it, run one statement, a batch of
// reads (`read_batch.cpp`) or a coalesced lookup (`coalesced_lookup.cpp`). Internal to the
// worker; every function runs on the worker's own thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "connection_worker.hpp"

namespace gatherdb::actors::detail {

using worker_clock = std::chrono::steady_clock;

/// A duration in whole microseconds, clamped to what a metric holds.
[[nodiscard]] std::uint32_t micros(worker_clock::duration d) noexcept;

/// Opens the worker's connection, or throws the last connect error while backing off.
void connect(connection_worker_state& st);

/// Closes the connection and forgets what was prepared on it.
void drop_connection(connection_worker_state& st) noexcept;

/// The statement prepared for `sql` on the open connection (prepared on first use).
[[nodiscard]] prepared_sql& prepared(connection_worker_state& st, const std::string& sql);

/// Whether `e` lost the connection: the driver may report the symptom (an error of another
/// category) on a connection it has found dead.
[[nodiscard]] bool lost_connection(const connection_worker_state& st,
                                   const drivers::database_error& e);

/// Whether `e` is an end the gather caused: a cancel (only a stop or the deadline cancels), or
/// a timeout once stopped or past the deadline. A timeout of the database's own before the
/// deadline (SQLite's busy timeout, a lock wait) is a failure.
[[nodiscard]] bool ended_by_gather(const work_item& item, const drivers::database_error& e);

/// Starts a chunk of `n` items: nothing compiled or taken yet.
void begin_chunk(connection_worker_state& st, std::size_t n);

/// The SQL of `items[k]` for the open connection's dialect, compiled once per chunk.
[[nodiscard]] const model::compiled_sql&
compiled(connection_worker_state& st, const std::vector<work_item>& items, std::size_t k);

/// Runs `items[k]` alone, retrying an idempotent read once on a fresh connection after a
/// connection-class error; `first_attempt` is 2 for a statement whose shared execution lost
/// the connection, which counts as its first attempt.
[[nodiscard]] work_done execute(connection_worker_state& st, const std::vector<work_item>& items,
                                std::size_t k, int first_attempt = 1);

/// The end of the batch of reads that starts at `items[i]`: the items after it that may share
/// its parameter array execution. `i + 1` when it runs alone.
[[nodiscard]] std::size_t batch_end(connection_worker_state& st,
                                    const std::vector<work_item>& items, std::size_t i);

/// Runs `items[i, end)` (from `batch_end`) in one execution and appends their outcomes to
/// `out`. A batch that fails as a whole runs again one statement at a time, so that each gets
/// its own outcome; a stop or an expired deadline ends all of them at once.
void run_batch(connection_worker_state& st, std::vector<work_item>& items, std::size_t i,
               std::size_t end, done_chunk& out);

/// Collects into `st.group` the lookups of the chunk, from `items[i]` on and not taken yet,
/// that may share one coalesced statement with `items[i]`; false when it runs without others.
[[nodiscard]] bool coalesce_group(connection_worker_state& st, const std::vector<work_item>& items,
                                  std::size_t i);

/// Runs the lookups of `st.group` as one statement, marks them taken and appends their
/// outcomes to `out`: each gets exactly its own rows, shared with the coalesced result. Should
/// it fail, each lookup runs again alone, as `run_batch` does.
void run_coalesced(connection_worker_state& st, std::vector<work_item>& items, done_chunk& out);

} // namespace gatherdb::actors::detail
