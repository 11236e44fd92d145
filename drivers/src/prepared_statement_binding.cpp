// Binding: parameters of single runs and parameter arrays, and which sets may share an array.
#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/drivers/prepared_statement.hpp"
#include "gatherdb/model/detail/backend_text.hpp"

#include "backend_profile.hpp"
#include "driver_cancel.hpp"
#include "odbc.hpp"
#include "prepared_statement_values.hpp"

namespace gatherdb::drivers {

static_assert(std::is_same_v<SQLLEN, long>, "fixed_param::indicator must be an SQLLEN");
using detail::copied_text_limit;
using detail::declaration_of;

bool sendable(const model::value& v) noexcept {
  const auto* text = v.get_if<std::string>();
  return text == nullptr || detail::refused_text(*text) == detail::text_refusal::none;
}

namespace {

// Values sent as their backend text that a parameter array can hold in a fixed-size element.
bool short_backend_text(model::value_type t) noexcept {
  return model::detail::sent_as_text(t) && t != model::value_type::json;
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
      return std::get<std::string>(v.data()).size() <= copied_text_limit && sendable(v);
    case model::value_type::bytes:
    case model::value_type::json:
      return false;
    default:
      return short_backend_text(v.type());
    }
  });
}

bool batchable_together(const std::vector<model::value>& a,
                        const std::vector<model::value>& b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](const model::value& x, const model::value& y) {
                                              return x.type() == y.type();
                                            });
}

void prepared_statement::bind(const std::vector<model::value>& params) {
  auto h = static_cast<SQLHSTMT>(handle_);
  if (params.size() != params_.size()) {
    SQLFreeStmt(h, SQL_RESET_PARAMS);
    params_.clear(); // bindings point into the slots, which a resize could move
    params_.resize(params.size());
  }
  const auto dialect = conn_->sql_dialect();
  for (std::size_t i = 0; i < params.size(); ++i) {
    auto& slot = params_[i];
    const auto [c_type, sql_type, column_size, digits] = declaration_of(params[i], dialect);
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
      if (std::isnan(*d) && !detail::profile_of(dialect).stores_nan)
        throw database_error(error_info{"22003", 0,
                                        "parameter " + std::to_string(i + 1) +
                                            " is NaN, which this database would store as NULL",
                                        error_category::data, false});
      slot.real = *d;
      slot.indicator = 0;
      buffer = &slot.real;
    } else if (auto s = std::get_if<std::string>(&data)) {
      if (auto why = detail::refused_text(*s); why != detail::text_refusal::none)
        throw detail::refused_text_error(why, *s, "text parameter " + std::to_string(i + 1));
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
    } else if (model::detail::sent_as_text(params[i].type())) {
      // Copied into the slot, whose buffer keeps its address for every short value.
      slot.text.reserve(copied_text_limit);
      slot.text = model::detail::backend_text(params[i], dialect);
      slot.indicator = static_cast<SQLLEN>(slot.text.size());
      buffer = slot.text.data();
      buffer_length = static_cast<SQLLEN>(std::max(slot.text.size(), copied_text_limit));
      reuse = slot.text.size() <= copied_text_limit;
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
        slot.column_size == column_size && slot.digits == digits && slot.buffer == buffer &&
        slot.buffer_length == buffer_length)
      continue;
    slot.c_type = 0; // nothing bound unless this call succeeds
    const auto rc = SQLBindParameter(h, static_cast<SQLUSMALLINT>(i + 1), SQL_PARAM_INPUT, c_type,
                                     sql_type, column_size, digits, const_cast<void*>(buffer),
                                     buffer_length, &slot.indicator);
    if (!detail::succeeded(rc))
      fail(rc);
    slot.c_type = c_type;
    slot.sql_type = sql_type;
    slot.column_size = column_size;
    slot.digits = digits;
    slot.buffer = buffer;
    slot.buffer_length = buffer_length;
  }
}

void prepared_statement::bind_arrays(const std::vector<const std::vector<model::value>*>& sets) {
  auto h = static_cast<SQLHSTMT>(handle_);
  const auto n = sets.size();
  const auto& first = *sets.front();
  const auto dialect = conn_->sql_dialect();
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
    // Short text, one element of `copied_text_limit` bytes per set, from `text_of(k)`.
    auto fill_text = [&](auto text_of) {
      a.text.resize(n * copied_text_limit);
      for (std::size_t k = 0; k < n; ++k) {
        decltype(auto) text = text_of(k);
        std::copy(text.begin(), text.end(),
                  a.text.begin() + static_cast<std::ptrdiff_t>(k * copied_text_limit));
        a.indicators[k] = static_cast<SQLLEN>(text.size());
      }
      buffer = a.text.data();
      element = static_cast<SQLLEN>(copied_text_limit);
    };
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
      fill_text([&](std::size_t k) -> const std::string& {
        return std::get<std::string>((*sets[k])[p].data());
      });
      break;
    case model::value_type::null:
      a.text.resize(n);
      a.indicators.assign(n, SQL_NULL_DATA);
      buffer = a.text.data();
      element = 1;
      break;
    case model::value_type::bytes:
    case model::value_type::json:
      throw std::logic_error(
          "prepared_statement::run_batch: binary and JSON parameters are not batchable");
    default: // short backend text: dates, times, timestamps, decimals, UUIDs
      fill_text([&](std::size_t k) { return model::detail::backend_text((*sets[k])[p], dialect); });
      break;
    }
    // Batchable text is short: declared as a single run's copied text is. A decimal's scale
    // is that of the first set's (drivers ignore it for text).
    const auto [c_type, sql_type, column_size, digits] = declaration_of(first[p], dialect);
    rc = SQLBindParameter(h, static_cast<SQLUSMALLINT>(p + 1), SQL_PARAM_INPUT, c_type, sql_type,
                          column_size, digits, buffer, element, a.indicators.data());
    if (!detail::succeeded(rc))
      fail(rc);
  }
}

} // namespace gatherdb::drivers
