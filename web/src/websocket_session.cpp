#include "websocket_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <optional>

#include "http_util.hpp"
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
                                   const ServerOptions& options, ConnectionLimiter::Slot slot)
    : ws_(std::move(socket)),
      board_(board),
      hub_(std::move(hub)),
      api_(api),
      options_(options),
      quote_timer_(ws_.get_executor()),
      heartbeat_timer_(ws_.get_executor()),
      bucket_(options.client_message_burst),
      bucket_time_(std::chrono::steady_clock::now()),
      hold_timer_(ws_.get_executor()),
      slot_(std::move(slot)) {}

WebSocketSession::~WebSocketSession() { hub_->leave(this); }

void WebSocketSession::run(http::request<http::string_body> request) {
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::milliseconds(options_.ws_close_timeout_ms);  // also the close handshake
  timeouts.idle_timeout = std::chrono::milliseconds(options_.idle_timeout_ms);
  timeouts.keep_alive_pings = true;  // a ping at half the idle timeout; no answer closes it
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator([version = options_.version](websocket::response_type& res) {
    res.set(http::field::server, "lodestone/" + version);
  }));
  ws_.read_message_max(options_.max_message_bytes);
  batch_ = query_param(request.target(), "batch") == std::optional<std::string>("1");
  ws_.async_accept(request, beast::bind_front_handler(&WebSocketSession::on_accept, shared_from_this()));
}

void WebSocketSession::on_accept(beast::error_code ec) {
  if (ec) return;
  if (options_.io_threads == 1) io_thread_ = std::this_thread::get_id();
  hub_->join(shared_from_this());
  enqueue(hello_message(options_, api_.last_alert_seq()));
  arm_heartbeat();
  // A client that resumes says where it stands only after the hello; live alerts wait for that
  // (or the grace period) so the replay and the live stream meet without a duplicate or a swap.
  hold_timer_.expires_after(std::chrono::milliseconds(options_.resume_grace_ms));
  hold_timer_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
    if (!wait_ec) self->release_held();
  });
  do_read();
}

void WebSocketSession::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&WebSocketSession::on_read, shared_from_this()));
}

void WebSocketSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    // Closed by the peer, by a protocol error (Beast sent the close), or by a timeout.
    if (!closing_) {
      auto& closes = hub_->stats().client_closes;
      if (ec == websocket::error::message_too_big || ec == websocket::error::buffer_overflow) {
        closes.add(ClientClose::TooBig);
      } else if (ec == websocket::error::bad_frame_payload || ec == websocket::error::bad_close_payload) {
        closes.add(ClientClose::InvalidUtf8);
      } else if (ec == beast::error::timeout) {
        closes.add(ClientClose::Timeout);
      } else if (ec == websocket::condition::protocol_violation) {
        closes.add(ClientClose::ProtocolError);
      }
    }
    closing_ = true;
    heartbeat_timer_.cancel();
    quote_timer_.cancel();
    hold_timer_.cancel();
    return;
  }
  if (!take_message_token()) {
    hub_->stats().client_closes.add(ClientClose::RateLimited);
    fail(kClosePolicy, "rate limit: too many client messages");
    return;
  }
  if (!ws_.got_text()) {
    hub_->stats().client_closes.add(ClientClose::BadMessage);
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
    hub_->stats().client_closes.add(ClientClose::BadMessage);
    fail(kCloseBadMessage, message.error().message);
    return;
  }
  if (const auto* sub = std::get_if<Subscribe>(&*message)) {
    subscribed_all_ = sub->all;
    symbols_.clear();
    symbols_.insert(sub->symbols.begin(), sub->symbols.end());
    wants_quotes_.store(subscribed_all_ || !symbols_.empty(), std::memory_order_relaxed);
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
    // Replayed in order, a page at a time, as far as the send queue has room (a quarter of it
    // stays free for live messages). Past that, a resync tells the client to fetch the rest with
    // GET /api/v1/alerts?after=SEQ: overflowing the queue would close it with 4001, and its next
    // resume would do the same again.
    std::uint64_t after = resume->after;
    const std::size_t reserve = options_.max_queue / 4;
    for (;;) {
      const std::size_t used = queue_.size() + in_flight_ + reserve;
      const std::size_t room = options_.max_queue > used ? options_.max_queue - used : 0;
      const std::size_t want = std::clamp<std::size_t>(room, 1, 500);
      auto range = api_.alerts_after(after, want);
      if (range.gap) {
        enqueue(std::make_shared<const std::string>(R"({"type":"resync","reason":"alerts after )" +
                                                    std::to_string(after) + R"( are no longer retained","after":)" +
                                                    std::to_string(after) + "}"));
      }
      if (range.alerts.empty()) break;
      if (room == 0) {
        enqueue(std::make_shared<const std::string>(
            R"({"type":"resync","reason":"too many alerts to replay here: fetch GET /api/v1/alerts?after=)" +
            std::to_string(after) + R"(","after":)" + std::to_string(after) + "}"));
        break;
      }
      for (auto& a : range.alerts) enqueue(a);
      highest_seq_ = std::max(highest_seq_, range.last_seq);
      if (closing_ || range.alerts.size() < want || range.last_seq <= after) break;
      after = range.last_seq;
    }
    release_held();  // live alerts after the replay, none of them twice
  } else {
    enqueue(std::make_shared<const std::string>(R"({"type":"pong"})"));
  }
}

