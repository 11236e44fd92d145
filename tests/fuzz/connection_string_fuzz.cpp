// libFuzzer target: the connection-string parser and the password redactor must accept any
// input, never crash, and never let a `pwd=`/`password=` value through.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "gatherdb/drivers/connection_string.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  auto attrs = gatherdb::drivers::parse_connection_string(text);
  (void)gatherdb::drivers::find_attribute(text, "driver");
  // Key-based redaction is idempotent on its own output...
  auto once = gatherdb::drivers::redact(text);
  if (gatherdb::drivers::redact(once) != once)
    std::abort();
  auto redacted = gatherdb::drivers::redact(text, text);
  // ...and every password the parser sees is gone from the fully redacted text (passwords of
  // 4+ characters are scrubbed literally; one containing '*' could be recreated by the "***"
  // that replaces another, so those are left out of the check).
  for (const auto& a : attrs) {
    if (!gatherdb::drivers::is_secret_key(a.key) || a.value.size() < 4)
      continue;
    if (a.value.find('*') != std::string::npos)
      continue;
    if (redacted.find(a.value) != std::string::npos)
      std::abort();
  }
  return 0;
}
