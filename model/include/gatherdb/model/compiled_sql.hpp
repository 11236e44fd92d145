#pragma once

#include <string>
#include <vector>

#include "gatherdb/model/value.hpp"

namespace gatherdb::model {

/// SQL text with `?` markers and the values to bind to them, in order. Values are never
/// spliced into the text. Thread-safety: value type.
struct compiled_sql {
  std::string sql;
  std::vector<value> params;
};

} // namespace gatherdb::model
