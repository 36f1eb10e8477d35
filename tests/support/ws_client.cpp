#include "lodestone/testing/ws_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace lodestone::testing {

WsClient::WsClient(std::uint16_t port, const std::string& target, const std::string& origin) : ws_(ioc_) {
  // Only a hang ends here: a loaded sanitizer build may take seconds to answer the upgrade.
  beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
  beast::get_lowest_layer(ws_).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  if (!origin.empty()) {
    ws_.set_option(websocket::stream_base::decorator(
        [origin](websocket::request_type& req) { req.set(http::field::origin, origin); }));
  }
  ws_.handshake("127.0.0.1:" + std::to_string(port), target);
  beast::get_lowest_layer(ws_).expires_never();
}

void WsClient::send(const std::string& text) {
  ws_.text(true);
  ws_.write(net::buffer(text));
}

std::optional<std::string> WsClient::receive(std::chrono::milliseconds timeout) {
  if (closed_) return std::nullopt;
  beast::error_code result = net::error::would_block;
  ws_.async_read(buffer_, [&](beast::error_code ec, std::size_t) { result = ec; });
  ioc_.restart();
  ioc_.run_for(timeout);
  if (result == net::error::would_block) {
    // Timed out: cancel the read and let the handler run before returning.
    beast::get_lowest_layer(ws_).socket().cancel();
    ioc_.restart();
    ioc_.run();
    return std::nullopt;
  }
  if (result) {
    closed_ = true;
    return std::nullopt;
  }
  std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  return text;
}

HttpResult http_request(std::uint16_t port, http::verb method, const std::string& target, const std::string& body,
                        const std::string& token) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(30));  // a hang, not a slow loaded machine
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/x-ndjson");
    req.body() = body;
  }
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  HttpResult out;
  out.status = res.result_int();
  out.body = res.body();
  for (const auto& f : res) out.headers.set(f.name_string(), f.value());
  return out;
}

}  // namespace lodestone::testing

// ---- RawSocket, hand-made frames, RawWebSocket ----

namespace lodestone::testing {
namespace {

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

}  // namespace

RawSocket::RawSocket(std::uint16_t port, const std::string& source, int receive_buffer) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  // Before connect: the window scale is agreed in the handshake.
  if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  if (!source.empty()) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_port = 0;
    if (::inet_pton(AF_INET, source.c_str(), &local.sin_addr) != 1 ||
        ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      const std::string why = std::strerror(errno);
      ::close(fd_);
      fd_ = -1;
      throw std::runtime_error("bind " + source + ": " + why);
    }
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error("connect: " + why);
  }
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

RawSocket::~RawSocket() { close(); }

int RawSocket::receive_buffer() const {
  int size = 0;
  socklen_t len = sizeof size;
  ::getsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, &len);
  return size;
}

RawSocket::RawSocket(RawSocket&& other) noexcept : fd_(other.fd_), peer_closed_(other.peer_closed_) { other.fd_ = -1; }

RawSocket& RawSocket::operator=(RawSocket&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = other.fd_;
    peer_closed_ = other.peer_closed_;
    other.fd_ = -1;
  }
  return *this;
}

void RawSocket::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool RawSocket::send_all(std::string_view bytes, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!bytes.empty()) {
    pollfd p{fd_, POLLOUT, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
    const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
      peer_closed_ = true;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string RawSocket::read_some(std::chrono::milliseconds timeout, std::size_t max) {
  if (fd_ < 0 || peer_closed_) return {};
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return {};
  std::string out(max, '\0');
  const auto n = ::recv(fd_, out.data(), out.size(), MSG_DONTWAIT);
  if (n <= 0) {
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return {};
    peer_closed_ = true;
    return {};
  }
  out.resize(static_cast<std::size_t>(n));
  return out;
}

bool RawSocket::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!peer_closed_) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    (void)read_some(std::chrono::milliseconds(std::max(1, std::min(remaining_ms(deadline), 200))));
  }
  return true;
}

