#pragma once

#include <cstddef>
#include <string_view>

namespace gatherdb::model {

/// Offset of the first byte of `text` that does not start a well-formed UTF-8 sequence
/// (RFC 3629: no overlong forms, no UTF-16 surrogates, nothing above U+10FFFF), or `npos` when
/// all of `text` is well formed. Thread-safe.
[[nodiscard]] std::size_t invalid_utf8_offset(std::string_view text) noexcept;

} // namespace gatherdb::model
