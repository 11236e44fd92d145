#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gatherdb/drivers/cancel_handle.hpp"
#include "gatherdb/drivers/watchdog.hpp"
#include "gatherdb/model/column_info.hpp"
#include "gatherdb/model/frozen_result.hpp"
#include "gatherdb/model/value.hpp"

namespace gatherdb::drivers {

class connection;

/// Whether `v` can be sent as it is: anything but text that holds a NUL byte (PostgreSQL's
/// text cannot hold one; SQLite's and MariaDB's drivers would end the value there) or that is
/// not well-formed UTF-8. `prepared_statement::bind` refuses the others with a `data` error
/// (SQLSTATE 22021) before anything reaches the server. Thread-safe.
[[nodiscard]] bool sendable(const model::value& v) noexcept;

/// Whether `params` can be one set of a parameter array: NULLs, booleans, integers, doubles
/// and sendable text up to 256 bytes (longer text and binary values are bound where they lie, one
/// execution at a time).
[[nodiscard]] bool batchable(const std::vector<model::value>& params) noexcept;

/// Whether two batchable parameter sets can share one array: as many values, and the same
/// kind of value (NULL included) at each marker.
[[nodiscard]] bool batchable_together(const std::vector<model::value>& a,
                                      const std::vector<model::value>& b) noexcept;

/// Rows per chunk when fetching: bounds the memory of one growth step of a large result.
inline constexpr std::size_t default_chunk_rows = 4096;

/// Where one execution spent its time.
struct run_timings {
  /// Binding and `SQLExecute` (for most drivers: the whole server round trip).
  std::chrono::nanoseconds execute{0};
  /// Describing columns and fetching every row.
  std::chrono::nanoseconds fetch{0};
};

/// How one execution is bounded.
struct run_options {
  /// Cancel the execution when it passes (`time_point::max()`: never).
  watchdog::clock::time_point deadline = watchdog::clock::time_point::max();
  /// Cancel the execution when this flag turns true (and `watchdog::poke()` is called).
  watchdog::stop_flag stop;
  /// Rows per fetched chunk.
  std::size_t chunk_rows = default_chunk_rows;
  /// When set, receives the execution's timings (also when it throws).
  run_timings* timings = nullptr;
};

/// A prepared statement (an `SQLHSTMT`) on one connection: prepare once, execute many times
/// with freshly bound parameters.
/// Thread-safety: not thread-safe; used by the thread that uses its connection. `canceller()`
/// hands out the one thread-safe part. The connection must outlive the statement.
class prepared_statement {
public:
  /// Prepares `sql` (parameter markers are `?`). Throws `database_error`.
  prepared_statement(connection& conn, std::string_view sql);
  prepared_statement(prepared_statement&& other) noexcept;
  prepared_statement& operator=(prepared_statement&& other) noexcept;
  prepared_statement(const prepared_statement&) = delete;
  prepared_statement& operator=(const prepared_statement&) = delete;
  ~prepared_statement();

  /// Binds `params` to the markers in order, executes, and fetches every row into chunks of
  /// `options.chunk_rows` rows, which become the frozen result without another copy. While it
  /// runs, `watchdog::instance()` cancels it at `options.deadline` (category `timeout`) or when
  /// `options.stop` turns true (category `cancelled`); a cancel that lands while rows are
  /// fetched is seen at the next full chunk.
  /// Throws `database_error`; after a cancel its category is the cancel's reason.
  model::frozen_result run(const std::vector<model::value>& params,
                           const run_options& options = {});

  /// Runs the statement once for each of `sets` in one execution (an ODBC parameter array)
  /// and returns their results in order. psqlODBC sends the whole array to the server in one
  /// round trip (as one query of several statements, each with its parameters as literals
  /// the driver escapes), which is where tiny statements spend most of their time.
  ///
  /// Needs `connection::batches_param_arrays()` and sets that `batchable_together` accepts;
  /// a statement runs either batches or single parameter sets, never both (psqlODBC batches
  /// only a statement it has not prepared on the server yet): `std::logic_error` otherwise.
  /// The sets run in one implicit transaction on the server, and a set that fails fails the
  /// whole execution without saying which one: run the sets one by one then, which is safe
  /// for idempotent statements only. Deadline, stop and timings as for `run`, for the whole
  /// array. Throws `database_error`.
  std::vector<model::frozen_result>
  run_batch(const std::vector<const std::vector<model::value>*>& sets,
            const run_options& options = {});

