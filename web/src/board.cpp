#include "lodestone/web/board.hpp"

#include <mutex>

#include "calendar_status.hpp"
#include "lodestone/core/json_writer.hpp"
#include "lodestone/feeds/limit_check.hpp"
#include "quote_message.hpp"

namespace lodestone::web {

Board::Board(const InstrumentRegistry& registry) : registry_(registry) {}

bool Board::update(const Quote& quote) {
  const std::optional<bool> named = feeds::special_treatment_in_name(quote.name);
  const Instrument* instrument = registry_.find(quote.symbol);
  // Nothing is rendered here: a quote costs a copy under the lock, and the JSON waits for a reader.
  std::unique_lock lock(mutex_);
  auto& held = quotes_[quote.symbol];
  if (held.version != 0 && quote.ts < held.quote.ts) return false;
  bool special_treatment = instrument && instrument->special_treatment;
  if (named) {
    special_treatment = *named;
    special_treatment_[quote.symbol] = *named;
  } else if (auto it = special_treatment_.find(quote.symbol); it != special_treatment_.end()) {
    special_treatment = it->second;
  }
  held.quote = quote;
  held.special_treatment = special_treatment;
  held.json.reset();
  held.limits.reset();
  held.version = version_.fetch_add(1, std::memory_order_acq_rel) + 1;
  return true;
}

Board::Entry Board::rendered(const Held& held) const {
  renders_.fetch_add(1, std::memory_order_relaxed);
  const Instrument* instrument = registry_.find(held.quote.symbol);
  Entry e{held.quote, nullptr, held.version, quote_limits(held.quote, instrument, held.special_treatment)};
  e.json = std::make_shared<const std::string>(quote_message(held.quote, instrument, e.limits));
  return e;
}

void Board::keep(std::span<const Entry> entries) const {
  std::unique_lock lock(mutex_);
  for (const auto& e : entries) {
    auto it = quotes_.find(e.quote.symbol);
    if (it == quotes_.end() || it->second.version != e.version || it->second.json) continue;
    it->second.json = e.json;
    it->second.limits = e.limits;
  }
}

std::optional<Board::Entry> Board::latest(const Symbol& symbol) const {
  Held copy;
  {
    std::shared_lock lock(mutex_);
    auto it = quotes_.find(symbol);
    if (it == quotes_.end()) return std::nullopt;
    if (it->second.json) return entry(it->second);
    copy = it->second;
  }
  Entry e = rendered(copy);
  keep(std::span<const Entry>(&e, 1));
  return e;
}

std::vector<Board::Entry> Board::changed_since(std::uint64_t since_version) const {
  std::vector<Entry> out;
  std::vector<std::pair<std::size_t, Held>> unrendered;
  {
    std::shared_lock lock(mutex_);
    for (const auto& instrument : registry_.all()) {
      auto it = quotes_.find(instrument.symbol);
      if (it == quotes_.end() || it->second.version <= since_version) continue;
      if (!it->second.json) unrendered.emplace_back(out.size(), it->second);
      out.push_back(entry(it->second));
    }
  }
  if (unrendered.empty()) return out;
  std::vector<Entry> fresh;
  fresh.reserve(unrendered.size());
  for (const auto& [at, held] : unrendered) {
    fresh.push_back(rendered(held));
    out[at] = fresh.back();
  }
  keep(fresh);
  return out;
}

std::vector<Board::Entry> Board::all_quotes() const { return changed_since(0); }

std::string Board::snapshot_json(Timestamp server_time) const {
  const std::vector<Entry> quotes = all_quotes();  // in registry order, rendered
  auto next = quotes.begin();
  std::string out = R"({"server_time":)";
  append_json_string(out, format_timestamp(server_time));
  append_calendar_status(out, server_time);
  out += R"(,"instruments":[)";
  bool first = true;
  for (const auto& instrument : registry_.all()) {
    if (!first) out.push_back(',');
    first = false;
    const int d = instrument.price_decimals();
    out += R"({"symbol":)";
    append_json_string(out, instrument.symbol.str());
    out += R"(,"name":)";
    append_json_string(out, instrument.name);
    out += R"(,"type":")";
    out += to_string(instrument.type);
    out += R"(","board":")";
    out += to_string(instrument.board);
    out += R"(","price_decimals":)";
    out += std::to_string(d);
    const Entry* quote = nullptr;
    if (next != quotes.end() && next->quote.symbol == instrument.symbol) quote = &*next++;
    // The band its quote carries (its trading day's, as its name says), repeated for older clients.
    const auto limits = quote ? quote->limits : std::nullopt;
    if (limits) {
      out += R"(,"limit_up":)" + limits->up.format(d) + R"(,"limit_down":)" + limits->down.format(d);
    } else {
      out += R"(,"limit_up":null,"limit_down":null)";
    }
    out += R"(,"quote":)";
    out += quote ? *quote->json : std::string("null");
    out.push_back('}');
  }
  out += "]}";
  return out;
}

}  // namespace lodestone::web
