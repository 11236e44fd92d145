#pragma once
// Which keys of a coalesced lookup may equal the same stored value: the worker shares one key
// between identical lookups and keeps keys that the database could confuse out of one
// execution. Internal.

#include <string>

#include "gatherdb/model/dialect.hpp"
#include "gatherdb/model/value.hpp"

namespace gatherdb::model::detail {

/// Writes into `out` (replacing it) the class of `key` (not NULL) in a coalesced lookup of
/// dialect `d`. Keys of different classes never equal one stored value, and keys of one class
/// are identical unless `d`'s form tags rows by their first match (`coalesced_form::case_in`).
/// There a class holds every key the database may find equal to a value another key of it
/// also equals: SQLite compares numbers, and text that a numeric column's affinity turns into
/// a number, by value, and text under NOCASE or RTRIM (ASCII case and trailing spaces
/// ignored), so the class is the number or the text so folded. Collations loaded from an
/// extension are not covered. Thread-safe.
void coalesced_key_class(const value& key, dialect d, std::string& out);

} // namespace gatherdb::model::detail
