#pragma once
// The only state shared between WebSocket sessions: who is connected. Quotes are pulled from the
// Board by each session at its own pace (coalesced); alerts and headlines are pushed to all.
//
// A broadcast walks an immutable list of the sessions (SessionDirectory: one atomic load, rebuilt
// once after any number of joins and leaves), not a copy of it. Each message is framed once for
// all of them.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "lodestone/net/net.hpp"
#include "lodestone/web/session_directory.hpp"
#include "lodestone/web/stats.hpp"

namespace lodestone::web {

class WebSocketSession;
class SharedFrame;

class Hub : public std::enable_shared_from_this<Hub> {
 public:
  void join(const std::shared_ptr<WebSocketSession>& session);
  void leave(const WebSocketSession* session);

  void quotes_changed();  // wake sessions to flush coalesced quotes
  // Quote wake-ups go through `executor`, at most one every `pace`: quotes that arrive while one
  // is on its way ride along (each session pulls the latest from the Board), so 50 000 quotes a
  // second do not cost 50 000 walks over every session. Without it (tests), each quote wakes them.
  void pace_quotes(net::any_io_executor executor, std::chrono::milliseconds pace);
  void broadcast(const std::shared_ptr<const std::string>& message);  // alerts and headlines: never dropped
  // The same, already framed (SharedFrame::framed): what broadcast(message) does after framing it.
  void broadcast(const SharedFrame& frame);
  // Several in order, each session taking them all before it writes: one write per client.
  void broadcast(std::span<const SharedFrame> frames);
  void close_all(websocket::close_code code);
  // Runs `fn` once no session is left: now if none is, else when the last one leaves (from its
  // thread). One waiter; a later call replaces it.
  void when_empty(std::function<void()> fn);

  [[nodiscard]] std::size_t clients() const;
  [[nodiscard]] std::uint64_t slow_clients_closed() const { return slow_closed_.load(); }
  void count_slow_close() { slow_closed_.fetch_add(1); }
  [[nodiscard]] std::uint64_t messages_sent() const { return sent_.load(std::memory_order_relaxed); }
  // Writes that carried them (one per write a session finished): messages per write is how well
  // a burst was gathered.
  [[nodiscard]] std::uint64_t writes() const { return writes_.load(std::memory_order_relaxed); }
  void count_sent(std::uint64_t n) {
    sent_.fetch_add(n, std::memory_order_relaxed);
    writes_.fetch_add(1, std::memory_order_relaxed);
  }
  // Messages waiting in every session's send queue (the one being written included) and the
  // deepest single queue. Thread-safe; walks the sessions once.
  [[nodiscard]] QueueDepth queue_depth() const;
  [[nodiscard]] WebStats& stats() { return stats_; }
  [[nodiscard]] const WebStats& stats() const { return stats_; }

 private:
  // Every session that has joined and not left (a session leaves from its destructor).
  SessionDirectory<WebSocketSession> sessions_;
  std::atomic<std::uint64_t> slow_closed_{0};
  std::atomic<std::uint64_t> sent_{0};
  std::atomic<std::uint64_t> writes_{0};
  void wake_for_quotes();
  std::unique_ptr<net::steady_timer> quote_timer_;
  std::chrono::milliseconds quote_pace_{0};
  std::atomic<bool> quote_wake_pending_{false};
  WebStats stats_;
};

}  // namespace lodestone::web
