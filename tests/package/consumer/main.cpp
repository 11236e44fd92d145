// Uses gatherdb through its installed headers and libraries: a query compiled for PostgreSQL and
// a redacted connection string. Light headers only (no CAF), so that it builds in seconds.
#include <cstdint>
#include <cstdio>
#include <string>

#include "gatherdb/drivers/connection_string.hpp"
#include "gatherdb/model/query.hpp"

struct A {
  std::int64_t id = 0;
  std::string data;
};

template <>
struct gatherdb::model::entity_definition<A> {
  static entity_mapping<A> define() {
    return entity_mapping<A>{"a", "A"}.generated_key(&A::id, "id").column(&A::data, "data");
  }
};

int main() {
  using namespace gatherdb;
  const auto q = model::select<A>().where(model::col(&A::data) == "a_5");
  const auto sql = q.compile(model::dialect::postgresql);
  const auto redacted = drivers::redact("Driver={PostgreSQL Unicode};Uid=u;Pwd=hunter22;");
  std::printf("%s\n%s\n", sql.sql.c_str(), redacted.c_str());
  const bool ok = sql.sql.find("FROM \"a\"") != std::string::npos && sql.params.size() == 1 &&
                  redacted.find("hunter22") == std::string::npos &&
                  redacted.find("Pwd=***") != std::string::npos;
  return ok ? 0 : 1;
}
