#include "http_session.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "websocket_session.hpp"

namespace lodestone::web {

HttpSession::HttpSession(tcp::socket&& socket, RouterContext ctx, std::shared_ptr<Hub> hub,
                         ConnectionLimiter::Slot slot)
    : stream_(std::move(socket)), ctx_(ctx), hub_(std::move(hub)), slot_(std::move(slot)) {
  beast::error_code ec;
  const auto remote = stream_.socket().remote_endpoint(ec);
  if (!ec) peer_ = remote.address().to_string();
}

void HttpSession::run() {
  net::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
}

void HttpSession::do_read() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(ctx_.options.max_header_bytes));
  parser_->body_limit(ctx_.options.max_request_body);
  buffer_.max_size(ctx_.options.max_request_body + ctx_.options.max_header_bytes + 64 * 1024);
  // The whole request must arrive in time: a slow-drip client cannot hold a connection open.
  stream_.expires_after(std::chrono::milliseconds(ctx_.options.request_timeout_ms));
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::reject(RejectedRequest why, http::status status, std::string_view message) {
  hub_->stats().rejected_requests.add(why);
  Request req;
  req.version(11);
  auto res = make_error_response(req, status, message);
  res.keep_alive(false);
  auto self = shared_from_this();
  beast::async_write(stream_, http::message_generator(std::move(res)), [self](beast::error_code, std::size_t) {
    beast::error_code ignored;
    self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  });
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    return;
  }
  if (ec == http::error::header_limit) {
    // The parser stores the request line once it is complete: without it the target is too long
    // (414); with it, the headers are (431).
    if (parser_->get().target().empty())
      return reject(RejectedRequest::UriTooLong, http::status::uri_too_long, "request target too long");
    return reject(RejectedRequest::HeaderTooLarge, http::status::request_header_fields_too_large,
                  "request headers too large");
  }
  if (ec == http::error::body_limit || ec == http::error::buffer_overflow)
    return reject(RejectedRequest::BodyTooLarge, http::status::payload_too_large, "request too large");
  if (ec == beast::error::timeout) {
    // Beast closed the socket: nothing can be answered. Only a connection that had started a
    // request counts as a slow request; an idle keep-alive connection simply ends.
    if (buffer_.size() > 0 || parser_->got_some()) hub_->stats().rejected_requests.add(RejectedRequest::Timeout);
    return;
  }
  if (ec && ec.category() == http::make_error_code(http::error::bad_target).category())
    return reject(RejectedRequest::Malformed, http::status::bad_request, "malformed request");
  if (ec) return;  // reset or closed by the peer
  Request req = parser_->release();
  if (spdlog::should_log(spdlog::level::debug))
    spdlog::debug("http: {} {} {}", peer_, std::string_view(req.method_string()), loggable_target(req.target()));
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
    if (spdlog::should_log(spdlog::level::debug))
      spdlog::debug("websocket: refused {} {}: {}", peer_, loggable_target(req.target()), why);
    auto res = make_error_response(req, status, why);
    res.keep_alive(false);
    beast::async_write(stream_, http::message_generator(std::move(res)),
                       beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), false));
  };
  if (path_of(req.target()) != "/ws") return refuse(http::status::not_found, "WebSocket endpoint is /ws");
  if (!origin_allowed(req, ctx_.options)) return refuse(http::status::forbidden, "origin not allowed");
  if (!read_allowed(req, ctx_.options)) return refuse(http::status::unauthorized, "a bearer token is required");
  stream_.expires_never();
  std::make_shared<WebSocketSession>(stream_.release_socket(), ctx_.board, hub_, ctx_.api, ctx_.options,
                                     std::move(slot_))
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
