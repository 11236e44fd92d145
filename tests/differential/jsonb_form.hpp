#pragma once
// The text PostgreSQL's jsonb gives back for a JSON document, modelled in the test so that the
// oracle can say what a jsonb column returns without asking gatherdb: keys sorted by length
// then bytes, the last of duplicate keys kept, ", " and ": " between tokens, escapes decoded
// and re-escaped as PostgreSQL's escape_json does, numbers as `numeric` prints them.
//
// Thread-safety: pure functions.

#include <optional>
#include <string>
#include <string_view>

namespace gatherdb::differential {

/// jsonb's output text for `json` (valid JSON), or nothing when jsonb refuses it (a `\u0000`
/// escape: SQLSTATE 22P05).
[[nodiscard]] std::optional<std::string> jsonb_text(std::string_view json);

/// `numeric`'s output for the JSON number `number`: digits shifted by the exponent, the scale
/// kept as written less the exponent (never negative), zero without a sign.
[[nodiscard]] std::string numeric_text(std::string_view number);

} // namespace gatherdb::differential
