#pragma once

#include <cstdint>

#include "gatherdb/model/date.hpp"
#include "gatherdb/model/time_of_day.hpp"

namespace gatherdb::model {

/// A date and time of day without time zone (SQL TIMESTAMP, MariaDB DATETIME(6)), microsecond
/// precision, 0001-01-01 00:00:00 to 9999-12-31 23:59:59.999999. Held as microseconds since
/// 1970-01-01 00:00:00 of the same (unspecified) clock: no time zone is ever applied to it.
/// Thread-safety: a value type.
class timestamp {
public:
  static constexpr std::int64_t min_micros = date::min_days * detail::micros_per_day;
  static constexpr std::int64_t max_micros =
      date::max_days * detail::micros_per_day + detail::micros_per_day - 1;

  /// 1970-01-01 00:00:00.
  constexpr timestamp() noexcept = default;

  /// Throws `value_error` (22008) outside the range above.
  [[nodiscard]] static timestamp from_micros(std::int64_t micros);
  [[nodiscard]] static timestamp from_parts(date d, time_of_day t) noexcept {
    timestamp x;
    x.micros_ = d.days_since_epoch() * detail::micros_per_day + t.micros_since_midnight();
    return x;
  }

  [[nodiscard]] constexpr std::int64_t micros_since_epoch() const noexcept { return micros_; }
  [[nodiscard]] date date_part() const;
  [[nodiscard]] time_of_day time_part() const;

  friend constexpr bool operator==(timestamp a, timestamp b) noexcept {
    return a.micros_ == b.micros_;
  }
  friend constexpr bool operator!=(timestamp a, timestamp b) noexcept { return !(a == b); }
  friend constexpr bool operator<(timestamp a, timestamp b) noexcept {
    return a.micros_ < b.micros_;
  }

private:
  std::int64_t micros_ = 0;
};

} // namespace gatherdb::model
