#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace gatherdb::model {

/// A UUID: 16 bytes (PostgreSQL and MariaDB `UUID`, SQLite text).
/// Thread-safety: a value type.
class uuid {
public:
  using octets = std::array<std::uint8_t, 16>;

  /// The nil UUID.
  constexpr uuid() noexcept = default;
  explicit constexpr uuid(const octets& b) noexcept : bytes_(b) {}

  /// Parses 32 hex digits, with or without the hyphens of 8-4-4-4-12, either case; throws
  /// `value_error` (22P02) on anything else.
  [[nodiscard]] static uuid parse(std::string_view text);

  [[nodiscard]] constexpr const octets& bytes() const noexcept { return bytes_; }
  /// Lower-case 8-4-4-4-12 form.
  [[nodiscard]] std::string to_string() const;

  friend constexpr bool operator==(const uuid& a, const uuid& b) noexcept {
    for (std::size_t i = 0; i < 16; ++i)
      if (a.bytes_[i] != b.bytes_[i])
        return false;
    return true;
  }
  friend constexpr bool operator!=(const uuid& a, const uuid& b) noexcept { return !(a == b); }

private:
  octets bytes_{};
};

} // namespace gatherdb::model
