#include "http_server.hpp"

#include <csignal>
#include <mutex>
#include <optional>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace gatherdb::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr std::size_t max_values = 1000;
constexpr std::size_t max_value_bytes = 1024;
// Enough for 1000 values of 1 KiB, percent-encoded; beyond it the request is refused.
constexpr std::uint32_t header_limit = 4u << 20;
constexpr std::uint64_t body_limit = 64u << 10;

std::string error_body(std::string_view message) {
  std::string out = R"({"error":")";
  for (char c : message) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  out += "\"}";
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding; nullopt on a bad escape.
std::optional<std::string> url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size())
        return std::nullopt;
      const int hi = hex_digit(s[i + 1]);
      const int lo = hex_digit(s[i + 2]);
      if (hi < 0 || lo < 0)
        return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The `data` values of a query string in order, or the reason the request is bad.
std::pair<std::vector<std::string>, std::string> data_values(std::string_view query) {
  std::vector<std::string> values;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.empty())
      continue;
    auto eq = part.find('=');
    auto key = url_decode(part.substr(0, eq));
    if (!key)
      return {{}, "bad percent-encoding in the query"};
    if (*key != "data")
      continue;
    auto value =
        url_decode(eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1));
    if (!value)
      return {{}, "bad percent-encoding in the query"};
    if (value->size() > max_value_bytes)
      return {{}, "a data value is longer than 1024 bytes"};
    if (values.size() == max_values)
      return {{}, "more than 1000 data values"};
    values.push_back(std::move(*value));
  }
  if (values.empty())
    return {{}, "missing data parameter: GET /a?data=a_5&data=a_17"};
  return {std::move(values), std::string{}};
}

class session;

} // namespace

// Owns the io_context; every handler and session refers to it by plain pointer (the io_context
// is destroyed first, with whatever handlers are still queued, and they must find the session
// registry alive: it is declared before the io_context).
struct http_server::impl {
  server_options options;
  std::shared_ptr<server_metrics> metrics;
  request_api api;
  std::mutex mtx;
  std::unordered_map<const void*, std::weak_ptr<session>> sessions;
  net::io_context ioc;
  tcp::acceptor acceptor{net::make_strand(ioc)};
  net::signal_set signals{ioc};
  net::steady_timer drain_timer{ioc};
  std::chrono::steady_clock::time_point drain_deadline;
  std::atomic<bool> stopping{false};

  explicit impl(server_options o)
      : options(std::move(o)), ioc(static_cast<int>(std::max<std::size_t>(options.threads, 1))) {}

  void do_accept();
  void begin_shutdown();
  void drain();
};

namespace {

/// One connection: reads a request, hands it to the actor side, writes the answer when it
/// comes back (posted onto this session's strand), and reads the next one (keep-alive).
/// Thread-safety: every member runs on the session's strand.
class session : public std::enable_shared_from_this<session> {
public:
  session(tcp::socket&& socket, http_server::impl* server)
      : stream_(std::move(socket)), server_(server) {}

  ~session() {
    std::lock_guard<std::mutex> guard{server_->mtx};
    server_->sessions.erase(this);
  }

  void start() {
    {
      std::lock_guard<std::mutex> guard{server_->mtx};
      server_->sessions.emplace(this, weak_from_this());
    }
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&session::do_read, shared_from_this()));
  }

  // Posted by the server on shutdown: idle connections close now, busy ones after answering.
  void on_shutdown() {
    closing_ = true;
    if (!busy_)
      do_close();
  }

  [[nodiscard]] auto executor() { return stream_.get_executor(); }

