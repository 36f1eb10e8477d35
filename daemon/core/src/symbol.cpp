#include "lodestone/core/symbol.hpp"

#include <cctype>

namespace lodestone {
namespace {

bool is_six_digits(std::string_view s) {
  if (s.size() != 6) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool starts(std::string_view code, std::string_view prefix) { return code.substr(0, prefix.size()) == prefix; }

// 920xxx (the BSE's own range for new codes), the older 43/83/87/88, and all of 4xxxxx and 8xxxxx:
// no SSE or SZSE security uses those heads.
bool is_bse_code(std::string_view code) { return code[0] == '4' || code[0] == '8' || starts(code, "92"); }

// CSI's own index codes (930xxx-932xxx, 930598 among them); SSE 900xxx B shares stay SSE.
bool is_csi_index_code(std::string_view code) { return starts(code, "93"); }

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

Result<Exchange> exchange_from_suffix(std::string_view suffix) {
  const std::string s = upper(suffix);
  if (s == "SH" || s == "SS" || s == "XSHG") return Exchange::SH;
  if (s == "SZ" || s == "XSHE") return Exchange::SZ;
  if (s == "BJ" || s == "BSE") return Exchange::BJ;
  if (s == "CSI") return Exchange::CSI;
  return make_error(ErrorCode::bad_symbol, "unknown exchange '" + std::string(suffix) + "'");
}

}  // namespace

std::string_view to_string(Exchange e) {
  switch (e) {
    case Exchange::SH:
      return "SH";
    case Exchange::SZ:
      return "SZ";
    case Exchange::BJ:
      return "BJ";
    case Exchange::CSI:
      return "CSI";
  }
  return "?";
}

std::string_view to_string(Board b) {
  switch (b) {
    case Board::Main:
      return "main";
    case Board::ChiNext:
      return "chinext";
    case Board::Star:
      return "star";
    case Board::Bse:
      return "bse";
    case Board::Fund:
      return "fund";
    case Board::Index:
      return "index";
  }
  return "?";
}

std::string_view to_string(InstrumentType t) {
  switch (t) {
    case InstrumentType::Stock:
      return "stock";
    case InstrumentType::Etf:
      return "etf";
    case InstrumentType::Lof:
      return "lof";
    case InstrumentType::Index:
      return "index";
  }
  return "?";
}

Result<Board> parse_board(std::string_view text) {
  for (Board b : {Board::Main, Board::ChiNext, Board::Star, Board::Bse, Board::Fund, Board::Index})
    if (to_string(b) == text) return b;
  return make_error(ErrorCode::bad_symbol,
                    "unknown board '" + std::string(text) + "' (main, chinext, star, bse, fund, index)");
}

Result<InstrumentType> parse_instrument_type(std::string_view text) {
  for (InstrumentType t : {InstrumentType::Stock, InstrumentType::Etf, InstrumentType::Lof, InstrumentType::Index})
    if (to_string(t) == text) return t;
  return make_error(ErrorCode::bad_symbol,
                    "unknown instrument type '" + std::string(text) + "' (stock, etf, lof, index)");
}

Result<Exchange> infer_exchange(std::string_view code) {
  if (!is_six_digits(code))
    return make_error(ErrorCode::bad_symbol, "'" + std::string(code) + "' is not a six-digit code");
  // BSE: 920xxx, 43/83/87/88, every 4xxxxx and 8xxxxx.
  if (is_bse_code(code)) return Exchange::BJ;
  // CSI indexes: 930xxx-932xxx (930598 中证稀土产业).
  if (is_csi_index_code(code)) return Exchange::CSI;
  // SSE: 6xxxxx stocks (600-605 main, 688/689 STAR), 5xxxxx funds, 900xxx B shares.
  if (code[0] == '6' || code[0] == '5' || code[0] == '9') return Exchange::SH;
  // SZSE: 000-003 main, 300/301 ChiNext, 15/16 funds, 399 indexes.
  if (code[0] == '0' || code[0] == '1' || code[0] == '2' || code[0] == '3') return Exchange::SZ;
  return make_error(ErrorCode::bad_symbol, "cannot tell the exchange of code '" + std::string(code) + "'");
}

Result<Exchange> check_exchange(std::string_view code, Exchange written) {
  const std::string c(code);
  if (is_csi_index_code(code) && written != Exchange::CSI)
    return make_error(ErrorCode::bad_symbol, c + " is a CSI index, not an " + std::string(to_string(written)) +
                                                 " security: write " + c + ".CSI (Eastmoney 2." + c + ")");
  if (is_bse_code(code) && written != Exchange::BJ && written != Exchange::CSI)
    return make_error(ErrorCode::bad_symbol, c + " is a Beijing Stock Exchange code: write " + c + ".BJ");
  if (written == Exchange::BJ && !is_bse_code(code))
    return make_error(ErrorCode::bad_symbol, c + " is not a Beijing Stock Exchange code (those start 92, 4 or 8)");
  return written;
}

Result<Symbol> Symbol::make(std::string_view code, Exchange exchange) {
  if (!is_six_digits(code))
    return make_error(ErrorCode::bad_symbol, "'" + std::string(code) + "' is not a six-digit code");
  Symbol s;
  for (std::size_t i = 0; i < 6; ++i) s.code_[i] = code[i];
  s.exchange_ = exchange;
  return s;
}

Result<Symbol> Symbol::checked(std::string_view code, Exchange exchange) {
  if (!is_six_digits(code))
    return make_error(ErrorCode::bad_symbol, "'" + std::string(code) + "' is not a six-digit code");
  auto ex = check_exchange(code, exchange);
  if (!ex) return ex.error();
  return make(code, *ex);
}

Result<Symbol> Symbol::from_secid(std::string_view market, std::string_view code) {
  if (market == "1") return checked(code, Exchange::SH);
  if (market == "2") return checked(code, Exchange::CSI);
  if (market == "0") {
    // m:0 holds SZSE and BSE alike (efinance's 北证A股 filter is m:0 t:81): the code tells them apart.
    auto ex = infer_exchange(code);
    return checked(code, ex && *ex == Exchange::BJ ? Exchange::BJ : Exchange::SZ);
  }
  return make_error(ErrorCode::bad_symbol, "unknown Eastmoney market '" + std::string(market.substr(0, 8)) + "'");
}

Result<Symbol> Symbol::parse(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return make_error(ErrorCode::bad_symbol,
                      "bad symbol '" + std::string(text.substr(0, 40)) + "': " + std::string(why));
  };
  if (text.empty()) return bad("empty");
  // 159713.SZ, 600111.XSHG, and Eastmoney secids 0.159713 / 1.516150 / 2.930598
  if (auto dot = text.find('.'); dot != std::string_view::npos) {
    auto left = text.substr(0, dot);
    auto right = text.substr(dot + 1);
    if (is_six_digits(left)) {
      auto ex = exchange_from_suffix(right);
      if (!ex) return bad(ex.error().message);
      auto sym = checked(left, *ex);
      if (!sym) return bad(sym.error().message);
      return sym;
    }
    if (is_six_digits(right) && left.size() == 1) {
      auto sym = from_secid(left, right);
      if (!sym) return bad(sym.error().message);
      return sym;
    }
    return bad("expected CODE.EXCHANGE or an Eastmoney secid");
  }
  // sz159713, SH600111, bj430047
  if (text.size() == 8 && is_six_digits(text.substr(2))) {
    auto ex = exchange_from_suffix(text.substr(0, 2));
    if (!ex) return bad(ex.error().message);
    auto sym = checked(text.substr(2), *ex);
    if (!sym) return bad(sym.error().message);
    return sym;
  }
  if (is_six_digits(text)) {
    auto ex = infer_exchange(text);
    if (!ex) return bad(ex.error().message);
    return make(text, *ex);
  }
  return bad("expected a six-digit code with an exchange");
}

std::string Symbol::str() const {
  std::string out(code());
  out.push_back('.');
  out += to_string(exchange_);
  return out;
}

std::string Symbol::sina_code() const {
  if (!has_sina_code()) return {};
  std::string prefix = exchange_ == Exchange::SZ ? "sz" : exchange_ == Exchange::BJ ? "bj" : "sh";
  return prefix + std::string(code());
}

std::string Symbol::eastmoney_secid() const {
  std::string_view market = exchange_ == Exchange::SH ? "1." : exchange_ == Exchange::CSI ? "2." : "0.";
  return std::string(market) + std::string(code());
}

InstrumentType Symbol::type() const {
  const auto c = code();
  switch (exchange_) {
    case Exchange::CSI:
      return InstrumentType::Index;
    case Exchange::SH:
      if (starts(c, "000")) return InstrumentType::Index;
      if (c[0] == '5') return InstrumentType::Etf;
      return InstrumentType::Stock;
    case Exchange::SZ:
      if (starts(c, "399")) return InstrumentType::Index;
      if (starts(c, "15")) return InstrumentType::Etf;
      if (starts(c, "16")) return InstrumentType::Lof;
      return InstrumentType::Stock;
    case Exchange::BJ:
      if (starts(c, "899")) return InstrumentType::Index;  // 899050 北证50
      return InstrumentType::Stock;
  }
  return InstrumentType::Stock;
}

Board Symbol::board() const {
  switch (type()) {
    case InstrumentType::Index:
      return Board::Index;
    case InstrumentType::Etf:
    case InstrumentType::Lof:
      return Board::Fund;
    case InstrumentType::Stock:
      break;
  }
  const auto c = code();
  if (exchange_ == Exchange::BJ) return Board::Bse;
  if (exchange_ == Exchange::SH && (starts(c, "688") || starts(c, "689"))) return Board::Star;
  if (exchange_ == Exchange::SZ && (starts(c, "300") || starts(c, "301"))) return Board::ChiNext;
  return Board::Main;
}

}  // namespace lodestone
