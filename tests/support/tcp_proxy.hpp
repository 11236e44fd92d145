#pragma once
// A TCP proxy on 127.0.0.1 for tests that need a server which accepts connections slowly: it
// forwards the first `pass` connections to the upstream port at once and holds every later one
// (accepted, nothing forwarded) until `release()`, so a client's connect to it stays pending
// for as long as the test wants, whatever this machine's speed.
//
// Thread-safety: `release`, `accepted` and the destructor may be called from any thread.

#include <arpa/inet.h>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace gatherdb::test {

class tcp_proxy {
public:
  tcp_proxy(std::uint16_t upstream_port, std::size_t pass) : upstream_(upstream_port), pass_(pass) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::listen(listener_, 64) != 0)
      throw std::runtime_error("tcp_proxy: cannot listen");
    socklen_t len = sizeof(addr);
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread{[this] { accept_loop(); }};
  }
  tcp_proxy(const tcp_proxy&) = delete;
  tcp_proxy& operator=(const tcp_proxy&) = delete;
  ~tcp_proxy() {
    stopping_ = true;
    release();
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    acceptor_.join();
    for (auto& t : pumps_)
      t.join();
  }

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  /// Connections accepted so far, held ones included.
  [[nodiscard]] std::size_t accepted() const noexcept { return accepted_; }

  /// Forwards the held connections and every later one.
  void release() {
    {
      std::lock_guard<std::mutex> lock{mtx_};
      released_ = true;
    }
    cv_.notify_all();
  }

private:
  void accept_loop() {
    while (!stopping_) {
      const int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0)
        return;
      const auto n = accepted_++;
      pumps_.emplace_back([this, client, n] { serve(client, n); });
    }
  }

  void serve(int client, std::size_t n) {
    if (n >= pass_) {
      std::unique_lock<std::mutex> lock{mtx_};
      cv_.wait(lock, [this] { return released_; });
    }
    const int server = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(upstream_);
    if (stopping_ || ::connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      ::close(server);
      ::close(client);
      return;
    }
    pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    char buf[16384];
    while (!stopping_) {
      if (::poll(fds, 2, 100) < 0)
        break;
      bool closed = false;
      for (int i = 0; i < 2 && !closed; ++i) {
        if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0)
          continue;
        const auto got = ::read(fds[i].fd, buf, sizeof(buf));
        closed = got <= 0 ||
                 ::send(fds[1 - i].fd, buf, static_cast<std::size_t>(got), MSG_NOSIGNAL) != got;
      }
      if (closed)
        break;
    }
    ::close(server);
    ::close(client);
  }

  std::uint16_t upstream_;
  std::size_t pass_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> accepted_{0};
  std::mutex mtx_;
  std::condition_variable cv_;
  bool released_ = false;
  std::vector<std::thread> pumps_; // touched by the acceptor thread only, joined after it
  std::thread acceptor_;
};

} // namespace gatherdb::test
