#include "gatherdb/drivers/connection.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <set>

#include "gatherdb/drivers/connection_string.hpp"
#include "gatherdb/drivers/prepared_statement.hpp"

#include "backend_profile.hpp"
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

// Whether the PostgreSQL server listens on another port than the one connected to, which
// means a proxy sits in between (PgBouncer, for one). Asked with SQLExecDirect, which psqlODBC
// runs as one unnamed statement: safe through a transaction pooler too. When the server cannot
// tell, the answer is no.
bool postgres_behind_proxy(SQLHDBC dbc, std::string_view completed) {
  auto connected = find_attribute(completed, "port");
  if (connected.empty())
    connected = "5432";
  const detail::statement_handle h{dbc};
  if (!h)
    return false;
  char port[32] = {};
  SQLLEN len = 0;
  const bool answered =
      detail::succeeded(SQLExecDirect(
          h.get(), reinterpret_cast<SQLCHAR*>(const_cast<char*>("SELECT current_setting('port')")),
          SQL_NTS)) &&
      detail::succeeded(SQLFetch(h.get())) &&
      detail::succeeded(SQLGetData(h.get(), 1, SQL_C_CHAR, port, sizeof(port), &len)) && len > 0;
  return answered && connected != port;
}

// Runs `sql` once with SQLExecDirect, unprepared: psqlODBC then sends it as one unnamed
// statement, which a transaction pooler keeps on one server connection even when the
// connection string asked for server-side prepares.
void execute_directly(SQLHDBC dbc, model::dialect d, std::string_view secret_source,
                      std::string_view sql) {
  std::string text{sql};
  const detail::statement_handle h{dbc};
  if (!h)
    detail::throw_diagnostics(SQL_HANDLE_DBC, dbc, d, secret_source, "allocating a statement");
  const auto rc = SQLExecDirect(h.get(), reinterpret_cast<SQLCHAR*>(text.data()),
                                static_cast<SQLINTEGER>(text.size()));
  if (!detail::succeeded(rc) && rc != SQL_NO_DATA)
    throw database_error(detail::diagnose(SQL_HANDLE_STMT, h.get(), d, secret_source));
}

// The connection strings found to reach PostgreSQL through a proxy: later connects with them
// go without server-side prepares at once instead of finding out again.
class proxied_strings {
public:
  [[nodiscard]] bool contains(const std::string& s) const {
    std::lock_guard<std::mutex> lock{mutex_};
    return strings_.count(s) != 0;
  }
  void insert(const std::string& s) {
    std::lock_guard<std::mutex> lock{mutex_};
    strings_.insert(s);
  }

private:
  mutable std::mutex mutex_;
  std::set<std::string> strings_;
};

proxied_strings& known_proxied() {
  static proxied_strings strings;
  return strings;
}

void append_attribute(std::string& cs, std::string_view attribute) {
  if (!cs.empty() && cs.back() != ';')
    cs += ';';
  cs += attribute;
}

} // namespace

connection connection::open(std::string_view connection_string,
                            std::chrono::milliseconds login_timeout) {
  connection c;
  c.connection_string_ = std::string{connection_string};
  const auto driver = lower(find_attribute(connection_string, "driver"));
  const bool postgres_driver =
      driver.find("postgres") != std::string::npos || driver.find("psql") != std::string::npos;
  // Debian's driver template logs every connection to /tmp otherwise.
  if (postgres_driver && find_attribute(connection_string, "commlog").empty())
    append_attribute(c.connection_string_, "CommLog=0;");
  // A transaction pooler (PgBouncer's pool_mode=transaction) hands each transaction to any
  // server connection, where the statements psqlODBC prepared on another one do not exist:
  // through a proxy, psqlODBC sends each statement with its parameters instead. A string that
  // says UseServerSidePrepare itself is taken as it is.
  const bool prepare_chosen = !find_attribute(connection_string, "useserversideprepare").empty();
  const std::string original = c.connection_string_;
  if (!prepare_chosen && known_proxied().contains(original)) {
    append_attribute(c.connection_string_, "UseServerSidePrepare=0;");
    c.through_proxy_ = true;
  }
  c.connect(connection_string, login_timeout);
  const auto& profile = detail::profile_of(c.dialect_);
  if (profile.detects_proxy && !prepare_chosen && !c.through_proxy_ &&
      postgres_behind_proxy(static_cast<SQLHDBC>(c.handle_), c.redacted_)) {
    known_proxied().insert(original);
    c.close();
    append_attribute(c.connection_string_, "UseServerSidePrepare=0;");
    c.through_proxy_ = true;
    c.connect(connection_string, login_timeout);
  }
  // Once it is known whether statements may be prepared on the server.
  if (!profile.session_setup.empty())
    execute_directly(static_cast<SQLHDBC>(c.handle_), c.dialect_, c.connection_string_,
                     profile.session_setup);
  return c;
}

