#include "lodestone/feeds/json_mapping.hpp"

#include <stdexcept>

#include "json_scan.hpp"
#include "lodestone/feeds/text_clean.hpp"
#include "parse_util.hpp"
#include "quote_fields.hpp"

namespace lodestone::feeds {
namespace {

using detail::JsonKind;
using detail::JsonSlot;
using detail::make_problem;

std::string_view scalar(const JsonSlot& s) {
  return s.kind == JsonKind::Number || s.kind == JsonKind::String ? s.text : std::string_view{};
}

// A vendor's yes/no: JSON true, a non-zero number, or "true"/"1" as text.
bool flag(const JsonSlot& s) {
  switch (s.kind) {
    case JsonKind::Bool:
    case JsonKind::String:
      return s.text == "true" || s.text == "1";
    case JsonKind::Number:
      return s.text.find_first_not_of("0.-") != std::string_view::npos;
    default:
      return false;
  }
}

Result<Timestamp> time_of(const JsonSlot& s) {
  if (s.kind == JsonKind::Number) {
    auto n = detail::parse_count(s.text);
    if (!n)
      return make_error(ErrorCode::bad_time, "time " + std::string(s.text.substr(0, 32)) + " is not a whole number");
    auto t = detail::epoch_auto(*n);
    if (!t) return make_error(ErrorCode::bad_time, "time " + std::string(s.text.substr(0, 32)) + " is not an epoch");
    return *t;
  }
  if (s.kind == JsonKind::String) return detail::parse_any_time(s.text);
  return make_error(ErrorCode::bad_time, "time missing");
}

}  // namespace

Result<std::vector<std::string>> parse_json_path(std::string_view dotted) {
  std::vector<std::string> out;
  if (dotted.empty()) return out;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = dotted.find('.', start);
    const std::string_view key =
        dotted.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (key.empty())
      return make_error(ErrorCode::bad_config, "JSON path '" + std::string(dotted) + "' has an empty key");
    for (char c : key) {
      if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
        return make_error(ErrorCode::bad_config,
                          "JSON path '" + std::string(dotted) + "' has a quote, backslash or control character");
    }
    out.emplace_back(key);
    if (dot == std::string_view::npos) return out;
    start = dot + 1;
  }
}

// ---- vendor quotes ----

struct JsonQuoteParser::Impl {
  enum Slot : std::size_t { kSymbol, kPrice, kTime, kVolume, kPrev, kOpen, kHigh, kLow, kBid, kAsk, kTurnover };
  std::unique_ptr<detail::JsonScanner> scanner;
  std::vector<bool> mapped;  // which slots the mapping names
  bool has_seq = false;      // root slot 0
  std::int64_t volume_multiplier = 1;
  QuoteBatch* out = nullptr;
  Timestamp received;

  void item(const JsonSlot* f) {
    const std::string_view sym_text = scalar(f[kSymbol]);
    auto symbol = Symbol::parse(sym_text);
    if (!symbol) {
      out->problems.push_back(make_problem(ErrorCode::bad_symbol, symbol.error().message, sym_text));
      return;
    }
    detail::QuoteText q;
    q.symbol = *symbol;
    if (mapped[kTime]) {
      auto ts = time_of(f[kTime]);
      if (!ts) {
        out->problems.push_back(make_problem(ErrorCode::bad_time, symbol->str() + ": " + ts.error().message, sym_text));
        return;
      }
      q.ts = *ts;
    } else {
      q.ts = received;
    }
    // A price sent as anything but a number or a string (true, {}, []) is malformed, not absent.
    for (Slot s : {kPrice, kVolume, kPrev, kOpen, kHigh, kLow, kBid, kAsk, kTurnover}) {
      if (f[s].kind == JsonKind::Bool || f[s].kind == JsonKind::Object || f[s].kind == JsonKind::Array) {
        out->problems.push_back(
            make_problem(ErrorCode::bad_price, symbol->str() + ": a value is not a number", sym_text));
        return;
      }
    }
    if (!f[kPrice].present()) {
      out->problems.push_back(make_problem(ErrorCode::missing_price, symbol->str() + ": no price", sym_text));
      return;
    }
    q.last = scalar(f[kPrice]);
    q.volume = scalar(f[kVolume]);
    q.volume_multiplier = volume_multiplier;
    q.prev_close = scalar(f[kPrev]);
    q.open = scalar(f[kOpen]);
    q.high = scalar(f[kHigh]);
    q.low = scalar(f[kLow]);
    q.bid = scalar(f[kBid]);
    q.ask = scalar(f[kAsk]);
    q.turnover = scalar(f[kTurnover]);
    detail::emit(q, sym_text, *out);
  }

