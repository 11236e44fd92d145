#include "gatherdb/drivers/connection_executor.hpp"

namespace gatherdb::drivers {

prepared_statement& connection_executor::prepared(std::string_view sql) {
  auto it = cache_.find(std::string{sql});
  if (it == cache_.end())
    it = cache_.emplace(std::string{sql}, prepared_statement{conn_, sql}).first;
  return it->second;
}

model::frozen_result connection_executor::execute(std::string_view sql,
                                                  const std::vector<model::value>& params) {
  return prepared(sql).run(params);
}

} // namespace gatherdb::drivers
