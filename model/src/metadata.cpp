#include "gatherdb/model/metadata.hpp"

namespace gatherdb::model {

void metadata::create_all(executor& ex) const {
  const auto d = ex.sql_dialect();
  for (const auto* t : tables_)
    (void)ex.execute(create_table_sql(*t, d, true), {});
}

void metadata::drop_all(executor& ex) const {
  const auto d = ex.sql_dialect();
  for (auto it = tables_.rbegin(); it != tables_.rend(); ++it)
    (void)ex.execute(drop_table_sql(**it, d, true), {});
}

} // namespace gatherdb::model
