#include "http_session.hpp"

#include <chrono>

#include "websocket_session.hpp"

namespace lodestone::web {

HttpSession::HttpSession(tcp::socket&& socket, RouterContext ctx, std::shared_ptr<Hub> hub,
                         std::shared_ptr<std::atomic<std::size_t>> live)
    : stream_(std::move(socket)), ctx_(ctx), hub_(std::move(hub)), live_(std::move(live)) {
  live_->fetch_add(1);
}

HttpSession::~HttpSession() { live_->fetch_sub(1); }

void HttpSession::run() {
  net::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
}

void HttpSession::do_read() {
  parser_.emplace();
  parser_->header_limit(16 * 1024);
  parser_->body_limit(ctx_.options.max_request_body);
  buffer_.max_size(ctx_.options.max_request_body + 64 * 1024);
  // The whole request must arrive in time: a slow-drip client cannot hold a connection open.
  stream_.expires_after(std::chrono::milliseconds(ctx_.options.request_timeout_ms));
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    return;
  }
  if (ec == http::error::body_limit || ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    Request req;
    req.version(11);
    auto res = make_error_response(req, http::status::payload_too_large, "request too large");
    res.keep_alive(false);
    auto self = shared_from_this();
    beast::async_write(stream_, http::message_generator(std::move(res)), [self](beast::error_code, std::size_t) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    });
    return;
  }
  if (ec) return;  // timeout, reset, or a malformed request: drop the connection
  Request req = parser_->release();
  if (websocket::is_upgrade(req)) {
    upgrade(std::move(req));
    return;
  }
  const bool keep_alive = req.keep_alive();
  beast::async_write(stream_, route(std::move(req), ctx_),
                     beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), keep_alive));
}

void HttpSession::upgrade(Request&& req) {
  auto refuse = [&](http::status status, std::string_view why) {
    auto res = make_error_response(req, status, why);
    res.keep_alive(false);
    beast::async_write(stream_, http::message_generator(std::move(res)),
                       beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), false));
  };
  if (path_of(req.target()) != "/ws") return refuse(http::status::not_found, "WebSocket endpoint is /ws");
  if (!origin_allowed(req, ctx_.options)) return refuse(http::status::forbidden, "origin not allowed");
  if (!read_allowed(req, ctx_.options)) return refuse(http::status::unauthorized, "a bearer token is required");
  stream_.expires_never();
  std::make_shared<WebSocketSession>(stream_.release_socket(), ctx_.board, hub_, ctx_.api, ctx_.options)
      ->run(std::move(req));
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  if (ec) return;
  if (!keep_alive) {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    return;
  }
  do_read();
}

}  // namespace lodestone::web
