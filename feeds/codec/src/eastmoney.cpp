#include "lodestone/feeds/eastmoney.hpp"

#include "json_scan.hpp"
#include "parse_util.hpp"
#include "quote_fields.hpp"

namespace lodestone::feeds {
namespace {

using detail::JsonKind;
using detail::JsonSlot;
using detail::make_problem;

// Slots of one row, shared by both endpoints' field lists.
enum Slot : std::size_t {
  kLast,
  kHigh,
  kLow,
  kOpen,
  kVolume,
  kAmount,
  kCode,
  kMarket,
  kPrev,
  kTime,
  kDecimals,
  kBid,
  kAsk,
  kName,
  kListSlots,  // ulist/clist rows carry no limit prices: their slots end here
  kLimitUp = kListSlots,
  kLimitDown,
  kSlots
};

detail::JsonScanSpec ulist_spec() {
  detail::JsonScanSpec s;
  s.items = {"data", "diff"};
  s.items_object_is_map = true;
  s.root_fields = {{"rc"}};
  s.item_fields.resize(kListSlots);
  s.item_fields[kLast] = {"f2"};
  s.item_fields[kHigh] = {"f15"};
  s.item_fields[kLow] = {"f16"};
  s.item_fields[kOpen] = {"f17"};
  s.item_fields[kVolume] = {"f5"};
  s.item_fields[kAmount] = {"f6"};
  s.item_fields[kCode] = {"f12"};
  s.item_fields[kMarket] = {"f13"};
  s.item_fields[kPrev] = {"f18"};
  s.item_fields[kTime] = {"f124"};
  s.item_fields[kDecimals] = {"f152"};
  s.item_fields[kBid] = {"f31"};  // clist/ulist best bid and ask, where requested
  s.item_fields[kAsk] = {"f32"};
  s.item_fields[kName] = {"f14"};
  return s;
}

detail::JsonScanSpec stock_get_spec() {
  detail::JsonScanSpec s;
  s.items = {"data"};
  s.root_fields = {{"rc"}};
  s.item_fields.resize(kSlots);
  s.item_fields[kLast] = {"f43"};
  s.item_fields[kHigh] = {"f44"};
  s.item_fields[kLow] = {"f45"};
  s.item_fields[kOpen] = {"f46"};
  s.item_fields[kVolume] = {"f47"};
  s.item_fields[kAmount] = {"f48"};
  s.item_fields[kCode] = {"f57"};
  s.item_fields[kMarket] = {"f107"};
  s.item_fields[kPrev] = {"f60"};
  s.item_fields[kTime] = {"f86"};
  s.item_fields[kDecimals] = {"f59"};
  s.item_fields[kBid] = {"f19"};
  s.item_fields[kAsk] = {"f39"};
  s.item_fields[kName] = {"f58"};
  s.item_fields[kLimitUp] = {"f51"};
  s.item_fields[kLimitDown] = {"f52"};
  return s;
}

std::string_view text_of(const JsonSlot& s) {
  if (s.kind == JsonKind::Number || s.kind == JsonKind::String) return s.text;
  return {};
}

}  // namespace

EastmoneyScaling eastmoney_scaling_for_url(std::string_view url) {
  return url.find("fltt=2") != std::string_view::npos ? EastmoneyScaling::Decimal : EastmoneyScaling::Scaled;
}

struct EastmoneyParser::Impl {
  EastmoneyScaling scaling;
  detail::JsonScanner ulist{ulist_spec()};
  detail::JsonScanner stock_get{stock_get_spec()};
  QuoteBatch* out = nullptr;
  bool row_has_limits = false;  // stock/get rows: f51/f52 are read

