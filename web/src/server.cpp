#include "lodestone/web/server.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

#include "client_address.hpp"
#include "connection_limiter.hpp"
#include "http_session.hpp"
#include "proxy_header_reader.hpp"
#include "static_files.hpp"
#include "transport.hpp"

namespace lodestone::web {
namespace {

// At most one walk over the sessions per this much time for quotes (they are coalesced per
// client every quote_interval anyway); alerts and headlines are not paced.
constexpr std::chrono::milliseconds kQuoteWakePace{10};

constexpr std::string_view kBusyBody = R"({"error":"too many connections, retry later"})";

std::string busy_response() {
  return "HTTP/1.1 503 Service Unavailable\r\nServer: lodestone\r\nContent-Type: application/json\r\n"
         "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\n"
         "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\nReferrer-Policy: no-referrer\r\n"
         "Retry-After: 5\r\nConnection: close\r\n"
         "Content-Length: " +
         std::to_string(kBusyBody.size()) + "\r\n\r\n" + std::string(kBusyBody);
}

// A refused connection: the 503 goes out at once, then the client's request is drained for at
// most a second (closing with unread data would reset the connection and could lose the 503).
class Refusal : public std::enable_shared_from_this<Refusal> {
 public:
  Refusal(tcp::socket&& socket, std::shared_ptr<std::atomic<std::size_t>> in_flight)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), in_flight_(std::move(in_flight)) {
    in_flight_->fetch_add(1);
  }
  ~Refusal() { in_flight_->fetch_sub(1); }
  Refusal(const Refusal&) = delete;
  Refusal& operator=(const Refusal&) = delete;

  void run(const std::string& response) {
    response_ = response;
    timer_.expires_after(std::chrono::seconds(1));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      beast::error_code ignored;
      self->socket_.close(ignored);
    });
    net::async_write(socket_, net::buffer(response_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->finish();
      beast::error_code ignored;
      self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
      self->drain();
    });
  }

 private:
  void drain() {
    socket_.async_read_some(net::buffer(scratch_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec || ++self->reads_ > 4) return self->finish();
      self->drain();
    });
  }
  void finish() {
    timer_.cancel();
    beast::error_code ignored;
    socket_.close(ignored);
  }
  tcp::socket socket_;
  net::steady_timer timer_;
  std::shared_ptr<std::atomic<std::size_t>> in_flight_;
  std::string response_;
  std::array<char, 2048> scratch_{};
  int reads_ = 0;
};

}  // namespace

