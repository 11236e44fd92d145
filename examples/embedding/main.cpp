// The embedding example of README.md, verbatim: built with the project so that it stays true.
#include <cassert>

#include "gatherdb/actors/client.hpp"
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
  settings cfg;
  cfg.dsn = "Driver=SQLite3;Database=app.db;"; // table a must exist (see the example)
  client db{cfg};                              // pool, workers and coordinator
  std::vector<model::statement> batch;
  for (auto key : {"a_5", "a_17", "a_5"})
    batch.emplace_back(model::select<A>().where(model::col(&A::data) == key));
  auto result = db.gather(batch); // concurrent, merged in statement order
  const A& first = result.outcomes[0].result.get<A>(0);
  const A& third = result.outcomes[2].result.get<A>(0);
  assert(&first == &third); // one object per primary key
}
