#include "gatherdb/model/utf8.hpp"

namespace gatherdb::model {

std::size_t invalid_utf8_offset(std::string_view text) noexcept {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  auto continuation = [&](std::size_t k) { return i + k < n && (s[i + k] & 0xC0) == 0x80; };
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // The second byte's range is narrower after E0, ED, F0 and F4: that is where overlong
    // forms, surrogates and values above U+10FFFF would start.
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    std::size_t length = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      lo = c == 0xE0 ? 0xA0 : 0x80;
      hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      lo = c == 0xF0 ? 0x90 : 0x80;
      hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
      return i;
    }
    if (i + 1 >= n || s[i + 1] < lo || s[i + 1] > hi)
      return i;
    for (std::size_t k = 2; k < length; ++k)
      if (!continuation(k))
        return i;
    i += length;
  }
  return std::string_view::npos;
}

} // namespace gatherdb::model
