#include "lodestone/testing/alert_ledger.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <sstream>
#include <string_view>

#include "lodestone/core/time.hpp"
#include "lodestone/net/net.hpp"
#include "lodestone/rules/alert_identity.hpp"

namespace lodestone::testing {
namespace {

// 2026-02-09 10:00 +08:00: the ledger's event time starts here.
constexpr std::int64_t kBaseMs = 1'770'602'400'000LL;

struct Spec {
  const char* symbol;
  const char* rule;
  const char* level;
  const char* low;
  const char* high;
};
// Each symbol's low is also its previous close: the high is a few per cent up, inside the limits.
constexpr Spec kSpecs[] = {
    {"159713.SZ", "ledger-159713", "1.500", "1.441", "1.520"},
    {"516150.SH", "ledger-516150", "1.000", "0.950", "1.020"},
    {"600111.SH", "ledger-600111", "43.00", "40.00", "43.50"},
};

std::string quote_line(const std::string& symbol, std::int64_t ts, const std::string& last, const std::string& prev) {
  return R"({"type":"quote","symbol":")" + symbol + R"(","ts":)" + std::to_string(ts) + R"(,"last":)" + last +
         R"(,"prev_close":)" + prev + "}\n";
}

bool is_own(const std::string& id) {
  // The ledger's ids are "<16 hex>:firing|resolved"; system alerts start with "system:".
  return id.size() > 17 && id[16] == ':' && id.find_first_not_of("0123456789abcdef") == 16;
}

std::vector<SyncReply> xrange_all(const RedisServer& redis, const std::string& stream) {
  std::vector<SyncReply> out;
  std::string from = "-";
  for (;;) {
    auto page = redis.command({"XRANGE", stream, from, "+", "COUNT", "1000"});
    if (page.type != SyncReply::Type::Array || page.elements.empty()) break;
    for (auto& e : page.elements) out.push_back(std::move(e));
    if (page.elements.size() < 1000) break;
    from = "(" + out.back().elements.at(0).str;
  }
  return out;
}

const std::string* entry_field(const SyncReply& entry, const std::string& name) {
  if (entry.elements.size() != 2) return nullptr;
  const auto& kv = entry.elements[1].elements;
  for (std::size_t i = 0; i + 1 < kv.size(); i += 2)
    if (kv[i].str == name) return &kv[i + 1].str;
  return nullptr;
}

std::string json_string_after(const std::string& text, const std::string& key) {
  const auto at = text.find("\"" + key + "\":\"");
  if (at == std::string::npos) return {};
  const auto start = at + key.size() + 4;
  const auto end = text.find('"', start);
  return end == std::string::npos ? std::string() : text.substr(start, end - start);
}

std::string message_type(const std::string& m) { return json_string_after(m, "type"); }

}  // namespace

std::string LedgerVerdict::summary() const {
  std::ostringstream out;
  auto some = [&](const std::vector<std::string>& ids) {
    std::string s;
    for (std::size_t i = 0; i < ids.size() && i < 5; ++i) s += (i ? ", " : "") + ids[i];
    if (ids.size() > 5) s += ", ...";
    return s.empty() ? std::string() : " (" + s + ")";
  };
  out << "expected " << expected << ", received " << received << ": " << missing.size() << " missing" << some(missing)
      << ", " << duplicated.size() << " duplicated" << some(duplicated) << ", " << unexpected.size() << " unexpected"
      << some(unexpected);
  return out.str();
}

AlertLedger::AlertLedger() : ts_(kBaseMs) {
  for (const auto& s : kSpecs) instruments_.push_back(Instrument{s.symbol, s.rule, s.low, s.high, false, {}});
}

std::string AlertLedger::rules_yaml() {
  std::string out = "settings:\n  session: any\nrules:\n";
  for (const auto& s : kSpecs) {
    out += "  - name: " + std::string(s.rule) + "\n    severity: warning\n    price: { symbols: [\"" + s.symbol +
           "\"], above: \"" + s.level + "\" }\n";
  }
  return out;
}

std::string AlertLedger::tape_ndjson() {
  return quote_line(kSpecs[0].symbol, kBaseMs - 1'800'000, kSpecs[0].low, kSpecs[0].low);
}

std::string AlertLedger::quote(const Instrument& in, const std::string& last) {
  std::string line = quote_line(in.symbol, ts_, last, in.low);
  ts_ += 1000;
  all_ += line;
  return line;
}

std::string AlertLedger::prime() {
  std::string out;
  for (auto& in : instruments_) {
    in.above = false;
    out += quote(in, in.low);
  }
  return out;
}

std::string AlertLedger::burst(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    auto& in = instruments_[next_++ % instruments_.size()];
    if (!in.above) {
      in.firing_fp = rules::alert_fingerprint(in.rule, in.symbol, "", ts_);
      expected_.push_back(rules::notification_id(in.firing_fp, rules::NotificationKind::Firing));
      expected_ts_.push_back(ts_);
      out += quote(in, in.high);
    } else {
      expected_.push_back(rules::notification_id(in.firing_fp, rules::NotificationKind::Resolved));
      expected_ts_.push_back(ts_);
      out += quote(in, in.low);
    }
    in.above = !in.above;
  }
  return out;
}