  static void on_item(void* self, const JsonSlot*, const JsonSlot* item) { static_cast<Impl*>(self)->item(item); }
};

JsonQuoteParser::JsonQuoteParser(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JsonQuoteParser::~JsonQuoteParser() = default;

Result<std::unique_ptr<JsonQuoteParser>> JsonQuoteParser::create(const QuoteMapping& m) {
  if (m.symbol.empty()) return make_error(ErrorCode::bad_config, "mapping: 'symbol' path is required");
  if (m.price.empty()) return make_error(ErrorCode::bad_config, "mapping: 'price' path is required");
  if (m.volume_multiplier <= 0) return make_error(ErrorCode::bad_config, "mapping: volume_multiplier must be positive");
  detail::JsonScanSpec spec;
  auto items = parse_json_path(m.items);
  if (!items) return items.error();
  spec.items = std::move(*items);
  auto impl = std::make_unique<Impl>();
  if (!m.seq.empty()) {
    auto seq = parse_json_path(m.seq);
    if (!seq) return seq.error();
    spec.root_fields.push_back(std::move(*seq));
    impl->has_seq = true;
  }
  // Unmapped optional fields get a path no JSON key can match, so slot numbers stay fixed.
  const std::vector<std::string_view> paths{m.symbol, m.price, m.time, m.volume, m.prev_close, m.open,
                                            m.high,   m.low,   m.bid,  m.ask,    m.turnover};
  for (std::string_view p : paths) {
    impl->mapped.push_back(!p.empty());
    if (p.empty()) {
      spec.item_fields.push_back({"\x01unmapped" + std::to_string(spec.item_fields.size())});
      continue;
    }
    auto path = parse_json_path(p);
    if (!path) return path.error();
    spec.item_fields.push_back(std::move(*path));
  }
  try {
    impl->scanner = std::make_unique<detail::JsonScanner>(std::move(spec));
  } catch (const std::invalid_argument& e) {
    return make_error(ErrorCode::bad_config, std::string("mapping: ") + e.what());
  }
  impl->volume_multiplier = m.volume_multiplier;
  return std::unique_ptr<JsonQuoteParser>(new JsonQuoteParser(std::move(impl)));
}

void JsonQuoteParser::parse(std::string_view message, Timestamp received, QuoteBatch& out) {
  impl_->out = &out;
  impl_->received = received;
  detail::JsonScanSummary summary;
  const detail::BatchMark before(out);
  Status s = impl_->scanner->scan(message, &Impl::on_item, impl_.get(), summary);
  if (!s) {
    // Dropped whole, even the rows read before the fault, and counted once.
    before.drop(out, s.error(), message);
    return;
  }
  if (impl_->has_seq && summary.root != nullptr && summary.root[0].present()) {
    const JsonSlot& seq = summary.root[0];
    auto n = seq.kind == JsonKind::Number || seq.kind == JsonKind::String
                 ? detail::parse_count(seq.text)
                 : Result<std::int64_t>(make_error(ErrorCode::bad_seq, "not a number"));
    if (n && *n >= 0) {
      out.seq = static_cast<std::uint64_t>(*n);
    } else {
      out.problems.push_back(make_problem(ErrorCode::bad_seq, "sequence number is not a whole number", message));
    }
  }
  if (summary.items_missing)
    out.problems.push_back(make_problem(ErrorCode::no_items, "no updates where the mapping says", message));
  if (summary.non_object_items > 0)
    out.problems.push_back(make_problem(ErrorCode::bad_item, "an update is not a JSON object", message));
}

// ---- flash news ----

struct JsonNewsParser::Impl {
  enum Slot : std::size_t { kId, kTitle, kBody, kTime, kUrl, kCorrects, kRetracts, kRetracted };
  NewsMapping mapping;
  std::unique_ptr<detail::JsonScanner> scanner;
  HeadlineBatch* out = nullptr;

  void item(const JsonSlot* f) {
    Headline h;
    h.source = mapping.source;
    h.id = std::string(detail::trim(scalar(f[kId])));
    std::string body = strip_html(scalar(f[kBody]));
    std::string title = strip_html(scalar(f[kTitle]));
    auto [bracketed, rest] = split_bracket_headline(body);
    if (title.empty() && !bracketed.empty()) {
      title = std::move(bracketed);
      body = std::move(rest);
    } else if (!title.empty() && bracketed == title) {
      body = std::move(rest);  // CLS repeats the title as 【title】 at the head of the content
    }
    if (title.empty()) title = truncate_utf8(body, 120);
    const std::string sample = title.empty() ? h.id : title;
    if (h.id.empty()) {
      out->problems.push_back(make_problem(ErrorCode::missing_id, "item has no id", sample));
      return;
    }
    if (title.empty()) {
      out->problems.push_back(make_problem(ErrorCode::missing_title, "item " + h.id + " has no text", sample));
      return;
    }
    auto ts = time_of(f[kTime]);
    if (!ts) {
      out->problems.push_back(make_problem(ErrorCode::bad_time, "item " + h.id + ": " + ts.error().message, sample));
      return;
    }
    h.ts = *ts;
    h.title = std::move(title);
    h.body = std::move(body);
    h.url = std::string(detail::trim(scalar(f[kUrl])));
    if (h.url.empty() && !mapping.url_template.empty()) {
      h.url = mapping.url_template;
      if (const auto pos = h.url.find("{id}"); pos != std::string::npos) h.url.replace(pos, 4, h.id);
    }
    h.lang = "zh";
    h.corrects = std::string(detail::trim(scalar(f[kCorrects])));
    if (h.corrects == h.id) h.corrects.clear();  // an item does not correct itself
    h.retracts = !h.corrects.empty() && flag(f[kRetracts]);
    if (flag(f[kRetracted])) h.tags.emplace_back(kRetractedTag);
    out->headlines.push_back(std::move(h));
  }

  static void on_item(void* self, const JsonSlot*, const JsonSlot* item) { static_cast<Impl*>(self)->item(item); }
};

JsonNewsParser::JsonNewsParser(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JsonNewsParser::~JsonNewsParser() = default;

Result<std::unique_ptr<JsonNewsParser>> JsonNewsParser::create(const NewsMapping& m) {
  if (m.items.empty()) return make_error(ErrorCode::bad_config, "news mapping: 'items' path is required");
  if (m.id.empty()) return make_error(ErrorCode::bad_config, "news mapping: 'id' path is required");
  if (m.time.empty()) return make_error(ErrorCode::bad_config, "news mapping: 'time' path is required");
  if (m.title.empty() && m.body.empty())
    return make_error(ErrorCode::bad_config, "news mapping: 'title' or 'body' path is required");
  detail::JsonScanSpec spec;
  auto items = parse_json_path(m.items);
  if (!items) return items.error();
  spec.items = std::move(*items);
  std::size_t n = 0;
  for (std::string_view p : {std::string_view(m.id), std::string_view(m.title), std::string_view(m.body),
                             std::string_view(m.time), std::string_view(m.url), std::string_view(m.corrects),
                             std::string_view(m.retracts), std::string_view(m.retracted)}) {
    if (p.empty()) {
      spec.item_fields.push_back({"\x01unmapped" + std::to_string(n++)});
      continue;
    }
    auto path = parse_json_path(p);
    if (!path) return path.error();
    spec.item_fields.push_back(std::move(*path));
    ++n;
  }
  auto impl = std::make_unique<Impl>();
  impl->mapping = m;
  try {
    impl->scanner = std::make_unique<detail::JsonScanner>(std::move(spec));
  } catch (const std::invalid_argument& e) {
    return make_error(ErrorCode::bad_config, std::string("news mapping: ") + e.what());
  }
  return std::unique_ptr<JsonNewsParser>(new JsonNewsParser(std::move(impl)));
}

void JsonNewsParser::parse(std::string_view json, HeadlineBatch& out) {
  impl_->out = &out;
  detail::JsonScanSummary summary;
  const std::size_t before = out.headlines.size();
  const std::size_t problems_before = out.problems.size();
  Status s = impl_->scanner->scan(json, &Impl::on_item, impl_.get(), summary);
  if (!s) {
    out.headlines.resize(before);
    out.problems.resize(problems_before);
    out.problems.push_back(make_problem(s.error().code, s.error().message, json));
    return;
  }
  if (summary.items_missing || summary.items_null)
    out.problems.push_back(make_problem(ErrorCode::no_items, "no item array at '" + impl_->mapping.items + "'", json));
}

Result<NewsMapping> builtin_news_mapping(std::string_view name) {
  if (name == "sina-7x24") {
    return NewsMapping{"新浪财经7x24", "result.data.feed.list", "id", "", "rich_text", "create_time", "docurl", ""};
  }
  if (name == "eastmoney-kuaixun") {
    return NewsMapping{"东方财富快讯", "data.fastNewsList", "code", "title",
                       "summary",      "showTime",          "",     "https://finance.eastmoney.com/a/{id}.html"};
  }
  if (name == "cls-telegraph") {
    return NewsMapping{"财联社电报", "data.roll_data", "id", "title", "content", "ctime", "shareurl", ""};
  }
  return make_error(ErrorCode::bad_config, "unknown news mapping '" + std::string(name) +
                                               "' (sina-7x24, eastmoney-kuaixun, cls-telegraph, or give the paths)");
}

}  // namespace lodestone::feeds
