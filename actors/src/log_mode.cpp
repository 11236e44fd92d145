#include "gatherdb/actors/log_mode.hpp"

namespace gatherdb::actors {

std::string_view to_string(log_mode m) noexcept {
  switch (m) {
  case log_mode::off:
    return "off";
  case log_mode::slow:
    return "slow";
  case log_mode::statements:
    return "statements";
  }
  return "off";
}

std::optional<log_mode> parse_log_mode(std::string_view s) noexcept {
  for (auto m : {log_mode::off, log_mode::slow, log_mode::statements})
    if (s == to_string(m))
      return m;
  return std::nullopt;
}

} // namespace gatherdb::actors
