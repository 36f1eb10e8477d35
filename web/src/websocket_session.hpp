#pragma once
// One browser's WebSocket: the I/O around its Outbox. The outbox decides what is sent and when
// (subscriptions, quote coalescing, the resume hold, the rate limit, the bounded queue); the
// session reads, runs the timers, gathers the frames the outbox hands it into one write
// (FrameStream) and closes when told to. Beast reads, answers pings and closes.
//
// The steady path allocates nothing per delivery: a broadcast arrives framed (SharedFrame), the
// outbox's queue and write list keep their memory, the write is a list of buffers into the
// shared frames, and the handler a deferred write posts lives in the session's own block.
#include <atomic>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "connection_limiter.hpp"
#include "frame_stream.hpp"
#include "handler_memory.hpp"
#include "lodestone/net/net.hpp"
#include "lodestone/web/api.hpp"
#include "lodestone/web/board.hpp"
#include "lodestone/web/hub.hpp"
#include "lodestone/web/server_options.hpp"
#include "outbox.hpp"
#include "shared_frame.hpp"

namespace lodestone::web {

class WebSocketSession final : public std::enable_shared_from_this<WebSocketSession>, public FrameStream::Writer {
 public:
  WebSocketSession(Transport&& socket, Board& board, std::shared_ptr<Hub> hub, Api& api, const ServerOptions& options,
                   ConnectionLimiter::Slot slot = {});
  ~WebSocketSession();
  WebSocketSession(const WebSocketSession&) = delete;
  WebSocketSession& operator=(const WebSocketSession&) = delete;

  // `identity`: what the hello says of the caller, ,"user":…,"role":… (web/src/auth_gate.hpp).
  void run(const http::request<http::string_body>& request, std::string identity = R"(,"user":null,"role":"viewer")");
  // Thread-safe entry points (post onto the strand).
  void notify_quotes();
  // A message framed once for every session (Hub::broadcast); the session keeps a reference.
  void send(const SharedFrame& message);
  // Several in order, written together.
  void send(std::span<const SharedFrame> messages);
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
  // Starts the claimed write now, or after what is already queued on the loop (see act()).
  void start_write();
  void write_next();
  template <class Buffers>
  void write_frames(Buffers buffers);
  void frames_written(beast::error_code ec, std::size_t bytes) override;
  void arm_heartbeat();
  void arm_hold();
  void fail(std::uint16_t code, std::string reason);
  void stop_timers();
  void trim();
  void sync_depth() { queued_.store(outbox_.depth(), std::memory_order_relaxed); }
  void drain_inbox();
  // A burst to an idle client straight to the socket, past the queue (true: it is handled).
  bool send_now(std::span<const SharedFrame> messages);

  websocket::stream<FrameStream> ws_;
  Board& board_;
  std::shared_ptr<Hub> hub_;
  Api& api_;
  const ServerOptions& options_;
  std::string identity_;  // the hello's user and role
  const Clock& clock_;
  Outbox outbox_;  // every decision on what is sent, when
  beast::flat_buffer buffer_;
  // Being written: buffers into the frames of the outbox's messages in flight (gather_), or, for a
  // backlog too long for one gathered send or a batch, those frames copied into out_. Both keep
  // their memory from one write to the next.
  std::vector<net::const_buffer> gather_;
  std::string out_;
  std::string batch_buffer_;  // a batch frame's payload while it is built
  // The handler a deferred write posts (one at a time: a write is claimed before it is posted).
  using PostMemory = HandlerMemory<128>;
  PostMemory post_memory_;
  bool batch_ = false;  // the client asked for batches (?batch=1)
  // The one I/O thread (options_.io_threads == 1), seen when the session started: a message
  // broadcast on it is delivered at once, without the inbox's lock and posted handler.
  std::thread::id io_thread_;
  // Messages from other threads (send), moved onto the strand by one post per burst.
  std::mutex inbox_mutex_;
  std::vector<SharedFrame> inbox_;
  std::vector<SharedFrame> draining_;       // inbox_'s other half: the two swap, neither gives up its memory
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