private:
  void do_read() {
    if (closing_ || server_->stopping) {
      do_close();
      return;
    }
    parser_.emplace();
    parser_->header_limit(header_limit);
    parser_->body_limit(body_limit);
    stream_.expires_after(server_->options.idle_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == beast::error::timeout) {
      do_close();
      return;
    }
    if (ec) {
      if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category()) {
        // Malformed or too large: answer once, then close.
        busy_ = true;
        keep_alive_ = false;
        version_ = 11;
        const bool too_large = ec == bhttp::error::header_limit || ec == bhttp::error::body_limit;
        write(http_answer{too_large ? 431u : 400u,
                          error_body(too_large ? "request too large"
                                               : "malformed request: " + ec.message()),
                          false},
              nullptr);
        return;
      }
      do_close();
      return;
    }
    handle(parser_->release());
  }

  void handle(const bhttp::request<bhttp::string_body>& req) {
    busy_ = true;
    keep_alive_ = req.keep_alive();
    version_ = req.version();
    std::string_view target{req.target().data(), req.target().size()};
    auto q = target.find('?');
    auto path = target.substr(0, q);
    auto query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
    const bool get = req.method() == bhttp::verb::get;
    if (path != "/a" && path != "/healthz" && path != "/metrics" && path != "/metrics.json") {
      write(
          http_answer{404,
                      error_body("not found: GET /a?data=..., /healthz, /metrics or /metrics.json"),
                      false},
          nullptr);
      return;
    }
    if (!get) {
      write(http_answer{405, error_body("method not allowed: use GET"), false}, "GET");
      return;
    }
    if (path == "/a") {
      auto [values, bad] = data_values(query);
      if (!bad.empty()) {
        write(http_answer{400, error_body(bad), false}, nullptr);
        return;
      }
      server_->api.gather(std::move(values), reply_callback());
    } else if (path == "/healthz") {
      server_->api.health(reply_callback());
    } else if (path == "/metrics") {
      server_->api.metrics(reply_callback());
    } else {
      server_->api.metrics_json(reply_callback());
    }
  }

  // Called once, from an actor's thread: the answer goes back through this session's strand.
  answer_callback reply_callback() {
    return [self = shared_from_this()](http_answer a) {
      net::post(self->stream_.get_executor(),
                [self, a = std::move(a)]() mutable { self->write(std::move(a), nullptr); });
    };
  }

  void write(http_answer a, const char* allow) {
    res_ = {};
    res_.version(version_);
    res_.result(a.status);
    res_.set(bhttp::field::server, "gatherdb-http");
    res_.set(bhttp::field::content_type, a.content_type);
    if (a.retry_after)
      res_.set(bhttp::field::retry_after, "1");
    if (allow != nullptr)
      res_.set(bhttp::field::allow, allow);
    res_.keep_alive(keep_alive_ && !closing_ && !server_->stopping);
    res_.body() = std::move(a.body);
    res_.prepare_payload();
    stream_.expires_after(server_->options.idle_timeout);
    // Counted before the write: counted after it, a client that reads /metrics right after
    // its previous response could find that response not yet counted.
    server_->metrics->count_status(res_.result_int());
    bhttp::async_write(stream_, res_,
                       beast::bind_front_handler(&session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec || !res_.keep_alive()) {
      do_close();
      return;
    }
    busy_ = false;
    do_read();
  }

  void do_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> res_;
  http_server::impl* server_;
  bool busy_ = false;
  bool closing_ = false;
  bool keep_alive_ = true;
  unsigned version_ = 11;
};

} // namespace

void http_server::impl::do_accept() {
  acceptor.async_accept(net::make_strand(ioc),
                        [self = this](beast::error_code ec, tcp::socket socket) {
                          if (ec || self->stopping)
                            return; // closed on shutdown (or the socket is dropped)
                          std::make_shared<session>(std::move(socket), self)->start();
                          self->do_accept();
                        });
}

void http_server::impl::begin_shutdown() {
  if (stopping.exchange(true))
    return;
  net::post(acceptor.get_executor(), [self = this] {
    beast::error_code ec;
    self->acceptor.close(ec);
  });
  std::vector<std::shared_ptr<session>> live;
  {
    std::lock_guard<std::mutex> guard{mtx};
    for (auto& [key, weak] : sessions)
      if (auto s = weak.lock())
        live.push_back(std::move(s));
  }
  for (auto& s : live)
    net::post(s->executor(), [s] { s->on_shutdown(); });
  drain_deadline = std::chrono::steady_clock::now() + options.drain_timeout;
  drain();
}

// Waits until every session has ended (or the drain timeout), then stops the threads.
void http_server::impl::drain() {
  bool empty;
  {
    std::lock_guard<std::mutex> guard{mtx};
    empty = sessions.empty();
  }
  if (empty || std::chrono::steady_clock::now() >= drain_deadline) {
    ioc.stop();
    return;
  }
  drain_timer.expires_after(std::chrono::milliseconds{20});
  drain_timer.async_wait([self = this](beast::error_code) { self->drain(); });
}

http_server::http_server(server_options options, std::shared_ptr<server_metrics> metrics)
    : impl_(std::make_unique<impl>(std::move(options))) {
  impl_->metrics = std::move(metrics);
}

http_server::~http_server() = default;

void http_server::set_api(request_api api) {
  impl_->api = std::move(api);
}

std::uint16_t http_server::listen() {
  auto& i = *impl_;
  tcp::endpoint ep{net::ip::make_address(i.options.address), i.options.port};
  i.acceptor.open(ep.protocol());
  i.acceptor.set_option(net::socket_base::reuse_address(true));
  i.acceptor.bind(ep);
  i.acceptor.listen(net::socket_base::max_listen_connections);
  i.signals.add(SIGINT);
  i.signals.add(SIGTERM);
  i.signals.async_wait([self = impl_.get()](beast::error_code ec, int) {
    if (!ec)
      self->begin_shutdown();
  });
  i.do_accept();
  return i.acceptor.local_endpoint().port();
}

void http_server::run() {
  std::vector<std::thread> threads;
  const auto n = std::max<std::size_t>(impl_->options.threads, 1);
  threads.reserve(n - 1);
  for (std::size_t k = 1; k < n; ++k)
    threads.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : threads)
    t.join();
}

} // namespace gatherdb::http
