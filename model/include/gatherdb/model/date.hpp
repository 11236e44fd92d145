#pragma once

#include <cstdint>

#include "gatherdb/model/detail/civil_days.hpp"

namespace gatherdb::model {

/// A calendar date (SQL DATE) of the proleptic Gregorian calendar, years 1 to 9999: the range
/// every supported backend stores. Held as days since 1970-01-01.
/// Thread-safety: a value type.
class date {
public:
  /// Days since 1970-01-01 of 0001-01-01 and 9999-12-31.
  static constexpr std::int64_t min_days = detail::days_from_civil(1, 1, 1);
  static constexpr std::int64_t max_days = detail::days_from_civil(9999, 12, 31);

  /// 1970-01-01.
  constexpr date() noexcept = default;

  /// The date `days` after 1970-01-01; throws `value_error` (22008) outside years 1 to 9999.
  [[nodiscard]] static date from_days(std::int64_t days);
  /// The date `year`-`month`-`day`; throws `value_error` (22008) when it is not a date of
  /// years 1 to 9999.
  [[nodiscard]] static date from_ymd(std::int64_t year, unsigned month, unsigned day);

  [[nodiscard]] constexpr std::int64_t days_since_epoch() const noexcept { return days_; }
  [[nodiscard]] constexpr detail::civil_date ymd() const noexcept {
    return detail::civil_from_days(days_);
  }

  friend constexpr bool operator==(date a, date b) noexcept { return a.days_ == b.days_; }
  friend constexpr bool operator!=(date a, date b) noexcept { return a.days_ != b.days_; }
  friend constexpr bool operator<(date a, date b) noexcept { return a.days_ < b.days_; }

private:
  std::int64_t days_ = 0;
};

} // namespace gatherdb::model
