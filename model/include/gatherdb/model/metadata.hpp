#pragma once

#include <vector>

#include "gatherdb/model/entity.hpp"
#include "gatherdb/model/executor.hpp"
#include "gatherdb/model/table_schema.hpp"

namespace gatherdb::model {

/// The set of mapped tables of an application, like SQLAlchemy's `Base.metadata`: creates and
/// drops their schema.
/// Ownership: refers to the immutable, program-lifetime schemas owned by `mapping_of`.
/// Thread-safety: not thread-safe while `add` is called; const member functions may be called
/// concurrently (each with its own executor).
class metadata {
public:
  /// Registers entity `E` (once; later calls for the same `E` are ignored). Tables are created
  /// in registration order and dropped in reverse order, so register referenced tables first.
  template <class E>
  metadata& add() {
    const table_schema* t = &mapping_of<E>().schema();
    for (const auto* x : tables_)
      if (x == t)
        return *this;
    tables_.push_back(t);
    return *this;
  }

  /// `CREATE TABLE IF NOT EXISTS` for every table, in registration order.
  void create_all(executor& ex) const;

  /// `DROP TABLE IF EXISTS` for every table, in reverse registration order.
  void drop_all(executor& ex) const;

  /// The registered tables, in registration order.
  [[nodiscard]] const std::vector<const table_schema*>& tables() const noexcept { return tables_; }

private:
  std::vector<const table_schema*> tables_;
};

} // namespace gatherdb::model
