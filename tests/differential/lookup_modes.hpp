#pragma once
// The ways gatherdb runs a lookup, as client settings: single runs (no batching, no
// coalescing), batched reads (ODBC parameter arrays, psqlODBC only) and coalesced lookups; and
// the condition `v = key` for any mapped type.
//
// Thread-safety: pure functions.

#include <string_view>
#include <vector>

#include "gatherdb/actors/settings.hpp"
#include "gatherdb/model/query.hpp"

#include "support/backends.hpp"

namespace gatherdb::differential {

enum class lookup_mode { single, batched, coalesced };

[[nodiscard]] inline std::string_view to_string(lookup_mode m) noexcept {
  return m == lookup_mode::single ? "single" : m == lookup_mode::batched ? "batched" : "coalesced";
}

/// The modes that mean something on `b`: batched reads need psqlODBC's parameter arrays.
[[nodiscard]] inline std::vector<lookup_mode> modes_for(test::backend b) {
  if (test::is_postgres(b))
    return {lookup_mode::single, lookup_mode::batched, lookup_mode::coalesced};
  return {lookup_mode::single, lookup_mode::coalesced};
}

/// Client settings for `b` in mode `m`: one mechanism on at a time, so that each statement's
/// path is known. Batched reads use one connection, whose chunks are then long enough to
/// batch.
[[nodiscard]] inline actors::settings settings_for(test::backend b, lookup_mode m) {
  actors::settings s;
  s.dsn = test::connection_string(b);
  s.pool_size = m == lookup_mode::batched ? 1 : 2;
  s.max_coalesce = m == lookup_mode::coalesced ? 64 : 1;
  s.max_read_batch = m == lookup_mode::batched ? 64 : 1;
  return s;
}

/// `col(member) == key`. The comparison operators accept only bool, integers, doubles, text
/// and bytes (model/query.hpp, `detail::comparable`), so for the dates, times, decimals, UUIDs
/// and JSON this builds the same condition with `column_ref::compare`, which the operators
/// call: see the suite's report (a finding, not a choice of the test).
template <class E, class T>
[[nodiscard]] model::condition<E> key_equals(T E::*member, const T& key) {
  if constexpr (model::detail::comparable_v<T, const T&>)
    return model::col(member) == key;
  else
    return model::col(member).compare(model::condition_node::op::eq, key);
}

} // namespace gatherdb::differential
