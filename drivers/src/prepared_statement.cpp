#include "gatherdb/drivers/prepared_statement.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "gatherdb/drivers/connection.hpp"

#include "backend_profile.hpp"
#include "driver_cancel.hpp"
#include "odbc.hpp"
#include "prepared_statement_values.hpp"

namespace gatherdb::drivers {

static_assert(std::is_same_v<SQLLEN, long>, "fixed_param::indicator must be an SQLLEN");
using detail::cancelled_error;

prepared_statement::prepared_statement(connection& conn, std::string_view sql)
    : conn_(&conn), sql_(sql), cancel_(std::make_shared<cancel_handle>()) {
  // Drivers read SQL as a C string: what follows a NUL would silently not run.
  if (auto why = detail::refused_text(sql_); why != detail::text_refusal::none)
    throw detail::refused_text_error(why, sql_, "the SQL text");
  SQLHSTMT h = SQL_NULL_HSTMT;
  if (!detail::succeeded(
          SQLAllocHandle(SQL_HANDLE_STMT, static_cast<SQLHDBC>(conn.native_handle()), &h)))
    detail::throw_diagnostics(SQL_HANDLE_DBC, conn.native_handle(), conn.sql_dialect(),
                              conn.secret_source(), "allocating a statement");
  handle_ = h;
  auto rc =
      SQLPrepare(h, reinterpret_cast<SQLCHAR*>(sql_.data()), static_cast<SQLINTEGER>(sql_.size()));
  if (!detail::succeeded(rc)) {
    auto info = detail::diagnose(SQL_HANDLE_STMT, h, conn.sql_dialect(), conn.secret_source());
    close();
    throw database_error(std::move(info));
  }
  // Where the driver's SQLCancel also closes the statement it is given, from the cancelling
  // thread, under a running fetch (see each backend's profile), an idle sibling statement is
  // cancelled instead: interrupting the connection is all a cancel needs, and no other thread
  // calls anything on the sibling.
  if (detail::profile_of(conn.sql_dialect()).cancels_through_sibling) {
    SQLHSTMT sibling = SQL_NULL_HSTMT;
    if (!detail::succeeded(SQLAllocHandle(SQL_HANDLE_STMT,
                                          static_cast<SQLHDBC>(conn.native_handle()), &sibling))) {
      auto info = detail::diagnose(SQL_HANDLE_DBC, conn.native_handle(), conn.sql_dialect(),
                                   conn.secret_source());
      close();
      throw database_error(std::move(info));
    }
    cancel_sibling_ = sibling;
    cancel_->attach(sibling, nullptr);
  } else if (auto target =
                 detail::find_driver_cancel(static_cast<SQLHDBC>(conn.native_handle()), h)) {
    cancel_->attach(target.driver_statement, target.cancel);
  } else {
    cancel_->attach(handle_, nullptr);
  }
}

prepared_statement::prepared_statement(prepared_statement&& other) noexcept
    : conn_(other.conn_), handle_(std::exchange(other.handle_, nullptr)),
      cancel_sibling_(std::exchange(other.cancel_sibling_, nullptr)), sql_(std::move(other.sql_)),
      params_(std::move(other.params_)), arrays_(std::move(other.arrays_)), ran_(other.ran_),
      cancel_(std::move(other.cancel_)), query_timeout_(other.query_timeout_), stale_(other.stale_),
      described_(std::move(other.described_)), bound_(std::move(other.bound_)),
      text_buffers_(std::move(other.text_buffers_)) {}

prepared_statement& prepared_statement::operator=(prepared_statement&& other) noexcept {
  if (this != &other) {
    close();
    conn_ = other.conn_;
    handle_ = std::exchange(other.handle_, nullptr);
    cancel_sibling_ = std::exchange(other.cancel_sibling_, nullptr);
    sql_ = std::move(other.sql_);
    params_ = std::move(other.params_);
    arrays_ = std::move(other.arrays_); // the buffers keep their addresses
    ran_ = other.ran_;
    cancel_ = std::move(other.cancel_);
    query_timeout_ = other.query_timeout_;
    stale_ = other.stale_;
    described_ = std::move(other.described_);
    bound_ = std::move(other.bound_); // the buffers keep their addresses
    text_buffers_ = std::move(other.text_buffers_);
  }
  return *this;
}

prepared_statement::~prepared_statement() {
  close();
}

void prepared_statement::close() noexcept {
  if (handle_ == nullptr)
    return;
  if (cancel_)
    cancel_->detach(); // from here on no SQLCancel is in flight on this statement
  if (cancel_sibling_ != nullptr)
    SQLFreeHandle(SQL_HANDLE_STMT, static_cast<SQLHSTMT>(std::exchange(cancel_sibling_, nullptr)));
  SQLFreeHandle(SQL_HANDLE_STMT, static_cast<SQLHSTMT>(std::exchange(handle_, nullptr)));
}

void prepared_statement::set_query_timeout(std::chrono::milliseconds timeout) {
  auto seconds = std::chrono::seconds{(timeout.count() + 999) / 1000};
  if (seconds == query_timeout_)
    return;
  auto rc = SQLSetStmtAttr(
      static_cast<SQLHSTMT>(handle_), SQL_ATTR_QUERY_TIMEOUT,
      reinterpret_cast<SQLPOINTER>(static_cast<std::intptr_t>(seconds.count())), SQL_IS_UINTEGER);
  if (!detail::succeeded(rc))
    fail(rc);
  query_timeout_ = seconds;
}

void prepared_statement::reprepare() {
  SQLFreeHandle(SQL_HANDLE_STMT, static_cast<SQLHSTMT>(std::exchange(handle_, nullptr)));
  params_.clear();
  described_ = nullptr;
  bound_.clear();
  text_buffers_.reset();
  query_timeout_ = std::chrono::seconds{0};
  SQLHSTMT h = SQL_NULL_HSTMT;
  if (!detail::succeeded(
          SQLAllocHandle(SQL_HANDLE_STMT, static_cast<SQLHDBC>(conn_->native_handle()), &h)))
    detail::throw_diagnostics(SQL_HANDLE_DBC, conn_->native_handle(), conn_->sql_dialect(),
                              conn_->secret_source(), "allocating a statement");
  handle_ = h;
  if (!detail::succeeded(SQLPrepare(h, reinterpret_cast<SQLCHAR*>(sql_.data()),
                                    static_cast<SQLINTEGER>(sql_.size()))))
    detail::throw_diagnostics(SQL_HANDLE_STMT, h, conn_->sql_dialect(), conn_->secret_source(),
                              "preparing again");
  stale_ = false;
}

void prepared_statement::fail(short rc) {
  (void)rc;
  auto info =
      detail::diagnose(SQL_HANDLE_STMT, handle_, conn_->sql_dialect(), conn_->secret_source());
  if (detail::profile_of(conn_->sql_dialect()).cancel_spoils_statement &&
      (cancel_->fired() != error_category::other || info.category == error_category::cancelled ||
       info.category == error_category::timeout))
    stale_ = true; // interrupted by a KILL QUERY: see `stale_`
  if (auto reason = cancel_->fired(); reason != error_category::other) {
    info.category = reason;
    info.retryable = false;
  } else if (info.category != error_category::connection && conn_->is_dead()) {
    // The driver may report the symptom instead (psqlODBC: HY000 "Error while preparing
    // parameters" when the server ended the session mid-execution); the cause is the lost
    // connection, which is what callers retry on.
    info.category = error_category::connection;
    info.retryable = true;
  }
  SQLFreeStmt(static_cast<SQLHSTMT>(handle_), SQL_CLOSE);
  throw database_error(std::move(info));
}

namespace {

using clock = std::chrono::steady_clock;

// Fills `run_options::timings` when the run ends, however it ends.
struct record_timings {
  run_timings* out;
  clock::time_point started = clock::now();
  clock::time_point executed = started;
  record_timings(const record_timings&) = delete;
  record_timings& operator=(const record_timings&) = delete;
  ~record_timings() {
    if (out != nullptr) {
      auto now = clock::now();
      bool fetched = executed != started;
      out->execute = (fetched ? executed : now) - started;
      out->fetch = fetched ? now - executed : clock::duration{0};
    }
  }
};

std::optional<watchdog::watch_guard> watch(const std::shared_ptr<cancel_handle>& handle,
                                           const run_options& options) {
  std::optional<watchdog::watch_guard> guard;
  if (options.deadline != watchdog::clock::time_point::max() || options.stop)
    guard.emplace(watchdog::instance().watch(handle, options.deadline, options.stop));
  return guard;
}

} // namespace

template <class Bind, class Fetch>
auto prepared_statement::execute_watched(const run_options& options, Bind&& bind, Fetch&& fetch) {
  if (stale_)
    reprepare();
  auto h = static_cast<SQLHSTMT>(handle_);
  record_timings timing{options.timings};
  cancel_->reset();
  bind();
  auto watched = watch(cancel_, options);
  if (!cancel_->arm())
    throw cancelled_error(cancel_->fired(), "before execution");
  auto rc = SQLExecute(h); // a C call: nothing throws between arm() and disarm()
  // Only SQLExecute may overlap a cancel. psqlODBC's SQLCancel rewrites the statement's
  // diagnostics, unlocked, once it finds the connection lost, so a cancel fired again while
  // this thread reads them or closes the statement frees them twice; fetches check for a
  // cancel themselves, once per chunk.
  cancel_->disarm();
  if (!detail::succeeded(rc) && rc != SQL_NO_DATA)
    fail(rc);
  // MariaDB: a KILL QUERY (what Connector/ODBC's SQLCancel sends) that interrupts SLEEP() may
  // end the statement with SLEEP's "interrupted" result instead of error 1317; whatever the
  // statement returns after a cancel reached it is not its result.
  if (detail::profile_of(conn_->sql_dialect()).cancel_spoils_statement) {
    if (auto reason = cancel_->fired(); reason != error_category::other) {
      SQLFreeStmt(h, SQL_CLOSE);
      stale_ = true;
      throw cancelled_error(reason, "during execution");
    }
  }
  timing.executed = clock::now();
  auto result = fetch();
  SQLFreeStmt(h, SQL_CLOSE);
  return result;
}

model::frozen_result prepared_statement::run(const std::vector<model::value>& params,
                                             const run_options& options) {
  if (ran_ == run_kind::batch)
    throw std::logic_error("prepared_statement::run on a statement that runs batches");
  ran_ = run_kind::single;
  return execute_watched(
      options, [&] { bind(params); }, [&] { return fetch_result(options.chunk_rows); });
}

std::vector<model::frozen_result>
prepared_statement::run_batch(const std::vector<const std::vector<model::value>*>& sets,
                              const run_options& options) {
  if (ran_ == run_kind::single)
    throw std::logic_error(
        "prepared_statement::run_batch on a statement that ran single executions");
  if (!conn_->batches_param_arrays())
    throw std::logic_error(
        "prepared_statement::run_batch: the driver returns no result per parameter set");
  if (sets.empty())
    return {};
  for (const auto* set : sets)
    if (!batchable(*set) || !batchable_together(*sets.front(), *set))
      throw std::logic_error("prepared_statement::run_batch: parameter sets of different shapes");
  ran_ = run_kind::batch;
  auto results = execute_watched(
      options, [&] { bind_arrays(sets); },
      [&] {
        std::vector<model::frozen_result> out;
        out.reserve(sets.size());
        for (;;) {
          out.push_back(fetch_result(options.chunk_rows));
          const auto rc = SQLMoreResults(static_cast<SQLHSTMT>(handle_));
          if (rc == SQL_NO_DATA)
            return out;
          if (!detail::succeeded(rc))
            fail(rc);
        }
      });
  if (results.size() != sets.size())
    throw database_error(error_info{"HY000", 0,
                                    "a parameter array of " + std::to_string(sets.size()) +
                                        " sets returned " + std::to_string(results.size()) +
                                        " results",
                                    error_category::other, false});
  return results;
}

} // namespace gatherdb::drivers
