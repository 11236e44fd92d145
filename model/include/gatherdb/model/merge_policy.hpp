#pragma once

#include <cstdint>
#include <string_view>

namespace gatherdb::model {

/// What a merge does when a row's primary key is already in the identity map.
enum class merge_policy : std::uint8_t {
  /// The row's values overwrite the loaded attributes (SQLAlchemy's `load=False` behaviour).
  overwrite,
  /// Like `overwrite`, but a differing version column raises `merge_error` (stale_data).
  check_version,
  /// Like `overwrite`, but an object with unflushed changes raises `merge_error` (dirty_object)
  /// instead of silently losing them.
  reject_dirty,
};

/// Lower-case name of a policy ("overwrite", ...). Thread-safe.
[[nodiscard]] constexpr std::string_view to_string(merge_policy p) noexcept {
  switch (p) {
  case merge_policy::overwrite:
    return "overwrite";
  case merge_policy::check_version:
    return "check_version";
  case merge_policy::reject_dirty:
    return "reject_dirty";
  }
  return "unknown";
}

} // namespace gatherdb::model
