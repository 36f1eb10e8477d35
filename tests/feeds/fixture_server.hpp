#pragma once
// Loopback fixture servers for the feed tests (port 0, one thread per connection, blocking I/O):
// an HTTP server whose every answer is scripted by the test (status, charset, chunked, slow,
// dropped, truncated), plain or over TLS (tls_fixture.hpp makes the certificate), and a WebSocket
// server that sends scripted messages.
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lodestone/net/net.hpp"

namespace lodestone::feeds::test {

// Listens on 127.0.0.1, on a port the system picks.
inline void listen_on_loopback(tcp::acceptor& acceptor) {
  acceptor.open(tcp::v4());
  acceptor.set_option(net::socket_base::reuse_address(true));
  acceptor.bind({net::ip::make_address("127.0.0.1"), 0});
  acceptor.listen();
}

struct Reply {
  enum class Kind { Normal, Chunked, Drop, Truncate };
  Kind kind = Kind::Normal;
  unsigned status = 200;
  std::string body;
  std::string content_type = "text/plain";
  std::map<std::string, std::string> headers;
  int delay_ms = 0;    // wait before answering (a slow source); cut short when the fixture stops
  bool close = false;  // Connection: close after this answer
};

struct SeenRequest {
  std::string target;
  std::map<std::string, std::string> headers;
  int connection = 0;  // which connection it came on (1, 2, …)
};

class HttpFixture {
 public:
  using Script = std::function<Reply(const SeenRequest&, int request_no)>;
  // Plain HTTP; with `tls`, HTTPS: each connection starts with the handshake (which `tls` must
  // outlive).
  explicit HttpFixture(Script script, net::ssl::context* tls = nullptr) : script_(std::move(script)), tls_(tls) {
    listen_on_loopback(acceptor_);
    accept();
    io_thread_ = std::thread([this] { io_.run(); });
  }
  ~HttpFixture() {
    net::post(io_, [this] { acceptor_.close(); });
    io_.stop();
    io_thread_.join();
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
      threads.swap(threads_);
    }
    stopped_.notify_all();
    for (auto& t : threads) t.join();
  }
  HttpFixture(const HttpFixture&) = delete;
  HttpFixture& operator=(const HttpFixture&) = delete;

  [[nodiscard]] unsigned short port() const { return acceptor_.local_endpoint().port(); }
  [[nodiscard]] std::string url(const std::string& target) const {
    return "http://127.0.0.1:" + std::to_string(port()) + target;
  }
  std::vector<SeenRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  int connections() const { return connections_.load(); }
  int handshakes() const { return handshakes_.load(); }  // TLS handshakes completed

