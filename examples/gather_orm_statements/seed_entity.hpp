#pragma once
// The seed's entity: `class A(Base): __tablename__ = "a"; id: Mapped[int] = mapped_column(
// primary_key=True); data: Mapped[str]`, with its repr `A(id_=1, data='a_0')`.

#include <cstdint>
#include <string>

#include "gatherdb/model/entity.hpp"

namespace gatherdb::examples {

/// One row of table `a`. Thread-safety: a plain value.
struct A {
  std::int64_t id = 0;
  std::string data;
};

} // namespace gatherdb::examples

template <>
struct gatherdb::model::entity_definition<gatherdb::examples::A> {
  static entity_mapping<gatherdb::examples::A> define() {
    using gatherdb::examples::A;
    return entity_mapping<A>{"a", "A"}
        .generated_key(&A::id, "id")
        .repr_as("id_")
        .column(&A::data, "data");
  }
};
