// Built with nothing but `pkg-config --cflags --libs gatherdb`.
#include <cstdio>
#include <string>

#include "gatherdb/drivers/connection_string.hpp"
#include "gatherdb/model/value.hpp"

int main() {
  const auto redacted = gatherdb::drivers::redact("Driver=SQLite3;Password={x;y}};");
  const auto text = gatherdb::model::to_string(gatherdb::model::value{"it's"});
  std::printf("%s %s\n", redacted.c_str(), text.c_str());
  const bool ok = redacted.find("x;y") == std::string::npos &&
                  redacted.find("Password=***") != std::string::npos && text == "'it''s'";
  return ok ? 0 : 1;
}
