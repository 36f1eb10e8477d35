#include "websocket_session.hpp"

#include <spdlog/spdlog.h>

#include "lodestone/core/json_writer.hpp"
#include "lodestone/web/client_message.hpp"

namespace lodestone::web {
namespace {

std::shared_ptr<const std::string> hello_message(const ServerOptions& options, std::uint64_t last_seq) {
  const auto now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  std::string out = R"({"type":"hello","server_time":)";
  append_json_string(out, format_timestamp(Timestamp{now}));
  out += R"(,"version":)";
  append_json_string(out, options.version);
  out += R"(,"instance":)";
  append_json_string(out, options.instance);
  out += R"(,"quote_interval_ms":)" + std::to_string(options.quote_interval_ms) + R"(,"last_seq":)" +
         std::to_string(last_seq) + "}";
  return std::make_shared<const std::string>(std::move(out));
}

}  // namespace

WebSocketSession::WebSocketSession(tcp::socket&& socket, Board& board, std::shared_ptr<Hub> hub, Api& api,
                                   const ServerOptions& options)
    : ws_(std::move(socket)),
      board_(board),
      hub_(std::move(hub)),
      api_(api),
      options_(options),
      quote_timer_(ws_.get_executor()),
      heartbeat_timer_(ws_.get_executor()) {}

WebSocketSession::~WebSocketSession() { hub_->leave(this); }

void WebSocketSession::run(http::request<http::string_body> request) {
  beast::get_lowest_layer(ws_).expires_never();
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(10);
  timeouts.idle_timeout = std::chrono::milliseconds(options_.idle_timeout_ms);
  timeouts.keep_alive_pings = true;  // a ping at half the idle timeout; no answer closes it
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator([version = options_.version](websocket::response_type& res) {
    res.set(http::field::server, "lodestone/" + version);
  }));
  ws_.read_message_max(options_.max_message_bytes);
  ws_.async_accept(request, beast::bind_front_handler(&WebSocketSession::on_accept, shared_from_this()));
}

void WebSocketSession::on_accept(beast::error_code ec) {
  if (ec) return;
  hub_->join(shared_from_this());
  enqueue(hello_message(options_, api_.last_alert_seq()));
  arm_heartbeat();
  do_read();
}

void WebSocketSession::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&WebSocketSession::on_read, shared_from_this()));
}

void WebSocketSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    closing_ = true;
    heartbeat_timer_.cancel();
    quote_timer_.cancel();
    return;  // closed by the peer, by a protocol error (Beast sent the close), or by a timeout
  }
  if (!ws_.got_text()) {
    fail(kCloseBadMessage, "binary messages are not part of the protocol");
    return;
  }
  const auto data = buffer_.data();
  handle(std::string_view(static_cast<const char*>(data.data()), data.size()));
  buffer_.consume(buffer_.size());
  if (!closing_) do_read();
}

void WebSocketSession::handle(std::string_view text) {
  auto message = parse_client_message(text);
  if (!message) {
    fail(kCloseBadMessage, message.error().message);
    return;
  }
  if (const auto* sub = std::get_if<Subscribe>(&*message)) {
    subscribed_all_ = sub->all;
    symbols_.clear();
    symbols_.insert(sub->symbols.begin(), sub->symbols.end());
    std::string snapshot = R"({"type":"snapshot","quotes":[)";
    bool first = true;
    std::uint64_t max_version = quotes_sent_version_;
    for (const auto& entry : board_.all_quotes()) {
      max_version = std::max(max_version, entry.version);
      if (!subscribed_all_ && !symbols_.contains(entry.quote.symbol)) continue;
      if (!first) snapshot.push_back(',');
      first = false;
      snapshot += *entry.json;
    }
    snapshot += "]}";
    quotes_sent_version_ = max_version;
    enqueue(std::make_shared<const std::string>(std::move(snapshot)));
  } else if (const auto* resume = std::get_if<Resume>(&*message)) {
    // Page through the store so a long absence does not build one huge burst in memory at once.
    std::uint64_t after = resume->after;
    for (;;) {
      auto range = api_.alerts_after(after, 500);
      if (range.gap) {
        enqueue(std::make_shared<const std::string>(R"({"type":"resync","reason":"alerts after )" +
                                                    std::to_string(after) + R"( are no longer retained"})"));
      }
      if (range.alerts.empty()) break;
      for (auto& a : range.alerts) enqueue(a);
      if (closing_ || range.alerts.size() < 500 || range.last_seq <= after) break;
      after = range.last_seq;
    }
  } else {
    enqueue(std::make_shared<const std::string>(R"({"type":"pong"})"));
  }
}

