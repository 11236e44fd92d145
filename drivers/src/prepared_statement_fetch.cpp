// Fetching: describing, binding and reading result columns into row chunks, and freezing them.
#include <algorithm>
#include <cctype>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/drivers/prepared_statement.hpp"

#include "backend_profile.hpp"
#include "driver_cancel.hpp"
#include "odbc.hpp"
#include "prepared_statement_values.hpp"

namespace gatherdb::drivers {

static_assert(std::is_same_v<SQLLEN, long>, "fixed_param::indicator must be an SQLLEN");
using detail::bound_text_size;
using detail::cancelled_error;
using detail::push_fixed;
using detail::storage_type;

void prepared_statement::bind_result_columns(const std::vector<model::column_info>& columns) {
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

void prepared_statement::push_bound_cell(model::column_store& store, std::size_t column,
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
    const std::string_view text{b.text, static_cast<std::size_t>(b.indicator)};
    if (detail::converted_from_text(type))
      detail::push_converted(store, type, text, conn_->sql_dialect());
    else
      store.push_text(text);
    return;
  }
  // Truncated: SQLGetData on a bound column reads the value from its start.
  fetch_cell(store, static_cast<std::uint16_t>(column + 1), type);
}

std::vector<model::column_info> prepared_statement::describe_columns(std::int16_t count) {
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
    SQLCHAR type_name[64] = {};
    SQLSMALLINT type_name_len = 0;
    if (!detail::succeeded(SQLColAttribute(static_cast<SQLHSTMT>(handle_), i, SQL_DESC_TYPE_NAME,
                                           type_name, sizeof(type_name), &type_name_len, nullptr)))
      type_name_len = 0;
    std::string lower_name(reinterpret_cast<const char*>(type_name),
                           std::clamp<SQLSMALLINT>(type_name_len, 0, sizeof(type_name) - 1));
    for (auto& ch : lower_name)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    c.type = storage_type(type, lower_name, conn_->sql_dialect());
    c.nullable = nullable != SQL_NO_NULLS;
    columns.push_back(std::move(c));
  }
  return columns;
}

void prepared_statement::fetch_cell(model::column_store& store, std::uint16_t column,
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
  default:
    break;
  }
  if (detail::converted_from_text(type)) {
    // Read as text into a store of its own, then converted: such cells are short.
    model::column_store text{model::value_type::text};
    fetch_cell(text, column, model::value_type::text);
    if (text.is_null(0))
      store.push_null();
    else
      detail::push_converted(store, type, text.text_at(0), conn_->sql_dialect());
    return;
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

model::frozen_result prepared_statement::fetch_result(std::size_t chunk_rows) {
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
      // The drivers read the result during SQLExecute and the handle is disarmed after it,
      // so a long fetch checks for a cancel itself, once per chunk.
      if (auto reason = cancel_->fired(); reason != error_category::other) {
        SQLFreeStmt(h, SQL_CLOSE);
        stale_ = detail::profile_of(conn_->sql_dialect()).cancel_spoils_statement;
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

} // namespace gatherdb::drivers
