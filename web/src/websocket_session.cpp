#include "websocket_session.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <optional>
#include <span>

#include "http_util.hpp"
#include "lodestone/core/json_writer.hpp"

namespace lodestone::web {
namespace {

// {"type":"hello",...} or {"type":"heartbeat",...}: the server's time, then what follows.
SharedFrame timed_message(std::string_view type, Timestamp now, std::string_view rest) {
  std::string out = R"({"type":")";
  out += type;
  out += R"(","server_time":)";
  append_json_string(out, format_timestamp(now));
  out += rest;
  out.push_back('}');
  return SharedFrame::around(std::make_shared<const std::string>(std::move(out)));
}

SharedFrame hello_message(const ServerOptions& options, Timestamp now, std::uint64_t last_seq,
                          std::string_view identity) {
  std::string rest = R"(,"version":)";
  append_json_string(rest, options.version);
  rest += R"(,"instance":)";
  append_json_string(rest, options.instance);
  rest += R"(,"quote_interval_ms":)" + std::to_string(options.quote_interval_ms) + R"(,"last_seq":)" +
          std::to_string(last_seq);
  rest += identity;
  return timed_message("hello", now, rest);
}

// The most messages a burst may have to go to the socket at once (send_now); a longer burst is
// queued and gathered as usual.
constexpr std::size_t kMaxSentNow = 8;

}  // namespace

WebSocketSession::WebSocketSession(Transport&& socket, Board& board, std::shared_ptr<Hub> hub, Api& api,
                                   const ServerOptions& options, ConnectionLimiter::Slot slot)
    : ws_(std::move(socket)),
      board_(board),
      hub_(std::move(hub)),
      api_(api),
      options_(options),
      clock_(options.clock.get()),
      outbox_(clock_, options),
      quote_timer_(ws_.get_executor()),
      heartbeat_timer_(ws_.get_executor()),
      hold_timer_(ws_.get_executor()),
      slot_(std::move(slot)) {}

WebSocketSession::~WebSocketSession() { hub_->leave(this); }

void WebSocketSession::run(const http::request<http::string_body>& request, std::string identity) {
  identity_ = std::move(identity);
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
  act(outbox_.push(hello_message(options_, clock_.now(), api_.last_alert_seq(), identity_)));
  arm_heartbeat();
  // A client that resumes says where it stands only after the hello; live alerts wait for that
  // (or the grace period) so the replay and the live stream meet without a duplicate or a swap.
  arm_hold();
  do_read();
}

void WebSocketSession::arm_hold() {
  hold_timer_.expires_after(outbox_.hold_deadline() - clock_.steady());
  hold_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->closing_) return;
    self->act(self->outbox_.tick());
    if (self->outbox_.holding()) self->arm_hold();
  });
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
    outbox_.close();
    sync_depth();
    stop_timers();
    return;
  }
  const auto data = buffer_.data();
  const std::string_view text(static_cast<const char*>(data.data()), data.size());
  const bool was_subscribed = outbox_.wants_quotes();
  auto decision = outbox_.receive(ws_.got_text(), text, board_, [this](std::uint64_t after, std::size_t limit) {
    auto range = api_.alerts_after(after, limit);
    Outbox::ReplayPage page{{}, range.last_seq, range.gap, range.newest};
    page.alerts.reserve(range.alerts.size());
    for (auto& a : range.alerts) page.alerts.push_back(SharedFrame::around(std::move(a)));
    return page;
  });
  buffer_.consume(buffer_.size());
  if (outbox_.wants_quotes() != was_subscribed) wants_quotes_.store(outbox_.wants_quotes(), std::memory_order_relaxed);
  if (!outbox_.holding()) hold_timer_.cancel();
  act(std::move(decision));
  if (!closing_) do_read();
}

void WebSocketSession::act(Outbox::Decision decision) {
  if (decision) {
    if (closing_) return;
    if (decision->why == ClientClose::SlowConsumer) {
      hub_->count_slow_close();
      spdlog::warn("websocket: closing a client that fell {} messages behind", options_.max_queue);
    }
    hub_->stats().client_closes.add(decision->why);
    fail(decision->code, std::move(decision->reason));
  } else if (outbox_.claim_write()) {
    start_write();
  }
  sync_depth();
}

void WebSocketSession::start_write() {
  // A lone message to an idle client goes out now: waiting would add the rest of the loop's turn
  // to its latency. Otherwise the write starts after what is already queued on the loop: the
  // rest of this burst (every event the pipeline runs in this turn) joins the same write instead
  // of waiting for a second one.
  if (outbox_.lone()) {
    write_next();
    return;
  }
  auto write = [self = shared_from_this()] { self->write_next(); };
  // On one I/O thread the executor is the io_context's own, which takes the handler's memory
  // from its associated allocator: the session's block. Through a strand it is malloc's.
  const auto executor = ws_.get_executor();
  if (const auto* io = executor.target<net::io_context::executor_type>()) {
    net::post(*io, net::bind_allocator(HandlerAllocator<void, 128>(post_memory_), std::move(write)));
  } else {
    net::post(executor, std::move(write));
  }
}

