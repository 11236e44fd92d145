#pragma once
// How each backend writes and reads date, time, timestamp, timestamptz, decimal, UUID and JSON
// values as text: the one place that knows, per dialect, what text a parameter is sent as and
// what text a cell comes back as. Internal (drivers and the model's output use it).

#include <string>
#include <string_view>

#include "gatherdb/model/date.hpp"
#include "gatherdb/model/dialect.hpp"
#include "gatherdb/model/time_of_day.hpp"
#include "gatherdb/model/timestamp.hpp"
#include "gatherdb/model/timestamptz.hpp"
#include "gatherdb/model/value.hpp"

namespace gatherdb::model::detail {

/// ISO 8601 forms with all six fraction digits: "2024-02-29", "23:59:59.999999",
/// "2024-02-29 23:59:59.000001", "2024-02-29 23:59:59.000001+00:00". Thread-safe.
[[nodiscard]] std::string format_date(date d);
[[nodiscard]] std::string format_time(time_of_day t);
[[nodiscard]] std::string format_timestamp(timestamp t);
[[nodiscard]] std::string format_timestamptz(timestamptz t);

/// Parsers of what the backends return: ISO dates (PostgreSQL's " BC" suffix too), times with
/// 0 to 6 fraction digits, 'T' or ' ' between date and time; a timestamptz may carry an offset
/// ("Z", "+01", "+05:30", "-04:56:02"; none means UTC, MariaDB's DATETIME convention). Throw
/// `value_error`: 22007 for text of another form, 22008 for a value outside years 1 to 9999
/// (in UTC for timestamptz). So a year BC is 22008 (there is no "0000 BC": 22007), except
/// that a timestamptz's local time may lie in 1 BC, or in 10000, when its instant does not.
/// Thread-safe.
[[nodiscard]] date parse_date(std::string_view text);
[[nodiscard]] time_of_day parse_time(std::string_view text);
[[nodiscard]] timestamp parse_timestamp(std::string_view text);
[[nodiscard]] timestamptz parse_timestamptz(std::string_view text);

/// Whether values of `t` travel to and from the drivers as text in a backend's own form
/// (dates, times, timestamps, decimals, UUIDs, JSON).
[[nodiscard]] constexpr bool sent_as_text(value_type t) noexcept {
  return t >= value_type::date;
}

/// The text `d` is sent for `v`, whose type is `sent_as_text`. PostgreSQL and SQLite get the
/// ISO forms above (the timestamptz's offset included, so the server's TimeZone cannot move
/// the instant); MariaDB's DATETIME(6) holds a timestamptz as its UTC wall time.
[[nodiscard]] std::string backend_text(const value& v, dialect d);

/// The value of type `t` (one of `sent_as_text`) that `text`, a cell as `d` returned it,
/// stands for; throws `value_error` (22xxx) when no value of `t` is meant (PostgreSQL's
/// 'infinity', NaN, a year BC, a malformed UUID).
[[nodiscard]] value parse_backend_text(value_type t, std::string_view text, dialect d);

} // namespace gatherdb::model::detail
