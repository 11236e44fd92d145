#pragma once
// gather_bench's raw contender: the ODBC C API on threads, no actors and no gatherdb code on
// the hot path.

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sql.h>
#include <sqlext.h>

namespace gatherdb::bench {

/// One fetched row of table a, as every contender reports it.
struct row {
  std::int64_t id = 0;
  std::string data;
  bool operator==(const row& o) const { return id == o.id && data == o.data; }
};

inline std::string odbc_diagnostics(SQLSMALLINT type, SQLHANDLE handle) {
  std::string out;
  SQLCHAR state[6];
  SQLINTEGER native = 0;
  SQLCHAR text[1024];
  SQLSMALLINT len = 0;
  for (SQLSMALLINT i = 1;
       SQLGetDiagRec(type, handle, i, state, &native, text, sizeof text, &len) == SQL_SUCCESS; ++i)
    out += std::string{"["} + reinterpret_cast<char*>(state) + "] " +
           reinterpret_cast<char*>(text) + "; ";
  return out;
}

inline void odbc_check(SQLRETURN rc, SQLSMALLINT type, SQLHANDLE handle, const char* what) {
  if (!SQL_SUCCEEDED(rc))
    throw std::runtime_error(std::string{"raw ODBC "} + what + ": " +
                             odbc_diagnostics(type, handle));
}

/// One raw connection with the prepared select, its parameter and columns bound once.
/// Thread-safety: used by one thread at a time.
class raw_connection {
public:
  raw_connection(SQLHENV env, const std::string& dsn, const std::string& sql) {
    odbc_check(SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc_), SQL_HANDLE_ENV, env, "alloc dbc");
    SQLSetConnectAttr(dbc_, SQL_ATTR_LOGIN_TIMEOUT, reinterpret_cast<SQLPOINTER>(5), 0);
    std::string conn = dsn;
    if (conn.find("PostgreSQL") != std::string::npos && conn.find("CommLog") == std::string::npos)
      conn += (conn.empty() || conn.back() == ';' ? "" : ";") + std::string{"CommLog=0;"};
    odbc_check(SQLDriverConnect(dbc_, nullptr, reinterpret_cast<SQLCHAR*>(conn.data()),
                                static_cast<SQLSMALLINT>(conn.size()), nullptr, 0, nullptr,
                                SQL_DRIVER_NOPROMPT),
               SQL_HANDLE_DBC, dbc_, "connect");
    connected_ = true;
    odbc_check(SQLAllocHandle(SQL_HANDLE_STMT, dbc_, &stmt_), SQL_HANDLE_DBC, dbc_, "alloc stmt");
    odbc_check(
        SQLPrepare(stmt_, reinterpret_cast<SQLCHAR*>(const_cast<char*>(sql.c_str())), SQL_NTS),
        SQL_HANDLE_STMT, stmt_, "prepare");
    odbc_check(SQLBindParameter(stmt_, 1, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR,
                                sizeof param_ - 1, 0, param_, sizeof param_, &param_len_),
               SQL_HANDLE_STMT, stmt_, "bind parameter");
    odbc_check(SQLBindCol(stmt_, 1, SQL_C_SBIGINT, &id_, 0, &id_ind_), SQL_HANDLE_STMT, stmt_,
               "bind id");
    odbc_check(SQLBindCol(stmt_, 2, SQL_C_CHAR, data_, sizeof data_, &data_ind_), SQL_HANDLE_STMT,
               stmt_, "bind data");
  }
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;
  ~raw_connection() {
    if (stmt_ != SQL_NULL_HSTMT)
      SQLFreeHandle(SQL_HANDLE_STMT, stmt_);
    if (connected_)
      SQLDisconnect(dbc_);
    if (dbc_ != SQL_NULL_HDBC)
      SQLFreeHandle(SQL_HANDLE_DBC, dbc_);
  }

  /// Executes the select for `key` and appends its rows to `out`.
  void run(const std::string& key, std::vector<row>& out) {
    if (key.size() >= sizeof param_)
      throw std::runtime_error("raw ODBC: key too long");
    std::memcpy(param_, key.data(), key.size());
    param_len_ = static_cast<SQLLEN>(key.size());
    odbc_check(SQLExecute(stmt_), SQL_HANDLE_STMT, stmt_, "execute");
    for (;;) {
      SQLRETURN rc = SQLFetch(stmt_);
      if (rc == SQL_NO_DATA)
        break;
      odbc_check(rc, SQL_HANDLE_STMT, stmt_, "fetch");
      if (data_ind_ == SQL_NULL_DATA || data_ind_ >= static_cast<SQLLEN>(sizeof data_))
        throw std::runtime_error("raw ODBC: unexpected NULL or truncated data");
      out.push_back(row{id_, std::string(data_, static_cast<std::size_t>(data_ind_))});
    }
    odbc_check(SQLFreeStmt(stmt_, SQL_CLOSE), SQL_HANDLE_STMT, stmt_, "close cursor");
  }

private:
  SQLHDBC dbc_ = SQL_NULL_HDBC;
  SQLHSTMT stmt_ = SQL_NULL_HSTMT;
  bool connected_ = false;
  char param_[128] = {};
  SQLLEN param_len_ = 0;
  SQLBIGINT id_ = 0;
  SQLLEN id_ind_ = 0;
  char data_[256] = {};
  SQLLEN data_ind_ = 0;
};

/// The raw contender: one environment, `pool_size` connections opened up front.
class raw_runner {
public:
  raw_runner(const std::string& dsn, std::size_t connections, const std::string& sql) {
    odbc_check(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env_), SQL_HANDLE_ENV, env_,
               "alloc env");
    SQLSetEnvAttr(env_, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0);
    for (std::size_t i = 0; i < connections; ++i) // one at a time: sqlite3odbc connects unsafely
      conns_.push_back(std::make_unique<raw_connection>(env_, dsn, sql));
  }
  raw_runner(const raw_runner&) = delete;
  raw_runner& operator=(const raw_runner&) = delete;
  ~raw_runner() {
    conns_.clear();
    SQLFreeHandle(SQL_HANDLE_ENV, env_);
  }

  /// Runs every key, thread t taking keys t, t+P, t+2P, ...; `out[i]` gets the rows of key i.
  void run(const std::vector<std::string>& keys, std::vector<std::vector<row>>& out) {
    const std::size_t p = conns_.size();
    std::vector<std::string> errors(p);
    std::vector<std::thread> threads;
    threads.reserve(p);
    for (std::size_t t = 0; t < p; ++t)
      threads.emplace_back([&, t] {
        try {
          for (std::size_t i = t; i < keys.size(); i += p)
            conns_[t]->run(keys[i], out[i]);
        } catch (const std::exception& e) {
          errors[t] = e.what();
        }
      });
    for (auto& th : threads)
      th.join();
    for (const auto& e : errors)
      if (!e.empty())
        throw std::runtime_error(e);
  }

private:
  SQLHENV env_ = SQL_NULL_HENV;
  std::vector<std::unique_ptr<raw_connection>> conns_;
};

} // namespace gatherdb::bench
