#pragma once
// The differential suite's own calendar arithmetic and ISO text (proleptic Gregorian, as every
// backend uses), written apart from gatherdb's so that a mistake there cannot hide behind the
// same mistake in the oracle. Howard Hinnant's days_from_civil / civil_from_days.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <string>

namespace gatherdb::differential {

inline constexpr std::int64_t micros_per_second = 1'000'000;
inline constexpr std::int64_t micros_per_day = 86'400 * micros_per_second;

struct civil_day {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

[[nodiscard]] constexpr bool is_leap_year(std::int64_t y) noexcept {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

[[nodiscard]] constexpr unsigned last_day_of(std::int64_t y, unsigned m) noexcept {
  constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : days[m - 1];
}

/// Days since 1970-01-01 of `y`-`m`-`d`.
[[nodiscard]] constexpr std::int64_t days_of(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<std::uint64_t>(y - era * 400);
  const std::uint64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const std::uint64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// The civil day `z` days after 1970-01-01.
[[nodiscard]] constexpr civil_day day_of(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<std::uint64_t>(z - era * 146097);
  const std::uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::uint64_t mp = (5 * doy + 2) / 153;
  const auto d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const auto m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

inline constexpr std::int64_t first_day = days_of(1, 1, 1);
inline constexpr std::int64_t last_day = days_of(9999, 12, 31);
inline constexpr std::int64_t first_micro = first_day * micros_per_day;
inline constexpr std::int64_t last_micro = last_day * micros_per_day + micros_per_day - 1;

/// `x` in at least `width` digits (x >= 0).
inline void append_padded(std::string& out, std::int64_t x, int width) {
  auto digits = std::to_string(x);
  if (static_cast<int>(digits.size()) < width)
    out.append(static_cast<std::size_t>(width) - digits.size(), '0');
  out += digits;
}

/// "YYYY-MM-DD".
[[nodiscard]] inline std::string iso_date(std::int64_t days) {
  const auto c = day_of(days);
  std::string out;
  append_padded(out, c.year, 4);
  out += '-';
  append_padded(out, c.month, 2);
  out += '-';
  append_padded(out, c.day, 2);
  return out;
}

/// How many fraction digits a time's text carries.
enum class fraction_style {
  six,    ///< always ".ffffff" (gatherdb's form, MariaDB's TIME(6) and DATETIME(6))
  trimmed ///< trailing zeros dropped, no '.' for whole seconds (PostgreSQL's output)
};

/// "HH:MM:SS[.ffffff]" of `micros` since midnight.
[[nodiscard]] inline std::string iso_time(std::int64_t micros, fraction_style f) {
  std::string out;
  append_padded(out, micros / 3'600'000'000, 2);
  out += ':';
  append_padded(out, micros / 60'000'000 % 60, 2);
  out += ':';
  append_padded(out, micros / micros_per_second % 60, 2);
  std::string fraction;
  append_padded(fraction, micros % micros_per_second, 6);
  if (f == fraction_style::trimmed) {
    while (!fraction.empty() && fraction.back() == '0')
      fraction.pop_back();
  }
  if (!fraction.empty())
    out += '.' + fraction;
  return out;
}

/// Floor division of microseconds into days, for instants before 1970.
[[nodiscard]] constexpr std::int64_t day_part(std::int64_t micros) noexcept {
  return micros >= 0 ? micros / micros_per_day : -((-micros + micros_per_day - 1) / micros_per_day);
}

/// "YYYY-MM-DD<sep>HH:MM:SS[.ffffff]" of `micros` since 1970-01-01 00:00:00.
[[nodiscard]] inline std::string iso_timestamp(std::int64_t micros, fraction_style f,
                                               char sep = ' ') {
  const auto days = day_part(micros);
  return iso_date(days) + sep + iso_time(micros - days * micros_per_day, f);
}

/// "+hh:mm", "-hh:mm:ss" of an offset in seconds east of UTC (never "Z").
[[nodiscard]] inline std::string iso_offset(std::int64_t seconds) {
  std::string out = seconds < 0 ? "-" : "+";
  const auto a = seconds < 0 ? -seconds : seconds;
  append_padded(out, a / 3600, 2);
  out += ':';
  append_padded(out, a / 60 % 60, 2);
  if (a % 60 != 0) {
    out += ':';
    append_padded(out, a % 60, 2);
  }
  return out;
}

} // namespace gatherdb::differential
