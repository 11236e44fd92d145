#include "gatherdb/model/statement.hpp"

namespace gatherdb::model {

namespace {

class raw_impl final : public statement::impl {
public:
  raw_impl(compiled_sql sql, bool idempotent) : sql_(std::move(sql)), idempotent_(idempotent) {}
  void compile_into(dialect, compiled_sql& out) const override { out = sql_; }
  bool idempotent() const noexcept override { return idempotent_; }
  bool loads_entities() const noexcept override { return false; }
  merged_result merge_into(session_state&, const frozen_result& r, merge_policy,
                           std::string_view) const override {
    return merged_result::raw(r);
  }

private:
  compiled_sql sql_;
  bool idempotent_;
};

// Shared by every default-constructed statement: messages and containers default-construct
// statements per execution, which cost an allocation each.
const std::shared_ptr<const statement::impl>& empty_statement() {
  static const std::shared_ptr<const statement::impl> empty =
      std::make_shared<const raw_impl>(compiled_sql{}, false);
  return empty;
}

} // namespace

statement::statement() : impl_(empty_statement()) {}

statement statement::raw(std::string sql, std::vector<value> params, bool idempotent) {
  return statement{std::make_shared<const raw_impl>(compiled_sql{std::move(sql), std::move(params)},
                                                    idempotent)};
}

std::string statement::describe() const {
  // Only the SQL text: parameter values may be personal data and must not reach logs.
  return compile(dialect::postgresql).sql;
}

} // namespace gatherdb::model
