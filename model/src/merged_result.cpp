#include "gatherdb/model/merged_result.hpp"

#include <stdexcept>

#include "gatherdb/model/repr.hpp"

namespace gatherdb::model {

merged_result merged_result::raw(frozen_result rows) {
  merged_result r;
  r.rows_ = std::move(rows);
  return r;
}

merged_result merged_result::concatenate(const std::vector<merged_result>& parts,
                                         frozen_result rows) {
  if (parts.empty() || !parts.front().loads_entities()) {
    for (const auto& part : parts)
      if (part.loads_entities())
        throw std::invalid_argument("merged_result: raw rows and entities concatenated");
    return raw(std::move(rows));
  }
  const auto& first = parts.front();
  std::size_t total = 0;
  for (const auto& part : parts) {
    if (part.type_ == nullptr || *part.type_ != *first.type_)
      throw std::invalid_argument("merged_result: entities of different types concatenated");
    total += part.size();
  }
  const auto stride = first.objects_->stride();
  detail::object_refs objects{stride, total};
  const void* previous = nullptr;
  for (const auto& part : parts)
    part.objects_->for_each([&](const void* obj) {
      objects.push_back(obj,
                        previous != nullptr && obj == static_cast<const char*>(previous) + stride);
      previous = obj;
    });
  merged_result r = first;
  r.rows_ = std::move(rows);
  r.objects_ = std::make_shared<const detail::object_refs>(std::move(objects));
  return r;
}

std::size_t merged_result::size() const noexcept {
  if (objects_)
    return objects_->size();
  return rows_ ? rows_->row_count() : 0;
}

void merged_result::append_repr(std::string& out) const {
  out += '[';
  bool first = true;
  if (objects_) {
    objects_->for_each([&](const void* obj) {
      if (!first)
        out += ", ";
      first = false;
      out += '(';
      append_repr_(out, obj);
      out += ",)";
    });
  } else if (rows_) {
    rows_->for_each_row([&](const row_ref& row) {
      if (!first)
        out += ", ";
      first = false;
      out += '(';
      for (std::size_t c = 0; c < row.size(); ++c) {
        if (c > 0)
          out += ", ";
        model::append_repr(out, row.at(c));
      }
      // Python writes a one-element tuple as (x,).
      out += row.size() == 1 ? ",)" : ")";
    });
  }
  out += ']';
}

std::string merged_result::repr() const {
  std::string out;
  append_repr(out);
  return out;
}

} // namespace gatherdb::model
