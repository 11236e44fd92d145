#pragma once

#include <string>
#include <unordered_map>

#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/drivers/prepared_statement.hpp"
#include "gatherdb/model/executor.hpp"

namespace gatherdb::drivers {

/// `model::executor` over one ODBC connection, with a cache of prepared statements keyed by
/// SQL text so that a repeated statement is prepared once.
/// Thread-safety: not thread-safe (like the connection it borrows, which must outlive it).
class connection_executor final : public model::executor {
public:
  explicit connection_executor(connection& conn) noexcept : conn_(conn) {}

  [[nodiscard]] model::dialect sql_dialect() const override { return conn_.sql_dialect(); }
  model::frozen_result execute(std::string_view sql,
                               const std::vector<model::value>& params) override;
  void begin() override { conn_.begin(); }
  void commit() override { conn_.commit(); }
  void rollback() noexcept override { conn_.rollback(); }

  /// The cached prepared statement for `sql`, prepared on first use.
  [[nodiscard]] prepared_statement& prepared(std::string_view sql);

private:
  connection& conn_;
  std::unordered_map<std::string, prepared_statement> cache_;
};

} // namespace gatherdb::drivers