void WebSocketSession::notify_quotes() {
  if (quotes_pending_.exchange(true)) return;
  net::post(ws_.get_executor(), [self = shared_from_this()] {
    self->quotes_pending_.store(false);
    self->quotes_dirty_ = true;
    self->flush_quotes();
  });
}

void WebSocketSession::send(std::shared_ptr<const std::string> message) {
  net::post(ws_.get_executor(),
            [self = shared_from_this(), m = std::move(message)]() mutable { self->enqueue(std::move(m)); });
}

void WebSocketSession::close(websocket::close_code code, std::string reason) {
  net::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)]() mutable {
    self->fail(static_cast<std::uint16_t>(code), std::move(reason));
  });
}

void WebSocketSession::enqueue(std::shared_ptr<const std::string> message) {
  if (closing_) return;
  if (queue_.size() >= options_.max_queue) {
    hub_->count_slow_close();
    spdlog::warn("websocket: closing a client that fell {} messages behind", queue_.size());
    fail(kCloseSlowConsumer, "slow consumer: send queue full");
    return;
  }
  queue_.push_back(std::move(message));
  if (!writing_) write_next();
}

void WebSocketSession::flush_quotes() {
  if (closing_ || !quotes_dirty_) return;
  if (writing_ || !queue_.empty()) return;  // the write completion flushes; the queue holds no quotes
  const auto now = std::chrono::steady_clock::now();
  const auto interval = std::chrono::milliseconds(options_.quote_interval_ms);
  if (now - last_quote_flush_ < interval) {
    if (!quote_timer_armed_) {
      quote_timer_armed_ = true;
      quote_timer_.expires_at(last_quote_flush_ + interval);
      quote_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        self->quote_timer_armed_ = false;
        if (!ec) self->flush_quotes();
      });
    }
    return;
  }
  quotes_dirty_ = false;
  last_quote_flush_ = now;
  for (const auto& entry : board_.changed_since(quotes_sent_version_)) {
    quotes_sent_version_ = std::max(quotes_sent_version_, entry.version);
    if (subscribed_all_ || symbols_.contains(entry.quote.symbol)) queue_.push_back(entry.json);
  }
  if (!queue_.empty()) write_next();
}

void WebSocketSession::write_next() {
  if (queue_.empty() || closing_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  ws_.text(true);
  ws_.async_write(net::buffer(*queue_.front()),
                  beast::bind_front_handler(&WebSocketSession::on_write, shared_from_this()));
}

void WebSocketSession::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) {
    closing_ = true;
    return;
  }
  hub_->count_sent(1);
  last_send_ = std::chrono::steady_clock::now();
  if (!queue_.empty()) queue_.pop_front();
  if (!queue_.empty()) {
    write_next();
  } else if (quotes_dirty_) {
    flush_quotes();
  }
}

void WebSocketSession::arm_heartbeat() {
  heartbeat_timer_.expires_after(std::chrono::milliseconds(options_.heartbeat_ms));
  heartbeat_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->closing_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - self->last_send_ >= std::chrono::milliseconds(self->options_.heartbeat_ms) && self->queue_.empty()) {
      const auto ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
              .count();
      std::string hb = R"({"type":"heartbeat","server_time":)";
      append_json_string(hb, format_timestamp(Timestamp{ms}));
      hb.push_back('}');
      self->enqueue(std::make_shared<const std::string>(std::move(hb)));
    }
    self->arm_heartbeat();
  });
}

void WebSocketSession::fail(std::uint16_t code, std::string reason) {
  if (closing_) return;
  closing_ = true;
  // The message being written must outlive its write; everything behind it is dropped.
  if (writing_ && !queue_.empty()) {
    queue_.erase(queue_.begin() + 1, queue_.end());
  } else {
    queue_.clear();
  }
  heartbeat_timer_.cancel();
  quote_timer_.cancel();
  if (reason.size() > 120) reason.resize(120);  // a close reason must fit a control frame
  ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(code), reason),
                  [self = shared_from_this()](beast::error_code) {});
}

}  // namespace lodestone::web
