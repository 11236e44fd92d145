#pragma once

#include <chrono>
#include <cstdint>

#include "gatherdb/model/timestamp.hpp"

namespace gatherdb::model {

/// An instant (SQL TIMESTAMP WITH TIME ZONE), microsecond precision, always UTC on the C++ side:
/// the server's TimeZone setting never changes which instant is read or written. Range as
/// `timestamp`'s, in UTC.
/// Thread-safety: a value type.
class timestamptz {
public:
  /// A point of the system clock (UTC) at microsecond precision.
  using time_point = std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;

  /// 1970-01-01 00:00:00 UTC.
  constexpr timestamptz() noexcept = default;

  /// Throws `value_error` (22008) outside years 1 to 9999 UTC.
  [[nodiscard]] static timestamptz from_micros(std::int64_t micros_since_epoch);
  [[nodiscard]] static timestamptz from_time_point(time_point t) {
    return from_micros(t.time_since_epoch().count());
  }
  /// The instant whose UTC wall time is `utc`.
  [[nodiscard]] static timestamptz from_utc(timestamp utc) noexcept {
    timestamptz x;
    x.micros_ = utc.micros_since_epoch();
    return x;
  }

  [[nodiscard]] constexpr std::int64_t micros_since_epoch() const noexcept { return micros_; }
  [[nodiscard]] time_point to_time_point() const noexcept {
    return time_point{std::chrono::microseconds{micros_}};
  }
  /// The UTC wall time of this instant.
  [[nodiscard]] timestamp utc() const { return timestamp::from_micros(micros_); }

  friend constexpr bool operator==(timestamptz a, timestamptz b) noexcept {
    return a.micros_ == b.micros_;
  }
  friend constexpr bool operator!=(timestamptz a, timestamptz b) noexcept { return !(a == b); }
  friend constexpr bool operator<(timestamptz a, timestamptz b) noexcept {
    return a.micros_ < b.micros_;
  }

private:
  std::int64_t micros_ = 0;
};

} // namespace gatherdb::model
