#include "lodestone/feeds/canonical.hpp"

#include <simdjson.h>

#include <string>

namespace lodestone::feeds {
namespace {

namespace od = simdjson::ondemand;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

Error field_error(std::string_view field, std::string_view why) {
  return make_error("field '" + std::string(field) + "': " + std::string(why));
}

// A JSON number read from its text, so its decimal digits are kept exactly.
Result<Price> read_price(od::value v, std::string_view field) {
  od::json_type t;
  if (v.type().get(t) || t != od::json_type::number) return field_error(field, "expected a number");
  auto p = Price::parse(trim(v.raw_json_token()));
  if (!p) return field_error(field, p.error().message);
  return p;
}

Result<std::int64_t> read_count(od::value v, std::string_view field) {
  auto p = read_price(v, field);
  if (!p) return p.error();
  if (p->units() % Price::kScale != 0) return field_error(field, "expected a whole number");
  return p->units() / Price::kScale;
}

Result<std::string_view> read_string(od::value v, std::string_view field) {
  std::string_view s;
  if (v.get_string().get(s)) return field_error(field, "expected a string");
  return s;
}

Result<Timestamp> read_ts(od::value v) {
  od::json_type t;
  if (v.type().get(t)) return field_error("ts", "unreadable");
  if (t == od::json_type::number) {
    std::int64_t ms = 0;
    if (v.get_int64().get(ms)) return field_error("ts", "epoch milliseconds must be an integer");
    return Timestamp{ms};
  }
  if (t != od::json_type::string) return field_error("ts", "expected ISO 8601 text or epoch milliseconds");
  std::string_view s;
  if (v.get_string().get(s)) return field_error("ts", "bad string");
  auto ts = parse_timestamp(s);
  if (!ts) return field_error("ts", ts.error().message);
  return ts;
}

bool is_null(od::value& v) {
  bool null = false;
  return !v.is_null().get(null) && null;
}

Result<CanonicalEvent> parse_quote(od::object obj) {
  Quote q;
  bool has_symbol = false;
  bool has_ts = false;
  bool has_last = false;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return make_error("bad key");
    od::value v;
    if (field.value().get(v)) return field_error(key, "bad value");
    if (key == "type") continue;
    if (is_null(v)) continue;
    if (key == "symbol") {
      auto s = read_string(v, key);
      if (!s) return s.error();
      auto sym = Symbol::parse(*s);
      if (!sym) return field_error(key, sym.error().message);
      q.symbol = *sym;
      has_symbol = true;
    } else if (key == "ts") {
      auto ts = read_ts(v);
      if (!ts) return ts.error();
      q.ts = *ts;
      has_ts = true;
    } else if (key == "last") {
      auto p = read_price(v, key);
      if (!p) return p.error();
      q.last = *p;
      has_last = true;
    } else if (key == "volume") {
      auto n = read_count(v, key);
      if (!n) return n.error();
      q.volume = *n;
    } else {
      std::optional<Price>* slot = key == "prev_close" ? &q.prev_close
                                   : key == "open"     ? &q.open
                                   : key == "high"     ? &q.high
                                   : key == "low"      ? &q.low
                                   : key == "bid"      ? &q.bid
                                   : key == "ask"      ? &q.ask
                                   : key == "turnover" ? &q.turnover
                                                       : nullptr;
      if (slot == nullptr) continue;  // optional extras (name, iopv …) are tolerated
      auto p = read_price(v, key);
      if (!p) return p.error();
      *slot = *p;
    }
  }
  if (!has_symbol) return field_error("symbol", "missing");
  if (!has_ts) return field_error("ts", "missing");
  if (!has_last) return field_error("last", "missing");
  return CanonicalEvent{q};
}

Result<CanonicalEvent> parse_news(od::object obj) {
  Headline h;
  bool has_ts = false;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return make_error("bad key");
    od::value v;
    if (field.value().get(v)) return field_error(key, "bad value");
    if (key == "type" || is_null(v)) continue;
    if (key == "ts") {
      auto ts = read_ts(v);
      if (!ts) return ts.error();
      h.ts = *ts;
      has_ts = true;
    } else if (key == "symbols" || key == "tags") {
      od::array arr;
      if (v.get_array().get(arr)) return field_error(key, "expected an array of strings");
      for (auto item : arr) {
        std::string_view s;
        if (item.get_string().get(s)) return field_error(key, "expected an array of strings");
        if (key == "tags") {
          h.tags.emplace_back(s);
          continue;
        }
        auto sym = Symbol::parse(s);
        if (!sym) return field_error(key, sym.error().message);
        h.symbols.push_back(*sym);
      }
    } else {
      std::string* slot = key == "id"       ? &h.id
                          : key == "title"  ? &h.title
                          : key == "source" ? &h.source
                          : key == "body"   ? &h.body
                          : key == "url"    ? &h.url
                          : key == "lang"   ? &h.lang
                                            : nullptr;
      if (slot == nullptr) continue;
      od::json_type t;
      if (key == "id" && !v.type().get(t) && t == od::json_type::number) {
        *slot = std::string(trim(v.raw_json_token()));  // vendors number their items
        continue;
      }
      auto s = read_string(v, key);
      if (!s) return s.error();
      *slot = std::string(*s);
    }
  }
  if (h.id.empty()) return field_error("id", "missing");
  if (!has_ts) return field_error("ts", "missing");
  if (h.title.empty()) return field_error("title", "missing");
  return CanonicalEvent{std::move(h)};
}

}  // namespace

struct CanonicalParser::Impl {
  od::parser parser;
  std::string buffer;
};

CanonicalParser::CanonicalParser() : impl_(std::make_unique<Impl>()) {}
CanonicalParser::~CanonicalParser() = default;

Result<CanonicalEvent> CanonicalParser::parse(std::string_view line) {
  line = trim(line);
  if (line.empty()) return make_error("empty line");
  auto& buf = impl_->buffer;
  buf.assign(line);
  const std::size_t len = buf.size();
  buf.resize(len + simdjson::SIMDJSON_PADDING);
  od::document doc;
  if (impl_->parser.iterate(buf.data(), len, buf.size()).get(doc)) return make_error("not JSON");
  od::object obj;
  if (doc.get_object().get(obj)) return make_error("expected a JSON object");
  // "type" decides the shape; find it first, then walk the fields once.
  std::string_view type;
  if (obj["type"].get_string().get(type)) return field_error("type", "missing (quote or news)");
  bool non_empty = false;
  if (obj.reset().get(non_empty)) return make_error("not JSON");
  Result<CanonicalEvent> out = make_error("unknown event type");
  if (type == "quote") {
    out = parse_quote(obj);
  } else if (type == "news") {
    out = parse_news(obj);
  } else {
    return field_error("type", "unknown event type '" + std::string(type) + "' (quote or news)");
  }
  if (!out) return out;
  // On Demand validates lazily: make sure nothing after the object is garbage.
  const char* rest = nullptr;
  if (!doc.current_location().get(rest)) return make_error("trailing content after the JSON object");
  return out;
}

}  // namespace lodestone::feeds