std::vector<std::string> AlertLedger::expected_range(std::size_t from, std::size_t to) const {
  to = std::min(to, expected_.size());
  from = std::min(from, to);
  return {expected_.begin() + static_cast<std::ptrdiff_t>(from), expected_.begin() + static_cast<std::ptrdiff_t>(to)};
}

std::vector<std::string> AlertLedger::expected_for(const std::set<std::string>& quote_ts) const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < expected_.size(); ++i)
    if (quote_ts.contains(format_timestamp(Timestamp{expected_ts_[i]}))) out.push_back(expected_[i]);
  return out;
}

std::set<std::string> AlertLedger::journaled_quote_ts(const RedisServer& redis, const std::string& stream) {
  std::set<std::string> out;
  for (const auto& e : xrange_all(redis, stream)) {
    const auto* events = entry_field(e, "events");  // canonical NDJSON, times as ISO 8601
    if (!events) continue;
    std::size_t at = 0;
    while ((at = events->find("{\"type\":\"quote\"", at)) != std::string::npos) {
      const auto end = events->find('\n', at);
      const std::string line = events->substr(at, end == std::string::npos ? std::string::npos : end - at);
      if (auto ts = json_string_after(line, "ts"); !ts.empty()) out.insert(ts);
      at = end == std::string::npos ? events->size() : end;
    }
  }
  return out;
}

LedgerVerdict AlertLedger::check(const std::vector<std::string>& received) const { return check(received, expected_); }

LedgerVerdict AlertLedger::check(const std::vector<std::string>& received, const std::vector<std::string>& expected) {
  LedgerVerdict v;
  v.expected = expected.size();
  v.received = received.size();
  std::map<std::string, std::size_t> seen;
  for (const auto& id : received) ++seen[id];
  const std::set<std::string> want(expected.begin(), expected.end());
  for (const auto& id : expected)
    if (!seen.contains(id)) v.missing.push_back(id);
  for (const auto& [id, n] : seen) {
    if (!want.contains(id)) v.unexpected.push_back(id);
    for (std::size_t i = 1; i < n; ++i) v.duplicated.push_back(id);
  }
  return v;
}

std::vector<std::string> AlertLedger::own(const std::vector<std::string>& received) {
  std::vector<std::string> out;
  for (const auto& id : received)
    if (is_own(id)) out.push_back(id);
  return out;
}

std::vector<std::string> AlertLedger::stream_ids(const RedisServer& redis, const std::string& stream) {
  std::vector<std::string> out;
  for (const auto& e : xrange_all(redis, stream)) {
    const auto* key = entry_field(e, "key");  // "<id>|<state>"
    if (key) out.push_back(key->substr(0, key->find('|')));
  }
  return out;
}

std::vector<std::uint64_t> AlertLedger::stream_seqs(const RedisServer& redis, const std::string& stream) {
  std::vector<std::uint64_t> out;
  for (const auto& e : xrange_all(redis, stream)) {
    const auto* seq = entry_field(e, "seq");
    std::uint64_t n = 0;
    if (seq) std::from_chars(seq->data(), seq->data() + seq->size(), n);
    out.push_back(n);
  }
  return out;
}

std::optional<std::pair<std::string, std::uint64_t>> AlertLedger::parse_alert(const std::string& message) {
  if (message_type(message) != "alert") return std::nullopt;
  std::string id = json_string_after(message, "id");
  std::uint64_t seq = 0;
  // The top-level seq follows the id directly: {"type":"alert","id":"...","seq":N,...}
  const auto after_id = message.find("\"id\":\"" + id + "\"");
  const std::string key = ",\"seq\":";
  if (after_id != std::string::npos) {
    const auto at = after_id + id.size() + 7;
    if (message.compare(at, key.size(), key) == 0) {
      const char* p = message.data() + at + key.size();
      std::from_chars(p, message.data() + message.size(), seq);
    }
  }
  return std::make_pair(std::move(id), seq);
}

struct LedgerClient::Impl {
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
};

