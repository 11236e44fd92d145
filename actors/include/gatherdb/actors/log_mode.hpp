#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace gatherdb::actors {

/// Which statements the statement log writes a line for (`settings::log`), like SQLAlchemy's
/// `echo=True`.
enum class log_mode : std::uint8_t {
  off,        ///< none (the default; costs one branch per gather)
  slow,       ///< those whose queue wait + execute + fetch + merge took `settings::log_slow`
              ///< or longer
  statements, ///< every statement
};

/// "off", "slow" or "statements".
[[nodiscard]] std::string_view to_string(log_mode m) noexcept;

/// The mode named `s` ("off", "slow", "statements"), or nothing.
[[nodiscard]] std::optional<log_mode> parse_log_mode(std::string_view s) noexcept;

} // namespace gatherdb::actors