  void row(const JsonSlot* root, const JsonSlot* f) {
    if (root[0].present() && root[0].text != "0") return;  // an error answer: reported once by parse()
    const std::string_view code = text_of(f[kCode]);
    const std::string_view market = text_of(f[kMarket]);
    if (market != "0" && market != "1" && market != "2") {
      out->problems.push_back(make_problem(ErrorCode::bad_code,
                                           "market '" + std::string(market) + "' for code " + std::string(code), code));
      return;
    }
    // The same reading as Symbol::parse("0.920118"): m:0 is SZSE or BSE by the code.
    auto symbol = Symbol::from_secid(market, code);
    if (!symbol) {
      out->problems.push_back(make_problem(ErrorCode::bad_code, symbol.error().message, code));
      return;
    }
    // A value sent as true, {} or [] is malformed, not absent (only "-" and null are "no value").
    for (Slot s : {kLast, kHigh, kLow, kOpen, kPrev, kBid, kAsk, kVolume, kAmount, kLimitUp, kLimitDown}) {
      if ((s == kLimitUp || s == kLimitDown) && !row_has_limits) continue;
      if (f[s].kind == JsonKind::Bool || f[s].kind == JsonKind::Object || f[s].kind == JsonKind::Array) {
        out->problems.push_back(make_problem(ErrorCode::bad_price, symbol->str() + ": a value is not a number", code));
        return;
      }
    }
    detail::QuoteText q;
    q.symbol = *symbol;
    const std::string_view t = text_of(f[kTime]);
    auto secs = t.empty() || t == "-" ? Result<std::int64_t>(make_error(ErrorCode::bad_time, "missing"))
                                      : detail::parse_count(t);
    auto ts = secs ? detail::epoch_auto(*secs) : std::nullopt;
    if (!ts) {
      out->problems.push_back(
          make_problem(ErrorCode::bad_time, symbol->str() + ": update time '" + std::string(t) + "'", code));
      return;
    }
    q.ts = *ts;
    q.last = text_of(f[kLast]);
    q.high = text_of(f[kHigh]);
    q.low = text_of(f[kLow]);
    q.open = text_of(f[kOpen]);
    q.prev_close = text_of(f[kPrev]);
    q.bid = text_of(f[kBid]);
    q.ask = text_of(f[kAsk]);
    q.volume = text_of(f[kVolume]);
    q.volume_multiplier = 100;  // lots
    q.turnover = text_of(f[kAmount]);
    q.name = text_of(f[kName]);
    if (row_has_limits) {
      q.limit_up = text_of(f[kLimitUp]);
      q.limit_down = text_of(f[kLimitDown]);
    }
    q.scaled_decimals = scaled_decimals(f, *symbol);
    detail::emit(q, code, *out);
  }

  int scaled_decimals(const JsonSlot* f, const Symbol& symbol) const {
    const std::string_view dec = text_of(f[kDecimals]);
    int decimals = 0;
    if (dec.size() == 1 && dec[0] >= '0' && dec[0] <= '4') decimals = dec[0] - '0';
    if (scaling == EastmoneyScaling::Decimal) return 0;
    if (scaling == EastmoneyScaling::Auto) {
      for (Slot s : {kLast, kPrev, kOpen, kHigh, kLow}) {
        if (f[s].kind == JsonKind::Number && f[s].text.find('.') != std::string_view::npos) return 0;
      }
      if (decimals == 0) return 0;
    }
    if (decimals == 0) {
      const auto type = symbol.type();
      decimals = type == InstrumentType::Etf || type == InstrumentType::Lof ? 3 : 2;
    }
    return decimals;
  }

  static void on_row(void* self, const JsonSlot* root, const JsonSlot* item) {
    static_cast<Impl*>(self)->row(root, item);
  }
};

EastmoneyParser::EastmoneyParser(EastmoneyScaling scaling) : impl_(std::make_unique<Impl>()) {
  impl_->scaling = scaling;
}
EastmoneyParser::~EastmoneyParser() = default;

void EastmoneyParser::parse(std::string_view json, QuoteBatch& out) {
  impl_->out = &out;
  // ulist/clist rows sit under data.diff; stock/get's one row is data itself.
  const bool list = json.find("\"diff\"") != std::string_view::npos;
  detail::JsonScanSummary summary;
  detail::JsonScanner& scanner = list ? impl_->ulist : impl_->stock_get;
  impl_->row_has_limits = !list;
  const detail::BatchMark before(out);
  Status s = scanner.scan(json, &Impl::on_row, impl_.get(), summary);
  if (!s) {
    // Dropped whole, even the rows read before the fault, and counted once.
    before.drop(out, s.error(), json);
    return;
  }
  if (const JsonSlot& rc = summary.root[0]; rc.present() && rc.text != "0") {
    out.problems.push_back(make_problem(ErrorCode::rc_error, "answer has rc " + std::string(rc.text), json));
    return;
  }
  if (summary.items_null || summary.items_missing) {
    out.unknown.emplace_back("data:null");
    return;
  }
  if (summary.non_object_items > 0) {
    out.problems.push_back(
        make_problem(ErrorCode::bad_row, std::to_string(summary.non_object_items) + " rows are not objects", json));
  }
}

}  // namespace lodestone::feeds
