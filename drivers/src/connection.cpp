#include "gatherdb/drivers/connection.hpp"

#include <algorithm>
#include <cctype>

#include "gatherdb/drivers/connection_string.hpp"
#include "gatherdb/drivers/statement.hpp"

#include "odbc.hpp"

namespace gatherdb::drivers {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string get_info_string(SQLHDBC dbc, SQLUSMALLINT what) {
  char buf[256] = {};
  SQLSMALLINT len = 0;
  if (!detail::succeeded(SQLGetInfo(dbc, what, buf, sizeof(buf), &len)))
    return {};
  return std::string{buf, static_cast<std::size_t>(std::clamp<SQLSMALLINT>(len, 0, 255))};
}

} // namespace

connection connection::open(std::string_view connection_string,
                            std::chrono::milliseconds login_timeout) {
  connection c;
  c.connection_string_ = std::string{connection_string};
  const auto driver = lower(find_attribute(connection_string, "driver"));
  // The dialect of a failed connect's diagnostics, before the server can be asked its name.
  const auto driver_dialect = model::dialect_from_dbms_name(driver);
  const bool postgres_driver =
      driver.find("postgres") != std::string::npos || driver.find("psql") != std::string::npos;
  if (postgres_driver) {
    if (find_attribute(connection_string, "commlog").empty()) {
      if (!c.connection_string_.empty() && c.connection_string_.back() != ';')
        c.connection_string_ += ';';
      // Debian's driver template logs every connection to /tmp otherwise.
      c.connection_string_ += "CommLog=0;";
    }
  }

  auto env = detail::environment();
  SQLHDBC dbc = SQL_NULL_HDBC;
  if (!detail::succeeded(SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc)))
    detail::throw_diagnostics(SQL_HANDLE_ENV, env, model::dialect::other, {},
                              "allocating a connection");
  c.handle_ = dbc;

  const auto seconds = std::max<std::int64_t>(1, (login_timeout.count() + 999) / 1000);
  SQLSetConnectAttr(dbc, SQL_ATTR_LOGIN_TIMEOUT,
                    reinterpret_cast<SQLPOINTER>(static_cast<std::intptr_t>(seconds)), 0);

  SQLCHAR out[2048] = {};
  SQLSMALLINT out_len = 0;
  SQLRETURN rc;
  {
    // One connect or disconnect at a time in the process: sqlite3odbc crashes or spins on
    // concurrent ones, and psqlODBC calls setlocale() while connecting, which frees a string
    // that another thread's connect still reads (AddressSanitizer found it).
    std::lock_guard<std::mutex> lock{detail::connect_mutex()};
    rc = SQLDriverConnect(
        dbc, nullptr, reinterpret_cast<SQLCHAR*>(const_cast<char*>(c.connection_string_.c_str())),
        static_cast<SQLSMALLINT>(std::min<std::size_t>(c.connection_string_.size(), 32767)), out,
        static_cast<SQLSMALLINT>(sizeof(out)), &out_len, SQL_DRIVER_NOPROMPT);
  }
  if (!detail::succeeded(rc)) {
    auto info = detail::diagnose(SQL_HANDLE_DBC, dbc, driver_dialect, c.connection_string_);
    info.message = "cannot connect to '" + redact(connection_string, c.connection_string_) +
                   "': " + info.message;
    {
      std::lock_guard<std::mutex> lock{detail::connect_mutex()};
      SQLFreeHandle(SQL_HANDLE_DBC, dbc);
    }
    c.handle_ = nullptr;
    throw database_error(std::move(info));
  }
  c.redacted_ =
      redact(std::string_view{reinterpret_cast<const char*>(out),
                              static_cast<std::size_t>(std::clamp<SQLSMALLINT>(out_len, 0, 2047))},
             c.connection_string_);
  c.dbms_name_ = get_info_string(dbc, SQL_DBMS_NAME);
  c.dbms_version_ = get_info_string(dbc, SQL_DBMS_VER);
  c.dialect_ = model::dialect_from_dbms_name(c.dbms_name_);
  SQLUINTEGER selects = 0;
  c.batches_param_arrays_ = detail::succeeded(SQLGetInfo(dbc, SQL_PARAM_ARRAY_SELECTS, &selects,
                                                         sizeof(selects), nullptr)) &&
                            selects == SQL_PAS_BATCH;
  return c;
}

