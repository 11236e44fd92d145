#pragma once

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "gatherdb/model/detail/dialect_rules.hpp"
#include "gatherdb/model/detail/identity_index.hpp"
#include "gatherdb/model/detail/object_arena.hpp"
#include "gatherdb/model/detail/slot_flags.hpp"
#include "gatherdb/model/entity.hpp"
#include "gatherdb/model/errors.hpp"
#include "gatherdb/model/executor.hpp"
#include "gatherdb/model/frozen_result.hpp"
#include "gatherdb/model/merge_policy.hpp"
#include "gatherdb/model/merged_result.hpp"

namespace gatherdb::model::detail {

/// Reserves room for `n` elements, at least doubling the capacity when it grows, so that
/// calling it before every append stays amortized O(1) (a plain `reserve(size() + k)` would
/// reallocate on every call).
template <class Vec>
void reserve_geometric(Vec& v, std::size_t n) {
  if (n > v.capacity())
    v.reserve(std::max(n, v.capacity() * 2));
}

/// What one flushed INSERT produced, applied to the object only after the transaction commits.
struct insert_outcome {
  std::optional<std::int64_t> generated_key;
  std::optional<std::int64_t> version;
};

/// Resolves every mapped column of `t` to a column of `r` by label, case-insensitively, once per
/// frozen result; throws `merge_error` (missing_column) naming the first unmatched column.
/// Thread-safe.
[[nodiscard]] std::vector<std::size_t> bind_columns(const table_schema& t,
                                                    const frozen_result_data& r);

/// Reads a generated key from the single cell of `r` (int64, or text holding digits).
/// Throws `std::runtime_error` when there is none. Thread-safe.
[[nodiscard]] std::int64_t read_generated_key(const frozen_result& r);

/// The objects of one entity type in a `session_state`: arena, identity index and unit-of-work
/// flags. Type-erased so the session can flush every type in one transaction.
/// Thread-safety: not thread-safe; owned by one session_state.
class entity_store_base {
public:
  virtual ~entity_store_base() = default;
  /// Number of persistent objects (in the identity map).
  [[nodiscard]] virtual std::size_t persistent_count() const noexcept = 0;
  /// Python repr of the object in `slot`.
  [[nodiscard]] virtual std::string repr_at(std::uint32_t slot) const = 0;
  /// Runs the INSERT of a pending object; changes nothing in the store.
  [[nodiscard]] virtual insert_outcome flush_insert(executor& ex, dialect d,
                                                    std::uint32_t slot) const = 0;
  /// Runs the UPDATE of a dirty object; returns the new version (0 without a version column).
  [[nodiscard]] virtual std::int64_t flush_update(executor& ex, dialect d,
                                                  std::uint32_t slot) const = 0;
  /// Whether the object in `slot` still needs its UPDATE (a merge may have overwritten it).
  [[nodiscard]] virtual bool needs_update(std::uint32_t slot) const noexcept = 0;
  /// Makes room in the identity index for `n` more objects (so that applying cannot fail).
  virtual void reserve_more(std::size_t n) = 0;
  /// After the commit: assigns key/version and moves the pending object into the identity map.
  virtual void apply_insert(std::uint32_t slot, const insert_outcome& o) noexcept = 0;
  /// After the commit: stores the new version and clears the dirty flag.
  virtual void apply_update(std::uint32_t slot, std::int64_t version) noexcept = 0;
  /// Heap bytes held by objects and index (objects' own heap members excluded).
  [[nodiscard]] virtual std::size_t memory_bytes() const noexcept = 0;
};

/// The store of entity type `E`.
/// Thread-safety: not thread-safe; owned by one session_state.
template <class E>
class entity_store final : public entity_store_base {
public:
  static_assert(std::is_default_constructible_v<E> && std::is_move_constructible_v<E>,
                "gatherdb: entities must be default- and move-constructible");

  /// `superseded`: a persistent object whose key a newer object took over (see
  /// `apply_insert`); it is no longer in the identity map.
  enum flag : std::uint8_t { persistent = 1, pending = 2, dirty = 4, superseded = 8 };
  static_assert(superseded <= slot_flags::max_flags);

