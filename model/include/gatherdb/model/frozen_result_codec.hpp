#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "gatherdb/model/frozen_result.hpp"

namespace gatherdb::model {

/// Thrown by `decode_frozen_result` for input that is not a well-formed encoding.
class codec_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A frozen result as bytes, for actors on other nodes: column metadata, the affected-row
/// count and every chunk, little-endian, versioned. Thread-safety: thread-safe.
[[nodiscard]] std::string encode_frozen_result(const frozen_result_data& result);

/// The inverse of `encode_frozen_result`. The input comes from outside the process, so every
/// length, offset and type is checked against the input's size before it is used: malformed
/// input throws `codec_error` and never reads out of bounds or allocates more than the input
/// could describe. Thread-safety: thread-safe.
[[nodiscard]] frozen_result decode_frozen_result(std::string_view bytes);

} // namespace gatherdb::model
