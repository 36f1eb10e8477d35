#pragma once
// What one WebSocket client is sent, and when: its subscription, the per-client coalescing of
// quotes, the resume hold, the client message rate limit (a token bucket) and the bounded send
// queue with its slow-consumer verdict. Sans-I/O (as nghttp2's session core): no socket, timer,
// thread or lock; time comes from the Clock it is given. WebSocketSession drives it from its
// strand with plain calls and carries out what they return: it reads, frames, writes, arms the
// timers and sends the close frame. web/PROTOCOL.md ("The outbox") states the contract.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "frame_queue.hpp"
#include "lodestone/core/clock.hpp"
#include "lodestone/core/symbol.hpp"
#include "lodestone/web/board.hpp"
#include "lodestone/web/server_options.hpp"
#include "lodestone/web/stats.hpp"
#include "shared_frame.hpp"

namespace lodestone::web {

class Outbox {
 public:
  // A message with its frame header: framed once, shared by every client that is sent it.
  using Message = SharedFrame;

  // The outbox ends the connection: the session counts `why` and closes with `code` and `reason`.
  struct Closing {
    std::uint16_t code = 0;
    std::string reason;
    ClientClose why = ClientClose::BadMessage;
  };
  // Every call that can end the connection answers with one: nullopt, or why it must close.
  using Decision = std::optional<Closing>;

  // One page of stored alerts for a resume (ascending seq; `gap`: older ones are no longer kept;
  // `newest`: the highest seq the store held when it answered, whether or not on this page).
  struct ReplayPage {
    std::vector<Message> alerts;
    std::uint64_t last_seq = 0;
    bool gap = false;
    std::uint64_t newest = 0;
  };
  // The store: alerts with a seq above `after`, at most `limit` of them.
  using FetchAlerts = std::function<ReplayPage(std::uint64_t after, std::size_t limit)>;

  // What take_quotes did.
  enum class QuoteStep {
    idle,   // nothing to do now: no change, closed, or a write is under way (written() resumes it)
    wait,   // the interval has not passed: call take_quotes again at quote_due()
    taken,  // the changed, subscribed quotes are queued (possibly none)
  };

  // Opened now (clock.steady()): the resume hold runs from here, the token bucket starts full.
  // Reads max_queue, quote_interval_ms, client_messages_per_second, client_message_burst and
  // resume_grace_ms from `options`; both must outlive the outbox.
  Outbox(const Clock& clock, const ServerOptions& options);

  // ---- From the client.
  // One text or binary message arrived: rate-limited, parsed and answered (subscribe: a snapshot
  // from `board`; resume: a replay from `fetch`; ping: a pong).
  [[nodiscard]] Decision receive(bool text, std::string_view payload, const Board& board, const FetchAlerts& fetch);
  // The token bucket alone: false when the client sent more than its rate and burst allow.
  [[nodiscard]] bool admit_client_message();
  [[nodiscard]] bool wants(const Symbol& symbol) const { return all_ || symbols_.contains(symbol); }
  [[nodiscard]] bool wants_quotes() const { return all_ || !symbols_.empty(); }

  // ---- To the client.
  // A message of the session's own (hello, heartbeat): queued, or the queue is full (4001).
  [[nodiscard]] Decision push(Message message);
  // A live message from the hub. An alert with a seq waits while the resume hold lasts, and one
  // a replay already sent (or the client said it has) is dropped; anything else is queued like push.
  [[nodiscard]] Decision offer(Message message);
  // Clock-driven work: releases the resume hold once resume_grace has passed since opening.
  [[nodiscard]] Decision tick();
  [[nodiscard]] bool holding() const { return holding_; }
  [[nodiscard]] Clock::Steady hold_deadline() const { return hold_deadline_; }

  // ---- Quotes (pulled from the board, latest per symbol, at most once per quote_interval).
  void quotes_changed() { quotes_dirty_ = true; }
  // Queues what changed on `board` since the last take, if the interval has passed and nothing
  // else is waiting or being written.
  QuoteStep take_quotes(const Board& board);
  [[nodiscard]] Clock::Steady quote_due() const { return last_quote_take_ + quote_interval_; }

