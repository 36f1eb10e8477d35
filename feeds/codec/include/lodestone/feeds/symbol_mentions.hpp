#pragma once
// Which instruments a headline names: Chinese short names, aliases ("五矿稀土"), six-digit codes
// and canonical symbols, from the reference data.
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/core/events.hpp"
#include "lodestone/core/instrument.hpp"

namespace lodestone::feeds {

class SymbolMentions {
 public:
  explicit SymbolMentions(const InstrumentRegistry& registry);

  // Instruments named in `text`, in order of first mention, each once. A code counts only as a
  // whole six-digit number (not inside a longer one: "2026001590" names nothing).
  [[nodiscard]] std::vector<Symbol> find(std::string_view text) const;

  // Adds the instruments named in the title and body to h.symbols (keeping those already there).
  void attach(Headline& h) const;

 private:
  struct Pattern {
    std::string text;
    Symbol symbol;
    bool is_code = false;
  };
  std::vector<Pattern> patterns_;
};

}  // namespace lodestone::feeds
