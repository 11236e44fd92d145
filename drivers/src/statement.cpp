#include "gatherdb/drivers/statement.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "gatherdb/drivers/connection.hpp"

#include "driver_cancel.hpp"
#include "odbc.hpp"

namespace gatherdb::drivers {

static_assert(std::is_same_v<SQLLEN, long>, "fixed_param::indicator must be an SQLLEN");

namespace {

model::value_type storage_type(SQLSMALLINT sql_type) noexcept {
  switch (sql_type) {
  case SQL_BIT:
    return model::value_type::boolean;
  case SQL_TINYINT:
  case SQL_SMALLINT:
  case SQL_INTEGER:
  case SQL_BIGINT:
    return model::value_type::int64;
  case SQL_REAL:
  case SQL_FLOAT:
  case SQL_DOUBLE:
    return model::value_type::float64;
  case SQL_BINARY:
  case SQL_VARBINARY:
  case SQL_LONGVARBINARY:
    return model::value_type::bytes;
  default:
    // Text, and everything exact or structured (NUMERIC, dates, GUIDs) as its text form.
    return model::value_type::text;
  }
}

// Values above this length are sent as long data types.
constexpr std::size_t long_text_threshold = 8000;
// Text parameters up to this size are copied into the statement's own buffer and keep their
// binding from one execution to the next; longer ones are bound where they lie, every time.
constexpr std::size_t copied_text_limit = 256;
// Bytes bound per text or binary result column (with the terminator); longer values are
// read again with SQLGetData.
constexpr std::size_t bound_text_size = 256;

// How a parameter is declared to the driver (SQLBindParameter's C type, SQL type and column
// size). One place for single runs and parameter arrays, so that a batch's statements reach
// the server with the types their single runs would have.
struct param_declaration {
  SQLSMALLINT c_type = SQL_C_CHAR;
  SQLSMALLINT sql_type = SQL_VARCHAR;
  SQLULEN column_size = 1;
};

param_declaration declaration_of(const model::value& v) noexcept {
  switch (v.type()) {
  case model::value_type::boolean:
    return {SQL_C_BIT, SQL_BIT, 1};
  case model::value_type::int64:
    return {SQL_C_SBIGINT, SQL_BIGINT, 0};
  case model::value_type::float64:
    return {SQL_C_DOUBLE, SQL_DOUBLE, 0};
  case model::value_type::text: {
    const auto size = std::get<std::string>(v.data()).size();
    // Short text is declared at the copy buffer's size, so that every short value fits the
    // same binding.
    if (size <= copied_text_limit)
      return {SQL_C_CHAR, SQL_VARCHAR, copied_text_limit};
    const SQLSMALLINT sql_type = size > long_text_threshold ? SQL_LONGVARCHAR : SQL_VARCHAR;
    return {SQL_C_CHAR, sql_type, size};
  }
  case model::value_type::bytes:
    // VARBINARY even for long data: psqlODBC maps LONGVARBINARY to large objects.
    return {SQL_C_BINARY, SQL_VARBINARY,
            std::max<SQLULEN>(std::get<model::bytes>(v.data()).size(), 1)};
  case model::value_type::null:
    break;
  }
  return {};
}

// Appends a fixed-width cell read as SQL_C_SBIGINT (`integer`) or SQL_C_DOUBLE (`real`),
// whether bound or fetched with SQLGetData.
void push_fixed(model::column_store& store, model::value_type type, SQLLEN ind,
                std::int64_t integer, double real) {
  if (ind == SQL_NULL_DATA)
    store.push_null();
  else if (type == model::value_type::float64)
    store.push_float64(real);
  else
    store.push_int64(integer);
}

// The error of a run that a cancel (`reason`: `cancelled` or `timeout`) ended where no driver
// call reports it (`when`: "before execution", "while fetching rows").
database_error cancelled_error(error_category reason, std::string_view when) {
  std::string message = reason == error_category::timeout ? "deadline expired " : "cancelled ";
  message += when;
  return database_error(error_info{"HY008", 0, std::move(message), reason, false});
}

} // namespace

bool batchable(const std::vector<model::value>& params) noexcept {
  return std::all_of(params.begin(), params.end(), [](const model::value& v) {
    switch (v.type()) {
    case model::value_type::null:
    case model::value_type::boolean:
    case model::value_type::int64:
    case model::value_type::float64:
      return true;
    case model::value_type::text:
      return std::get<std::string>(v.data()).size() <= copied_text_limit;
    case model::value_type::bytes:
      return false;
    }
    return false;
  });
}

bool batchable_together(const std::vector<model::value>& a,
                        const std::vector<model::value>& b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](const model::value& x, const model::value& y) {
                                              return x.type() == y.type();
                                            });
}

