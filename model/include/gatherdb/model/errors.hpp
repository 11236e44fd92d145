#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gatherdb::model {

/// Why a frozen result could not be merged into a session.
enum class merge_error_kind : std::uint8_t {
  /// A NULL cell for a member that is not `std::optional`.
  null_in_non_nullable,
  /// A column whose type (or value range) does not fit the member.
  type_mismatch,
  /// The result has no column for a mapped member.
  missing_column,
  /// `merge_policy::check_version`: the row's version differs from the object's.
  stale_data,
  /// `merge_policy::reject_dirty`: the object has unflushed changes.
  dirty_object,
};

/// Lower-case name of a merge error kind. Thread-safe.
[[nodiscard]] std::string_view to_string(merge_error_kind k) noexcept;

/// A frozen result that cannot be merged. A merge that throws it has changed nothing.
/// Thread-safety: immutable value type.
class merge_error : public std::runtime_error {
public:
  /// `row` is the row index within the frozen result, `npos` when the error concerns a whole
  /// column (e.g. a missing column).
  merge_error(merge_error_kind kind, std::string column, std::size_t row,
              const std::string& detail = {});

  [[nodiscard]] merge_error_kind kind() const noexcept { return kind_; }
  /// The mapped column name the error is about.
  [[nodiscard]] const std::string& column() const noexcept { return column_; }
  /// Row index within the frozen result, or `npos`.
  [[nodiscard]] std::size_t row() const noexcept { return row_; }

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

private:
  merge_error_kind kind_;
  std::string column_;
  std::size_t row_;
};

/// A `session_state::commit` that failed and was rolled back; the session is as before the
/// commit (objects still pending, no keys assigned).
/// Thread-safety: immutable value type.
class flush_error : public std::runtime_error {
public:
  /// `index` is the failed object's position in flush order (pending inserts in `add` order,
  /// then dirty updates in first-`modify` order), `npos` when the transaction itself failed
  /// (begin or commit); `object_repr` is its `repr`; `cause` the underlying `what()`.
  flush_error(std::size_t index, std::string object_repr, std::string cause, bool update = false);

  [[nodiscard]] std::size_t failed_index() const noexcept { return index_; }
  [[nodiscard]] const std::string& object_repr() const noexcept { return repr_; }
  [[nodiscard]] const std::string& cause() const noexcept { return cause_; }
  /// True when the failed statement was an UPDATE of a dirty object, false for an INSERT.
  [[nodiscard]] bool is_update() const noexcept { return update_; }

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

private:
  std::size_t index_;
  std::string repr_;
  std::string cause_;
  bool update_;
};

} // namespace gatherdb::model
