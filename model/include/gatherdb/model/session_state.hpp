#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>
#include <typeindex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "gatherdb/model/detail/entity_store.hpp"
#include "gatherdb/model/executor.hpp"
#include "gatherdb/model/frozen_result.hpp"
#include "gatherdb/model/merge_policy.hpp"
#include "gatherdb/model/merged_result.hpp"

namespace gatherdb::model {

class statement;

/// The identity map and unit of work of one session: at most one object per (entity type,
/// primary key), pending inserts, and dirty objects awaiting their UPDATE.
///
/// Ownership: the session owns every object it holds; references and pointers it hands out
/// (from `add`, `find`, `merge`) stay valid, at the same address, for the life of the
/// session_state, including across `commit` and moves of the session_state itself.
/// Thread-safety: not thread-safe; one owner at a time (the merge actor).
class session_state {
public:
  session_state();
  ~session_state();
  session_state(session_state&&) noexcept;
  session_state& operator=(session_state&&) noexcept;
  session_state(const session_state&) = delete;
  session_state& operator=(const session_state&) = delete;

  /// Adds `obj` as a pending insert (flushed by `commit`); returns the session's object.
  template <class E>
  E& add(E obj) {
    auto& store = store_for<E>();
    reserve_geometric(pending_, pending_.size() + 1);
    const auto slot = store.add_pending(std::move(obj));
    pending_.push_back({&store, slot});
    return store.object(slot);
  }

  /// Adds every object as a pending insert, in order.
  template <class E>
  void add_all(std::vector<E> objs) {
    auto& store = store_for<E>();
    reserve_geometric(pending_, pending_.size() + objs.size());
    for (auto& obj : objs)
      pending_.push_back({&store, store.add_pending(std::move(obj))});
  }

  /// Applies `f(E&)` to a session object and marks it dirty (for a persistent object: its
  /// UPDATE is flushed by the next commit). The only way to change a session object, so that
  /// dirtiness is exact. Throws `std::invalid_argument` for an object of another session and
  /// `std::logic_error` when `f` changes the primary key (the key is restored, the other
  /// changes stay).
  template <class E, class F>
  void modify(const E& obj, F&& f) {
    auto& store = store_for<E>();
    const auto slot = store.slot_of(obj);
    if (store.mark_dirty(slot))
      dirty_.push_back({&store, slot});
    store.modify(slot, std::forward<F>(f));
  }

  /// True when `obj` is persistent and has changes not yet flushed. Throws
  /// `std::invalid_argument` for an object of another session.
  template <class E>
  [[nodiscard]] bool is_dirty(const E& obj) const {
    const auto* store = find_store<E>();
    if (store == nullptr)
      throw std::invalid_argument("gatherdb: object does not belong to this session");
    const auto slot = store->slot_of(obj);
    return (store->flags(slot) & entity_store<E>::dirty) != 0;
  }

  /// True when `obj` is a pending insert of this session.
  template <class E>
  [[nodiscard]] bool is_pending(const E& obj) const {
    const auto* store = find_store<E>();
    if (store == nullptr)
      return false;
    const auto slot = store->slot_of(obj);
    return (store->flags(slot) & entity_store<E>::pending) != 0;
  }

  /// The persistent object of type `E` with primary key `key` (an integer or text), or null.
  template <class E, class K>
  [[nodiscard]] const E* find(const K& key) const {
    const auto* store = find_store<E>();
    if (store == nullptr)
      return nullptr;
    if constexpr (std::is_integral_v<K>)
      return store->find_int(static_cast<std::int64_t>(key));
    else
      return store->find_text(std::string_view{key});
  }

  /// Number of persistent objects of type `E` (pending inserts excluded).
  template <class E>
  [[nodiscard]] std::size_t size() const {
    const auto* store = find_store<E>();
    return store == nullptr ? 0 : store->persistent_count();
  }

  /// Number of pending inserts.
  [[nodiscard]] std::size_t pending_count() const noexcept { return pending_.size(); }

  /// Number of persistent objects with unflushed changes.
  [[nodiscard]] std::size_t dirty_count() const noexcept;

  /// Flushes pending inserts (in `add` order), then UPDATEs of dirty objects (in first-`modify`
  /// order), in ONE transaction: `ex.begin()`, statements, `ex.commit()`. Generated keys come
  /// from `RETURNING` (PostgreSQL) or `last_insert_rowid()` / `LAST_INSERT_ID()` (SQLite /
  /// MariaDB). Afterwards inserted objects are persistent (in the identity map, still usable)
  /// and nothing is dirty. All or nothing: on any failure it calls `ex.rollback()`, leaves the
  /// session exactly as it was, and throws `flush_error`.
  void commit(executor& ex);

  /// Merges one frozen result of `st` (load=false): all or nothing; throws
  /// `merge_error` and changes nothing when any row cannot be merged. For a statement that loads
  /// no entities, returns the rows and leaves the session alone.
  merged_result merge(const statement& st, const frozen_result& r,
                      merge_policy p = merge_policy::overwrite);

  /// Merges one frozen result whose rows are entities of type `E`; see the other overload.
  template <class E>
  merged_result merge(const frozen_result& r, merge_policy p = merge_policy::overwrite) {
    return store_for<E>().merge(r, p);
  }

  /// Heap bytes held by the session's object arenas, indexes and bookkeeping (the objects'
  /// own heap members, such as long strings, are not counted).
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

private:
  struct work_item {
    entity_store_base* store;
    std::uint32_t slot;
  };

  template <class E>
  entity_store<E>& store_for() {
    auto& p = stores_[std::type_index(typeid(E))];
    if (!p)
      p = std::make_unique<entity_store<E>>();
    return static_cast<entity_store<E>&>(*p);
  }

  template <class E>
  const entity_store<E>* find_store() const {
    auto it = stores_.find(std::type_index(typeid(E)));
    return it == stores_.end() ? nullptr : static_cast<const entity_store<E>*>(it->second.get());
  }

  std::unordered_map<std::type_index, std::unique_ptr<entity_store_base>> stores_;
  std::vector<work_item> pending_;
  std::vector<work_item> dirty_;
};

} // namespace gatherdb::model
