// Compiled twice by ctest: without GATHERDB_EXPECT_COMPILE_ERROR it must compile (the
// control), with it it must not: comparing an integer column with text is a type error.
#include <cstdint>
#include <string>

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
  using namespace gatherdb::model;
  auto ok = select<A>().where(col(&A::id) == 1 && col(&A::data) == "x");
#ifdef GATHERDB_EXPECT_COMPILE_ERROR
  auto bad = select<A>().where(col(&A::id) == "x");
  (void)bad;
#endif
  (void)ok;
  return 0;
}
