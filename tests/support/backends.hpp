#pragma once
// Shared by every gatherdb test executable that talks to a real database: the list of
// backends, their connection strings, a per-process scratch directory and unique table names.
// Header-only so that any test executable can include it without linking anything.
//
// Thread-safety: every function here is thread-safe.

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace gatherdb::test {

/// A database the suites run against. `pgbouncer` is the PostgreSQL of `postgresql` behind
/// PgBouncer in transaction pooling mode.
enum class backend { sqlite, postgresql, mariadb, pgbouncer };

[[nodiscard]] inline std::string_view to_string(backend b) noexcept {
  switch (b) {
  case backend::sqlite:
    return "sqlite";
  case backend::postgresql:
    return "postgresql";
  case backend::mariadb:
    return "mariadb";
  case backend::pgbouncer:
    break;
  }
  return "pgbouncer";
}

/// Whether `b` is a PostgreSQL server, directly or through PgBouncer.
[[nodiscard]] constexpr bool is_postgres(backend b) noexcept {
  return b == backend::postgresql || b == backend::pgbouncer;
}

/// The backends named in `GATHERDB_BACKENDS` (comma-separated, e.g.
/// `sqlite,postgresql,mariadb,pgbouncer`;
/// `sqlite,postgresql` when unset, so that a run without a MariaDB server keeps working). An
/// unknown name ends the process with a message naming it: a typo must not silently test less.
[[nodiscard]] inline std::vector<backend> backends_from_environment() {
  const char* env = std::getenv("GATHERDB_BACKENDS");
  const std::string_view list = env != nullptr && *env != '\0' ? env : "sqlite,postgresql";
  std::vector<backend> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    auto end = list.find(',', start);
    if (end == std::string_view::npos)
      end = list.size();
    auto name = list.substr(start, end - start);
    while (!name.empty() && name.front() == ' ')
      name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ')
      name.remove_suffix(1);
    start = end + 1;
    if (name.empty())
      continue;
    bool known = false;
    for (auto b : {backend::sqlite, backend::postgresql, backend::mariadb, backend::pgbouncer}) {
      if (name == to_string(b)) {
        known = true;
        if (std::find(out.begin(), out.end(), b) == out.end())
          out.push_back(b);
      }
    }
    if (!known)
      throw std::runtime_error("GATHERDB_BACKENDS names an unknown backend '" + std::string{name} +
                               "' (known: sqlite, postgresql, mariadb, pgbouncer)");
  }
  return out;
}

/// Every backend of this run, read once from `GATHERDB_BACKENDS`, for
/// `BOOST_DATA_TEST_CASE(name, gatherdb::test::all_backends, backend)`: the failing sample is
/// printed by name (`backend = postgresql`).
inline const std::vector<backend> all_backends = backends_from_environment();

/// The backends of this run that are servers (all but SQLite): for the scenarios that lose or
/// kill a connection.
inline const std::vector<backend> server_backends = [] {
  std::vector<backend> out;
  for (auto b : all_backends)
    if (b != backend::sqlite)
      out.push_back(b);
  return out;
}();

/// Whether this run tests `b` (for the preconditions of tests specific to one backend).
[[nodiscard]] inline bool enabled(backend b) noexcept {
  return std::find(all_backends.begin(), all_backends.end(), b) != all_backends.end();
}

inline std::ostream& operator<<(std::ostream& os, backend b) {
  return os << to_string(b);
}

/// The SQLSTATE a query of a missing table reports on `b` (SQLite reports everything as HY000).
[[nodiscard]] inline std::string missing_table_sqlstate(backend b) {
  switch (b) {
  case backend::sqlite:
    return "HY000";
  case backend::postgresql:
  case backend::pgbouncer:
    return "42P01";
  case backend::mariadb:
    break;
  }
  return "42S02";
}

/// A directory unique to this process under the system temp directory, created on first use
/// and removed (with its contents) at process exit.
class scratch_dir {
public:
  [[nodiscard]] static const std::filesystem::path& path() {
    static scratch_dir dir;
    return dir.path_;
  }

  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }

private:
  scratch_dir() {
    auto pattern = (std::filesystem::temp_directory_path() / "gatherdb-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("cannot create a scratch directory from " + pattern);
    path_ = pattern;
  }
  std::filesystem::path path_;
};

/// The value of the environment variable `name`; throws (failing the test, never skipping it)
/// when it is unset or empty.
[[nodiscard]] inline std::string required_environment(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0')
    throw std::runtime_error(std::string{name} + " is not set; run scripts/test");
  return value;
}

/// The PostgreSQL connection string from `GATHERDB_PG_DSN` (fails the test when unset).
[[nodiscard]] inline std::string postgres_connection_string() {
  return required_environment("GATHERDB_PG_DSN");
}

/// The MariaDB connection string from `GATHERDB_MARIADB_DSN` (fails the test when unset).
[[nodiscard]] inline std::string mariadb_connection_string() {
  return required_environment("GATHERDB_MARIADB_DSN");
}

/// A second database on the PostgreSQL server of `postgres_connection_string()`, from
/// `GATHERDB_PG2_DSN` (scripts/test creates it), or nothing when unset.
[[nodiscard]] inline std::optional<std::string> postgres_second_connection_string() {
  if (const char* v = std::getenv("GATHERDB_PG2_DSN"); v != nullptr && *v != '\0')
    return std::string{v};
  return std::nullopt;
}

/// PostgreSQL through PgBouncer (transaction pooling), from `GATHERDB_PGBOUNCER_DSN` (fails the
/// test when unset).
[[nodiscard]] inline std::string pgbouncer_connection_string() {
  return required_environment("GATHERDB_PGBOUNCER_DSN");
}

/// A SQLite connection string for the database file `name` in this process' scratch directory
/// (created on first connect; every connection to the same name shares it).
[[nodiscard]] inline std::string sqlite_connection_string(std::string_view name = "main") {
  auto file = scratch_dir::path() / (std::string{name} + ".db");
  return "Driver=SQLite3;Database=" + file.string() + ";";
}

/// The connection string of a backend (SQLite: the process' shared scratch database).
[[nodiscard]] inline std::string connection_string(backend b) {
  switch (b) {
  case backend::sqlite:
    return sqlite_connection_string();
  case backend::postgresql:
    return postgres_connection_string();
  case backend::pgbouncer:
    return pgbouncer_connection_string();
  case backend::mariadb:
    break;
  }
  return mariadb_connection_string();
}

/// A table (or other object) name that no other test and no other test process uses at the
/// same time: `<prefix>_<pid>_<n>`. Lower case, so it needs no quoting on PostgreSQL or MariaDB.
[[nodiscard]] inline std::string unique_name(std::string_view prefix) {
  static std::atomic<unsigned> counter{0};
  return std::string{prefix} + "_" + std::to_string(::getpid()) + "_" +
         std::to_string(counter.fetch_add(1));
}

} // namespace gatherdb::test
