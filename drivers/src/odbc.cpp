#include "odbc.hpp"

#include <cstdlib>
#include <string>

#include "gatherdb/drivers/connection_string.hpp"

namespace gatherdb::drivers::detail {

namespace {

struct environment_holder {
  SQLHENV handle = SQL_NULL_HENV;
  environment_holder() {
    if (!succeeded(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &handle)))
      throw database_error(
          error_info{"HY001", 0, "cannot allocate the ODBC environment", error_category::other});
    auto rc =
        SQLSetEnvAttr(handle, SQL_ATTR_ODBC_VERSION,
                      reinterpret_cast<SQLPOINTER>(static_cast<std::intptr_t>(SQL_OV_ODBC3)), 0);
    if (!succeeded(rc))
      throw_diagnostics(SQL_HANDLE_ENV, handle, model::dialect::other, {},
                        "setting ODBC version 3");
  }
  // The environment lives until process exit on purpose: connections held by static objects
  // (or by threads still unwinding) must never see it freed first.
};

} // namespace

SQLHENV environment() {
  static environment_holder holder;
  return holder.handle;
}

std::mutex& connect_mutex() noexcept {
  static std::mutex mtx;
  return mtx;
}

error_info diagnose(SQLSMALLINT handle_type, SQLHANDLE handle, model::dialect d,
                    std::string_view secret_source) {
  std::string first_state;
  SQLINTEGER first_native = 0;
  std::string message;
  for (SQLSMALLINT rec = 1;; ++rec) {
    SQLCHAR state[6] = {};
    SQLINTEGER native = 0;
    SQLCHAR text[1024] = {};
    SQLSMALLINT len = 0;
    auto rc = SQLGetDiagRec(handle_type, handle, rec, state, &native, text,
                            static_cast<SQLSMALLINT>(sizeof(text)), &len);
    if (!succeeded(rc))
      break;
    std::string st(reinterpret_cast<const char*>(state));
    // Informational records (01xxx) only matter when nothing better is there.
    if (first_state.empty() || (first_state.compare(0, 2, "01") == 0 && st.compare(0, 2, "01"))) {
      first_state = st;
      first_native = native;
    }
    if (!message.empty())
      message += "; ";
    message.append(reinterpret_cast<const char*>(text),
                   std::min<std::size_t>(static_cast<std::size_t>(std::max<SQLSMALLINT>(len, 0)),
                                         sizeof(text) - 1));
    if (rec >= 16)
      break;
  }
  // One line per error: drivers put DETAIL/HINT lines and tabs in their messages.
  for (auto& c : message)
    if (c == '\n' || c == '\r' || c == '\t')
      c = ' ';
  if (first_state.empty()) {
    first_state = "HY000";
    message = "unknown ODBC error (no diagnostic record)";
  }
  return classify(std::move(first_state), static_cast<std::int32_t>(first_native),
                  redact(message, secret_source), d);
}

void throw_diagnostics(SQLSMALLINT handle_type, SQLHANDLE handle, model::dialect d,
                       std::string_view secret_source, std::string_view what) {
  auto info = diagnose(handle_type, handle, d, secret_source);
  if (!what.empty())
    info.message = std::string{what} + ": " + info.message;
  throw database_error(std::move(info));
}

} // namespace gatherdb::drivers::detail
