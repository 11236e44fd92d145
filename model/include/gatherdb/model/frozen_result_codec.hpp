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
/// count and every chunk, little-endian, versioned. Each cell is encoded as its column stores
/// it: an int64 (booleans, integers, a date's days, a time's or timestamp's microseconds), a
/// double, or length-prefixed characters (text, bytes, a decimal's canonical text, a UUID's 16
/// bytes, JSON text). Thread-safety: thread-safe.
[[nodiscard]] std::string encode_frozen_result(const frozen_result_data& result);

/// The inverse of `encode_frozen_result`. The input comes from outside the process, so every
/// length, offset and type is checked against the input's size before it is used: malformed
/// input throws `codec_error` and never reads out of bounds or allocates more than the input
/// could describe. Every non-NULL cell is checked to be a value of its column's type (a date,
/// time or timestamp in its range, a UUID of 16 bytes, a decimal in canonical form, valid
/// JSON), so reading a decoded result never throws `value_error`. Thread-safety: thread-safe.
[[nodiscard]] frozen_result decode_frozen_result(std::string_view bytes);

} // namespace gatherdb::model
