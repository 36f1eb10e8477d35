#pragma once
// One browser's WebSocket: a strand, one write in flight, a bounded queue of alerts/headlines,
// and quotes pulled from the Board when the queue is empty (so a slow client never gets stale prices).
// Data frames are framed here and everything queued goes out in one write (FrameStream); Beast
// reads, answers pings and closes.
#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "connection_limiter.hpp"
#include "frame_stream.hpp"
#include "lodestone/core/symbol.hpp"
#include "lodestone/net/net.hpp"
#include "lodestone/web/api.hpp"
#include "lodestone/web/board.hpp"
#include "lodestone/web/hub.hpp"
#include "lodestone/web/server_options.hpp"

namespace lodestone::web {

class WebSocketSession final : public std::enable_shared_from_this<WebSocketSession>, public FrameStream::Writer {
 public:
  WebSocketSession(tcp::socket&& socket, Board& board, std::shared_ptr<Hub> hub, Api& api, const ServerOptions& options,
                   ConnectionLimiter::Slot slot = {});
  ~WebSocketSession();
  WebSocketSession(const WebSocketSession&) = delete;
  WebSocketSession& operator=(const WebSocketSession&) = delete;

  void run(http::request<http::string_body> request);
  // Thread-safe entry points (post onto the strand).
  void notify_quotes();
  void send(std::shared_ptr<const std::string> message);
  void close(websocket::close_code code, std::string reason);
  // Messages in this session's send queue (the one being written included); any thread.
  [[nodiscard]] std::size_t queued() const { return queued_.load(std::memory_order_relaxed); }

 private:
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void handle(std::string_view text);
  void enqueue(std::shared_ptr<const std::string> message);
  void flush_quotes();
  void write_next();
  void frames_written(beast::error_code ec, std::size_t bytes) override;
  void arm_heartbeat();
  void fail(std::uint16_t code, std::string reason);
  bool take_message_token();  // the client message rate limit (a token bucket)
  void sync_depth() { queued_.store(queue_.size() + in_flight_ + held_.size(), std::memory_order_relaxed); }
  void drain_inbox();
  // Live alerts: held back until the client's resume (or resume_grace), then in seq order, each
  // seq at most once (a replay may already have sent it).
  void deliver_live(std::shared_ptr<const std::string> message);
  void release_held();

  websocket::stream<FrameStream> ws_;
  Board& board_;
  std::shared_ptr<Hub> hub_;
  Api& api_;
  const ServerOptions& options_;
  beast::flat_buffer buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;  // waiting to be written
  // Being written: the frames of in_flight_ messages (or, batch_, one "batch" frame holding them).
  std::size_t in_flight_ = 0;
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
  bool writing_ = false;
  bool closing_ = false;
  bool subscribed_all_ = false;
  std::unordered_set<Symbol> symbols_;
  std::uint64_t quotes_sent_version_ = 0;
  std::atomic<bool> quotes_pending_{false};
  std::atomic<bool> wants_quotes_{false};  // subscribed to any quote: only then do quote changes wake it
  bool quotes_dirty_ = false;
  std::chrono::steady_clock::time_point last_quote_flush_{};
  net::steady_timer quote_timer_;
  net::steady_timer heartbeat_timer_;
  bool quote_timer_armed_ = false;
  std::chrono::steady_clock::time_point last_send_{};
  double bucket_ = 0;  // client messages that may still arrive without waiting
  std::chrono::steady_clock::time_point bucket_time_{};
  std::atomic<std::size_t> queued_{0};
  bool holding_alerts_ = true;  // until the first resume or resume_grace after the handshake
  std::deque<std::shared_ptr<const std::string>> held_;
  std::uint64_t highest_seq_ = 0;  // the highest alert seq this client has been sent
  net::steady_timer hold_timer_;
  ConnectionLimiter::Slot slot_;  // this connection's place under the connection caps
};

}  // namespace lodestone::web
