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
  std::optional<bool> special_treatment = named;
  if (!special_treatment) {
    std::shared_lock lock(mutex_);
    if (auto it = special_treatment_.find(quote.symbol); it != special_treatment_.end()) special_treatment = it->second;
  }
  const Instrument* instrument = registry_.find(quote.symbol);
  auto limits =
      quote_limits(quote, instrument, special_treatment.value_or(instrument && instrument->special_treatment));
  // Rendered here, once per quote and outside the lock: no client renders anything.
  auto json = std::make_shared<const std::string>(quote_message(quote, instrument, limits));
  std::unique_lock lock(mutex_);
  auto& entry = quotes_[quote.symbol];
  if (entry.json && quote.ts < entry.quote.ts) return false;
  entry.quote = quote;
  entry.json = std::move(json);
  entry.limits = limits;
  entry.version = version_.fetch_add(1, std::memory_order_acq_rel) + 1;
  if (named) special_treatment_[quote.symbol] = *named;
  return true;
}

std::optional<Board::Entry> Board::latest(const Symbol& symbol) const {
  std::shared_lock lock(mutex_);
  auto it = quotes_.find(symbol);
  if (it == quotes_.end()) return std::nullopt;
  return it->second;
}

std::vector<Board::Entry> Board::changed_since(std::uint64_t since_version) const {
  std::vector<Entry> out;
  std::shared_lock lock(mutex_);
  for (const auto& instrument : registry_.all()) {
    auto it = quotes_.find(instrument.symbol);
    if (it != quotes_.end() && it->second.version > since_version) out.push_back(it->second);
  }
  return out;
}

std::vector<Board::Entry> Board::all_quotes() const { return changed_since(0); }

std::string Board::snapshot_json(Timestamp server_time) const {
  std::string out = R"({"server_time":)";
  append_json_string(out, format_timestamp(server_time));
  append_calendar_status(out, server_time);
  out += R"(,"instruments":[)";
  std::shared_lock lock(mutex_);
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
    auto it = quotes_.find(instrument.symbol);
    // The band its quote carries (its trading day's, as its name says), repeated for older clients.
    const auto limits = it != quotes_.end() ? it->second.limits : std::nullopt;
    if (limits) {
      out += R"(,"limit_up":)" + limits->up.format(d) + R"(,"limit_down":)" + limits->down.format(d);
    } else {
      out += R"(,"limit_up":null,"limit_down":null)";
    }
    out += R"(,"quote":)";
    out += it != quotes_.end() ? *it->second.json : std::string("null");
    out.push_back('}');
  }
  out += "]}";
  return out;
}

}  // namespace lodestone::web