connection::connection(connection&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)), autocommit_(other.autocommit_),
      dialect_(other.dialect_), batches_param_arrays_(other.batches_param_arrays_),
      dbms_name_(std::move(other.dbms_name_)), dbms_version_(std::move(other.dbms_version_)),
      redacted_(std::move(other.redacted_)),
      connection_string_(std::move(other.connection_string_)) {}

connection& connection::operator=(connection&& other) noexcept {
  if (this != &other) {
    close();
    handle_ = std::exchange(other.handle_, nullptr);
    autocommit_ = other.autocommit_;
    dialect_ = other.dialect_;
    batches_param_arrays_ = other.batches_param_arrays_;
    dbms_name_ = std::move(other.dbms_name_);
    dbms_version_ = std::move(other.dbms_version_);
    redacted_ = std::move(other.redacted_);
    connection_string_ = std::move(other.connection_string_);
  }
  return *this;
}

connection::~connection() {
  close();
}

void connection::close() noexcept {
  if (handle_ == nullptr)
    return;
  if (!autocommit_)
    rollback();
  auto dbc = static_cast<SQLHDBC>(std::exchange(handle_, nullptr));
  std::lock_guard<std::mutex> lock{detail::connect_mutex()};
  SQLDisconnect(dbc);
  SQLFreeHandle(SQL_HANDLE_DBC, dbc);
}

void connection::set_autocommit(bool on) {
  auto rc = SQLSetConnectAttr(static_cast<SQLHDBC>(handle_), SQL_ATTR_AUTOCOMMIT,
                              reinterpret_cast<SQLPOINTER>(static_cast<std::intptr_t>(
                                  on ? SQL_AUTOCOMMIT_ON : SQL_AUTOCOMMIT_OFF)),
                              SQL_IS_UINTEGER);
  if (!detail::succeeded(rc))
    detail::throw_diagnostics(SQL_HANDLE_DBC, handle_, dialect_, connection_string_,
                              on ? "enabling autocommit" : "disabling autocommit");
  autocommit_ = on;
}

void connection::begin() {
  set_autocommit(false);
}

void connection::commit() {
  auto rc = SQLEndTran(SQL_HANDLE_DBC, static_cast<SQLHDBC>(handle_), SQL_COMMIT);
  if (!detail::succeeded(rc)) {
    auto info = detail::diagnose(SQL_HANDLE_DBC, handle_, dialect_, connection_string_);
    rollback();
    info.message = "commit: " + info.message;
    throw database_error(std::move(info));
  }
  set_autocommit(true);
}

void connection::rollback() noexcept {
  if (handle_ == nullptr)
    return;
  SQLEndTran(SQL_HANDLE_DBC, static_cast<SQLHDBC>(handle_), SQL_ROLLBACK);
  SQLSetConnectAttr(static_cast<SQLHDBC>(handle_), SQL_ATTR_AUTOCOMMIT,
                    reinterpret_cast<SQLPOINTER>(static_cast<std::intptr_t>(SQL_AUTOCOMMIT_ON)),
                    SQL_IS_UINTEGER);
  autocommit_ = true;
}

model::frozen_result connection::execute(std::string_view sql,
                                         const std::vector<model::value>& params) {
  statement stmt{*this, sql};
  return stmt.run(params);
}

bool connection::is_dead() const noexcept {
  if (handle_ == nullptr)
    return true;
  SQLUINTEGER dead = SQL_CD_FALSE;
  auto rc = SQLGetConnectAttr(static_cast<SQLHDBC>(handle_), SQL_ATTR_CONNECTION_DEAD, &dead,
                              SQL_IS_UINTEGER, nullptr);
  return detail::succeeded(rc) && dead == SQL_CD_TRUE;
}

} // namespace gatherdb::drivers