void connection::connect(std::string_view given, std::chrono::milliseconds login_timeout) {
  // The dialect of a failed connect's diagnostics, before the server can be asked its name.
  const auto driver_dialect =
      model::dialect_from_dbms_name(lower(find_attribute(connection_string_, "driver")));
  auto env = detail::environment();
  SQLHDBC dbc = SQL_NULL_HDBC;
  if (!detail::succeeded(SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc)))
    detail::throw_diagnostics(SQL_HANDLE_ENV, env, model::dialect::other, {},
                              "allocating a connection");
  handle_ = dbc;

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
        dbc, nullptr, reinterpret_cast<SQLCHAR*>(const_cast<char*>(connection_string_.c_str())),
        static_cast<SQLSMALLINT>(std::min<std::size_t>(connection_string_.size(), 32767)), out,
        static_cast<SQLSMALLINT>(sizeof(out)), &out_len, SQL_DRIVER_NOPROMPT);
  }
  if (!detail::succeeded(rc)) {
    auto info = detail::diagnose(SQL_HANDLE_DBC, dbc, driver_dialect, connection_string_);
    info.message = "cannot connect to '" + redact(given, connection_string_) + "': " + info.message;
    {
      std::lock_guard<std::mutex> lock{detail::connect_mutex()};
      SQLFreeHandle(SQL_HANDLE_DBC, dbc);
    }
    handle_ = nullptr;
    throw database_error(std::move(info));
  }
  redacted_ =
      redact(std::string_view{reinterpret_cast<const char*>(out),
                              static_cast<std::size_t>(std::clamp<SQLSMALLINT>(out_len, 0, 2047))},
             connection_string_);
  dbms_name_ = get_info_string(dbc, SQL_DBMS_NAME);
  dbms_version_ = get_info_string(dbc, SQL_DBMS_VER);
  dialect_ = model::dialect_from_dbms_name(dbms_name_);
  SQLUINTEGER selects = 0;
  batches_param_arrays_ = detail::succeeded(SQLGetInfo(dbc, SQL_PARAM_ARRAY_SELECTS, &selects,
                                                       sizeof(selects), nullptr)) &&
                          selects == SQL_PAS_BATCH;
}

connection::connection(connection&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)), autocommit_(other.autocommit_),
      dialect_(other.dialect_), batches_param_arrays_(other.batches_param_arrays_),
      through_proxy_(other.through_proxy_), dbms_name_(std::move(other.dbms_name_)),
      dbms_version_(std::move(other.dbms_version_)), redacted_(std::move(other.redacted_)),
      connection_string_(std::move(other.connection_string_)) {}

connection& connection::operator=(connection&& other) noexcept {
  if (this != &other) {
    close();
    handle_ = std::exchange(other.handle_, nullptr);
    autocommit_ = other.autocommit_;
    dialect_ = other.dialect_;
    batches_param_arrays_ = other.batches_param_arrays_;
    through_proxy_ = other.through_proxy_;
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
  prepared_statement stmt{*this, sql};
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
