#pragma once
// Reference data for the instruments Lodestone watches.
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lodestone/core/symbol.hpp"
#include "lodestone/core/time.hpp"

namespace lodestone {

struct Instrument {
  Symbol symbol;
  std::string name;  // Chinese short name, "北方稀土"
  Board board = Board::Main;
  InstrumentType type = InstrumentType::Stock;
  bool special_treatment = false;          // ST / *ST
  std::optional<Symbol> benchmark;         // what "the market did" for this name
  std::optional<double> index_weight_pct;  // weight in the CSI Rare Earth Industry index, where known
  std::optional<int> index_rank;           // place among that index's top ten (the universe file dates it)
  std::vector<std::string> aliases;        // other names a headline may use ("五矿稀土")
  std::optional<Date> listed;              // first trading day: new listings trade without a band

  // Quote precision: 0.001 for funds, 0.01 for stocks and indexes.
  [[nodiscard]] int price_decimals() const;
  [[nodiscard]] std::int64_t tick_units() const;  // in Price units
};

Instrument instrument_from_code(Symbol symbol, std::string name = {});

class InstrumentRegistry {
 public:
  void add(Instrument instrument);
  [[nodiscard]] const Instrument* find(const Symbol& symbol) const;
  [[nodiscard]] const std::vector<Instrument>& all() const { return instruments_; }
  [[nodiscard]] std::size_t size() const { return instruments_.size(); }

 private:
  std::vector<Instrument> instruments_;
  std::unordered_map<Symbol, std::size_t> index_;
};

}  // namespace lodestone