void WebSocketSession::notify_quotes() {
  // A client watching only alerts and headlines costs nothing per quote.
  if (!wants_quotes_.load(std::memory_order_relaxed) || quotes_pending_.exchange(true)) return;
  net::post(ws_.get_executor(), [self = shared_from_this()] {
    self->quotes_pending_.store(false);
    self->quotes_dirty_ = true;
    self->flush_quotes();
  });
}

void WebSocketSession::send(std::shared_ptr<const std::string> message) {
  // With one I/O thread, a caller on it cannot race the session's handlers: deliver now (a
  // broadcast to 1,000 clients then costs no lock and no posted handler per client). io_thread_
  // is set before the session joins the hub, which is what makes it visible to broadcasts.
  if (io_thread_ != std::thread::id() && std::this_thread::get_id() == io_thread_) {
    if (inbox_waiting_.load(std::memory_order_acquire)) drain_inbox();  // what came first goes first
    deliver_live(std::move(message));
    return;
  }
  bool first = false;
  {
    std::lock_guard lock(inbox_mutex_);
    first = inbox_.empty();
    inbox_.push_back(std::move(message));
    inbox_waiting_.store(true, std::memory_order_release);
  }
  // One post per burst, not one per message: a broadcast storm costs each session one handler.
  if (first) net::post(ws_.get_executor(), [self = shared_from_this()] { self->drain_inbox(); });
}

void WebSocketSession::drain_inbox() {
  std::vector<std::shared_ptr<const std::string>> messages;
  {
    std::lock_guard lock(inbox_mutex_);
    messages.swap(inbox_);
    inbox_waiting_.store(false, std::memory_order_relaxed);
  }
  for (auto& m : messages) deliver_live(std::move(m));
}

namespace {
// The seq of a stored alert ({"type":"alert","id":"…","seq":N,…}); nullopt for anything else,
// provisional alerts (no seq yet) included. Inside a JSON string a quote is escaped, so the first
// ,"seq": is the alert's own.
std::optional<std::uint64_t> alert_seq(const std::string& m) {
  constexpr std::string_view kAlert = R"({"type":"alert")";
  if (m.compare(0, kAlert.size(), kAlert) != 0) return std::nullopt;
  const auto pos = m.find(R"(,"seq":)");
  if (pos == std::string::npos) return std::nullopt;
  std::uint64_t seq = 0;
  const char* first = m.data() + pos + 7;
  const auto [ptr, ec] = std::from_chars(first, m.data() + m.size(), seq);
  if (ec != std::errc() || ptr == first) return std::nullopt;
  return seq;
}
}  // namespace

void WebSocketSession::deliver_live(std::shared_ptr<const std::string> message) {
  if (closing_) return;
  if (const auto seq = alert_seq(*message)) {
    if (holding_alerts_) {
      held_.push_back(std::move(message));
      sync_depth();
      if (held_.size() >= options_.max_queue) release_held();  // never hold more than a queue
      return;
    }
    if (*seq <= highest_seq_) return;  // a resume replay sent it already
    highest_seq_ = *seq;
  }
  enqueue(std::move(message));
}