LedgerClient::LedgerClient(std::uint16_t port, std::optional<std::uint64_t> resume)
    : impl_(std::make_unique<Impl>()), resume_(resume) {
  auto& ws = impl_->ws;
  beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(30));  // connect, upgrade, hello: a hang
  beast::get_lowest_layer(ws).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  ws.handshake("127.0.0.1:" + std::to_string(port), "/ws");
  beast::flat_buffer buffer;
  ws.read(buffer);  // hello
  const std::string hello = beast::buffers_to_string(buffer.data());
  hello_ = hello;
  const auto at = hello.find("\"last_seq\":");
  if (at != std::string::npos) {
    const char* p = hello.data() + at + 11;
    std::from_chars(p, hello.data() + hello.size(), hello_last_seq_);
  }
  if (resume) {
    ws.text(true);
    ws.write(net::buffer(R"({"type":"resume","after":)" + std::to_string(*resume) + "}"));
  }
  beast::get_lowest_layer(ws).expires_never();
  reader_ = std::thread([this] {
    beast::flat_buffer b;
    for (;;) {
      beast::error_code ec;
      impl_->ws.read(b, ec);
      std::lock_guard lock(mutex_);
      if (ec) {
        closed_ = true;
        close_code_ = impl_->ws.reason().code;
        return;
      }
      messages_.push_back(beast::buffers_to_string(b.data()));
      b.consume(b.size());
    }
  });
}

LedgerClient::~LedgerClient() {
  // Unblocks the reader's read(); the socket itself is closed with the stream.
  ::shutdown(beast::get_lowest_layer(impl_->ws).socket().native_handle(), SHUT_RDWR);
  if (reader_.joinable()) reader_.join();
}

std::vector<std::string> LedgerClient::stored_ids() const {
  std::vector<std::string> out;
  std::lock_guard lock(mutex_);
  for (const auto& m : messages_)
    if (auto a = AlertLedger::parse_alert(m); a && a->second) out.push_back(a->first);
  return out;
}

std::vector<std::uint64_t> LedgerClient::stored_seqs() const {
  std::vector<std::uint64_t> out;
  std::lock_guard lock(mutex_);
  for (const auto& m : messages_)
    if (auto a = AlertLedger::parse_alert(m); a && a->second) out.push_back(a->second);
  return out;
}

std::vector<std::string> LedgerClient::provisional_ids() const {
  std::vector<std::string> out;
  std::lock_guard lock(mutex_);
  for (const auto& m : messages_)
    if (auto a = AlertLedger::parse_alert(m); a && !a->second) out.push_back(a->first);
  return out;
}

std::vector<std::string> LedgerClient::messages(const std::string& type) const {
  std::vector<std::string> out;
  std::lock_guard lock(mutex_);
  for (const auto& m : messages_)
    if (message_type(m) == type) out.push_back(m);
  return out;
}

std::vector<std::string> LedgerClient::all_messages() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

std::string LedgerClient::instance() const {
  constexpr std::string_view kInstance = R"("instance":")";
  const auto at = hello_.find(kInstance);
  if (at == std::string::npos) return "";
  const auto start = at + kInstance.size();
  return hello_.substr(start, hello_.find('"', start) - start);
}

std::string LedgerClient::describe() const {
  const auto seqs = stored_seqs();
  std::string out = "instance " + instance();
  out += ", hello last_seq " + std::to_string(hello_last_seq_);
  out += resume_ ? ", resumed after " + std::to_string(*resume_) : std::string(", no resume");
  out += ": " + std::to_string(seqs.size()) + " stored";
  if (seqs.empty()) return out;
  out += ", seq " + std::to_string(seqs.front()) + ".." + std::to_string(seqs.back());
  std::string holes;
  for (std::size_t i = 1; i < seqs.size(); ++i) {
    if (seqs[i] == seqs[i - 1] + 1) continue;
    holes += holes.empty() ? ", holes " : " ";
    holes += seqs[i] > seqs[i - 1] + 1 ? std::to_string(seqs[i - 1] + 1) + "-" + std::to_string(seqs[i] - 1)
                                       : "(" + std::to_string(seqs[i]) + " after " + std::to_string(seqs[i - 1]) + ")";
  }
  return out + holes;
}

std::uint64_t LedgerClient::max_seq() const {
  const auto seqs = stored_seqs();
  return seqs.empty() ? 0 : *std::max_element(seqs.begin(), seqs.end());
}

bool LedgerClient::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

int LedgerClient::close_code() const {
  std::lock_guard lock(mutex_);
  return close_code_;
}

bool LedgerClient::wait_stored(std::size_t n, std::chrono::milliseconds timeout) {
  return wait([n](const LedgerClient& c) { return c.closed() || AlertLedger::own(c.stored_ids()).size() >= n; },
              timeout);
}

bool LedgerClient::wait(const std::function<bool(const LedgerClient&)>& condition, std::chrono::milliseconds timeout) {
  return eventually([&] { return condition(*this); }, timeout);
}

}  // namespace lodestone::testing