  entity_store() : mapping_(mapping_of<E>()) {}

  [[nodiscard]] std::size_t persistent_count() const noexcept override { return index_.size(); }

  /// Adds a pending object; returns its slot.
  std::uint32_t add_pending(E&& obj) {
    flags_.reserve(flags_.size() + 1);
    const auto slot = objects_.push(std::move(obj));
    flags_.push_back(pending);
    return slot;
  }

  [[nodiscard]] E& object(std::uint32_t slot) noexcept { return objects_[slot]; }
  [[nodiscard]] const E& object(std::uint32_t slot) const noexcept { return objects_[slot]; }
  [[nodiscard]] std::uint8_t flags(std::uint32_t slot) const noexcept { return flags_[slot]; }

  /// Whether `obj` is one of this store's objects.
  [[nodiscard]] bool owns(const E& obj) const noexcept {
    return objects_.slot_of(&obj).has_value();
  }

  /// The slot of `obj`; throws `std::invalid_argument` when it does not belong to the session.
  [[nodiscard]] std::uint32_t slot_of(const E& obj) const {
    auto s = objects_.slot_of(&obj);
    if (!s)
      throw std::invalid_argument("gatherdb: object does not belong to this session");
    return *s;
  }

  /// Marks a persistent object dirty; true when it was clean before.
  bool mark_dirty(std::uint32_t slot) noexcept {
    if ((flags_[slot] & persistent) == 0 || (flags_[slot] & dirty) != 0)
      return false;
    flags_.add(slot, dirty);
    return true;
  }

  /// Throws `std::logic_error` (after restoring it) when `f` changed the key of a persistent
  /// object: the identity map would no longer find it.
  template <class F>
  void modify(std::uint32_t slot, F&& f) {
    E& obj = objects_[slot];
    if ((flags_[slot] & persistent) == 0) {
      f(obj);
      return;
    }
    if (mapping_.primary_key_kind() == key_kind::int64) {
      const auto key = obj.*mapping_.int_key();
      f(obj);
      if (obj.*mapping_.int_key() != key) {
        obj.*mapping_.int_key() = key;
        throw std::logic_error("gatherdb: modify() must not change a primary key");
      }
    } else {
      auto key = obj.*mapping_.text_key();
      f(obj);
      if (obj.*mapping_.text_key() != key) {
        obj.*mapping_.text_key() = std::move(key);
        throw std::logic_error("gatherdb: modify() must not change a primary key");
      }
    }
  }

  /// The persistent object with this key, or null.
  [[nodiscard]] const E* find_int(std::int64_t key) const {
    if (mapping_.primary_key_kind() != key_kind::int64)
      throw std::invalid_argument("gatherdb: find() with an integer key on a text-keyed entity");
    const auto s = lookup_int(key);
    return s == identity_index::no_slot ? nullptr : &objects_[s];
  }

  /// The persistent object with this key, or null.
  [[nodiscard]] const E* find_text(std::string_view key) const {
    if (mapping_.primary_key_kind() != key_kind::text)
      throw std::invalid_argument("gatherdb: find() with a text key on an integer-keyed entity");
    const auto s = lookup_text(key);
    return s == identity_index::no_slot ? nullptr : &objects_[s];
  }

