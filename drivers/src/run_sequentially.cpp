#include "gatherdb/drivers/run_sequentially.hpp"

namespace gatherdb::drivers {

std::vector<model::merged_result> run_sequentially(connection_executor& exec,
                                                   const std::vector<model::statement>& statements,
                                                   model::session_state& session,
                                                   model::merge_policy policy) {
  std::vector<model::merged_result> out;
  out.reserve(statements.size());
  const auto dialect = exec.sql_dialect();
  model::compiled_sql sql;
  for (const auto& stmt : statements) {
    stmt.compile_into(dialect, sql);
    auto rows = exec.execute(sql.sql, sql.params);
    out.push_back(stmt.merge_into(session, rows, policy));
  }
  return out;
}

} // namespace gatherdb::drivers