statement::statement(connection& conn, std::string_view sql)
    : conn_(&conn), sql_(sql), cancel_(std::make_shared<cancel_handle>()) {
  SQLHSTMT h = SQL_NULL_HSTMT;
  if (!detail::succeeded(
          SQLAllocHandle(SQL_HANDLE_STMT, static_cast<SQLHDBC>(conn.native_handle()), &h)))
    detail::throw_diagnostics(SQL_HANDLE_DBC, conn.native_handle(), conn.is_sqlite(),
                              conn.secret_source(), "allocating a statement");
  handle_ = h;
  auto rc =
      SQLPrepare(h, reinterpret_cast<SQLCHAR*>(sql_.data()), static_cast<SQLINTEGER>(sql_.size()));
  if (!detail::succeeded(rc)) {
    auto info = detail::diagnose(SQL_HANDLE_STMT, h, conn.is_sqlite(), conn.secret_source());
    close();
    throw database_error(std::move(info));
  }
  // sqlite3odbc's SQLCancel interrupts the connection and then closes the statement it is
  // given (SQLFreeStmt(SQL_CLOSE)) from the cancelling thread, freeing the result set under
  // the running SQLExecute/SQLFetch (a crash). Cancelling through an idle sibling statement
  // only interrupts the connection, which is all a cancel needs; through the driver manager
  // is safe there, since no other thread calls anything on the sibling.
  if (conn.is_sqlite()) {
    SQLHSTMT sibling = SQL_NULL_HSTMT;
    if (!detail::succeeded(SQLAllocHandle(SQL_HANDLE_STMT,
                                          static_cast<SQLHDBC>(conn.native_handle()), &sibling))) {
      auto info = detail::diagnose(SQL_HANDLE_DBC, conn.native_handle(), conn.is_sqlite(),
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

statement::statement(statement&& other) noexcept
    : conn_(other.conn_), handle_(std::exchange(other.handle_, nullptr)),
      cancel_sibling_(std::exchange(other.cancel_sibling_, nullptr)), sql_(std::move(other.sql_)),
      params_(std::move(other.params_)), arrays_(std::move(other.arrays_)), ran_(other.ran_),
      cancel_(std::move(other.cancel_)), query_timeout_(other.query_timeout_),
      described_(std::move(other.described_)), bound_(std::move(other.bound_)),
      text_buffers_(std::move(other.text_buffers_)) {}

statement& statement::operator=(statement&& other) noexcept {
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
    described_ = std::move(other.described_);
    bound_ = std::move(other.bound_); // the buffers keep their addresses
    text_buffers_ = std::move(other.text_buffers_);
  }
  return *this;
}

statement::~statement() {
  close();
}

void statement::close() noexcept {
  if (handle_ == nullptr)
    return;
  if (cancel_)
    cancel_->detach(); // from here on no SQLCancel is in flight on this statement
  if (cancel_sibling_ != nullptr)
    SQLFreeHandle(SQL_HANDLE_STMT, static_cast<SQLHSTMT>(std::exchange(cancel_sibling_, nullptr)));
  SQLFreeHandle(SQL_HANDLE_STMT, static_cast<SQLHSTMT>(std::exchange(handle_, nullptr)));
}

void statement::set_query_timeout(std::chrono::milliseconds timeout) {
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

void statement::fail(short rc) {
  (void)rc;
  auto info =
      detail::diagnose(SQL_HANDLE_STMT, handle_, conn_->is_sqlite(), conn_->secret_source());
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

void statement::bind(const std::vector<model::value>& params) {
  auto h = static_cast<SQLHSTMT>(handle_);
  if (params.size() != params_.size()) {
    SQLFreeStmt(h, SQL_RESET_PARAMS);
    params_.clear(); // bindings point into the slots, which a resize could move
    params_.resize(params.size());
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    auto& slot = params_[i];
    const auto [c_type, sql_type, column_size] = declaration_of(params[i]);
    const void* buffer = nullptr;
    SQLLEN buffer_length = 0;
    bool reuse = true; // the binding in place serves when nothing above differs
    const auto& data = params[i].data();
    if (auto b = std::get_if<bool>(&data)) {
      slot.bit = *b ? 1 : 0;
      slot.indicator = 0;
      buffer = &slot.bit;
    } else if (auto n = std::get_if<std::int64_t>(&data)) {
      slot.integer = *n;
      slot.indicator = 0;
      buffer = &slot.integer;
    } else if (auto d = std::get_if<double>(&data)) {
      slot.real = *d;
      slot.indicator = 0;
      buffer = &slot.real;
    } else if (auto s = std::get_if<std::string>(&data)) {
      slot.indicator = static_cast<SQLLEN>(s->size());
      if (s->size() <= copied_text_limit) {
        slot.text.reserve(copied_text_limit);
        slot.text.assign(*s);
        buffer = slot.text.data();
        buffer_length = static_cast<SQLLEN>(copied_text_limit);
      } else {
        buffer = s->data();
        buffer_length = static_cast<SQLLEN>(s->size());
      }
    } else if (auto bin = std::get_if<model::bytes>(&data)) {
      // Rebound every time: SQLite's driver takes a binary value's length when it is bound.
      slot.indicator = static_cast<SQLLEN>(bin->size());
      // An empty vector may have no storage; a null buffer would read as NULL (SQLite) or
      // fail as "unexpected NULL parameter value" (psqlODBC).
      buffer = bin->empty() ? static_cast<const void*>(&slot.bit) : bin->data();
      buffer_length = static_cast<SQLLEN>(bin->size());
      reuse = false;
    } else {
      slot.indicator = SQL_NULL_DATA;
    }
    if (reuse && slot.c_type == c_type && slot.sql_type == sql_type &&
        slot.column_size == column_size && slot.buffer == buffer &&
        slot.buffer_length == buffer_length)
      continue;
    slot.c_type = 0; // nothing bound unless this call succeeds
    const auto rc =
        SQLBindParameter(h, static_cast<SQLUSMALLINT>(i + 1), SQL_PARAM_INPUT, c_type, sql_type,
                         column_size, 0, const_cast<void*>(buffer), buffer_length, &slot.indicator);
    if (!detail::succeeded(rc))
      fail(rc);
    slot.c_type = c_type;
    slot.sql_type = sql_type;
    slot.column_size = column_size;
    slot.buffer = buffer;
    slot.buffer_length = buffer_length;
  }
}

void statement::bind_result_columns(const std::vector<model::column_info>& columns) {
  // Bound columns are converted inside SQLFetch; each SQLGetData is a call through the driver
  // manager per cell (binding the text column of a one-row result saved ~650 instructions
  // per statement on psqlODBC).
  auto h = static_cast<SQLHSTMT>(handle_);
  SQLFreeStmt(h, SQL_UNBIND);
  bound_.clear();
  text_buffers_.reset();
  SQLUINTEGER getdata = 0;
  if (!detail::succeeded(SQLGetInfo(static_cast<SQLHDBC>(conn_->native_handle()),
                                    SQL_GETDATA_EXTENSIONS, &getdata, sizeof(getdata), nullptr)))
    getdata = 0;
  const bool bind_all = (getdata & SQL_GD_BOUND) != 0 && (getdata & SQL_GD_ANY_COLUMN) != 0;
  auto fixed = [](model::value_type t) {
    return t == model::value_type::int64 || t == model::value_type::boolean ||
           t == model::value_type::float64;
  };
  std::size_t n = 0;
  std::size_t texts = 0;
  while (n < columns.size() && (bind_all || fixed(columns[n].type))) {
    if (!fixed(columns[n].type))
      ++texts;
    ++n;
  }
  bound_.resize(n); // never resized while bound: the driver holds the addresses
  if (texts > 0)
    text_buffers_ = std::make_unique<char[]>(texts * bound_text_size);
  char* next_text = text_buffers_.get();
  for (std::size_t c = 0; c < n; ++c) {
    auto& b = bound_[c];
    const auto type = columns[c].type;
    SQLSMALLINT c_type = SQL_C_SBIGINT;
    SQLPOINTER buffer = &b.integer;
    SQLLEN length = 0;
    if (type == model::value_type::float64) {
      c_type = SQL_C_DOUBLE;
      buffer = &b.real;
    } else if (!fixed(type)) {
      c_type = type == model::value_type::bytes ? SQL_C_BINARY : SQL_C_CHAR;
      b.text = std::exchange(next_text, next_text + bound_text_size);
      buffer = b.text;
      length = static_cast<SQLLEN>(bound_text_size);
    }
    const auto rc =
        SQLBindCol(h, static_cast<SQLUSMALLINT>(c + 1), c_type, buffer, length, &b.indicator);
    if (!detail::succeeded(rc)) {
      SQLFreeStmt(h, SQL_UNBIND);
      bound_.clear();
      text_buffers_.reset();
      fail(rc);
    }
  }
}

void statement::push_bound_cell(model::column_store& store, std::size_t column,
                                model::value_type type) {
  const auto& b = bound_[column];
  if (b.text == nullptr) {
    push_fixed(store, type, b.indicator, b.integer, b.real);
    return;
  }
  if (b.indicator == SQL_NULL_DATA) {
    store.push_null();
    return;
  }
  const SQLLEN terminator = type == model::value_type::bytes ? 0 : 1;
  if (b.indicator != SQL_NO_TOTAL &&
      b.indicator <= static_cast<SQLLEN>(bound_text_size) - terminator) {
    store.push_text({b.text, static_cast<std::size_t>(b.indicator)});
    return;
  }
  // Truncated: SQLGetData on a bound column reads the value from its start.
  fetch_cell(store, static_cast<std::uint16_t>(column + 1), type);
}

std::vector<model::column_info> statement::describe_columns(std::int16_t count) {
  std::vector<model::column_info> columns;
  columns.reserve(static_cast<std::size_t>(count));
  for (SQLUSMALLINT i = 1; i <= static_cast<SQLUSMALLINT>(count); ++i) {
    SQLCHAR name[256] = {};
    SQLSMALLINT name_len = 0, type = 0, digits = 0, nullable = SQL_NULLABLE_UNKNOWN;
    SQLULEN size = 0;
    auto rc = SQLDescribeCol(static_cast<SQLHSTMT>(handle_), i, name, sizeof(name), &name_len,
                             &type, &size, &digits, &nullable);
    if (!detail::succeeded(rc))
      fail(rc);
    model::column_info c;
    c.name.assign(reinterpret_cast<const char*>(name),
                  std::clamp<SQLSMALLINT>(name_len, 0, sizeof(name) - 1));
    c.sql_type = type;
    c.type = storage_type(type);
    c.nullable = nullable != SQL_NO_NULLS;
    columns.push_back(std::move(c));
  }
  return columns;
}

void statement::fetch_cell(model::column_store& store, std::uint16_t column,
                           model::value_type type) {
  auto h = static_cast<SQLHSTMT>(handle_);
  SQLLEN ind = 0;
  SQLRETURN rc;
  switch (type) {
  case model::value_type::boolean:
  case model::value_type::int64: {
    SQLBIGINT x = 0;
    rc = SQLGetData(h, column, SQL_C_SBIGINT, &x, sizeof(x), &ind);
    if (!detail::succeeded(rc))
      fail(rc);
    push_fixed(store, type, ind, x, 0);
    return;
  }
  case model::value_type::float64: {
    double x = 0;
    rc = SQLGetData(h, column, SQL_C_DOUBLE, &x, sizeof(x), &ind);
    if (!detail::succeeded(rc))
      fail(rc);
    push_fixed(store, type, ind, 0, x);
    return;
  }
  case model::value_type::text:
  case model::value_type::bytes:
  case model::value_type::null:
    break;
  }
  const bool binary = type == model::value_type::bytes;
  const SQLSMALLINT c_type = binary ? SQL_C_BINARY : SQL_C_CHAR;
  const SQLLEN terminator = binary ? 0 : 1;
  // A short value is read into the stack and appended at its length: read straight into the
  // arena, every cell grew it by a whole part first, an allocation even for the few bytes
  // that fit a string's inline storage (most one-row results).
  char first[256];
  rc = SQLGetData(h, column, c_type, first, sizeof(first), &ind);
  if (rc == SQL_NO_DATA) { // a zero-length value on some drivers
    store.push_text({});
    return;
  }
  if (!detail::succeeded(rc))
    fail(rc);
  if (ind == SQL_NULL_DATA) {
    store.push_null();
    return;
  }
  const auto part_size = static_cast<SQLLEN>(sizeof(first));
  if (rc == SQL_SUCCESS || (ind != SQL_NO_TOTAL && ind <= part_size - terminator)) {
    store.push_text({first, static_cast<std::size_t>(ind)});
    return;
  }
  // Truncated: the rest goes straight into the chunk's arena, in one part when the driver
  // told us its size.
  auto& arena = store.arena();
  const auto start = arena.size();
  arena.append(first, static_cast<std::size_t>(part_size - terminator));
  SQLLEN part = ind == SQL_NO_TOTAL ? part_size * 2 : ind - (part_size - terminator) + terminator;
  for (;;) {
    const auto offset = arena.size();
    arena.resize(offset + static_cast<std::size_t>(part));
    rc = SQLGetData(h, column, c_type, arena.data() + offset, part, &ind);
    if (rc == SQL_NO_DATA) { // every part was read by the previous call
      arena.resize(offset);
      break;
    }
    if (!detail::succeeded(rc)) {
      arena.resize(start);
      fail(rc);
    }
    if (rc == SQL_SUCCESS || (ind != SQL_NO_TOTAL && ind <= part - terminator)) {
      arena.resize(offset + static_cast<std::size_t>(ind));
      break;
    }
    // Truncated: keep what was written, then ask for the rest in one part when the driver
    // told us its size.
    arena.resize(offset + static_cast<std::size_t>(part - terminator));
    part = ind == SQL_NO_TOTAL ? part * 2 : ind - (part - terminator) + terminator;
  }
  store.commit_arena_cell();
}

void statement::bind_arrays(const std::vector<const std::vector<model::value>*>& sets) {
  auto h = static_cast<SQLHSTMT>(handle_);
  const auto n = sets.size();
  const auto& first = *sets.front();
  // Every batch binds afresh: its size and buffers change, and the binding is paid once per
  // batch, not per statement.
  SQLFreeStmt(h, SQL_RESET_PARAMS);
  arrays_.resize(first.size());
  auto rc = SQLSetStmtAttr(h, SQL_ATTR_PARAMSET_SIZE,
                           reinterpret_cast<SQLPOINTER>(static_cast<std::uintptr_t>(n)), 0);
  if (!detail::succeeded(rc))
    fail(rc);
  for (std::size_t p = 0; p < first.size(); ++p) {
    auto& a = arrays_[p];
    a.indicators.assign(n, 0);
    SQLPOINTER buffer = nullptr;
    SQLLEN element = 0;
    switch (first[p].type()) {
    case model::value_type::boolean:
      a.bits.resize(n);
      for (std::size_t k = 0; k < n; ++k)
        a.bits[k] = std::get<bool>((*sets[k])[p].data()) ? 1 : 0;
      buffer = a.bits.data();
      element = sizeof(unsigned char);
      break;
    case model::value_type::int64:
      a.integers.resize(n);
      for (std::size_t k = 0; k < n; ++k)
        a.integers[k] = std::get<std::int64_t>((*sets[k])[p].data());
      buffer = a.integers.data();
      element = sizeof(std::int64_t);
      break;
    case model::value_type::float64:
      a.reals.resize(n);
      for (std::size_t k = 0; k < n; ++k)
        a.reals[k] = std::get<double>((*sets[k])[p].data());
      buffer = a.reals.data();
      element = sizeof(double);
      break;
    case model::value_type::text:
      a.text.resize(n * copied_text_limit);
      for (std::size_t k = 0; k < n; ++k) {
        const auto& text = std::get<std::string>((*sets[k])[p].data());
        std::copy(text.begin(), text.end(),
                  a.text.begin() + static_cast<std::ptrdiff_t>(k * copied_text_limit));
        a.indicators[k] = static_cast<SQLLEN>(text.size());
      }
      buffer = a.text.data();
      element = static_cast<SQLLEN>(copied_text_limit);
      break;
    case model::value_type::null:
      a.text.resize(n);
      a.indicators.assign(n, SQL_NULL_DATA);
      buffer = a.text.data();
      element = 1;
      break;
    case model::value_type::bytes:
      throw std::logic_error("statement::run_batch: binary parameters are not batchable");
    }
    // Batchable text is short: declared as a single run's copied text is.
    const auto [c_type, sql_type, column_size] = declaration_of(first[p]);
    rc = SQLBindParameter(h, static_cast<SQLUSMALLINT>(p + 1), SQL_PARAM_INPUT, c_type, sql_type,
                          column_size, 0, buffer, element, a.indicators.data());
    if (!detail::succeeded(rc))
      fail(rc);
  }
}

model::frozen_result statement::fetch_result(std::size_t chunk_rows) {
  auto h = static_cast<SQLHSTMT>(handle_);
  SQLSMALLINT ncols = 0;
  auto rc = SQLNumResultCols(h, &ncols);
  if (!detail::succeeded(rc))
    fail(rc);
  if (ncols == 0) {
    SQLLEN count = -1;
    if (rc = SQLRowCount(h, &count); !detail::succeeded(rc))
      count = -1;
    return model::freeze(model::column_list{}, {}, count);
  }
  // A prepared statement's result shape is fixed: describe it once and share the list with
  // every result (re-described should a schema change alter the column count).
  if (!described_ || described_->size() != static_cast<std::size_t>(ncols)) {
    described_ = nullptr;
    auto described =
        std::make_shared<const std::vector<model::column_info>>(describe_columns(ncols));
    bind_result_columns(*described);
    described_ = std::move(described);
  }
  model::column_list columns = described_;
  const auto& cols = *columns;
  chunk_rows = std::max<std::size_t>(chunk_rows, 1);
  std::vector<model::row_chunk> chunks;
  model::row_chunk chunk{cols};
  for (;;) {
    rc = SQLFetch(h);
    if (rc == SQL_NO_DATA)
      break;
    if (!detail::succeeded(rc))
      fail(rc);
    for (std::size_t c = 0; c < bound_.size(); ++c)
      push_bound_cell(chunk.column(c), c, cols[c].type);
    for (std::size_t c = bound_.size(); c < cols.size(); ++c)
      fetch_cell(chunk.column(c), static_cast<std::uint16_t>(c + 1), cols[c].type);
    chunk.finish_row();
    if (chunk.row_count() == chunk_rows) {
      // Both drivers read the result during SQLExecute and ignore a cancel after it, so a
      // long fetch checks for one itself, once per chunk.
      if (auto reason = cancel_->fired(); reason != error_category::other) {
        SQLFreeStmt(h, SQL_CLOSE);
        throw cancelled_error(reason, "while fetching rows");
      }
      chunks.push_back(std::move(chunk));
      chunk = model::row_chunk{cols};
    }
  }
  if (chunk.row_count() > 0 || chunks.empty())
    chunks.push_back(std::move(chunk));
  return model::freeze(std::move(columns), std::move(chunks), -1);
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

// Runs `f` at scope exit: ends the window in which a cancel may call into the driver.
template <class F>
struct on_exit {
  F f;
  on_exit(const on_exit&) = delete;
  on_exit& operator=(const on_exit&) = delete;
  ~on_exit() { f(); }
};
template <class F>
on_exit(F) -> on_exit<F>;

std::optional<watchdog::watch_guard> watch(const std::shared_ptr<cancel_handle>& handle,
                                           const run_options& options) {
  std::optional<watchdog::watch_guard> guard;
  if (options.deadline != watchdog::clock::time_point::max() || options.stop)
    guard.emplace(watchdog::instance().watch(handle, options.deadline, options.stop));
  return guard;
}

} // namespace

template <class Bind, class Fetch>
auto statement::execute_watched(const run_options& options, Bind&& bind, Fetch&& fetch) {
  auto h = static_cast<SQLHSTMT>(handle_);
  record_timings timing{options.timings};
  cancel_->reset();
  bind();
  auto watched = watch(cancel_, options);
  if (!cancel_->arm())
    throw cancelled_error(cancel_->fired(), "before execution");
  on_exit disarm{[this]() noexcept { cancel_->disarm(); }};
  auto rc = SQLExecute(h);
  if (!detail::succeeded(rc) && rc != SQL_NO_DATA)
    fail(rc);
  timing.executed = clock::now();
  auto result = fetch();
  SQLFreeStmt(h, SQL_CLOSE);
  return result;
}

model::frozen_result statement::run(const std::vector<model::value>& params,
                                    const run_options& options) {
  if (ran_ == run_kind::batch)
    throw std::logic_error("statement::run on a statement that runs batches");
  ran_ = run_kind::single;
  return execute_watched(
      options, [&] { bind(params); }, [&] { return fetch_result(options.chunk_rows); });
}

std::vector<model::frozen_result>
statement::run_batch(const std::vector<const std::vector<model::value>*>& sets,
                     const run_options& options) {
  if (ran_ == run_kind::single)
    throw std::logic_error("statement::run_batch on a statement that ran single executions");
  if (!conn_->batches_param_arrays())
    throw std::logic_error("statement::run_batch: the driver returns no result per parameter set");
  if (sets.empty())
    return {};
  for (const auto* set : sets)
    if (!batchable(*set) || !batchable_together(*sets.front(), *set))
      throw std::logic_error("statement::run_batch: parameter sets of different shapes");
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
