#include "outbox.hpp"

#include <algorithm>
#include <charconv>
#include <utility>
#include <variant>

#include "lodestone/web/client_message.hpp"

namespace lodestone::web {
namespace {

// A resume replays at most this many alerts per page from the store.
constexpr std::size_t kReplayPage = 500;
// The write list's and the queue's capacity an idle client keeps (frames).
constexpr std::size_t kKeptInFlight = 64;
constexpr std::size_t kKeptQueue = 64;

// The seq of a stored alert ({"type":"alert","id":"…","seq":N,…}); nullopt for anything else,
// provisional alerts (no seq yet) included. Inside a JSON string a quote is escaped, so the first
// ,"seq": is the alert's own.
std::optional<std::uint64_t> alert_seq(std::string_view m) {
  constexpr std::string_view kAlert = R"({"type":"alert")";
  constexpr std::string_view kSeq = R"(,"seq":)";
  if (m.compare(0, kAlert.size(), kAlert) != 0) return std::nullopt;
  const auto pos = m.find(kSeq);
  if (pos == std::string_view::npos) return std::nullopt;
  std::uint64_t seq = 0;
  const char* first = m.data() + pos + kSeq.size();
  const auto [ptr, ec] = std::from_chars(first, m.data() + m.size(), seq);
  if (ec != std::errc() || ptr == first) return std::nullopt;
  return seq;
}

Outbox::Message resync(std::string_view reason, std::uint64_t after) {
  std::string out = R"({"type":"resync","reason":")";
  out += reason;
  out += R"(","after":)" + std::to_string(after) + "}";
  return SharedFrame::around(std::make_shared<const std::string>(std::move(out)));
}

}  // namespace

Outbox::Outbox(const Clock& clock, const ServerOptions& options)
    : clock_(clock),
      options_(options),
      quote_interval_(options.quote_interval_ms),
      last_write_(clock.steady()),
      last_quote_take_(last_write_ - quote_interval_),  // the first take is due at once
      bucket_(options.client_message_burst),
      bucket_time_(last_write_),
      hold_deadline_(last_write_ + std::chrono::milliseconds(options.resume_grace_ms)) {}

Outbox::Decision Outbox::receive(bool text, std::string_view payload, const Board& board, const FetchAlerts& fetch) {
  if (!admit_client_message())
    return Closing{kClosePolicy, "rate limit: too many client messages", ClientClose::RateLimited};
  if (!text) return Closing{kCloseBadMessage, "binary messages are not part of the protocol", ClientClose::BadMessage};
  auto message = parse_client_message(payload);
  if (!message) return Closing{kCloseBadMessage, message.error().message, ClientClose::BadMessage};
  if (const auto* sub = std::get_if<Subscribe>(&*message)) return subscribe(sub->all, sub->symbols, board);
  if (const auto* res = std::get_if<Resume>(&*message)) return resume(res->after, fetch);
  return push(SharedFrame::around(std::make_shared<const std::string>(R"({"type":"pong"})")));
}

bool Outbox::admit_client_message() {
  const auto now = clock_.steady();
  const double elapsed = std::chrono::duration<double>(now - bucket_time_).count();
  bucket_time_ = now;
  bucket_ = std::min(options_.client_message_burst, bucket_ + elapsed * options_.client_messages_per_second);
  if (bucket_ < 1.0) return false;
  bucket_ -= 1.0;
  return true;
}

Outbox::Decision Outbox::subscribe(bool all, const std::vector<Symbol>& symbols, const Board& board) {
  all_ = all;
  symbols_.clear();
  symbols_.insert(symbols.begin(), symbols.end());
  // The snapshot covers every quote up to now: later quotes come from changes after it.
  std::string snapshot = R"({"type":"snapshot","quotes":[)";
  bool first = true;
  for (const auto& entry : board.all_quotes()) {
    quote_version_ = std::max(quote_version_, entry.version);
    if (!wants(entry.quote.symbol)) continue;
    if (!first) snapshot.push_back(',');
    first = false;
    snapshot += *entry.json;
  }
  snapshot += "]}";
  return push(SharedFrame::around(std::make_shared<const std::string>(std::move(snapshot))));
}

// Replayed in order, a page at a time, as far as the send queue has room (a quarter of it stays
// free for live messages). Past that, a resync tells the client to fetch the rest with
// GET /api/v1/alerts?after=SEQ: overflowing the queue would close it with 4001, and its next
// resume would do the same again.
Outbox::Decision Outbox::resume(std::uint64_t after, const FetchAlerts& fetch) {
  const std::size_t reserve = options_.max_queue / 4;
  const std::uint64_t position = after;
  std::uint64_t newest = 0;
  for (;;) {
    const std::size_t used = queue_.size() + in_flight_.size() + reserve;
    const std::size_t room = options_.max_queue > used ? options_.max_queue - used : 0;
    const std::size_t want = std::clamp<std::size_t>(room, 1, kReplayPage);
    auto page = fetch(after, want);
    newest = std::max(newest, page.newest);
    if (page.gap) {
      if (auto d = push(resync("alerts after " + std::to_string(after) + " are no longer retained", after))) return d;
    }
    if (page.alerts.empty()) break;
    if (room == 0) {
      auto d = push(
          resync("too many alerts to replay here: fetch GET /api/v1/alerts?after=" + std::to_string(after), after));
      if (d) return d;
      break;
    }
    for (auto& a : page.alerts) {
      if (auto d = push(std::move(a))) return d;
    }
    highest_seq_ = std::max(highest_seq_, page.last_seq);
    if (page.alerts.size() < want || page.last_seq <= after) break;
    after = page.last_seq;
  }
  if (position > newest && holding_ && clock_.steady() < hold_deadline_) {
    ahead_ = position;  // held until the store gets there (deliver_live) or the hold ends (tick)
    return std::nullopt;
  }
  return release_hold();  // live alerts after the replay, none of them twice
}