  // ---- Sending at once (a broadcast's steady state): with nothing queued, held back or being
  // written, a message that is not a stored alert (whose order the resume hold and a replay
  // decide) may go straight to the socket, past the queue.
  [[nodiscard]] bool idle() const { return !closed_ && !writing_ && queue_.empty(); }
  [[nodiscard]] static bool sendable_now(const Message& message);
  // `n` such messages went to the socket whole at `now`.
  void sent_now(std::size_t n, Clock::Steady now) {
    last_write_ = now;
    last_write_count_ = n;
  }
  // Part of `n` such messages went; the session writes the rest from its own copy, and that write
  // is the one under way until written().
  void sending_rest(std::size_t n) {
    writing_ = true;
    rest_count_ = n;
  }

  // ---- Writing: one write at a time.
  // Claims the next write: true when something is queued and no write is under way or claimed
  // (the session then starts one, typically posted so the rest of a burst joins it).
  [[nodiscard]] bool claim_write();
  // The messages for the next write, oldest first: at most `max_messages`, and as many as keep
  // their payloads' sizes, each plus `overhead`, within `max_bytes` (always at least one). They
  // stay the outbox's, where they are, until written() (a write may point into them). Empty (and
  // the claim released) when nothing is queued or it closed.
  std::span<const Message> take(std::size_t max_messages, std::size_t max_bytes, std::size_t overhead);
  // The write just claimed is for a message that came alone: it is the only one queued, the
  // client's last write carried at most one message and finished at least kLoneGap ago. The
  // session starts such a write at once; any other waits for the rest of the loop's turn, so
  // a burst leaves in one write (a client that is sent many messages a turn keeps its writes
  // gathered: its last write carried several).
  [[nodiscard]] bool lone() const;
  static constexpr std::chrono::microseconds kLoneGap{1000};
  // The write finished: returns how many messages it carried.
  std::size_t written();
  // Gives back the memory a burst grew the queue and the write list to, if nothing is queued or
  // being written. Not after every write: a client that is sent bursts would take it back each
  // time (an allocation per so many deliveries); the session calls it when the client is quiet.
  void trim();
  // No data left to write for `quiet`: nothing queued and the last write that long ago (heartbeat).
  [[nodiscard]] bool quiet_for(std::chrono::milliseconds quiet) const;

  // The connection is ending: everything queued or held is dropped; offers are ignored from now on.
  void close();
  [[nodiscard]] bool closed() const { return closed_; }
  // Messages queued, being written and held: what this client costs the server.
  [[nodiscard]] std::size_t depth() const { return queue_.size() + in_flight_.size() + rest_count_ + held_.size(); }

 private:
  Decision subscribe(bool all, const std::vector<Symbol>& symbols, const Board& board);
  Decision resume(std::uint64_t after, const FetchAlerts& fetch);
  Decision deliver_live(Message message);
  Decision release_hold();

  const Clock& clock_;
  const ServerOptions& options_;
  std::chrono::milliseconds quote_interval_;
  bool closed_ = false;
  // Subscription.
  bool all_ = false;
  std::unordered_set<Symbol> symbols_;
  // Send queue and the write under way. Both keep their memory from one message to the next.
  FrameQueue queue_;
  std::vector<Message> in_flight_;
  bool writing_ = false;              // a write is claimed or in flight
  std::size_t rest_count_ = 0;        // messages in the write of what sending at once left (sending_rest)
  Clock::Steady last_write_;          // the last write finished (or the outbox opened)
  std::size_t last_write_count_ = 0;  // messages the last write carried
  // Quotes: the board version this client has seen, and when quotes were last taken.
  std::uint64_t quote_version_ = 0;
  bool quotes_dirty_ = false;
  Clock::Steady last_quote_take_;
  // The token bucket: client messages that may still arrive without waiting.
  double bucket_;
  Clock::Steady bucket_time_;
  // The resume hold: live alerts wait for the client's resume (or resume_grace), then go in seq
  // order, each seq at most once.
  bool holding_ = true;
  Clock::Steady hold_deadline_;
  FrameQueue held_;
  std::uint64_t highest_seq_ = 0;  // the highest alert seq this client has been sent
  // A resume position beyond this store (0: none): the client comes from a daemon whose stream
  // reader was ahead of ours. The hold goes on until a live alert shows the store has reached it
  // (those up to it the client has), or until the hold ends: then the store's numbering restarted
  // below it, and live alerts go out as they come.
  std::uint64_t ahead_ = 0;
};

}  // namespace lodestone::web
