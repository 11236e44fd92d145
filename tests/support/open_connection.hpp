#pragma once
// A fresh connection to one of the test backends, for suites that use the drivers directly.
//
// Thread-safety: thread-safe (each call opens its own connection).

#include "gatherdb/drivers/connection.hpp"

#include "support/backends.hpp"

namespace gatherdb::test {

/// Opens a connection to `b` (owned by the caller). Throws `drivers::database_error`.
[[nodiscard]] inline drivers::connection open_connection(backend b) {
  return drivers::connection::open(connection_string(b));
}

} // namespace gatherdb::test
