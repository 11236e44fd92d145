#include "gatherdb/model/session_state.hpp"

#include <exception>
#include <string>

#include "gatherdb/model/statement.hpp"

namespace gatherdb::model {

session_state::session_state() = default;
session_state::~session_state() = default;
session_state::session_state(session_state&&) noexcept = default;
session_state& session_state::operator=(session_state&&) noexcept = default;

std::size_t session_state::dirty_count() const noexcept {
  std::size_t n = 0;
  for (const auto& w : dirty_)
    if (w.store->needs_update(w.slot))
      ++n;
  return n;
}

void session_state::commit(executor& ex) {
  std::vector<work_item> updates;
  updates.reserve(dirty_.size());
  for (const auto& w : dirty_)
    if (w.store->needs_update(w.slot))
      updates.push_back(w);
  if (pending_.empty() && updates.empty()) {
    dirty_.clear();
    return;
  }
  // Everything that could fail after the database committed is done first.
  for (auto& [key, store] : stores_)
    store->reserve_more(pending_.size());
  std::vector<detail::insert_outcome> inserted;
  inserted.reserve(pending_.size());
  std::vector<std::int64_t> versions;
  versions.reserve(updates.size());

  const auto d = ex.sql_dialect();
  std::size_t index = flush_error::npos;
  bool update = false;
  try {
    ex.begin();
    for (index = 0; index < pending_.size(); ++index)
      inserted.push_back(pending_[index].store->flush_insert(ex, d, pending_[index].slot));
    update = true;
    for (std::size_t i = 0; i < updates.size(); ++i, ++index)
      versions.push_back(updates[i].store->flush_update(ex, d, updates[i].slot));
    index = flush_error::npos;
    update = false;
    ex.commit();
  } catch (const std::exception& e) {
    // psqlODBC undoes only the failed statement unless told otherwise: roll back explicitly.
    ex.rollback();
    std::string repr;
    if (index != flush_error::npos) {
      const auto& w = update ? updates[index - pending_.size()] : pending_[index];
      repr = w.store->repr_at(w.slot);
    }
    throw flush_error(index, std::move(repr), e.what(), update);
  }
  for (std::size_t i = 0; i < pending_.size(); ++i)
    pending_[i].store->apply_insert(pending_[i].slot, inserted[i]);
  for (std::size_t i = 0; i < updates.size(); ++i)
    updates[i].store->apply_update(updates[i].slot, versions[i]);
  pending_.clear();
  dirty_.clear();
}

merged_result session_state::merge(const statement& st, const frozen_result& r, merge_policy p,
                                   std::string_view route) {
  return st.merge_into(*this, r, p, route);
}

std::size_t session_state::memory_bytes() const noexcept {
  std::size_t n = (pending_.capacity() + dirty_.capacity()) * sizeof(work_item);
  for (const auto& [key, store] : stores_)
    n += store->memory_bytes();
  return n;
}

} // namespace gatherdb::model
