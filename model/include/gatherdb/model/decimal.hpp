#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gatherdb::model {

/// An exact decimal number (SQL NUMERIC / DECIMAL) of at most 38 digits, never a double. Held
/// as its text: an optional '-', the integer digits without leading zeros ("0" when there are
/// none), and, when the scale is not zero, '.' and exactly `scale()` fraction digits. Trailing
/// fraction zeros are kept: 1.50 and 1.5 are different values (the scale is part of the value,
/// as the database returns it), and equality is exact, digit for digit. Zero has no sign.
/// Thread-safety: a value type.
class decimal {
public:
  /// The most digits (integer and fraction together) a decimal holds.
  static constexpr std::size_t max_digits = 38;

  /// 0.
  decimal() : text_("0") {}

  /// Parses `[+-]digits[.digits]` (also `.5` and `5.`); throws `value_error`: 22P02 for
  /// anything else (NaN, infinities, exponents, spaces), 22003 for more than 38 digits.
  [[nodiscard]] static decimal parse(std::string_view text);

  /// The canonical text, as described above.
  [[nodiscard]] const std::string& to_string() const noexcept { return text_; }
  /// Digits after the point.
  [[nodiscard]] std::size_t scale() const noexcept;

  friend bool operator==(const decimal& a, const decimal& b) noexcept { return a.text_ == b.text_; }
  friend bool operator!=(const decimal& a, const decimal& b) noexcept { return !(a == b); }

private:
  std::string text_;
};

} // namespace gatherdb::model
