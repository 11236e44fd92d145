#include "gatherdb/model/dialect.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace gatherdb::model {

dialect dialect_from_dbms_name(std::string_view dbms_name) noexcept {
  std::string lower(dbms_name.size(), '\0');
  std::transform(dbms_name.begin(), dbms_name.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.find("postgres") != std::string::npos)
    return dialect::postgresql;
  if (lower.find("sqlite") != std::string::npos)
    return dialect::sqlite;
  if (lower.find("mariadb") != std::string::npos || lower.find("mysql") != std::string::npos)
    return dialect::mariadb;
  return dialect::other;
}

} // namespace gatherdb::model