 private:
  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      const int n = ++connections_;
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      open_fds_.push_back(socket.native_handle());
      threads_.emplace_back([this, s = std::move(socket), n]() mutable { serve(std::move(s), n); });
      accept();
    });
  }

  void serve(tcp::socket socket, int connection) {
    if (tls_ == nullptr) {
      serve_requests(socket, connection);
      return;
    }
    beast::ssl_stream<tcp::socket> stream(std::move(socket), *tls_);
    beast::error_code ec;
    stream.handshake(net::ssl::stream_base::server, ec);
    if (ec) return;  // a client that does not trust us hangs up here
    ++handshakes_;
    if (serve_requests(stream, connection)) stream.shutdown(ec);
  }

  // Answers requests until the script or the client ends the connection; true when an answer
  // that closes it was written.
  template <class Stream>
  bool serve_requests(Stream& stream, int connection) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      beast::error_code ec;
      http::read(stream, buffer, req, ec);
      if (ec) return false;
      SeenRequest seen{std::string(req.target()), {}, connection};
      for (const auto& f : req) seen.headers[std::string(f.name_string())] = std::string(f.value());
      int request_no = 0;
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(seen);
        request_no = static_cast<int>(requests_.size());
      }
      const Reply r = script_(seen, request_no);
      if (r.delay_ms > 0) {
        // A delay far past the client's timeout costs the test nothing: the fixture's end wakes it.
        std::unique_lock lock(mutex_);
        if (stopped_.wait_for(lock, std::chrono::milliseconds(r.delay_ms), [this] { return stopping_; })) return false;
      }
      if (r.kind == Reply::Kind::Drop) return false;
      if (!write_reply(stream, r)) return false;
      if (r.close) return true;
    }
  }

  template <class Stream>
  static bool write_reply(Stream& socket, const Reply& r) {
    beast::error_code ec;
    http::response<http::string_body> res{static_cast<http::status>(r.status), 11};
    res.set(http::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) res.set(k, v);
    res.keep_alive(!r.close);
    if (r.kind == Reply::Kind::Truncate) {
      // Promise the whole body, send half of it, hang up.
      std::string head = "HTTP/1.1 " + std::to_string(r.status) + " OK\r\nContent-Type: " + r.content_type +
                         "\r\nContent-Length: " + std::to_string(r.body.size()) + "\r\n\r\n" +
                         r.body.substr(0, r.body.size() / 2);
      net::write(socket, net::buffer(head), ec);
      return false;
    }
    if (r.kind == Reply::Kind::Chunked) {
      // Beast writes a chunked string body as one chunk; write the chunks by hand to split it.
      std::string out = "HTTP/1.1 " + std::to_string(r.status) + " OK\r\nContent-Type: " + r.content_type +
                        "\r\nTransfer-Encoding: chunked\r\n\r\n";
      const std::size_t step = std::max<std::size_t>(1, r.body.size() / 3);
      for (std::size_t i = 0; i < r.body.size(); i += step) {
        const std::string piece = r.body.substr(i, step);
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
        out += size + piece + "\r\n";
      }
      out += "0\r\n\r\n";
      net::write(socket, net::buffer(out), ec);
      return !ec;
    }
    res.body() = r.body;
    res.prepare_payload();
    http::write(socket, res, ec);
    return !ec;
  }

  Script script_;
  net::ssl::context* tls_ = nullptr;
  net::io_context io_;
  tcp::acceptor acceptor_{io_};
  std::thread io_thread_;
  mutable std::mutex mutex_;
  std::condition_variable stopped_;
  std::vector<std::thread> threads_;
  std::vector<int> open_fds_;
  std::vector<SeenRequest> requests_;
  std::atomic<int> connections_{0};
  std::atomic<int> handshakes_{0};
  bool stopping_ = false;
};

// Sends `messages` to each client after reading its first message (the subscription), then
// closes; counts the connections and keeps the subscriptions it read.
class WsFixture {
 public:
  // `hold_ms`: stay connected and silent this long after the messages before closing, or until the
  // client hangs up (so a long hold, safe on a loaded machine, costs nothing when the client
  // gives up sooner).
  explicit WsFixture(std::vector<std::string> messages, int hold_ms = 0)
      : messages_(std::move(messages)), hold_ms_(hold_ms) {
    listen_on_loopback(acceptor_);
    thread_ = std::thread([this] { run(); });
  }
  ~WsFixture() {
    stopping_ = true;
    beast::error_code ec;
    // Wake the blocking accept with a throwaway connection.
    tcp::socket poke(poke_io_);
    poke.connect({net::ip::make_address("127.0.0.1"), port()}, ec);
    thread_.join();
  }
  [[nodiscard]] unsigned short port() const { return acceptor_.local_endpoint().port(); }
  int connections() const { return connections_.load(); }
  std::vector<std::string> subscriptions() const {
    std::lock_guard lock(mutex_);
    return subscriptions_;
  }

 private:
  void run() {
    while (!stopping_) {
      tcp::socket socket(io_);
      beast::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) return;
      ++connections_;
      websocket::stream<tcp::socket> ws(std::move(socket));
      ws.accept(ec);
      if (ec) continue;
      beast::flat_buffer buffer;
      ws.read(buffer, ec);
      if (ec) continue;
      {
        std::lock_guard lock(mutex_);
        subscriptions_.push_back(beast::buffers_to_string(buffer.data()));
      }
      for (const auto& m : messages_) {
        ws.text(true);
        ws.write(net::buffer(m), ec);
        if (ec) break;
      }
      for (int waited = 0; waited < hold_ms_ && !stopping_ && !hung_up(ws.next_layer()); waited += 10)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      ws.close(websocket::close_code::going_away, ec);
      // Drain until the client answers the close.
      while (!ec) ws.read(buffer, ec);
    }
  }

  // Whether the client closed its side. Nothing is read: Beast would answer its pings, and a
  // stalled server must not.
  static bool hung_up(tcp::socket& socket) {
    pollfd p{socket.native_handle(), POLLRDHUP, 0};
    return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
  }

  std::vector<std::string> messages_;
  int hold_ms_ = 0;
  net::io_context io_;
  net::io_context poke_io_;
  tcp::acceptor acceptor_{io_};
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> subscriptions_;
};

}  // namespace lodestone::feeds::test