  /// The server-side bound on one execution, rounded up to whole seconds; zero for none.
  /// (SQLite's driver ignores it; deadlines are enforced by `watchdog` as well.)
  void set_query_timeout(std::chrono::milliseconds timeout);

  /// A thread-safe handle that cancels the running execution of this statement.
  [[nodiscard]] std::shared_ptr<cancel_handle> canceller() const noexcept { return cancel_; }

  /// The SQL text as prepared.
  [[nodiscard]] const std::string& sql() const noexcept { return sql_; }

private:
  void bind(const std::vector<model::value>& params);
  void bind_arrays(const std::vector<const std::vector<model::value>*>& sets);
  [[nodiscard]] model::frozen_result fetch_result(std::size_t chunk_rows);
  // Binds with `bind()`, executes under the deadline and stop of `options`, returns `fetch()`
  // and closes the cursor.
  template <class Bind, class Fetch>
  auto execute_watched(const run_options& options, Bind&& bind, Fetch&& fetch);
  [[nodiscard]] std::vector<model::column_info> describe_columns(std::int16_t count);
  void fetch_cell(model::column_store& store, std::uint16_t column, model::value_type type);
  void push_bound_cell(model::column_store& store, std::size_t column, model::value_type type);
  void close() noexcept;
  [[noreturn]] void fail(short rc);
  // Replaces the statement handle with a freshly prepared one (see `stale_`).
  void reprepare();

  // One parameter marker: the value's buffer and the binding in place. Short text is copied
  // into `text`, so the next execution rebinds only when a type or a buffer changes:
  // SQLBindParameter costs as much as the rest of binding (psqlODBC allocates in it).
  struct fixed_param {
    std::int64_t integer = 0;
    double real = 0;
    unsigned char bit = 0;
    long indicator = 0; // SQLLEN
    std::string text;
    short c_type = 0; // SQLSMALLINT; 0: nothing bound
    short sql_type = 0;
    unsigned long column_size = 0; // SQLULEN
    short digits = 0;              // SQLSMALLINT
    const void* buffer = nullptr;
    long buffer_length = 0; // SQLLEN
  };

  // One parameter marker of a batch: a column of values, one per parameter set.
  struct param_array {
    std::vector<std::int64_t> integers;
    std::vector<double> reals;
    std::vector<unsigned char> bits;
    std::vector<char> text;       // fixed-size elements
    std::vector<long> indicators; // SQLLEN
  };
  enum class run_kind : unsigned char { none, single, batch };

  connection* conn_ = nullptr;
  void* handle_ = nullptr;         // SQLHSTMT
  void* cancel_sibling_ = nullptr; // SQLHSTMT, SQLite's cancels go through it (see the ctor)
  std::string sql_;
  std::vector<fixed_param> params_;
  std::vector<param_array> arrays_;
  run_kind ran_ = run_kind::none;
  std::shared_ptr<cancel_handle> cancel_;
  std::chrono::seconds query_timeout_{0};
  // MariaDB: Connector/ODBC hangs when it executes again a prepared statement whose last
  // execution a KILL QUERY interrupted (a cancel, a deadline): such a statement is prepared
  // anew before its next run.
  bool stale_ = false;
  model::column_list described_; // the result's columns, described on the first run
  // Buffers bound (SQLBindCol) to result columns, `bound_[c]` to column c + 1: every column
  // where the driver allows SQLGetData on bound columns in any order (a longer value than
  // `text` holds is then read again with SQLGetData), else the leading fixed-width ones, the
  // others read with SQLGetData after the last bound column.
  struct bound_column {
    std::int64_t integer = 0;
    double real = 0;
    long indicator = 0;   // SQLLEN
    char* text = nullptr; // into text_buffers_; null for a fixed-width column
  };
  std::vector<bound_column> bound_;
  std::unique_ptr<char[]> text_buffers_;
  void bind_result_columns(const std::vector<model::column_info>& columns);
};

} // namespace gatherdb::drivers
