#pragma once

#include <cstdint>

#include "gatherdb/model/detail/civil_days.hpp"

namespace gatherdb::model {

/// A time of day without time zone (SQL TIME), 00:00:00 to 23:59:59.999999, in microseconds
/// since midnight. 24:00:00 (which PostgreSQL accepts) is not a time of day here.
/// Thread-safety: a value type.
class time_of_day {
public:
  /// Midnight.
  constexpr time_of_day() noexcept = default;

  /// Throws `value_error` (22008) unless 0 <= `micros` < one day.
  [[nodiscard]] static time_of_day from_micros(std::int64_t micros);
  /// Throws `value_error` (22008) unless each part is in its range.
  [[nodiscard]] static time_of_day from_hms(unsigned hour, unsigned minute, unsigned second,
                                            unsigned microsecond = 0);

  [[nodiscard]] constexpr std::int64_t micros_since_midnight() const noexcept { return micros_; }
  [[nodiscard]] constexpr unsigned hour() const noexcept {
    return static_cast<unsigned>(micros_ / 3'600'000'000);
  }
  [[nodiscard]] constexpr unsigned minute() const noexcept {
    return static_cast<unsigned>(micros_ / 60'000'000 % 60);
  }
  [[nodiscard]] constexpr unsigned second() const noexcept {
    return static_cast<unsigned>(micros_ / 1'000'000 % 60);
  }
  [[nodiscard]] constexpr unsigned microsecond() const noexcept {
    return static_cast<unsigned>(micros_ % 1'000'000);
  }

  friend constexpr bool operator==(time_of_day a, time_of_day b) noexcept {
    return a.micros_ == b.micros_;
  }
  friend constexpr bool operator!=(time_of_day a, time_of_day b) noexcept { return !(a == b); }
  friend constexpr bool operator<(time_of_day a, time_of_day b) noexcept {
    return a.micros_ < b.micros_;
  }

private:
  std::int64_t micros_ = 0;
};

} // namespace gatherdb::model
