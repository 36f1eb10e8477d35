#include "http_session.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>

#include "auth_gate.hpp"
#include "websocket_session.hpp"

namespace lodestone::web {

HttpSession::HttpSession(Transport&& stream, RouterContext ctx, std::shared_ptr<Hub> hub, ConnectionLimiter::Slot slot,
                         ConnectionOrigin origin)
    : stream_(std::move(stream)),
      ctx_(std::move(ctx)),
      hub_(std::move(hub)),
      slot_(std::move(slot)),
      origin_(std::move(origin)),
      client_(client_address(origin_, "")),
      peer_(client_.to_string()),
      deferred_timer_(stream_.get_executor()) {
  ctx_.client_address = peer_;
}

// Behind a trusted balancer each request names its client (X-Forwarded-For; several headers
// count as one list, in order): the router, the logs and the WebSocket's slot use it.
void HttpSession::learn_client(const Request& req) {
  if (!origin_.trusted || origin_.trusted->empty()) return;
  std::string forwarded;
  for (const auto& field : req)
    if (beast::iequals(field.name_string(), "X-Forwarded-For"))
      forwarded += (forwarded.empty() ? "" : ",") + std::string(field.value());
  client_ = client_address(origin_, forwarded);
  peer_ = client_.to_string();
  ctx_.client_address = peer_;
}

void HttpSession::run() {
  net::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
}

void HttpSession::new_parser() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(ctx_.options.max_header_bytes));
  parser_->body_limit(ctx_.options.max_request_body);
}

void HttpSession::do_read() {
  if (!std::exchange(parser_has_partial_, false)) new_parser();
  buffer_.max_size(ctx_.options.max_request_body + ctx_.options.max_header_bytes + std::size_t{64} * 1024);
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
  beast::async_write(stream_, http::message_generator(std::move(res)),
                     [self](beast::error_code, std::size_t) { self->stream_.end(self); });
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) return stream_.end(shared_from_this());
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
  answer(parser_->release());
}

// Answers a request, and the requests after it that are already whole in the buffer, in this
// same turn of the event loop: the events they carry then reach the pipeline back to back, and a
// WebSocket client gets the messages they cause in one write instead of one write each (which is
// what keeps a burst from a pipelining feed pusher from costing a send per message per client).
void HttpSession::answer(Request&& first) {
  constexpr std::size_t kMaxPerTurn = 1024;  // then the other connections get their turn
  turn_bytes_ = 0;
  std::optional<Request> req(std::move(first));
  while (req) {
    learn_client(*req);
    if (spdlog::should_log(spdlog::level::debug))
      spdlog::debug("http: {} {} {}", peer_, std::string_view(req->method_string()), loggable_target(req->target()));
    if (websocket::is_upgrade(*req)) {
      if (answers_.empty()) return upgrade(std::move(*req));
      held_upgrade_ = std::move(*req);  // after the answers ahead of it
      break;
    }
    const bool keep_alive = req->keep_alive();
    auto routed = route(std::move(*req), ctx_);
    if (auto* now = std::get_if<http::message_generator>(&routed)) {
      answers_.push_back(Answer{std::move(*now), keep_alive, 0, {}, {}});
    } else {
      defer(std::get<DeferredAnswer>(std::move(routed)), keep_alive);
    }
    if (!keep_alive || answers_.size() >= kMaxPerTurn) break;
    req = take_buffered_request();
  }
  write_next_answer();
}

// The next request if the buffer holds all of it. Otherwise the parser keeps what there is and
// the next read goes on from there; a request that fails to parse is reported after the answers
// ahead of it.
std::optional<Request> HttpSession::take_buffered_request() {
  if (buffer_.size() == 0 && !read_available()) return std::nullopt;
  new_parser();
  beast::error_code ec;
  while (!parser_->is_done()) {
    const std::size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == http::error::need_more || (!ec && used == 0)) {
      if (read_available()) continue;
      parser_has_partial_ = true;
      return std::nullopt;
    }
    if (ec) {
      buffered_error_ = ec;
      return std::nullopt;
    }
  }
  return parser_->release();
}

// What the socket already holds, without waiting (at most kMaxTurnBytes a turn): a client that
// pipelines faster than it is served then has its backlog answered in one turn, and the messages
// its events cause leave in one write per WebSocket client instead of one per event.
bool HttpSession::read_available() {
  constexpr std::size_t kMaxTurnBytes = std::size_t{1024} * 1024;
  constexpr std::size_t kChunk = std::size_t{64} * 1024;
  if (turn_bytes_ >= kMaxTurnBytes || buffer_.size() + kChunk > buffer_.max_size()) return false;
  beast::error_code ec;
  const std::size_t n = stream_.read_some_now(buffer_.prepare(kChunk), ec);
  if (ec) return false;  // would block, or the end: the next asynchronous read sees it
  buffer_.commit(n);
  turn_bytes_ += n;
  return n > 0;
}

