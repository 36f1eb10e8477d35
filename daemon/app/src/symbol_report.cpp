#include "lodestone/app/symbol_report.hpp"

#include "lodestone/core/json_writer.hpp"

namespace lodestone::app {
namespace {

std::string price_text(const Instrument& i, Price p) { return p.format(i.price_decimals()); }

std::string tick_text(const Instrument& i) { return price_text(i, Price::from_units(i.tick_units())); }

std::string_view exchange_words(Exchange e) {
  switch (e) {
    case Exchange::SH:
      return "SSE";
    case Exchange::SZ:
      return "SZSE";
    case Exchange::BJ:
      return "BSE";
    case Exchange::CSI:
      return "CSI";
  }
  return "?";
}

std::string_view board_words(Board b) {
  switch (b) {
    case Board::Main:
      return "main-board";
    case Board::ChiNext:
      return "ChiNext";
    case Board::Star:
      return "STAR";
    case Board::Bse:    // the exchange says it: "BSE stock"
    case Board::Fund:   // the type says it: "SZSE ETF"
    case Board::Index:  // "CSI index"
      return "";
  }
  return "?";
}

std::string_view type_words(InstrumentType t) {
  switch (t) {
    case InstrumentType::Stock:
      return "stock";
    case InstrumentType::Etf:
      return "ETF";
    case InstrumentType::Lof:
      return "LOF";
    case InstrumentType::Index:
      return "index";
  }
  return "?";
}

// Why there is no band: an index never has one; otherwise the day is among a new listing's first.
std::string no_band_reason(const SymbolReport& r) {
  const Instrument& i = r.instrument;
  if (i.type == InstrumentType::Index || i.board == Board::Index) return "indexes have no price limit";
  if (i.listed && r.day < *i.listed) return "not listed until " + format_date(*i.listed);
  if (i.listed)
    return std::string("new listing (") + format_date(*i.listed) + "): no limit for its first " +
           (i.board == Board::Bse ? "trading day" : "5 trading days");
  return "no price limit";
}

void field(std::string& out, std::string_view key, bool first = false) {
  if (!first) out += ',';
  append_json_string(out, key);
  out += ':';
}

}  // namespace

SymbolReport describe(std::string input, const Symbol& symbol, const InstrumentRegistry* registry, Date day,
                      std::optional<Price> prev_close) {
  SymbolReport r;
  r.input = std::move(input);
  const Instrument* known = registry != nullptr ? registry->find(symbol) : nullptr;
  r.known = known != nullptr;
  r.instrument = known != nullptr ? *known : instrument_from_code(symbol);
  r.day = day;
  r.limit_pct = limit_pct(r.instrument, day);
  r.prev_close = prev_close;
  if (prev_close) r.limits = price_limits(r.instrument, *prev_close, day);
  return r;
}

std::string to_text(const SymbolReport& r) {
  const Instrument& i = r.instrument;
  std::string out = r.input + " → " + i.symbol.str();
  if (!i.name.empty()) out += " " + i.name;
  if (i.special_treatment) out += " (ST)";
  out += ": ";
  out += exchange_words(i.symbol.exchange());
  if (!board_words(i.board).empty()) out += " " + std::string(board_words(i.board));
  out += " " + std::string(type_words(i.type));
  out += ", tick " + tick_text(i) + ", ";
  if (r.limit_pct) {
    out += "±" + std::to_string(*r.limit_pct) + "% on " + format_date(r.day);
  } else {
    out += no_band_reason(r) + " on " + format_date(r.day);
  }
  if (r.prev_close) {
    out += "; from " + price_text(i, *r.prev_close) + ": ";
    out +=
        r.limits ? "up " + price_text(i, r.limits->up) + ", down " + price_text(i, r.limits->down) : "no limit prices";
  }
  return out;
}

std::string to_json(const SymbolReport& r) {
  const Instrument& i = r.instrument;
  auto price_or_null = [&](const std::optional<Price>& p) {
    return p ? price_text(i, *p) : std::string("null");  // a JSON number written from integer units
  };
  std::string out = "{";
  field(out, "symbol", true);
  append_json_string(out, i.symbol.str());
  field(out, "exchange");
  append_json_string(out, to_string(i.symbol.exchange()));
  field(out, "board");
  append_json_string(out, to_string(i.board));
  field(out, "type");
  append_json_string(out, to_string(i.type));
  field(out, "tick");
  out += tick_text(i);
  field(out, "limit_pct");
  out += r.limit_pct ? std::to_string(*r.limit_pct) : "null";
  field(out, "limit_up");
  out += price_or_null(r.limits ? std::optional<Price>(r.limits->up) : std::nullopt);
  field(out, "limit_down");
  out += price_or_null(r.limits ? std::optional<Price>(r.limits->down) : std::nullopt);
  field(out, "input");
  append_json_string(out, r.input);
  field(out, "name");
  if (r.known) {
    append_json_string(out, i.name);
  } else {
    out += "null";
  }
  field(out, "st");
  out += i.special_treatment ? "true" : "false";
  field(out, "listed");
  if (i.listed) {
    append_json_string(out, format_date(*i.listed));
  } else {
    out += "null";
  }
  field(out, "date");
  append_json_string(out, format_date(r.day));
  field(out, "prev_close");
  out += price_or_null(r.prev_close);
  out += '}';
  return out;
}

}  // namespace lodestone::app