  /// Merges one frozen result, all or nothing.
  merged_result merge(const frozen_result& r, merge_policy policy) {
    if (!r)
      throw std::invalid_argument("gatherdb: merge of a null frozen result");
    const auto& data = *r;
    const auto& schema = mapping_.schema();
    const auto& acc = mapping_.accessors();
    const auto& binding = binding_for(data);
    const std::size_t key_col = binding[schema.key_index];

    // Phase 1: validate. Types and NULLs are per column store; policies per row.
    std::size_t chunk_start = 0;
    for (const auto& chunk : data.chunks()) {
      for (std::size_t c = 0; c < acc.size(); ++c) {
        if (auto bad = acc[c]->check(chunk.column(binding[c])))
          throw merge_error(bad->first, schema.columns[c].name, chunk_start + bad->second,
                            std::string{"result column type "} +
                                std::string{to_string(chunk.column(binding[c]).type())});
      }
      chunk_start += chunk.row_count();
    }
    if (policy != merge_policy::overwrite && index_.size() > 0)
      check_policy(data, binding, key_col, policy);

    // Phase 2: apply. Nothing below throws except std::bad_alloc. The index is reserved for
    // the rows that are really new, not for every row: replaying a result would otherwise grow
    // it for nothing, and one big result gets a table of exactly the size it needs.
    if (!index_.fits(index_.size() + data.row_count())) {
      const std::size_t fresh = new_key_count(data, key_col);
      index_.reserve(index_.size() + fresh, indexed_slots());
      flags_.reserve(flags_.size() + fresh);
    }
    object_refs refs(sizeof(E), data.row_count());
    std::uint32_t previous = identity_index::no_slot;
    views_.reserve(acc.size()); // before the loop, so that nothing in it allocates
    for (const auto& chunk : data.chunks()) {
      const auto& keys = chunk.column(key_col);
      // The bound columns' views, made once per chunk instead of once per cell.
      views_.clear();
      for (std::size_t c = 0; c < acc.size(); ++c)
        views_.push_back(chunk.column(binding[c]));
      for (std::size_t row = 0; row < chunk.row_count(); ++row) {
        std::uint32_t slot;
        std::uint64_t h;
        if (mapping_.primary_key_kind() == key_kind::int64) {
          const auto key = keys.int64_at(row);
          h = hash_key(key);
          slot = index_.find(
              h, [&](std::uint32_t s) { return objects_[s].*mapping_.int_key() == key; });
        } else {
          const auto key = keys.text_at(row);
          h = hash_key(key);
          slot = index_.find(
              h, [&](std::uint32_t s) { return objects_[s].*mapping_.text_key() == key; });
        }
        if (slot == identity_index::no_slot) {
          E obj{};
          for (std::size_t c = 0; c < acc.size(); ++c)
            acc[c]->assign(obj, views_[c], row);
          // Flagged persistent only once indexed: a failed insert leaves an unreachable object
          // that no rebuild of the index picks up.
          flags_.reserve(flags_.size() + 1);
          slot = objects_.push(std::move(obj));
          flags_.push_back(0);
          index_.insert(h, slot, indexed_slots());
          flags_.set(slot, persistent);
        } else {
          E& obj = objects_[slot];
          for (std::size_t c = 0; c < acc.size(); ++c)
            if (c != schema.key_index)
              acc[c]->assign(obj, views_[c], row);
          // The row is what the database holds now, so the object no longer differs from it.
          flags_.remove(slot, dirty);
        }
        refs.push_back(&objects_[slot],
                       slot == previous + 1 && objects_.same_block(previous, slot));
        previous = slot;
      }
    }
    return merged_result::entities<E>(r, std::move(refs));
  }

  [[nodiscard]] std::string repr_at(std::uint32_t slot) const override {
    return repr(objects_[slot]);
  }

  [[nodiscard]] insert_outcome flush_insert(executor& ex, dialect d,
                                            std::uint32_t slot) const override {
    const E& obj = objects_[slot];
    const auto& schema = mapping_.schema();
    insert_outcome out;
    // An explicitly set generated key (non-zero) is inserted as given, like SQLAlchemy does.
    const bool generated = schema.has_generated_key() && obj.*mapping_.int_key() == 0;
    if (mapping_.primary_key_kind() == key_kind::int64) {
      if (!generated && lookup_int(obj.*mapping_.int_key()) != identity_index::no_slot)
        throw std::runtime_error("primary key already present in the session");
    } else if (lookup_text(obj.*mapping_.text_key()) != identity_index::no_slot) {
      throw std::runtime_error("primary key already present in the session");
    }
    auto params = insert_params(obj, !generated);
    for (std::size_t i = 0, p = 0; i < schema.columns.size(); ++i)
      if (schema.columns[i].role != column_role::generated_key || !generated)
        check_fits_column(params[p++], schema.columns[i], d);
    if (auto vm = mapping_.version_member()) {
      const auto v = obj.*vm == 0 ? std::int64_t{1} : obj.*vm;
      out.version = v;
      std::size_t pos = 0;
      for (std::size_t i = 0; i < schema.columns.size(); ++i) {
        if (i == schema.version_index)
          params[pos] = v;
        if (schema.columns[i].role != column_role::generated_key || !generated)
          ++pos;
      }
    }
    auto result = ex.execute(insert_sql(schema, d, !generated), params);
    if (generated) {
      if (detail::rules_of(d).insert_returns_key) {
        out.generated_key = read_generated_key(result);
      } else {
        const auto sql = last_insert_id_sql(d);
        if (sql.empty())
          throw std::runtime_error("cannot read generated keys in dialect " +
                                   std::string{to_string(d)});
        out.generated_key = read_generated_key(ex.execute(sql, {}));
      }
    }
    return out;
  }

