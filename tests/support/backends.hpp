#pragma once
// Shared by every gatherdb test executable that talks to a real database: the list of
// backends, their connection strings, a per-process scratch directory and unique table names.
// Header-only so that any test executable can include it without linking anything.
//
// Thread-safety: every function here is thread-safe.

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace gatherdb::test {

/// A database the suites run against.
enum class backend { sqlite, postgresql };

/// Every backend, for `BOOST_DATA_TEST_CASE(name, gatherdb::test::all_backends, backend)`:
/// the failing sample is printed by name (`backend = postgresql`).
inline const std::vector<backend> all_backends{backend::sqlite, backend::postgresql};

[[nodiscard]] inline std::string_view to_string(backend b) noexcept {
  return b == backend::sqlite ? "sqlite" : "postgresql";
}

inline std::ostream& operator<<(std::ostream& os, backend b) {
  return os << to_string(b);
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

/// The PostgreSQL connection string from `GATHERDB_PG_DSN`; throws (failing the test, never
/// skipping it) when the variable is unset.
[[nodiscard]] inline std::string postgres_connection_string() {
  const char* dsn = std::getenv("GATHERDB_PG_DSN");
  if (dsn == nullptr || *dsn == '\0')
    throw std::runtime_error("GATHERDB_PG_DSN is not set; run scripts/test");
  return dsn;
}

/// A SQLite connection string for the database file `name` in this process' scratch directory
/// (created on first connect; every connection to the same name shares it).
[[nodiscard]] inline std::string sqlite_connection_string(std::string_view name = "main") {
  auto file = scratch_dir::path() / (std::string{name} + ".db");
  return "Driver=SQLite3;Database=" + file.string() + ";";
}

/// The connection string of a backend (SQLite: the process' shared scratch database).
[[nodiscard]] inline std::string connection_string(backend b) {
  return b == backend::sqlite ? sqlite_connection_string() : postgres_connection_string();
}

/// A table (or other object) name that no other test and no other test process uses at the
/// same time: `<prefix>_<pid>_<n>`. Lower case, so it needs no quoting on PostgreSQL.
[[nodiscard]] inline std::string unique_name(std::string_view prefix) {
  static std::atomic<unsigned> counter{0};
  return std::string{prefix} + "_" + std::to_string(::getpid()) + "_" +
         std::to_string(counter.fetch_add(1));
}

} // namespace gatherdb::test
