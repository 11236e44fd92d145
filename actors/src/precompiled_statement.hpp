#pragma once
// A statement as a node receives it: SQL already compiled by the client for the node route's
// dialect, and the coalesced form of a lookup, so that the node's connection workers run it,
// coalesce it and batch it as they would the client's own statement.

#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>

#include "gatherdb/model/statement.hpp"

namespace gatherdb::actors::detail {

/// Thread-safety: immutable; shared by the node's actors and workers.
class precompiled_statement final : public model::statement::impl {
public:
  precompiled_statement(model::compiled_sql sql, bool idempotent,
                        std::shared_ptr<const model::coalesced_shape> shape)
      : sql_(std::move(sql)), idempotent_(idempotent), shape_(std::move(shape)) {}

  void compile_into(model::dialect, model::compiled_sql& out) const override { out = sql_; }
  bool idempotent() const noexcept override { return idempotent_; }
  // The node returns rows, never entities: merging happens on the client.
  bool loads_entities() const noexcept override { return false; }
  bool coalescible() const noexcept override { return shape_ != nullptr; }
  void compile_coalesced_into(model::dialect, const std::vector<const model::value*>& keys,
                              model::compiled_sql& out) const override {
    if (!shape_)
      throw std::logic_error("gatherdb: this statement cannot be coalesced");
    model::render_coalesced(*shape_, keys, out);
  }
  std::optional<model::coalesced_shape> coalesced_form(model::dialect) const override {
    if (!shape_)
      return std::nullopt;
    return *shape_;
  }
  model::merged_result merge_into(model::session_state&, const model::frozen_result&,
                                  model::merge_policy, std::string_view) const override {
    throw std::logic_error("gatherdb: a node does not merge");
  }

private:
  model::compiled_sql sql_;
  bool idempotent_;
  std::shared_ptr<const model::coalesced_shape> shape_;
};

} // namespace gatherdb::actors::detail
