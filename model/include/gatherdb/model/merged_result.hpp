#pragma once

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include "gatherdb/model/detail/object_refs.hpp"
#include "gatherdb/model/frozen_result.hpp"

namespace gatherdb::model {

/// The outcome of merging one frozen result into a `session_state`: for an entity statement,
/// references to the session's objects in row order; for a raw statement, the rows themselves.
/// The frozen rows are kept in both cases (`rows()`).
///
/// Ownership: the object references point into the `session_state` that produced them and stay
/// valid as long as that session_state lives (objects are never moved or removed); the frozen
/// result is shared. Thread-safety: immutable and cheap to copy (shared_ptr inside); reading the
/// referenced objects is safe only while nobody modifies them through the session.
class merged_result {
public:
  /// An empty raw result.
  merged_result() = default;

  /// The result of a statement that loads no entities: its rows.
  [[nodiscard]] static merged_result raw(frozen_result rows);

  /// The result of an entity statement: `objects[i]` is the session object (an `E`) of row `i`.
  template <class E>
  [[nodiscard]] static merged_result entities(frozen_result rows, detail::object_refs objects) {
    merged_result r;
    r.rows_ = std::move(rows);
    r.objects_ = std::make_shared<const detail::object_refs>(std::move(objects));
    r.type_ = &typeid(E);
    r.append_repr_ = &append_entity_repr<E>;
    return r;
  }

  /// The results of one statement run on several routes, one after another, over `rows` (their
  /// frozen rows concatenated, see `concatenate`). Throws `std::invalid_argument` when the
  /// parts are not all raw or all entities of one type.
  [[nodiscard]] static merged_result concatenate(const std::vector<merged_result>& parts,
                                                 frozen_result rows);

  /// Number of rows (= number of object references for an entity result).
  [[nodiscard]] std::size_t size() const noexcept;
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }

  /// True for the result of an entity statement.
  [[nodiscard]] bool loads_entities() const noexcept { return type_ != nullptr; }

  /// The session object of row `row`; throws `std::logic_error` when this is not a result of
  /// entities of type `E` and `std::out_of_range` for a bad row.
  template <class E>
  [[nodiscard]] const E& get(std::size_t row) const {
    require<E>();
    if (row >= objects_->size())
      throw std::out_of_range("merged_result: row index out of range");
    return *static_cast<const E*>((*objects_)[row]);
  }

  /// Every session object, in row order (a row per element; duplicates when two rows had the
  /// same key). Throws `std::logic_error` like `get`.
  template <class E>
  [[nodiscard]] std::vector<const E*> all() const {
    require<E>();
    std::vector<const E*> out;
    out.reserve(objects_->size());
    objects_->for_each([&](const void* p) { out.push_back(static_cast<const E*>(p)); });
    return out;
  }

  /// The frozen rows this result was merged from (null for a default-constructed result).
  [[nodiscard]] const frozen_result& rows() const noexcept { return rows_; }

  /// Python's repr of `result.all()`: `[(A(id_=42, data='a_41'),)]` for entities,
  /// `[(1, 'x'), (2, None)]` for raw rows, `[]` when empty.
  [[nodiscard]] std::string repr() const;

  /// `repr()` appended to `out`, for printing many results without temporaries.
  void append_repr(std::string& out) const;

private:
  template <class E>
  static void append_entity_repr(std::string& out, const void* obj);

  template <class E>
  void require() const {
    if (type_ == nullptr || *type_ != typeid(E))
      throw std::logic_error(std::string{"merged_result: does not hold entities of type "} +
                             typeid(E).name());
  }

  frozen_result rows_;
  std::shared_ptr<const detail::object_refs> objects_;
  const std::type_info* type_ = nullptr;
  void (*append_repr_)(std::string&, const void*) = nullptr;
};

} // namespace gatherdb::model

#include "gatherdb/model/entity.hpp"

namespace gatherdb::model {

template <class E>
void merged_result::append_entity_repr(std::string& out, const void* obj) {
  model::append_repr(out, *static_cast<const E*>(obj));
}

} // namespace gatherdb::model