void WebSocketSession::notify_quotes() {
  // A client watching only alerts and headlines costs nothing per quote.
  if (!wants_quotes_.load(std::memory_order_relaxed) || quotes_pending_.exchange(true)) return;
  net::post(ws_.get_executor(), [self = shared_from_this()] {
    self->quotes_pending_.store(false);
    self->outbox_.quotes_changed();
    self->flush_quotes();
  });
}

void WebSocketSession::send(const SharedFrame& message) {
  // With one I/O thread, a caller on it cannot race the session's handlers: deliver now (a
  // broadcast to 1,000 clients then costs no lock and no posted handler per client). io_thread_
  // is set before the session joins the hub, which is what makes it visible to broadcasts.
  if (io_thread_ != std::thread::id() && std::this_thread::get_id() == io_thread_) {
    if (inbox_waiting_.load(std::memory_order_acquire)) drain_inbox();  // what came first goes first
    act(outbox_.offer(message));
    return;
  }
  bool first = false;
  {
    std::lock_guard lock(inbox_mutex_);
    first = inbox_.empty();
    inbox_.push_back(message);
    inbox_waiting_.store(true, std::memory_order_release);
  }
  // One post per burst, not one per message: a broadcast storm costs each session one handler.
  if (first) net::post(ws_.get_executor(), [self = shared_from_this()] { self->drain_inbox(); });
}

void WebSocketSession::send(std::span<const SharedFrame> messages) {
  if (io_thread_ == std::thread::id() || std::this_thread::get_id() != io_thread_) {
    for (const auto& m : messages) send(m);  // the inbox: one post for all of them
    return;
  }
  if (inbox_waiting_.load(std::memory_order_acquire)) drain_inbox();
  if (send_now(messages)) return;
  for (const auto& m : messages) {
    if (closing_) return;
    if (auto decision = outbox_.offer(m)) {
      act(std::move(decision));
      return;
    }
  }
  // All of them queued first, then one write (now: the burst is whole, nothing more will join).
  if (outbox_.claim_write()) write_next();
  sync_depth();
}

bool WebSocketSession::send_now(std::span<const SharedFrame> messages) {
  // The steady state of a broadcast: the client has taken everything it was sent, so the burst
  // goes out in one send from the shared frames themselves. Nothing touches the queue or the
  // write list, and no write is left to complete (issue #18: at 1,000 clients those were the
  // cold memory every delivery touched). Anything else takes the queue's way.
  if (closing_ || messages.empty() || messages.size() > kMaxSentNow || (batch_ && messages.size() > 1) ||
      !outbox_.idle())
    return false;
  struct Buffers {
    std::array<net::const_buffer, 2 * kMaxSentNow> list;
    std::size_t size = 0;
    void push_back(net::const_buffer b) { list[size++] = b; }
  } buffers;
  std::size_t total = 0;
  for (const auto& m : messages) {
    if (!Outbox::sendable_now(m)) return false;
    m.append_buffers(buffers);
    total += m.wire_size();
  }
  const std::span<const net::const_buffer> list(buffers.list.data(), buffers.size);
  beast::error_code ec;
  const std::size_t sent = ws_.next_layer().write_now(list, ec);
  if (sent == 0) return false;  // it would block (or failed): the queue's way meets that as any write does
  if (sent == total) {
    outbox_.sent_now(messages.size(), clock_.steady());
    hub_->count_sent(messages.size());
    return true;
  }
  // The socket took part of it: the rest, copied, is this client's write under way.
  out_.clear();
  std::size_t skip = sent;
  for (const auto& b : list) {
    if (skip >= b.size()) {
      skip -= b.size();
      continue;
    }
    out_.append(static_cast<const char*>(b.data()) + skip, b.size() - skip);
    skip = 0;
  }
  outbox_.sending_rest(messages.size());
  sync_depth();
  write_frames(net::buffer(out_));
  return true;
}

void WebSocketSession::drain_inbox() {
  {
    std::lock_guard lock(inbox_mutex_);
    draining_.swap(inbox_);
    inbox_waiting_.store(false, std::memory_order_relaxed);
  }
  for (auto& m : draining_) {
    if (closing_) break;
    act(outbox_.offer(std::move(m)));
  }
  draining_.clear();  // keeps its memory for the next burst
}

void WebSocketSession::close(websocket::close_code code, std::string reason) {
  net::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)]() mutable {
    self->fail(static_cast<std::uint16_t>(code), std::move(reason));
  });
}

void WebSocketSession::flush_quotes() {
  switch (outbox_.take_quotes(board_)) {
    case Outbox::QuoteStep::idle:
      return;
    case Outbox::QuoteStep::wait:
      if (quote_timer_armed_) return;
      quote_timer_armed_ = true;
      quote_timer_.expires_after(outbox_.quote_due() - clock_.steady());
      quote_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        self->quote_timer_armed_ = false;
        if (!ec) self->flush_quotes();
      });
      return;
    case Outbox::QuoteStep::taken:
      sync_depth();
      write_next();
      return;
  }
}

