#pragma once

#include <string_view>
#include <vector>

#include "gatherdb/model/dialect.hpp"
#include "gatherdb/model/frozen_result.hpp"
#include "gatherdb/model/value.hpp"

namespace gatherdb::model {

/// What the model needs from a database: run one statement with bound parameters, and control
/// a transaction. `drivers::connection_executor` implements it over ODBC; `model/` never sees
/// ODBC. Errors are reported by throwing (drivers throw `drivers::database_error`).
/// Thread-safety: implementations are used from one thread at a time.
class executor {
public:
  virtual ~executor() = default;

  /// The dialect to generate SQL for.
  [[nodiscard]] virtual dialect sql_dialect() const = 0;

  /// Runs `sql` with `params` bound to its `?` markers, in order, and returns every row.
  virtual frozen_result execute(std::string_view sql, const std::vector<value>& params) = 0;

  /// Starts a transaction (autocommit off until `commit` or `rollback`).
  virtual void begin() = 0;
  virtual void commit() = 0;
  /// Rolls back the whole transaction; must not throw when the connection is already broken.
  virtual void rollback() noexcept = 0;
};

} // namespace gatherdb::model
