// Compiled twice by ctest: the control compiles; with GATHERDB_EXPECT_COMPILE_ERROR a member
// of an unsupported type (float*) must stop compilation at the static_assert.
#include <cstdint>

#include "gatherdb/model/entity.hpp"

struct B {
  std::int64_t id = 0;
  float* p = nullptr;
};

template <>
struct gatherdb::model::entity_definition<B> {
  static entity_mapping<B> define() {
    entity_mapping<B> m{"b", "B"};
    m.generated_key(&B::id, "id");
#ifdef GATHERDB_EXPECT_COMPILE_ERROR
    m.column(&B::p, "p");
#endif
    return m;
  }
};

int main() {
  return static_cast<int>(gatherdb::model::mapping_of<B>().schema().columns.size());
}