void WebSocketSession::release_held() {
  if (!holding_alerts_) return;
  holding_alerts_ = false;
  hold_timer_.cancel();
  auto held = std::move(held_);
  held_.clear();
  sync_depth();
  for (auto& m : held) deliver_live(std::move(m));
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
    hub_->stats().client_closes.add(ClientClose::SlowConsumer);
    spdlog::warn("websocket: closing a client that fell {} messages behind", queue_.size());
    fail(kCloseSlowConsumer, "slow consumer: send queue full");
    return;
  }
  queue_.push_back(std::move(message));
  sync_depth();
  if (writing_) return;
  // Started after what is already queued on the loop, not now: the rest of this burst (every
  // event the pipeline runs in this turn) joins the same write instead of waiting for a second.
  writing_ = true;
  net::post(ws_.get_executor(), [self = shared_from_this()] { self->write_next(); });
}

bool WebSocketSession::take_message_token() {
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - bucket_time_).count();
  bucket_time_ = now;
  bucket_ = std::min(options_.client_message_burst, bucket_ + elapsed * options_.client_messages_per_second);
  if (bucket_ < 1.0) return false;
  bucket_ -= 1.0;
  return true;
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
  sync_depth();
  if (!queue_.empty()) write_next();
}

namespace {
// Write buffers above this are given back once the queue is empty (an idle client's memory).
constexpr std::size_t kKeptWriteBuffer = 16 * 1024;

// A server's text frame header (RFC 6455 5.2: FIN, opcode 1, unmasked).
void append_text_frame_header(std::string& out, std::size_t payload) {
  out.push_back(static_cast<char>(0x81));
  if (payload < 126) {
    out.push_back(static_cast<char>(payload));
  } else if (payload <= 0xffff) {
    out.push_back(static_cast<char>(126));
    out.push_back(static_cast<char>(payload >> 8));
    out.push_back(static_cast<char>(payload & 0xff));
  } else {
    out.push_back(static_cast<char>(127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((payload >> shift) & 0xff));
  }
}
}  // namespace

void WebSocketSession::write_next() {
  if (queue_.empty() || closing_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  in_flight_ = 0;
  out_.clear();
  // Everything waiting (up to a bound) goes out in one write: a client that is behind costs one
  // send for many frames, not one per frame. Copied into one buffer: a gather write of thousands
  // of small buffers costs more in iovec walking than the copy.
  // A client that asked for batches gets them in one frame, {"type":"batch","messages":[...]}.
  constexpr std::size_t kMaxMessages = 1024;
  constexpr std::size_t kMaxBytes = 256 * 1024;
  if (batch_ && queue_.size() > 1) {
    batch_buffer_.clear();
    batch_buffer_ += R"({"type":"batch","messages":[)";
    const auto first = queue_.front();
    while (!queue_.empty() && in_flight_ < kMaxMessages &&
           (in_flight_ == 0 || batch_buffer_.size() + queue_.front()->size() <= kMaxBytes)) {
      if (in_flight_ != 0) batch_buffer_.push_back(',');
      batch_buffer_ += *queue_.front();
      ++in_flight_;
      queue_.pop_front();
    }
    batch_buffer_ += "]}";
    const std::string& payload = in_flight_ == 1 ? *first : batch_buffer_;  // one large message: no wrapper
    append_text_frame_header(out_, payload.size());
    out_ += payload;
    if (batch_buffer_.capacity() > kKeptWriteBuffer) std::string().swap(batch_buffer_);
  } else {
    while (!queue_.empty() && in_flight_ < kMaxMessages &&
           (in_flight_ == 0 || out_.size() + queue_.front()->size() + 10 <= kMaxBytes)) {
      append_text_frame_header(out_, queue_.front()->size());
      out_ += *queue_.front();
      ++in_flight_;
      queue_.pop_front();
    }
  }
  sync_depth();
  ws_.next_layer().async_write_frames(net::buffer(out_), shared_from_this());
}

void WebSocketSession::frames_written(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) {
    closing_ = true;
    queue_.clear();
    in_flight_ = 0;
    sync_depth();
    return;
  }
  hub_->count_sent(in_flight_);
  last_send_ = std::chrono::steady_clock::now();
  in_flight_ = 0;
  sync_depth();
  // A burst may have grown the buffer; an idle client should not keep it.
  if (out_.capacity() > kKeptWriteBuffer && queue_.empty()) std::string().swap(out_);
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
  // What is being written (out_) must outlive its write; everything behind it is dropped.
  queue_.clear();
  held_.clear();
  hold_timer_.cancel();
  sync_depth();
  heartbeat_timer_.cancel();
  quote_timer_.cancel();
  if (reason.size() > 120) reason.resize(120);  // a close reason must fit a control frame
  ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(code), reason),
                  [self = shared_from_this()](beast::error_code) {});
}

}  // namespace lodestone::web
