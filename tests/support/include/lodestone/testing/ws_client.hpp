#pragma once
// A blocking WebSocket and HTTP client for tests (Beast, real sockets, loopback only).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "lodestone/net/net.hpp"

namespace lodestone::testing {

class WsClient {
 public:
  WsClient(std::uint16_t port, const std::string& target = "/ws", const std::string& origin = "");
  void send(const std::string& text);
  // The next text message, or nullopt when none arrives within `timeout` or the peer closed.
  std::optional<std::string> receive(std::chrono::milliseconds timeout = std::chrono::seconds(5));
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

}  // namespace lodestone::testing
