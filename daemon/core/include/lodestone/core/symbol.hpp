#pragma once
// Instruments are named by a canonical symbol: six-digit code and exchange, "159713.SZ".
// Every alias traders and vendors use parses to it. Which exchange a code belongs to is decided
// in one place, infer_exchange / check_exchange below: Symbol::parse, the Eastmoney secid reader
// and the Sina/Tencent code reader all go through them.
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
  // A code written with an exchange it cannot be on (930598.SH, sh920118, bj600111) is refused.
  static Result<Symbol> parse(std::string_view text);
  // Six digits and an exchange, nothing else checked: for tables and tests that build symbols.
  static Result<Symbol> make(std::string_view code, Exchange exchange);
  // As make, and the pair must be possible (check_exchange): for codes read from outside.
  static Result<Symbol> checked(std::string_view code, Exchange exchange);
  // Eastmoney's secid "MARKET.CODE": 1 SSE, 0 SZSE or BSE (by the code), 2 CSI indexes.
  static Result<Symbol> from_secid(std::string_view market, std::string_view code);

  [[nodiscard]] std::string_view code() const { return {code_.data(), code_.size()}; }
  [[nodiscard]] Exchange exchange() const { return exchange_; }
  [[nodiscard]] bool empty() const { return code_[0] == '\0'; }
  [[nodiscard]] std::string str() const;  // "159713.SZ"
  // "sz159713", "sh000300", "bj920118"; empty for a CSI index (930598.CSI): no documented
  // Sina/Tencent form carries CSI thematic indexes, so none is made up (has_sina_code()).
  [[nodiscard]] std::string sina_code() const;
  [[nodiscard]] bool has_sina_code() const { return exchange_ != Exchange::CSI; }
  [[nodiscard]] std::string eastmoney_secid() const;  // "0.159713", "2.930598"

  // What the code says of the instrument, by the exchanges' code-range conventions.
  [[nodiscard]] Board board() const;
  [[nodiscard]] InstrumentType type() const;

  auto operator<=>(const Symbol&) const = default;  // NOLINT(modernize-use-nullptr): clang-tidy 14 sees <=>'s 0

 private:
  std::array<char, 6> code_{};
  Exchange exchange_ = Exchange::SH;
};

// Exchange a bare six-digit code belongs to: 6, 5 and 9 (B shares 900xxx) SSE; 92, 4 and 8 BSE;
// 93 CSI indexes; 0-3 SZSE. SSE index codes (000300) need an index form (000300.SH, sh000300,
// 1.000300): bare they are SZSE main-board stocks.
Result<Exchange> infer_exchange(std::string_view code);
// The exchange as written, when the code can be on it: CSI index codes (93xxxx) only on CSI,
// BSE codes (92xxxx, 4xxxxx, 8xxxxx) only on BJ, BJ only BSE codes. Explains the refusal.
Result<Exchange> check_exchange(std::string_view code, Exchange written);

}  // namespace lodestone

template <>
struct std::hash<lodestone::Symbol> {
  std::size_t operator()(const lodestone::Symbol& s) const noexcept {
    std::uint64_t h = static_cast<std::uint64_t>(s.exchange());
    for (char c : s.code()) h = h * 31 + static_cast<unsigned char>(c);
    return static_cast<std::size_t>(h);
  }
};
