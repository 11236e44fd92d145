#include "driver_cancel.hpp"

#include <cstring>
#include <dlfcn.h>
#include <link.h>
#include <map>
#include <mutex>
#include <string>

#include <sqlext.h>

#include "odbc.hpp"

namespace gatherdb::drivers::detail {

namespace {

// The full path of the loaded shared object whose file name is `file_name`, or "".
std::string loaded_path(const std::string& file_name) {
  struct search {
    const std::string* name;
    std::string found;
  } s{&file_name, {}};
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) {
        auto& s = *static_cast<search*>(data);
        const char* path = info->dlpi_name;
        if (path == nullptr || *path == '\0')
          return 0;
        const char* slash = std::strrchr(path, '/');
        if (*s.name != (slash != nullptr ? slash + 1 : path))
          return 0;
        s.found = path;
        return 1;
      },
      &s);
  return s.found;
}

// The driver's SQLCancel, resolved once per driver file (SQL_DRIVER_NAME) for the process.
driver_cancel_fn cancel_of(const std::string& driver_file) {
  static std::mutex mtx;
  static std::map<std::string, driver_cancel_fn> resolved;
  std::lock_guard<std::mutex> guard{mtx};
  if (auto it = resolved.find(driver_file); it != resolved.end())
    return it->second;
  driver_cancel_fn fn = nullptr;
  if (auto path = loaded_path(driver_file); !path.empty()) {
    // Never closed: this reference keeps the driver loaded while `fn` may be called.
    if (void* lib = dlopen(path.c_str(), RTLD_LAZY | RTLD_NOLOAD); lib != nullptr)
      fn = reinterpret_cast<driver_cancel_fn>(dlsym(lib, "SQLCancel"));
  }
  resolved.emplace(driver_file, fn);
  return fn;
}

} // namespace

driver_cancel_target find_driver_cancel(SQLHDBC dbc, SQLHSTMT stmt) noexcept try {
  SQLCHAR name[256] = {};
  SQLSMALLINT len = 0;
  if (!succeeded(SQLGetInfo(dbc, SQL_DRIVER_NAME, name, sizeof name, &len)) || len <= 0)
    return {};
  driver_cancel_target target;
  target.cancel = cancel_of(std::string{reinterpret_cast<const char*>(name)});
  if (target.cancel == nullptr)
    return {};
  // In: the driver manager's handle; out: the driver's.
  SQLHSTMT driver_stmt = stmt;
  if (!succeeded(SQLGetInfo(dbc, SQL_DRIVER_HSTMT, &driver_stmt, sizeof driver_stmt, nullptr)) ||
      driver_stmt == stmt)
    return {};
  target.driver_statement = driver_stmt;
  return target;
} catch (...) { // std::bad_alloc: cancel through the driver manager instead
  return {};
}

} // namespace gatherdb::drivers::detail
