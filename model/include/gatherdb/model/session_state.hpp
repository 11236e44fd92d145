#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
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
#include "gatherdb/model/route.hpp"

namespace gatherdb::model {

class statement;

/// The identity map and unit of work of one session: at most one object per (entity type,
/// identity token, primary key), pending inserts, and dirty objects awaiting their UPDATE.
/// The identity token is the route a row was read through (`default_route`'s is empty), so the
/// same key on two shards names two objects, unless the entity declares
/// `entity_mapping::global_identity()`, whose objects have no token. Pending inserts belong to
/// the default route.
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
    auto& store = store_for<E>(default_route);
    detail::reserve_geometric(pending_, pending_.size() + 1);
    const auto slot = store.add_pending(std::move(obj));
    pending_.push_back({&store, slot});
    return store.object(slot);
  }

  /// Adds every object as a pending insert, in order.
  template <class E>
  void add_all(std::vector<E> objs) {
    auto& store = store_for<E>(default_route);
    detail::reserve_geometric(pending_, pending_.size() + objs.size());
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
    auto& store = owning_store(obj);
    const auto slot = store.slot_of(obj);
    if (store.mark_dirty(slot))
      dirty_.push_back({&store, slot});
    store.modify(slot, std::forward<F>(f));
  }

  /// True when `obj` is persistent and has changes not yet flushed. Throws
  /// `std::invalid_argument` for an object of another session.
  template <class E>
  [[nodiscard]] bool is_dirty(const E& obj) const {
    const auto& store = owning_store(obj);
    return (store.flags(store.slot_of(obj)) & detail::entity_store<E>::dirty) != 0;
  }

  /// True when `obj` is a pending insert of this session.
  template <class E>
  [[nodiscard]] bool is_pending(const E& obj) const {
    const auto* store = find_store<E>(default_route);
    if (store == nullptr || !store->owns(obj))
      return false;
    return (store->flags(store->slot_of(obj)) & detail::entity_store<E>::pending) != 0;
  }

  /// The persistent object of type `E` with primary key `key` (an integer or text) read
  /// through `route`, or null.
  template <class E, class K>
  [[nodiscard]] const E* find(const K& key, std::string_view route = default_route) const {
    const auto* store = find_store<E>(route);
    if (store == nullptr)
      return nullptr;
    if constexpr (std::is_integral_v<K>)
      return store->find_int(static_cast<std::int64_t>(key));
    else
      return store->find_text(std::string_view{key});
  }

  /// Number of persistent objects of type `E` of every route (pending inserts excluded).
  template <class E>
  [[nodiscard]] std::size_t size() const {
    std::size_t n = 0;
    for (const auto& [key, store] : stores_)
      if (key.type == std::type_index(typeid(E)))
        n += static_cast<const detail::entity_store<E>&>(*store).persistent_count();
    return n;
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

  /// Merges one frozen result of `st` read through `route` (load=false): all or nothing;
  /// throws `merge_error` and changes nothing when any row cannot be merged. For a statement
  /// that loads no entities, returns the rows and leaves the session alone.
  merged_result merge(const statement& st, const frozen_result& r,
                      merge_policy p = merge_policy::overwrite,
                      std::string_view route = default_route);

  /// Merges one frozen result whose rows are entities of type `E`; see the other overload.
  template <class E>
  merged_result merge(const frozen_result& r, merge_policy p = merge_policy::overwrite,
                      std::string_view route = default_route) {
    return store_for<E>(route).merge(r, p);
  }

  /// Heap bytes held by the session's object arenas, indexes and bookkeeping (the objects'
  /// own heap members, such as long strings, are not counted).
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

private:
  struct work_item {
    detail::entity_store_base* store;
    std::uint32_t slot;
  };

  /// One entity store per entity type and identity token.
  struct store_key {
    std::type_index type;
    std::string token;
    friend bool operator==(const store_key& x, const store_key& y) noexcept {
      return x.type == y.type && x.token == y.token;
    }
  };
  struct store_key_hash {
    std::size_t operator()(const store_key& k) const noexcept {
      return k.type.hash_code() ^ (std::hash<std::string>{}(k.token) * 0x9e3779b97f4a7c15ULL);
    }
  };

  /// The identity token of `E`'s objects read through `route`.
  template <class E>
  static std::string_view token_of(std::string_view route) {
    return route == default_route || mapping_of<E>().schema().global_identity ? std::string_view{}
                                                                              : route;
  }

  template <class E>
  detail::entity_store<E>& store_for(std::string_view route) {
    auto& p = stores_[store_key{std::type_index(typeid(E)), std::string{token_of<E>(route)}}];
    if (!p)
      p = std::make_unique<detail::entity_store<E>>();
    return static_cast<detail::entity_store<E>&>(*p);
  }

  template <class E>
  const detail::entity_store<E>* find_store(std::string_view route) const {
    auto it = stores_.find(store_key{std::type_index(typeid(E)), std::string{token_of<E>(route)}});
    return it == stores_.end() ? nullptr
                               : static_cast<const detail::entity_store<E>*>(it->second.get());
  }

  /// The store holding `obj`; throws `std::invalid_argument` when none does.
  template <class E>
  const detail::entity_store<E>& owning_store(const E& obj) const {
    for (const auto& [key, store] : stores_) {
      if (key.type != std::type_index(typeid(E)))
        continue;
      const auto& typed = static_cast<const detail::entity_store<E>&>(*store);
      if (typed.owns(obj))
        return typed;
    }
    throw std::invalid_argument("gatherdb: object does not belong to this session");
  }
  template <class E>
  detail::entity_store<E>& owning_store(const E& obj) {
    return const_cast<detail::entity_store<E>&>(std::as_const(*this).owning_store(obj));
  }

  std::unordered_map<store_key, std::unique_ptr<detail::entity_store_base>, store_key_hash> stores_;
  std::vector<work_item> pending_;
  std::vector<work_item> dirty_;
};

} // namespace gatherdb::model
