#pragma once

#include <stdexcept>
#include <string>

namespace gatherdb::model {

/// A value that gatherdb cannot hold or send exactly: a date outside years 1 to 9999, a decimal
/// of more than 38 digits, text that is not a UUID or JSON, an unsigned integer above
/// INT64_MAX. Carries the SQLSTATE (class 22, "data exception") that the drivers report it
/// under, so that it is a `data` error wherever it surfaces. Nothing was changed or sent.
/// Thread-safety: immutable value type.
class value_error : public std::invalid_argument {
public:
  /// `sqlstate` is a 22xxx code (22003 out of range, 22007 bad datetime text, 22008 datetime
  /// out of range, 22P02 bad text form).
  value_error(std::string sqlstate, const std::string& message)
      : std::invalid_argument(message), sqlstate_(std::move(sqlstate)) {}

  [[nodiscard]] const std::string& sqlstate() const noexcept { return sqlstate_; }

private:
  std::string sqlstate_;
};

} // namespace gatherdb::model