Outbox::Decision Outbox::push(Message message) {
  if (closed_) return std::nullopt;
  if (queue_.size() >= options_.max_queue) {
    close();
    return Closing{kCloseSlowConsumer, "slow consumer: send queue full", ClientClose::SlowConsumer};
  }
  queue_.push_back(std::move(message));
  return std::nullopt;
}

Outbox::Decision Outbox::offer(Message message) {
  if (closed_) return std::nullopt;
  return deliver_live(std::move(message));
}

Outbox::Decision Outbox::deliver_live(Message message) {
  if (const auto seq = alert_seq(message.payload())) {
    if (holding_) {
      held_.push_back(std::move(message));
      if (ahead_ != 0 && *seq >= ahead_) {
        // The store has reached the client's position: what is held up to it, the client has.
        highest_seq_ = std::max(highest_seq_, ahead_);
        return release_hold();
      }
      if (held_.size() >= options_.max_queue) return release_hold();  // never hold more than a queue
      return std::nullopt;
    }
    if (*seq <= highest_seq_) return std::nullopt;  // a resume replay sent it already
    highest_seq_ = *seq;
  }
  return push(std::move(message));
}

Outbox::Decision Outbox::release_hold() {
  if (!holding_) return std::nullopt;
  holding_ = false;
  ahead_ = 0;
  // Delivered in the order they came; deliver_live no longer holds (holding_ is false).
  while (!held_.empty() && !closed_) {
    auto m = std::move(held_.front());
    held_.pop_front();
    if (auto d = deliver_live(std::move(m))) return d;
  }
  held_.clear();
  held_.shrink(0);  // the hold is over for good
  return std::nullopt;
}

Outbox::Decision Outbox::tick() {
  if (closed_ || !holding_ || clock_.steady() < hold_deadline_) return std::nullopt;
  return release_hold();
}

Outbox::QuoteStep Outbox::take_quotes(const Board& board) {
  if (closed_ || !quotes_dirty_) return QuoteStep::idle;
  if (writing_ || !queue_.empty()) return QuoteStep::idle;  // the write's completion comes back here
  const auto now = clock_.steady();
  if (now - last_quote_take_ < quote_interval_) return QuoteStep::wait;
  quotes_dirty_ = false;
  last_quote_take_ = now;
  // Quotes bypass the queue's bound: it is empty here, and they are at most one per instrument.
  for (const auto& entry : board.changed_since(quote_version_)) {
    quote_version_ = std::max(quote_version_, entry.version);
    if (wants(entry.quote.symbol)) queue_.push_back(SharedFrame::around(entry.json));
  }
  return QuoteStep::taken;
}

bool Outbox::claim_write() {
  if (writing_ || closed_ || queue_.empty()) return false;
  writing_ = true;
  return true;
}

std::span<const Outbox::Message> Outbox::take(std::size_t max_messages, std::size_t max_bytes, std::size_t overhead) {
  in_flight_.clear();
  if (closed_ || queue_.empty()) {
    writing_ = false;
    return {};
  }
  writing_ = true;
  std::size_t bytes = 0;
  while (!queue_.empty() && in_flight_.size() < max_messages &&
         (in_flight_.empty() || bytes + queue_.front().payload().size() + overhead <= max_bytes)) {
    bytes += queue_.front().payload().size() + overhead;
    in_flight_.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return in_flight_;
}

bool Outbox::sendable_now(const Message& message) { return !alert_seq(message.payload()); }

std::size_t Outbox::written() {
  const std::size_t n = in_flight_.size() + std::exchange(rest_count_, 0);
  in_flight_.clear();
  writing_ = false;
  last_write_ = clock_.steady();
  last_write_count_ = n;
  return n;
}

bool Outbox::lone() const {
  return queue_.size() == 1 && last_write_count_ <= 1 && clock_.steady() - last_write_ >= kLoneGap;
}

void Outbox::trim() {
  if (writing_ || !queue_.empty()) return;
  if (in_flight_.capacity() > kKeptInFlight) std::vector<Message>().swap(in_flight_);
  queue_.shrink(kKeptQueue);
}

bool Outbox::quiet_for(std::chrono::milliseconds quiet) const {
  return queue_.empty() && clock_.steady() - last_write_ >= quiet;
}

void Outbox::close() {
  closed_ = true;
  queue_.clear();
  held_.clear();
  holding_ = false;
  ahead_ = 0;
}

}  // namespace lodestone::web