std::string ws_frame(std::uint8_t opcode, std::string_view payload, bool fin, std::uint8_t rsv, bool masked,
                     std::optional<std::uint64_t> declared_length) {
  std::string out;
  out.push_back(static_cast<char>((fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0F)));
  const std::uint64_t len = declared_length.value_or(payload.size());
  const char mask_bit = masked ? static_cast<char>(0x80) : 0;
  if (len < 126) {
    out.push_back(static_cast<char>(mask_bit | static_cast<char>(len)));
  } else if (len <= 0xFFFF) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>(len >> 8));
    out.push_back(static_cast<char>(len & 0xFF));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((len >> shift) & 0xFF));
  }
  const char key[4] = {0x37, static_cast<char>(0xfa), 0x21, 0x3d};
  if (masked) out.append(key, 4);
  for (std::size_t i = 0; i < payload.size(); ++i)
    out.push_back(masked ? static_cast<char>(payload[i] ^ key[i % 4]) : payload[i]);
  return out;
}

std::string close_payload(std::uint16_t code, std::string_view reason) {
  std::string out;
  out.push_back(static_cast<char>(code >> 8));
  out.push_back(static_cast<char>(code & 0xFF));
  out.append(reason);
  return out;
}

std::uint16_t WsFrame::close_code() const {
  if (payload.size() < 2) return 1005;
  return static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                    static_cast<unsigned char>(payload[1]));
}

RawWebSocket::RawWebSocket(std::uint16_t port, const std::string& target, const std::string& extra_headers,
                           const std::string& source, std::chrono::milliseconds timeout, int receive_buffer)
    : socket_(port, source, receive_buffer) {
  const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                              "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
                              extra_headers + "\r\n";
  if (!socket_.send_all(request, timeout)) throw std::runtime_error("upgrade request not sent");
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t end = std::string::npos;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (std::chrono::steady_clock::now() >= deadline || socket_.peer_closed())
      throw std::runtime_error("no answer to the upgrade: '" + buffer_ + "'");
    buffer_ += socket_.read_some(std::chrono::milliseconds(std::max(1, remaining_ms(deadline))));
  }
  head_ = buffer_.substr(0, end + 4);
  buffer_.erase(0, end + 4);
  if (head_.size() > 12) status_ = static_cast<unsigned>(std::atoi(head_.c_str() + 9));
}

std::optional<WsFrame> RawWebSocket::read_frame(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    // A server frame: 2 header bytes, an extended length, never masked.
    if (buffer_.size() >= 2) {
      const auto b0 = static_cast<unsigned char>(buffer_[0]);
      const auto b1 = static_cast<unsigned char>(buffer_[1]);
      std::size_t header = 2;
      std::uint64_t len = b1 & 0x7F;
      if (len == 126) header = 4;
      if (len == 127) header = 10;
      if (buffer_.size() >= header) {
        if (len == 126) len = (static_cast<unsigned char>(buffer_[2]) << 8) | static_cast<unsigned char>(buffer_[3]);
        if (len == 127) {
          len = 0;
          for (int i = 2; i < 10; ++i) len = (len << 8) | static_cast<unsigned char>(buffer_[i]);
        }
        if ((b1 & 0x80) != 0) header += 4;  // a masked server frame is a server bug; still parse it
        if (buffer_.size() >= header + len) {
          WsFrame f;
          f.fin = (b0 & 0x80) != 0;
          f.rsv = static_cast<std::uint8_t>((b0 >> 4) & 7);
          f.opcode = static_cast<std::uint8_t>(b0 & 0x0F);
          f.payload = buffer_.substr(header, len);
          buffer_.erase(0, header + len);
          return f;
        }
      }
    }
    if (socket_.peer_closed() || std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    buffer_ += socket_.read_some(std::chrono::milliseconds(std::max(1, std::min(remaining_ms(deadline), 200))));
  }
}

int RawWebSocket::read_until_close(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto f = read_frame(std::chrono::milliseconds(std::max(1, remaining_ms(deadline))));
    if (f && f->opcode == 0x8) return f->close_code();
    if (!f && socket_.peer_closed()) return 0;
  }
  return -1;
}

}  // namespace lodestone::testing
