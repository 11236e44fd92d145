#pragma once

#include <string>
#include <vector>

#include "gatherdb/model/compiled_sql.hpp"
#include "gatherdb/model/value.hpp"

namespace gatherdb::model {

/// The coalesced form of a coalescible select for one dialect, without its keys: the SQL of a
/// lookup of K keys is `head`, `next_row` K - 1 times (each row's text followed by its index
/// when `index_literal`), `middle`, then (when `key_list`) K - 1 more `", ?"` markers after a
/// first `"?"`, then `tail`. Its parameters are `(i, key i)` for each lookup (only `key i` when
/// `index_literal`), then (when `key_list`) every key again, then `tail_params`. It exists so
/// that a process that does not know the statement's entity (a gatherdb node) can still
/// coalesce lookups of one shape: `render_coalesced` gives exactly what the statement's own
/// `compile_coalesced_into` gives. Thread-safety: a value type.
struct coalesced_shape {
  std::string head;
  std::string next_row;
  std::string middle;
  bool key_list = false;
  bool index_literal = false;
  std::string tail;
  std::vector<value> tail_params;

  friend bool operator==(const coalesced_shape& x, const coalesced_shape& y) {
    return x.head == y.head && x.next_row == y.next_row && x.middle == y.middle &&
           x.key_list == y.key_list && x.index_literal == y.index_literal && x.tail == y.tail &&
           x.tail_params == y.tail_params;
  }
};

/// Renders the lookup of `keys` (at least one; a NULL key matches nothing, which pads a list)
/// of shape `s` into `out`, replacing its contents and keeping its capacity. Thread-safe.
void render_coalesced(const coalesced_shape& s, const std::vector<const value*>& keys,
                      compiled_sql& out);

} // namespace gatherdb::model
