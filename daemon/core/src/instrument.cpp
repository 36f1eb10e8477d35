#include "lodestone/core/instrument.hpp"

namespace lodestone {

int Instrument::price_decimals() const { return type == InstrumentType::Etf || type == InstrumentType::Lof ? 3 : 2; }

std::int64_t Instrument::tick_units() const { return price_decimals() == 3 ? 10 : 100; }

Instrument instrument_from_code(Symbol symbol, std::string name) {
  Instrument i;
  i.symbol = symbol;
  i.name = std::move(name);
  i.board = symbol.board();
  i.type = symbol.type();
  return i;
}

void InstrumentRegistry::add(Instrument instrument) {
  if (auto it = index_.find(instrument.symbol); it != index_.end()) {
    instruments_[it->second] = std::move(instrument);
    return;
  }
  index_.emplace(instrument.symbol, instruments_.size());
  instruments_.push_back(std::move(instrument));
}

const Instrument* InstrumentRegistry::find(const Symbol& symbol) const {
  auto it = index_.find(symbol);
  return it == index_.end() ? nullptr : &instruments_[it->second];
}

}  // namespace lodestone
