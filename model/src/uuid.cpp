#include "gatherdb/model/uuid.hpp"

#include "gatherdb/model/value_error.hpp"

namespace gatherdb::model {

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

} // namespace

uuid uuid::parse(std::string_view text) {
  const bool hyphens = text.size() == 36;
  if (!hyphens && text.size() != 32)
    throw value_error("22P02", "not a UUID: wrong length " + std::to_string(text.size()));
  octets b{};
  std::size_t at = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (hyphens && (i == 8 || i == 13 || i == 18 || i == 23)) {
      if (text[i] != '-')
        throw value_error("22P02", "not a UUID: expected '-' at offset " + std::to_string(i));
      continue;
    }
    const int v = hex_value(text[i]);
    if (v < 0)
      throw value_error("22P02", "not a UUID: no hex digit at offset " + std::to_string(i));
    b[at / 2] = static_cast<std::uint8_t>(b[at / 2] | (at % 2 == 0 ? v << 4 : v));
    ++at;
  }
  return uuid{b};
}

std::string uuid::to_string() const {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      out += '-';
    out += hex[bytes_[i] >> 4];
    out += hex[bytes_[i] & 0xF];
  }
  return out;
}

} // namespace gatherdb::model
