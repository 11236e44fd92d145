#include "gatherdb/model/detail/entity_store.hpp"

#include <charconv>

namespace gatherdb::model::detail {

namespace {

bool iequals(std::string_view x, std::string_view y) noexcept {
  if (x.size() != y.size())
    return false;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(x[i])) !=
        std::tolower(static_cast<unsigned char>(y[i])))
      return false;
  return true;
}

} // namespace

std::vector<std::size_t> bind_columns(const table_schema& t, const frozen_result_data& r) {
  std::vector<std::size_t> binding;
  binding.reserve(t.columns.size());
  const auto& cols = r.columns();
  for (const auto& c : t.columns) {
    std::size_t found = frozen_result_data::npos;
    for (std::size_t i = 0; i < cols.size() && found == frozen_result_data::npos; ++i)
      if (iequals(cols[i].name, c.name))
        found = i;
    if (found == frozen_result_data::npos)
      throw merge_error(merge_error_kind::missing_column, c.name, merge_error::npos,
                        "the result has no column labelled \"" + c.name + "\"");
    binding.push_back(found);
  }
  return binding;
}

std::int64_t read_generated_key(const frozen_result& r) {
  if (!r || r->row_count() == 0 || r->columns().empty())
    throw std::runtime_error("the database returned no generated key");
  const auto row = r->row(0);
  if (row.is_null(0))
    throw std::runtime_error("the database returned a NULL generated key");
  auto type = value_type::null;
  for (const auto& chunk : r->chunks())
    if (chunk.row_count() > 0) {
      type = chunk.column(0).type();
      break;
    }
  if (type == value_type::int64)
    return row.int64_at(0);
  if (type == value_type::text) {
    const auto text = row.text_at(0);
    std::int64_t key = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), key);
    if (ec == std::errc{} && end == text.data() + text.size())
      return key;
  }
  throw std::runtime_error("the generated key is not an integer");
}

} // namespace gatherdb::model::detail
