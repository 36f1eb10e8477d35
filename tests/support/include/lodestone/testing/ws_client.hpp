#pragma once
// A blocking WebSocket and HTTP client for tests (Beast, real sockets, loopback only).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lodestone/net/net.hpp"

namespace lodestone::testing {

class WsClient {
 public:
  WsClient(std::uint16_t port, const std::string& target = "/ws", const std::string& origin = "");
  void send(const std::string& text);
  // The next text message, or nullopt when none arrives within `timeout` or the peer closed.
  // The default only bounds a hang (the wait ends with the message): a loaded sanitizer build
  // can take seconds. A test that expects silence passes its own, short, timeout.
  std::optional<std::string> receive(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  [[nodiscard]] websocket::close_reason close_reason() const { return ws_.reason(); }
  [[nodiscard]] bool closed() const { return closed_; }
  websocket::stream<beast::tcp_stream>& stream() { return ws_; }

 private:
  net::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  bool closed_ = false;
};

struct HttpResult {
  unsigned status = 0;
  std::string body;
  http::fields headers;
};
HttpResult http_request(std::uint16_t port, http::verb method, const std::string& target, const std::string& body = "",
                        const std::string& token = "");

// A plain blocking TCP socket for abuse and conformance tests (hand-made frames, slow drips,
// thousands of idle connections). Loopback only; every wait is bounded by a timeout.
class RawSocket {
 public:
  // Connects to 127.0.0.1:port, from `source` when given (any 127.x.y.z address works on Linux),
  // with SO_RCVBUF set to `receive_buffer` before connecting when it is not 0 (Linux doubles it
  // and caps it at net.core.rmem_max). Throws std::runtime_error when the connection fails.
  explicit RawSocket(std::uint16_t port, const std::string& source = "", int receive_buffer = 0);
  ~RawSocket();
  RawSocket(RawSocket&& other) noexcept;
  RawSocket& operator=(RawSocket&& other) noexcept;
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  // Writes everything, or returns false (peer gone, or `timeout` passed with the buffers full).
  bool send_all(std::string_view bytes, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // What arrives within `timeout` (at most `max` bytes); empty on timeout or when the peer closed.
  std::string read_some(std::chrono::milliseconds timeout, std::size_t max = 64 * 1024);
  // Reads and discards until the peer closes (EOF or reset); false if it stays open for `timeout`.
  bool wait_closed(std::chrono::milliseconds timeout);
  [[nodiscard]] bool peer_closed() const { return peer_closed_; }
  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] int receive_buffer() const;  // SO_RCVBUF as the kernel reports it
  void close();

 private:
  int fd_ = -1;
  bool peer_closed_ = false;
};

// One RFC 6455 frame as a client writes it: masked (unless `masked` is false), with the given
// FIN, RSV bits (0-7) and opcode; `declared_length` overrides the length field (to announce more
// than is sent).
std::string ws_frame(std::uint8_t opcode, std::string_view payload, bool fin = true, std::uint8_t rsv = 0,
                     bool masked = true, std::optional<std::uint64_t> declared_length = std::nullopt);
// A close frame's payload: the code and a reason.
std::string close_payload(std::uint16_t code, std::string_view reason = "");

struct WsFrame {
  bool fin = true;
  std::uint8_t rsv = 0;
  std::uint8_t opcode = 0;
  std::string payload;
  [[nodiscard]] std::uint16_t close_code() const;  // for a close frame: its code (1005 if none)
};

// A WebSocket spoken by hand over a RawSocket: the upgrade, then frames.
class RawWebSocket {
 public:
  // Sends the upgrade request (with `extra_headers`, each ending in \r\n) and reads the answer's
  // head. Throws std::runtime_error on a connection failure; check status() for the answer.
  RawWebSocket(std::uint16_t port, const std::string& target = "/ws", const std::string& extra_headers = "",
               const std::string& source = "", std::chrono::milliseconds timeout = std::chrono::seconds(5),
               int receive_buffer = 0);
  [[nodiscard]] unsigned status() const { return status_; }  // 101 when upgraded
  [[nodiscard]] const std::string& response_head() const { return head_; }
  bool send(std::string_view bytes) { return socket_.send_all(bytes); }
  // The next whole frame within `timeout`; nullopt on timeout or when the connection ended.
  // As WsClient::receive, the default only bounds a hang.
  std::optional<WsFrame> read_frame(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Reads (and drops) frames until a close frame; its code, 0 when the TCP connection ended
  // without one, -1 when nothing ended within `timeout`.
  int read_until_close(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  RawSocket& socket() { return socket_; }

 private:
  RawSocket socket_;
  std::string buffer_;
  std::string head_;
  unsigned status_ = 0;
};

}  // namespace lodestone::testing
