#pragma once
// One HTTP connection: read a request (bounded in size and time), answer it, repeat; hand the
// socket to a WebSocketSession on an allowed upgrade to /ws.
#include <memory>
#include <optional>

#include "connection_limiter.hpp"
#include "lodestone/net/net.hpp"
#include "lodestone/web/hub.hpp"
#include "router.hpp"

namespace lodestone::web {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, RouterContext ctx, std::shared_ptr<Hub> hub, ConnectionLimiter::Slot slot);
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;
  void run();

 private:
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void on_write(bool keep_alive, beast::error_code ec, std::size_t bytes);
  void upgrade(Request&& req);
  void reject(RejectedRequest why, http::status status, std::string_view message);

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  RouterContext ctx_;
  std::shared_ptr<Hub> hub_;
  ConnectionLimiter::Slot slot_;  // released with the connection (or moved to the WebSocket)
  std::string peer_;              // for the debug access log
  std::optional<http::request_parser<http::string_body>> parser_;
};

}  // namespace lodestone::web
