#pragma once
// A PostgreSQL advisory lock that the test holds on a connection of its own, so that it, not
// this machine's speed, decides when a statement of a gather ends: a statement whose SQL takes
// the same lock (`waiting_sql()`, e.g. `SELECT ... FROM (SELECT pg_advisory_xact_lock(k)) l`)
// waits in the server, visibly in pg_locks, until the test releases the lock or terminates the
// waiting backend.
//
// Thread-safety: not thread-safe; used from one thread at a time.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <unistd.h>

#include "gatherdb/drivers/connection.hpp"

#include "support/backends.hpp"

namespace gatherdb::test {

class pg_advisory_lock {
public:
  /// Takes a lock whose key no other test process uses (derived from the pid).
  pg_advisory_lock()
      : conn_(drivers::connection::open(postgres_connection_string())), key_(unique_key()) {
    conn_.execute("SELECT pg_advisory_lock(?)", {model::value{key_}});
    held_ = true;
  }
  pg_advisory_lock(const pg_advisory_lock&) = delete;
  pg_advisory_lock& operator=(const pg_advisory_lock&) = delete;
  ~pg_advisory_lock() { release(); } // closing the connection would release it too

  [[nodiscard]] std::int64_t key() const noexcept { return key_; }

  /// An SQL expression that waits for the lock (and takes it until its statement ends):
  /// `pg_advisory_xact_lock(<key>)`, of type void.
  [[nodiscard]] std::string waiting_sql() const {
    return "pg_advisory_xact_lock(" + std::to_string(key_) + ")";
  }

  /// Backends of the application `application_name` that wait for the lock now.
  [[nodiscard]] std::int64_t waiters(const std::string& application_name) {
    return scalar("SELECT count(*) FROM " + waiting_backends(), application_name);
  }

  /// Polls until at least `n` backends of `application_name` wait for the lock, or `timeout`
  /// passed; returns how many wait.
  std::int64_t wait_for_waiters(const std::string& application_name, std::int64_t n = 1,
                                std::chrono::milliseconds timeout = std::chrono::seconds{60}) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    auto got = waiters(application_name);
    while (got < n && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
      got = waiters(application_name);
    }
    return got;
  }

  /// Terminates (pg_terminate_backend) the backends of `application_name` that wait for the
  /// lock; returns how many.
  std::int64_t terminate_waiters(const std::string& application_name) {
    return scalar("SELECT count(*) FROM (SELECT pg_terminate_backend(a.pid) FROM " +
                      waiting_backends() + ") t",
                  application_name);
  }

  /// Lets the waiting statements (and every later one) take the lock. Idempotent.
  void release() noexcept {
    if (!held_)
      return;
    held_ = false;
    try {
      conn_.execute("SELECT pg_advisory_unlock(?)", {model::value{key_}});
    } catch (...) {
      // The lock ends with the connection anyway.
    }
  }

private:
  // Keys below 2^31 (pid < 2^22, times 512): pg_locks shows them with classid 0 and objid key.
  static std::int64_t unique_key() {
    static std::atomic<unsigned> counter{0};
    return static_cast<std::int64_t>(::getpid()) * 512 + (counter.fetch_add(1) % 512);
  }

  // `pg_locks l JOIN pg_stat_activity a` restricted to the backends of the application (the
  // one parameter) that wait for this lock.
  [[nodiscard]] std::string waiting_backends() const {
    return "pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
           "AND NOT l.granted AND l.classid = 0 AND l.objid::bigint = " +
           std::to_string(key_) + " AND a.application_name = ?";
  }

  std::int64_t scalar(const std::string& sql, const std::string& application_name) {
    return conn_.execute(sql, {model::value{application_name}})->row(0).int64_at(0);
  }

  drivers::connection conn_;
  std::int64_t key_;
  bool held_ = false;
};

} // namespace gatherdb::test
