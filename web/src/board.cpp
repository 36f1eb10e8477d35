#include "lodestone/web/board.hpp"

#include <mutex>

#include "lodestone/core/json_writer.hpp"
#include "lodestone/feeds/limit_check.hpp"

namespace lodestone::web {

Board::Board(const InstrumentRegistry& registry) : registry_(registry) {}

bool Board::update(const Quote& quote) {
  const Instrument* instrument = registry_.find(quote.symbol);
  const int decimals = instrument ? instrument->price_decimals() : 2;
  auto json = std::make_shared<const std::string>(to_json(quote, decimals));
  std::unique_lock lock(mutex_);
  auto& entry = quotes_[quote.symbol];
  if (entry.json && quote.ts < entry.quote.ts) return false;
  entry.quote = quote;
  entry.json = std::move(json);
  entry.version = version_.fetch_add(1, std::memory_order_acq_rel) + 1;
  if (const auto st = feeds::special_treatment_in_name(quote.name)) special_treatment_[quote.symbol] = *st;
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
    if (it != quotes_.end() && it->second.quote.prev_close) {
      const Instrument* banded = &instrument;
      Instrument as_named;  // copied only for an instrument whose name changed its ST status
      if (auto st = special_treatment_.find(instrument.symbol);
          st != special_treatment_.end() && st->second != instrument.special_treatment) {
        as_named = instrument;
        as_named.special_treatment = st->second;
        banded = &as_named;
      }
      if (auto limits = price_limits(*banded, *it->second.quote.prev_close, exchange_date(it->second.quote.ts))) {
        out += R"(,"limit_up":)" + limits->up.format(d) + R"(,"limit_down":)" + limits->down.format(d);
      }
    }
    out += R"(,"quote":)";
    out += it != quotes_.end() ? *it->second.json : std::string("null");
    out.push_back('}');
  }
  out += "]}";
  return out;
}

}  // namespace lodestone::web
