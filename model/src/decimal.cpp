#include "gatherdb/model/decimal.hpp"

#include "gatherdb/model/value_error.hpp"

namespace gatherdb::model {

namespace {

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

} // namespace

decimal decimal::parse(std::string_view text) {
  const std::string_view original = text;
  auto bad = [&] {
    return value_error("22P02", "not a decimal number: \"" + std::string{original.substr(0, 64)} +
                                    (original.size() > 64 ? "...\"" : "\""));
  };
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  const auto point = text.find('.');
  auto int_part = text.substr(0, point);
  const auto frac_part =
      point == std::string_view::npos ? std::string_view{} : text.substr(point + 1);
  if (int_part.empty() && frac_part.empty())
    throw bad();
  for (char c : int_part)
    if (!is_digit(c))
      throw bad();
  for (char c : frac_part)
    if (!is_digit(c))
      throw bad();
  while (int_part.size() > 1 && int_part.front() == '0')
    int_part.remove_prefix(1);
  const auto int_digits = int_part == "0" || int_part.empty() ? 0 : int_part.size();
  if (int_digits + frac_part.size() > max_digits)
    throw value_error("22003", "decimal of " + std::to_string(int_digits + frac_part.size()) +
                                   " digits; at most 38 are held exactly");
  decimal d;
  d.text_.clear();
  bool zero = true;
  for (char c : int_part)
    zero = zero && c == '0';
  for (char c : frac_part)
    zero = zero && c == '0';
  if (negative && !zero)
    d.text_ += '-';
  d.text_ += int_part.empty() ? std::string_view{"0"} : int_part;
  if (!frac_part.empty()) {
    d.text_ += '.';
    d.text_ += frac_part;
  }
  return d;
}

std::size_t decimal::scale() const noexcept {
  const auto point = text_.find('.');
  return point == std::string::npos ? 0 : text_.size() - point - 1;
}

} // namespace gatherdb::model
