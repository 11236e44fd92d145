#pragma once
// Proleptic Gregorian calendar arithmetic (Howard Hinnant's days_from_civil / civil_from_days,
// public domain): C++17 has no calendar types, and these two functions are all gatherdb needs.

#include <cstdint>

namespace gatherdb::model::detail {

/// A calendar date; `year` is astronomical (0 is 1 BC).
struct civil_date {
  std::int64_t year = 1970;
  unsigned month = 1;
  unsigned day = 1;
};

/// Days since 1970-01-01 of a proleptic Gregorian date.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// The proleptic Gregorian date `z` days after 1970-01-01.
constexpr civil_date civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return civil_date{y + (m <= 2 ? 1 : 0), m, d};
}

/// Days in month `m` of year `y`.
constexpr unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
  constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[(m - 1) % 12];
}

/// Microseconds per day.
inline constexpr std::int64_t micros_per_day = 86'400'000'000;

} // namespace gatherdb::model::detail
