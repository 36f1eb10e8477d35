#pragma once
// Instruments are named by a canonical symbol: six-digit code and exchange, "159713.SZ".
// Every alias traders and vendors use parses to it.
#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "lodestone/core/result.hpp"

namespace lodestone {

enum class Exchange : std::uint8_t { SH, SZ, BJ, CSI };
enum class Board : std::uint8_t { Main, ChiNext, Star, Bse, Fund, Index };
enum class InstrumentType : std::uint8_t { Stock, Etf, Lof, Index };

std::string_view to_string(Exchange e);
std::string_view to_string(Board b);
std::string_view to_string(InstrumentType t);
Result<Board> parse_board(std::string_view text);
Result<InstrumentType> parse_instrument_type(std::string_view text);

class Symbol {
 public:
  constexpr Symbol() = default;
  // Accepts 159713.SZ, 159713 (exchange inferred from the code), sz159713, SZ159713,
  // 159713.XSHE, 600111.XSHG, Eastmoney secids 0.159713 / 1.516150 / 2.930598, bj430047.
  static Result<Symbol> parse(std::string_view text);
  static Result<Symbol> make(std::string_view code, Exchange exchange);

  [[nodiscard]] std::string_view code() const { return {code_.data(), code_.size()}; }
  [[nodiscard]] Exchange exchange() const { return exchange_; }
  [[nodiscard]] bool empty() const { return code_[0] == '\0'; }
  [[nodiscard]] std::string str() const;              // "159713.SZ"
  [[nodiscard]] std::string sina_code() const;        // "sz159713"
  [[nodiscard]] std::string eastmoney_secid() const;  // "0.159713"

  // What the code says of the instrument, by the exchanges' code-range conventions.
  [[nodiscard]] Board board() const;
  [[nodiscard]] InstrumentType type() const;

  auto operator<=>(const Symbol&) const = default;

 private:
  std::array<char, 6> code_{};
  Exchange exchange_ = Exchange::SH;
};

// Exchange a bare six-digit code belongs to (stocks and funds; index codes need a suffix).
Result<Exchange> infer_exchange(std::string_view code);

}  // namespace lodestone

template <>
struct std::hash<lodestone::Symbol> {
  std::size_t operator()(const lodestone::Symbol& s) const noexcept {
    std::uint64_t h = static_cast<std::uint64_t>(s.exchange());
    for (char c : s.code()) h = h * 31 + static_cast<unsigned char>(c);
    return static_cast<std::size_t>(h);
  }
};