  [[nodiscard]] std::int64_t flush_update(executor& ex, dialect d,
                                          std::uint32_t slot) const override {
    const E& obj = objects_[slot];
    const auto& schema = mapping_.schema();
    const auto& acc = mapping_.accessors();
    std::vector<value> params;
    params.reserve(acc.size() + 1);
    std::int64_t old_version = 0;
    std::int64_t new_version = 0;
    if (auto vm = mapping_.version_member()) {
      old_version = obj.*vm;
      new_version = old_version + 1;
    }
    for (std::size_t i = 0; i < acc.size(); ++i) {
      if (i == schema.key_index)
        continue;
      if (i == schema.version_index)
        params.emplace_back(new_version);
      else
        params.push_back(acc[i]->get(obj));
      check_fits_column(params.back(), schema.columns[i], d);
    }
    params.push_back(acc[schema.key_index]->get(obj));
    if (schema.version_index != table_schema::npos)
      params.emplace_back(old_version);
    auto result = ex.execute(update_sql(schema, d), params);
    if (result && result->rows_affected() == 0)
      throw std::runtime_error(schema.version_index != table_schema::npos
                                   ? "UPDATE matched no row (stale version or deleted row)"
                                   : "UPDATE matched no row (deleted row)");
    return new_version;
  }

  [[nodiscard]] bool needs_update(std::uint32_t slot) const noexcept override {
    return (flags_[slot] & dirty) != 0;
  }

  void reserve_more(std::size_t n) override { index_.reserve(index_.size() + n, indexed_slots()); }

  void apply_insert(std::uint32_t slot, const insert_outcome& o) noexcept override {
    E& obj = objects_[slot];
    if (o.generated_key)
      obj.*mapping_.int_key() = *o.generated_key;
    if (o.version)
      obj.*mapping_.version_member() = *o.version;
    const auto h = hash_of(slot);
    // A key generated by the database cannot normally be in the map already; if it is (a row
    // deleted and re-created out of band), the new object takes over the key.
    const auto old = lookup_slot(slot);
    if (old != identity_index::no_slot) {
      index_.replace(h, old, slot);
      flags_.add(old, superseded);
    } else {
      index_.insert(h, slot, indexed_slots());
    }
    flags_.set(slot, persistent);
  }

  void apply_update(std::uint32_t slot, std::int64_t version) noexcept override {
    if (auto vm = mapping_.version_member())
      objects_[slot].*vm = version;
    flags_.remove(slot, dirty);
  }

  [[nodiscard]] std::size_t memory_bytes() const noexcept override {
    return objects_.memory_bytes() + index_.memory_bytes() + flags_.memory_bytes();
  }

private:
  [[nodiscard]] std::uint64_t hash_of(std::uint32_t s) const noexcept {
    if (mapping_.primary_key_kind() == key_kind::int64)
      return hash_key(objects_[s].*mapping_.int_key());
    return hash_key(std::string_view{objects_[s].*mapping_.text_key()});
  }

  // What the identity index holds, for rebuilding it: every persistent, not superseded slot,
  // in slot order (the objects are read sequentially).
  [[nodiscard]] auto indexed_slots() const noexcept {
    return [this](auto&& add) {
      const auto n = static_cast<std::uint32_t>(objects_.size());
      for (std::uint32_t s = 0; s < n; ++s)
        if ((flags_[s] & (persistent | superseded)) == persistent)
          add(s, hash_of(s));
    };
  }