// Writes the next answer in request order, unless one is being written or the next is a
// deferred answer still awaited (its arrival calls this again).
void HttpSession::write_next_answer() {
  if (writing_ || answers_.empty() || !answers_.front().message) return;
  // Every answer ready at the front goes out serialized in one buffer, in one send. Beast writes
  // each answer on its own, and its header in two sends (every field is several buffers, and asio
  // hands at most 64 to one writev): a client pipelining ingest then paid two loopback deliveries
  // and two wake-ups per request (bench/ANALYSIS.md, issue #18). Nothing follows a closing answer.
  constexpr std::size_t kMaxBatch = std::size_t{256} * 1024;
  out_.clear();
  bool keep_alive = true;
  while (keep_alive && out_.size() < kMaxBatch && !answers_.empty() && answers_.front().message) {
    Answer next = std::move(answers_.front());
    answers_.pop_front();
    keep_alive = next.keep_alive;
    http::message_generator& message = *next.message;
    while (!message.is_done()) {
      beast::error_code ec;
      const auto buffers = message.prepare(ec);
      if (ec) {  // a body that cannot be read: the connection ends, as a failed write ends it
        spdlog::warn("http: an answer could not be serialized: {}", ec.message());
        return stream_.close();
      }
      std::size_t n = 0;
      for (auto it = net::buffer_sequence_begin(buffers); it != net::buffer_sequence_end(buffers); ++it) {
        out_.append(static_cast<const char*>(it->data()), it->size());
        n += it->size();
      }
      message.consume(n);
    }
  }
  writing_ = true;
  net::async_write(stream_, net::buffer(out_),
                   beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), keep_alive));
}

// Holds the request's place and asks the daemon. Its reply may come from any thread, once: it
// is carried back to this connection's strand. The session stays alive while the reply is owed
// and until the wait is bounded (a 504 is written in its place past request_timeout).
void HttpSession::defer(DeferredAnswer deferred, bool keep_alive) {
  const std::uint64_t id = ++next_deferred_;
  answers_.push_back(
      Answer{std::nullopt, keep_alive, id, std::move(deferred.respond),
             std::chrono::steady_clock::now() + std::chrono::milliseconds(ctx_.options.request_timeout_ms)});
  // Deadlines only grow: a timer already armed reaches this one in turn (deferred_timed_out).
  if (!deferred_timer_armed_) arm_deferred_timer(answers_.back().deadline);
  auto once = std::make_shared<std::atomic<bool>>(false);
  deferred.ask([self = shared_from_this(), executor = stream_.get_executor(), id, once](HttpAnswer answer) {
    if (once->exchange(true)) return;  // a second reply is ignored
    net::post(executor, [self, id, answer = std::move(answer)]() mutable {
      for (auto& a : self->answers_) {
        if (a.id != id || a.message) continue;  // gone (answered 504) or already there
        self->fill(a, std::move(answer));
        self->write_next_answer();
        return;
      }
    });
  });
}

void HttpSession::arm_deferred_timer(std::chrono::steady_clock::time_point at) {
  deferred_timer_armed_ = true;
  deferred_timer_.expires_at(at);
  deferred_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    self->deferred_timer_armed_ = false;
    if (!ec) self->deferred_timed_out();
  });
}

void HttpSession::fill(Answer& answer, HttpAnswer reply) {
  answer.message.emplace(answer.respond(std::move(reply)));
  answer.respond = nullptr;
  // The request's own read deadline may have passed while it waited: the write gets its own.
  stream_.expires_after(std::chrono::milliseconds(ctx_.options.request_timeout_ms));
}

// Deferred answers still awaited past their deadline are answered 504, in their place; the timer
// is armed again for the next one awaited.
void HttpSession::deferred_timed_out() {
  const auto now = std::chrono::steady_clock::now();
  std::optional<std::chrono::steady_clock::time_point> next;
  for (auto& a : answers_) {
    if (a.message || !a.respond) continue;
    if (a.deadline <= now) {
      fill(a, HttpAnswer{504, R"({"error":"the daemon did not answer in time"})"});
    } else if (!next || a.deadline < *next) {
      next = a.deadline;
    }
  }
  if (next) arm_deferred_timer(*next);
  write_next_answer();
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
  // Host, Origin and the caller (a ticket, the bearer token, or anonymous while reads are open).
  auto check = check_upgrade(req, ctx_);
  if (check.refusal) return refuse(check.refusal->status, check.refusal->message);
  // A balancer's connection held a slot without an address: the WebSocket counts against its
  // client's, under max_connections_per_ip like a direct one.
  if (RefusedConnection why{}; !slot_.move_to(client_, why)) {
    hub_->stats().refused_connections.add(why);
    return refuse(http::status::service_unavailable, "too many connections, retry later");
  }
  stream_.expires_never();
  std::make_shared<WebSocketSession>(std::move(stream_).for_websocket(), ctx_.board, hub_, ctx_.api, ctx_.options,
                                     std::move(slot_))
      ->run(req, std::move(check.hello));
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  writing_ = false;
  // A large answer (a page asset, a snapshot) is not kept for the connection's life.
  if (out_.capacity() > std::size_t{64} * 1024) std::string().swap(out_);
  if (ec) return;
  if (!keep_alive) return stream_.end(shared_from_this());
  if (!answers_.empty()) return write_next_answer();  // or wait for the deferred answer in front
  if (held_upgrade_) {
    Request req = std::move(*held_upgrade_);
    held_upgrade_.reset();
    return answer(std::move(req));
  }
  if (buffered_error_) return on_read(std::exchange(buffered_error_, {}), 0);
  do_read();
}

}  // namespace lodestone::web
