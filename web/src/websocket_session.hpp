#pragma once
// One browser's WebSocket: the I/O around its Outbox. The outbox decides what is sent and when
// (subscriptions, quote coalescing, the resume hold, the rate limit, the bounded queue); the
// session reads, runs the timers, frames what the outbox hands it into one write (FrameStream)
// and closes when told to. Beast reads, answers pings and closes.
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "connection_limiter.hpp"
#include "frame_stream.hpp"
#include "lodestone/net/net.hpp"
#include "lodestone/web/api.hpp"
#include "lodestone/web/board.hpp"
#include "lodestone/web/hub.hpp"
#include "lodestone/web/server_options.hpp"
#include "outbox.hpp"

namespace lodestone::web {

class WebSocketSession final : public std::enable_shared_from_this<WebSocketSession>, public FrameStream::Writer {
 public:
  WebSocketSession(Transport&& socket, Board& board, std::shared_ptr<Hub> hub, Api& api, const ServerOptions& options,
                   ConnectionLimiter::Slot slot = {});
  ~WebSocketSession();
  WebSocketSession(const WebSocketSession&) = delete;
  WebSocketSession& operator=(const WebSocketSession&) = delete;

  // `identity`: what the hello says of the caller, ,"user":…,"role":… (web/src/auth_gate.hpp).
  void run(http::request<http::string_body> request, std::string identity = R"(,"user":null,"role":"viewer")");
  // Thread-safe entry points (post onto the strand).
  void notify_quotes();
  void send(std::shared_ptr<const std::string> message);
  void close(websocket::close_code code, std::string reason);
  // Messages in this session's send queue (the one being written and held alerts included); any thread.
  [[nodiscard]] std::size_t queued() const { return queued_.load(std::memory_order_relaxed); }

 private:
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  // Carries out what the outbox decided: close, or start a write if one is due.
  void act(Outbox::Decision decision);
  void flush_quotes();
  void write_next();
  void frames_written(beast::error_code ec, std::size_t bytes) override;
  void arm_heartbeat();
  void arm_hold();
  void fail(std::uint16_t code, std::string reason);
  void stop_timers();
  void sync_depth() { queued_.store(outbox_.depth(), std::memory_order_relaxed); }
  void drain_inbox();

  websocket::stream<FrameStream> ws_;
  Board& board_;
  std::shared_ptr<Hub> hub_;
  Api& api_;
  const ServerOptions& options_;
  std::string identity_;  // the hello's user and role
  const Clock& clock_;
  Outbox outbox_;  // every decision on what is sent, when
  beast::flat_buffer buffer_;
  // Being written: the frames of the outbox's messages in flight (or, batch_, one "batch" frame).
  std::string out_;
  std::string batch_buffer_;  // a batch frame's payload while it is built
  bool batch_ = false;        // the client asked for batches (?batch=1)
  // The one I/O thread (options_.io_threads == 1), seen when the session started: a message
  // broadcast on it is delivered at once, without the inbox's lock and posted handler.
  std::thread::id io_thread_;
  // Messages from other threads (send), moved onto the strand by one post per burst.
  std::mutex inbox_mutex_;
  std::vector<std::shared_ptr<const std::string>> inbox_;
  std::atomic<bool> inbox_waiting_{false};  // inbox_ holds something (read without the lock)
  bool closing_ = false;
  std::atomic<bool> quotes_pending_{false};
  std::atomic<bool> wants_quotes_{false};  // subscribed to any quote: only then do quote changes wake it
  net::steady_timer quote_timer_;
  net::steady_timer heartbeat_timer_;
  bool quote_timer_armed_ = false;
  std::atomic<std::size_t> queued_{0};
  net::steady_timer hold_timer_;
  ConnectionLimiter::Slot slot_;  // this connection's place under the connection caps
};

}  // namespace lodestone::web
