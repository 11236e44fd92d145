#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gatherdb::drivers {

/// One `key=value` attribute of an ODBC connection string, value unbraced.
struct connection_attribute {
  std::string key;
  std::string value;
};

/// Splits an ODBC connection string (`Driver={X};Server=h;Pwd={a;b}};`) into attributes.
/// Tolerant: malformed input never throws; a segment without `=` becomes a key with an empty
/// value. Thread-safe.
[[nodiscard]] std::vector<connection_attribute> parse_connection_string(std::string_view text);

/// The value of the first attribute named `key` (case-insensitive), or "".
[[nodiscard]] std::string find_attribute(std::string_view text, std::string_view key);

/// Whether `key` names a secret (`PWD`, `Password`, case-insensitive).
[[nodiscard]] bool is_secret_key(std::string_view key) noexcept;

/// Replaces the value of every `PWD=`/`Password=` attribute in `text` by `***`, keeping the
/// key as written (`Pwd=***`). Works on whole connection strings and on free text that embeds
/// one (driver messages, completed connection strings). Braced values, including `}}` escapes,
/// are removed whole. Thread-safe, never throws except `std::bad_alloc`.
[[nodiscard]] std::string redact(std::string_view text);

/// `redact(text)`, then every occurrence of each password of 4 or more characters found in
/// `connection_string` is replaced by `***` too, for messages that quote a password outside
/// `key=value` form.
[[nodiscard]] std::string redact(std::string_view text, std::string_view connection_string);

} // namespace gatherdb::drivers
