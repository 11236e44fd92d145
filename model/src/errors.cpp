#include "gatherdb/model/errors.hpp"

namespace gatherdb::model {

std::string_view to_string(merge_error_kind k) noexcept {
  switch (k) {
  case merge_error_kind::null_in_non_nullable:
    return "null_in_non_nullable";
  case merge_error_kind::type_mismatch:
    return "type_mismatch";
  case merge_error_kind::missing_column:
    return "missing_column";
  case merge_error_kind::stale_data:
    return "stale_data";
  case merge_error_kind::dirty_object:
    return "dirty_object";
  }
  return "unknown";
}

namespace {

std::string merge_message(merge_error_kind kind, const std::string& column, std::size_t row,
                          const std::string& detail) {
  std::string msg = "merge failed (";
  msg += to_string(kind);
  msg += ") on column \"";
  msg += column;
  msg += '"';
  if (row != merge_error::npos) {
    msg += " at row ";
    msg += std::to_string(row);
  }
  if (!detail.empty()) {
    msg += ": ";
    msg += detail;
  }
  return msg;
}

std::string flush_message(std::size_t index, const std::string& repr, const std::string& cause,
                          bool update) {
  std::string msg = "flush failed";
  if (index != flush_error::npos) {
    msg += update ? " updating object #" : " inserting object #";
    msg += std::to_string(index);
    msg += ' ';
    msg += repr;
  }
  msg += ": ";
  msg += cause;
  return msg;
}

} // namespace

merge_error::merge_error(merge_error_kind kind, std::string column, std::size_t row,
                         const std::string& detail)
    : std::runtime_error(merge_message(kind, column, row, detail)), kind_(kind),
      column_(std::move(column)), row_(row) {}

flush_error::flush_error(std::size_t index, std::string object_repr, std::string cause, bool update)
    : std::runtime_error(flush_message(index, object_repr, cause, update)), index_(index),
      repr_(std::move(object_repr)), cause_(std::move(cause)), update_(update) {}

} // namespace gatherdb::model