struct Server::Impl {
  Impl(net::io_context& io, Server& s, Board& board, Api& api)
      : ioc(io),
        acceptor(net::make_strand(io)),
        backoff(acceptor.get_executor()),
        files(s.options_.web_root),
        ctx{board, *s.hub_, api, s.options_, files},
        server(s),
        busy(busy_response()),
        drain_timer(acceptor.get_executor()) {
    reserve_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ctx.draining = &draining;
    auto parsed = TrustedProxies::parse(s.options_.trusted_proxies);
    if (!parsed) throw std::invalid_argument(parsed.error().message);  // the config reader checked them
    trusted = std::make_shared<const TrustedProxies>(std::move(*parsed));
  }
  ~Impl() {
    if (reserve_fd >= 0) ::close(reserve_fd);
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  void accept() {
    acceptor.async_accept(connection_executor(), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) {
        admit(std::move(socket));
        accept();
        return;
      }
      if (ec == net::error::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system) {
        shed();
      } else {
        spdlog::warn("http: accept failed: {}", ec.message());
      }
      // Do not spin on a persistent error: try again shortly.
      backoff.expires_after(std::chrono::milliseconds(20));
      backoff.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec && acceptor.is_open()) accept();
      });
    });
  }

  net::any_io_executor connection_executor() {
    if (server.options_.io_threads == 1) return ioc.get_executor();
    return net::make_strand(ioc);
  }

  void admit(tcp::socket socket) {
    beast::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    if (ec) return;  // already gone
    // Every write is a whole answer or a whole frame (or batch): Nagle's algorithm would only hold
    // small ones back until the peer's delayed ACK (up to 40 ms on Linux).
    socket.set_option(tcp::no_delay(true), ec);
    bound_send_buffer(socket);
    ConnectionOrigin origin{remote.address(), std::nullopt, trusted};
    if (!server.options_.proxy_protocol || !trusted->trusts(remote.address())) return open(std::move(socket), origin);
    // A trusted balancer with http.proxy_protocol: its PROXY header names the client first.
    std::make_shared<ProxyHeaderReader>(std::move(socket),
                                        std::chrono::milliseconds(server.options_.request_timeout_ms))
        ->run([this, origin](tcp::socket s, const ProxyHeader& header) mutable {
          if (header.state != ProxyHeader::State::Done) return refuse_proxy_header(std::move(s), origin, header.error);
          origin.proxied = header.source;
          open(std::move(s), std::move(origin));
        });
  }

  void open(tcp::socket socket, ConnectionOrigin origin) {
    beast::error_code ec;
    RefusedConnection why{};
    // A trusted balancer's connection carries many clients: the total counts it, and the
    // per-address cap applies once a WebSocket upgrade names its client (HttpSession).
    const auto client = client_address(origin, "");
    auto slot =
        trusted->trusts(client) ? server.limiter_->acquire_unaddressed(why) : server.limiter_->acquire(client, why);
    if (!slot.held()) {
      server.hub_->stats().refused_connections.add(why);
      // Refusals are cheap but not free: past a bound, close without the courtesy of a 503.
      if (refusing->load() < kMaxRefusing) {
        std::make_shared<Refusal>(std::move(socket), refusing)->run(busy);
      } else {
        socket.close(ec);
      }
      return;
    }
    if (tls) return tls_handshake(std::move(socket), std::move(slot), std::move(origin));
    std::make_shared<HttpSession>(Transport(beast::tcp_stream(std::move(socket))), ctx, server.hub_, std::move(slot),
                                  std::move(origin))
        ->run();
  }

  // http.tls: the handshake comes first, within request_timeout like a request's bytes; a
  // client that fails it (plain HTTP to the TLS port, an old protocol, a scanner) is counted
  // and dropped, and the listener goes on.
  void tls_handshake(tcp::socket socket, ConnectionLimiter::Slot slot, ConnectionOrigin origin) {
    auto stream = std::make_shared<TlsStream>(beast::tcp_stream(std::move(socket)), *tls);
    stream->next_layer().expires_after(std::chrono::milliseconds(server.options_.request_timeout_ms));
    stream->async_handshake(net::ssl::stream_base::server, [stream, ctx = ctx, hub = server.hub_,
                                                            slot = std::move(slot),
                                                            origin = std::move(origin)](beast::error_code ec) mutable {
      if (ec) {
        hub->stats().rejected_requests.add(RejectedRequest::TlsHandshake);
        beast::error_code ignored;
        const auto peer = stream->next_layer().socket().remote_endpoint(ignored);
        spdlog::debug("http: TLS handshake with {} failed: {}", peer.address().to_string(), ec.message());
        return;
      }
      std::make_shared<HttpSession>(Transport(std::move(*stream)), ctx, hub, std::move(slot), std::move(origin))->run();
    });
  }

  // A trusted peer that does not speak the PROXY protocol is a misconfigured balancer (or not
  // the balancer): closed unread, counted as malformed, logged at most once a second.
  void refuse_proxy_header(tcp::socket socket, const ConnectionOrigin& origin, const std::string& why) {
    server.hub_->stats().rejected_requests.add(RejectedRequest::Malformed);
    const auto now = server.options_.clock.get().steady();
    if (now - last_proxy_log >= std::chrono::seconds(1)) {
      spdlog::warn("http: connection from {} refused: {} (http.proxy_protocol is on)", origin.peer.to_string(), why);
      last_proxy_log = now;
    }
    beast::error_code ignored;
    socket.close(ignored);
  }

  // A stalled reader's bytes wait in this socket's send buffer, then in its queue (max_queue),
  // then it is closed with 4001. Left to autotuning, the buffer grows to net.ipv4.tcp_wmem's
  // maximum (4 MiB by default, more where raised), and whether the 4001 ever comes would be the
  // machine's choice.
  void bound_send_buffer(tcp::socket& socket) {
    const auto wanted = server.options_.send_buffer_bytes;
    if (wanted == 0) return;
    beast::error_code ec;
    socket.set_option(net::socket_base::send_buffer_size(static_cast<int>(wanted)), ec);
    if (ec || send_buffer_checked) return;
    send_buffer_checked = true;
    // Linux caps the request at net.core.wmem_max (then doubles it for its bookkeeping; Asio
    // halves what the kernel reports, so `got` compares with the request): say so once when the
    // cap bites, since the operator asked for more than they get.
    net::socket_base::send_buffer_size got;
    socket.get_option(got, ec);
    if (!ec && static_cast<std::size_t>(got.value()) < wanted)
      spdlog::warn("websocket: send_buffer {} B asked, the kernel gives {} B (net.core.wmem_max caps it)", wanted,
                   got.value());
  }

  // Out of file descriptors: the pending connections cannot be accepted normally. Free the
  // reserve descriptor, accept and close what is queued (a 503 if the kernel takes it at once),
  // and take the reserve back, so clients learn at once instead of waiting in the backlog.
  void shed() {
    if (reserve_fd >= 0) {
      ::close(reserve_fd);
      reserve_fd = -1;
    }
    std::size_t shed_now = 0;
    for (int i = 0; i < 64; ++i) {
      const int fd = ::accept4(acceptor.native_handle(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) break;
      (void)::send(fd, busy.data(), busy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      ::shutdown(fd, SHUT_WR);
      ::close(fd);
      ++shed_now;
    }
    reserve_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    server.hub_->stats().refused_connections.add(RefusedConnection::FdExhausted, shed_now);
    shed_since_log += shed_now;
    const auto now = server.options_.clock.get().steady();
    if (now - last_shed_log >= std::chrono::seconds(1)) {  // one line a second, not one per connection
      spdlog::warn("http: out of file descriptors; refused {} connections", shed_since_log);
      shed_since_log = 0;
      last_shed_log = now;
    }
  }

  static constexpr std::size_t kMaxRefusing = 512;
  net::io_context& ioc;
  tcp::acceptor acceptor;
  net::steady_timer backoff;
  StaticFiles files;
  RouterContext ctx;
  std::shared_ptr<net::ssl::context> tls;  // http.tls, built by start(); null: plain HTTP
  Server& server;
  const std::string busy;
  std::shared_ptr<std::atomic<std::size_t>> refusing = std::make_shared<std::atomic<std::size_t>>(0);
  int reserve_fd = -1;
  bool send_buffer_checked = false;
  std::size_t shed_since_log = 0;
  Clock::Steady last_shed_log{};
  std::shared_ptr<const TrustedProxies> trusted;
  Clock::Steady last_proxy_log{};
  std::atomic<bool> draining{false};
  net::steady_timer drain_timer;
};

Server::Server(net::io_context& ioc, ServerOptions options, Board& board, Api& api)
    : options_(std::move(options)),
      limiter_(std::make_shared<ConnectionLimiter>(options_.max_connections, options_.max_connections_per_ip)) {
  impl_ = std::make_unique<Impl>(ioc, *this, board, api);
  hub_->pace_quotes(ioc.get_executor(), kQuoteWakePace);
}

Server::~Server() = default;

std::size_t Server::connections() const { return limiter_->total(); }

Result<std::uint16_t> Server::start() {
  if (!options_.tls_cert.empty() || !options_.tls_key.empty()) {
    auto tls = make_tls_context(options_.tls_cert, options_.tls_key);
    if (!tls) return tls.error();
    impl_->tls = std::move(*tls);
  }
  beast::error_code ec;
  const auto address = net::ip::make_address(options_.host, ec);
  if (ec) return make_error(ErrorCode::bad_config, "listen address '" + options_.host + "': " + ec.message());
  const tcp::endpoint endpoint{address, options_.port};
  auto& acceptor = impl_->acceptor;
  if (acceptor.open(endpoint.protocol(), ec); ec) return make_error(ErrorCode::io_error, "open: " + ec.message());
  if (acceptor.set_option(net::socket_base::reuse_address(true), ec); ec)
    return make_error(ErrorCode::io_error, "reuse_address: " + ec.message());
  if (acceptor.bind(endpoint, ec); ec)
    return make_error(ErrorCode::io_error,
                      "cannot listen on " + options_.host + ":" + std::to_string(options_.port) + ": " + ec.message());
  if (acceptor.listen(net::socket_base::max_listen_connections, ec); ec)
    return make_error(ErrorCode::io_error, "listen: " + ec.message());
  if (acceptor.native_non_blocking(true, ec); ec) return make_error(ErrorCode::io_error, "listen: " + ec.message());
  const auto port = acceptor.local_endpoint().port();
  net::dispatch(acceptor.get_executor(), [this] { impl_->accept(); });
  return port;
}

void Server::stop() {
  stop_accepting();
  hub_->close_all(websocket::close_code::going_away);
}

void Server::stop_accepting() {
  net::dispatch(impl_->acceptor.get_executor(), [this] {
    beast::error_code ignored;
    impl_->backoff.cancel();
    impl_->acceptor.close(ignored);
  });
}

void Server::drain(std::chrono::milliseconds delay, std::function<void()> drained) {
  impl_->draining = true;
  net::dispatch(impl_->acceptor.get_executor(), [this, delay, drained = std::move(drained)]() mutable {
    impl_->drain_timer.expires_after(delay);
    impl_->drain_timer.async_wait([drained = std::move(drained)](beast::error_code ec) {
      if (!ec) drained();
    });
  });
}

bool Server::draining() const { return impl_->draining.load(); }

void Server::close_clients(std::function<void()> closed) {
  hub_->close_all(websocket::close_code::going_away);
  hub_->when_empty(std::move(closed));
}

}  // namespace lodestone::web