namespace {
// Write buffers above this are given back once the queue is empty (an idle client's memory).
constexpr std::size_t kKeptWriteBuffer = std::size_t{16} * 1024;
// A write whose frames take more buffers than one send takes (asio passes at most 64 to writev)
// is copied into one buffer instead: one send of a 256 KiB backlog costs less than the copy,
// 16 sends (and on loopback 16 wake-ups of the reader) cost more. A client only gets there when
// it is behind; in the steady state a write is a few frames and copies nothing.
constexpr std::size_t kMaxGathered = 64;
constexpr std::size_t kKeptGather = kMaxGathered;
}  // namespace

void WebSocketSession::write_next() {
  // Everything waiting (up to a bound) goes out in one write: a client that is behind costs one
  // send for many frames, not one per frame.
  // A client that asked for batches gets them in one frame, {"type":"batch","messages":[...]}.
  constexpr std::size_t kMaxMessages = 1024;
  constexpr std::size_t kMaxBytes = std::size_t{256} * 1024;
  const auto messages = outbox_.take(kMaxMessages, kMaxBytes, batch_ ? 1 : SharedFrame::kMaxHeader);
  if (messages.empty()) return;
  sync_depth();
  if (batch_ && messages.size() > 1) {
    batch_buffer_.clear();
    batch_buffer_ += R"({"type":"batch","messages":[)";
    for (std::size_t i = 0; i < messages.size(); ++i) {
      if (i != 0) batch_buffer_.push_back(',');
      batch_buffer_ += messages[i].payload();
    }
    batch_buffer_ += "]}";
    std::array<unsigned char, SharedFrame::kMaxHeader> header{};
    const auto n = SharedFrame::write_header(header, batch_buffer_.size());
    out_.assign(reinterpret_cast<const char*>(header.data()), n);
    out_ += batch_buffer_;
    write_frames(net::buffer(out_));
    return;
  }
  std::size_t buffers = 0;
  for (const auto& m : messages) buffers += m.buffer_count();
  if (buffers > kMaxGathered) {
    out_.clear();
    for (const auto& m : messages) m.append_to(out_);
    write_frames(net::buffer(out_));
    return;
  }
  // The frames themselves, shared with every other client they go to: nothing is copied.
  gather_.clear();
  for (const auto& m : messages) m.append_buffers(gather_);
  write_frames(std::span<net::const_buffer>(gather_));
}

template <class Buffers>
void WebSocketSession::write_frames(Buffers buffers) {
  // Sent whole during the call (a plain socket with room, the steady state): what would have
  // been the completion runs now.
  if (const auto sent = ws_.next_layer().write_frames(buffers, shared_from_this())) frames_written({}, *sent);
}

void WebSocketSession::frames_written(beast::error_code ec, std::size_t) {
  if (ec) {
    closing_ = true;
    outbox_.close();
    (void)outbox_.written();
    sync_depth();
    return;
  }
  hub_->count_sent(outbox_.written());
  sync_depth();
  if (outbox_.claim_write()) {
    write_next();
  } else {
    flush_quotes();
  }
}

void WebSocketSession::arm_heartbeat() {
  heartbeat_timer_.expires_after(std::chrono::milliseconds(options_.heartbeat_ms));
  heartbeat_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->closing_) return;
    self->trim();  // at most once a heartbeat interval: what a burst grew, a quiet client gives back
    if (self->outbox_.quiet_for(std::chrono::milliseconds(self->options_.heartbeat_ms)))
      self->act(self->outbox_.push(timed_message("heartbeat", self->clock_.now(), "")));
    self->arm_heartbeat();
  });
}

void WebSocketSession::trim() {
  // A burst may have grown the write buffers and the queue; an idle client (10 000 of them may be
  // idle) should not keep them. Not after every write: that would allocate again at every burst.
  outbox_.trim();
  if (outbox_.depth() != 0) return;
  if (out_.capacity() > kKeptWriteBuffer) std::string().swap(out_);
  if (batch_buffer_.capacity() > kKeptWriteBuffer) std::string().swap(batch_buffer_);
  if (gather_.capacity() > kKeptGather) std::vector<net::const_buffer>().swap(gather_);
}

void WebSocketSession::stop_timers() {
  heartbeat_timer_.cancel();
  quote_timer_.cancel();
  hold_timer_.cancel();
}

void WebSocketSession::fail(std::uint16_t code, std::string reason) {
  if (closing_) return;
  closing_ = true;
  // What is being written (out_) must outlive its write; everything behind it is dropped.
  outbox_.close();
  sync_depth();
  stop_timers();
  if (reason.size() > 120) reason.resize(120);  // a close reason must fit a control frame
  ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(code), reason),
                  [self = shared_from_this()](beast::error_code) {});
}

}  // namespace lodestone::web