  [[nodiscard]] std::uint32_t lookup_int(std::int64_t key) const {
    return index_.find(hash_key(key),
                       [&](std::uint32_t s) { return objects_[s].*mapping_.int_key() == key; });
  }

  [[nodiscard]] std::uint32_t lookup_text(std::string_view key) const {
    return index_.find(hash_key(key),
                       [&](std::uint32_t s) { return objects_[s].*mapping_.text_key() == key; });
  }

  // The persistent slot holding the same key as `slot`.
  [[nodiscard]] std::uint32_t lookup_slot(std::uint32_t slot) const {
    if (mapping_.primary_key_kind() == key_kind::int64)
      return lookup_int(objects_[slot].*mapping_.int_key());
    return lookup_text(objects_[slot].*mapping_.text_key());
  }

  // The rows of `data` whose key is not in the index yet (a key repeated within `data` counts
  // each time, so it is an upper bound of the objects the merge creates).
  [[nodiscard]] std::size_t new_key_count(const frozen_result_data& data,
                                          std::size_t key_col) const {
    if (index_.size() == 0)
      return data.row_count();
    std::size_t fresh = 0;
    for (const auto& chunk : data.chunks()) {
      const auto& keys = chunk.column(key_col);
      for (std::size_t row = 0; row < chunk.row_count(); ++row) {
        const auto slot = mapping_.primary_key_kind() == key_kind::int64
                              ? lookup_int(keys.int64_at(row))
                              : lookup_text(keys.text_at(row));
        fresh += slot == identity_index::no_slot ? 1 : 0;
      }
    }
    return fresh;
  }

  void check_policy(const frozen_result_data& data, const std::vector<std::size_t>& binding,
                    std::size_t key_col, merge_policy policy) const {
    const auto& schema = mapping_.schema();
    const auto vm = mapping_.version_member();
    if (policy == merge_policy::check_version && vm == nullptr)
      return; // no version column: nothing to check, as documented for check_version
    std::size_t global_row = 0;
    for (const auto& chunk : data.chunks()) {
      const auto& keys = chunk.column(key_col);
      for (std::size_t row = 0; row < chunk.row_count(); ++row, ++global_row) {
        const auto slot = mapping_.primary_key_kind() == key_kind::int64
                              ? lookup_int(keys.int64_at(row))
                              : lookup_text(keys.text_at(row));
        if (slot == identity_index::no_slot)
          continue;
        if (policy == merge_policy::reject_dirty) {
          if ((flags_[slot] & dirty) != 0)
            throw merge_error(merge_error_kind::dirty_object, schema.columns[schema.key_index].name,
                              global_row,
                              "object " + repr(objects_[slot]) + " has unflushed changes");
        } else {
          const auto& versions = chunk.column(binding[schema.version_index]);
          const auto row_version = versions.int64_at(row);
          if (row_version != objects_[slot].*vm)
            throw merge_error(
                merge_error_kind::stale_data, schema.columns[schema.version_index].name, global_row,
                "row version " + std::to_string(row_version) + ", object " + repr(objects_[slot]));
        }
      }
    }
  }

  // Results of one prepared statement share their column list, so the binding of the last
  // list merged serves every result of a gather (the list is held, so its address cannot
  // come back for another one).
  const std::vector<std::size_t>& binding_for(const frozen_result_data& data) {
    if (data.shared_columns() != bound_columns_) {
      binding_ = bind_columns(mapping_.schema(), data);
      bound_columns_ = data.shared_columns();
    }
    return binding_;
  }

  const entity_mapping<E>& mapping_;
  object_arena<E> objects_;
  slot_flags flags_;
  identity_index index_;
  column_list bound_columns_;
  std::vector<std::size_t> binding_;
  // Scratch for `merge`, kept so that merging many small results does not allocate it each
  // time; its views are stale between merges and never read then.
  std::vector<column_view> views_;
};

} // namespace gatherdb::model::detail
