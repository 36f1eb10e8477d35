#include "lodestone/feeds/canonical.hpp"

#include <simdjson.h>

#include <string>
#include <utility>

#include "canonical_fields.hpp"
#include "parse_util.hpp"

namespace lodestone::feeds {
namespace {

namespace od = simdjson::ondemand;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

Error field_error(ErrorCode code, std::string_view field, std::string_view why) {
  return make_error(code, "field '" + std::string(field) + "': " + std::string(why));
}
Error field_error(std::string_view field, std::string_view why) {
  return field_error(detail::canonical_field_code(field), field, why);
}
Error missing(std::string_view field) { return field_error(ErrorCode::missing_field, field, "missing"); }

// The readers take the value by reference: passed by value, each call copied simdjson's value
// through the stack in pieces and read it back whole, a store-forwarding stall that was a
// quarter of parse_quote's own time.

// A JSON number read from its text, so its decimal digits are kept exactly.
Result<Price> read_price(od::value& v, std::string_view field) {
  od::json_type t;
  if (v.type().get(t) || t != od::json_type::number) return field_error(field, "expected a number");
  const std::string_view text = trim(v.raw_json_token());
  if (auto plain = detail::plain_price(text)) return *plain;
  auto p = Price::parse(text);
  if (!p) return field_error(field, p.error().message);
  return p;
}

Result<std::int64_t> read_count(od::value& v, std::string_view field) {
  auto p = read_price(v, field);
  if (!p) return p.error();
  if (p->units() % Price::kScale != 0) return field_error(field, "expected a whole number");
  if (p->units() < 0) return field_error(field, "expected a count, not a negative number");
  return p->units() / Price::kScale;
}

Result<std::string_view> read_string(od::value& v, std::string_view field) {
  std::string_view s;
  if (v.get_string().get(s)) return field_error(field, "expected a string");
  return s;
}

Result<bool> read_bool(od::value& v, std::string_view field) {
  bool b = false;
  if (v.get_bool().get(b)) return field_error(field, "expected true or false");
  return b;
}

// Text that reaches the board, Redis and the browser: no control characters but tab, CR and LF
// (NUL, ESC, DEL …) and no bidirectional overrides or isolates (U+202A–U+202E, U+2066–U+2069),
// which can make a headline display as something else. simdjson has already checked UTF-8 and
// rejected lone surrogates.
Status check_text(std::string_view s, std::string_view field) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f)
      return field_error(ErrorCode::bad_text, field,
                         "control character " + std::to_string(c) + " (text must be printable)");
    // U+202A..U+202E are E2 80 AA..AE; U+2066..U+2069 are E2 81 A6..A9.
    if (c == 0xE2 && i + 2 < s.size()) {
      const auto b1 = static_cast<unsigned char>(s[i + 1]);
      const auto b2 = static_cast<unsigned char>(s[i + 2]);
      if ((b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) || (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9))
        return field_error(ErrorCode::bad_text, field,
                           "bidirectional control character (text must display as written)");
    }
  }
  return {};
}

Result<Timestamp> read_ts(od::value& v) {
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

// A field's key as written in the line when it has no escapes (every key the writers make),
// else unescaped by simdjson. unescaped_key() always copies the key into the parser's string
// buffer first, which was a tenth of a quote's parse.
simdjson::error_code read_key(od::field& field, std::string_view& key) {
  const char* raw = field.key().raw();
  // Stage 1 has paired every quote, so the closing one is there.
  for (std::size_t n = 0;; ++n) {
    if (raw[n] == '"') {
      key = std::string_view(raw, n);
      return simdjson::SUCCESS;
    }
    if (raw[n] == '\\') break;
  }
  return field.unescaped_key().get(key);
}

// The fields of an object still to be read, as a range-for walks them (the iterator with its
// errors, and the end).
struct Fields {
  simdjson::simdjson_result<od::object_iterator> first;
  simdjson::simdjson_result<od::object_iterator> last;
  [[nodiscard]] simdjson::simdjson_result<od::object_iterator> begin() const { return first; }
  [[nodiscard]] simdjson::simdjson_result<od::object_iterator> end() const { return last; }
};

Result<CanonicalEvent> parse_quote(const Fields& obj) {
  using detail::QuoteField;
  Quote q;
  bool has_symbol = false;
  bool has_ts = false;
  bool has_last = false;
  for (auto field_or : obj) {
    od::field field;
    std::string_view key;
    if (std::move(field_or).get(field) || read_key(field, key)) return make_error(ErrorCode::bad_event, "bad key");
    od::value v = field.value();
    const QuoteField which = detail::quote_field(key);
    if (which == QuoteField::Type) continue;
    if (is_null(v)) continue;
    std::optional<Price>* slot = nullptr;
    switch (which) {
      case QuoteField::Symbol: {
        auto s = read_string(v, key);
        if (!s) return s.error();
        if (auto plain = detail::plain_symbol(*s)) {
          q.symbol = *plain;
        } else {
          auto sym = Symbol::parse(*s);
          if (!sym) return field_error(key, sym.error().message);
          q.symbol = *sym;
        }
        has_symbol = true;
        continue;
      }
      case QuoteField::Ts: {
        auto ts = read_ts(v);
        if (!ts) return ts.error();
        q.ts = *ts;
        has_ts = true;
        continue;
      }
      case QuoteField::Last: {
        auto p = read_price(v, key);
        if (!p) return p.error();
        q.last = *p;
        has_last = true;
        continue;
      }
      case QuoteField::Volume: {
        auto n = read_count(v, key);
        if (!n) return n.error();
        q.volume = *n;
        continue;
      }
      case QuoteField::PrevClose:
        slot = &q.prev_close;
        break;
      case QuoteField::Open:
        slot = &q.open;
        break;
      case QuoteField::High:
        slot = &q.high;
        break;
      case QuoteField::Low:
        slot = &q.low;
        break;
      case QuoteField::Bid:
        slot = &q.bid;
        break;
      case QuoteField::Ask:
        slot = &q.ask;
        break;
      case QuoteField::Turnover:
        slot = &q.turnover;
        break;
      case QuoteField::LimitUp:
        slot = &q.source_limit_up;
        break;
      case QuoteField::LimitDown:
        slot = &q.source_limit_down;
        break;
      case QuoteField::Name: {
        auto s = read_string(v, key);
        if (!s) return s.error();
        q.name = detail::source_name(*s);
        continue;
      }
      case QuoteField::Type:
      case QuoteField::Other:
        continue;  // optional extras (iopv …) are tolerated
    }
    auto p = read_price(v, key);
    if (!p) return p.error();
    *slot = *p;
  }
  if (!has_symbol) return missing("symbol");
  if (!has_ts) return missing("ts");
  if (!has_last) return missing("last");
  return CanonicalEvent{q};
}

Result<CanonicalEvent> parse_news(const Fields& obj) {
  Headline h;
  bool has_ts = false;
  bool withdrawn = false;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return make_error(ErrorCode::bad_event, "bad key");
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
        if (auto st = check_text(s, key); !st) return st.error();
        if (key == "tags") {
          h.tags.emplace_back(s);
          continue;
        }
        auto sym = Symbol::parse(s);
        if (!sym) return field_error(key, sym.error().message);
        h.symbols.push_back(*sym);
      }
    } else if (key == "retracts" || key == "retracted") {
      auto yes = read_bool(v, key);
      if (!yes) return yes.error();
      if (key == "retracts") {
        h.retracts = *yes;
      } else if (*yes) {
        withdrawn = true;  // the board's flag read back: the same as the `retracted` tag
      }
    } else {
      std::string* slot = key == "id"         ? &h.id
                          : key == "title"    ? &h.title
                          : key == "source"   ? &h.source
                          : key == "body"     ? &h.body
                          : key == "url"      ? &h.url
                          : key == "lang"     ? &h.lang
                          : key == "corrects" ? &h.corrects
                                              : nullptr;
      if (slot == nullptr) continue;  // `revision` is the board's count: never taken from input
      od::json_type t;
      if ((key == "id" || key == "corrects") && !v.type().get(t) && t == od::json_type::number) {
        *slot = std::string(trim(v.raw_json_token()));  // vendors number their items
        continue;
      }
      auto s = read_string(v, key);
      if (!s) return s.error();
      if (auto st = check_text(*s, key); !st) return st.error();
      *slot = std::string(*s);
    }
  }
  if (h.id.empty()) return missing("id");
  if (!has_ts) return missing("ts");
  if (h.title.empty()) return missing("title");
  if (h.retracts && h.corrects.empty()) return field_error("retracts", "needs 'corrects': the id it withdraws");
  if (!h.corrects.empty() && h.corrects == h.id) return field_error("corrects", "an item cannot correct itself");
  if (withdrawn && !is_retracted(h)) h.tags.emplace_back(kRetractedTag);
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
  if (line.empty()) return make_error(ErrorCode::bad_event, "empty line");
  // On Demand starts lazily: text that cannot begin any JSON value is "not JSON", not merely
  // "not an object" (which "[…]" or "\"text\"" are).
  if (std::string_view("{[\"-0123456789tfn").find(line.front()) == std::string_view::npos)
    return make_error(ErrorCode::bad_json, "not JSON");
  auto& buf = impl_->buffer;
  buf.assign(line);
  const std::size_t len = buf.size();
  buf.resize(len + simdjson::SIMDJSON_PADDING);
  od::document doc;
  if (const auto e = impl_->parser.iterate(buf.data(), len, buf.size()).get(doc); e) {
    if (e == simdjson::UTF8_ERROR) return make_error(ErrorCode::bad_encoding, "not valid UTF-8");
    return make_error(ErrorCode::bad_json, "not JSON");
  }
  od::object obj;
  if (const auto e = doc.get_object().get(obj); e) {
    if (e == simdjson::INCORRECT_TYPE) return make_error(ErrorCode::bad_event, "expected a JSON object");
    return make_error(ErrorCode::bad_json, "not JSON");
  }
  // "type" decides the shape. The writers put it first: then it is read in the same walk as the
  // other fields. Anywhere else (or written with escapes, which a lookup does not match), it is
  // looked up first and the fields walked from the start, as always.
  std::string_view type;
  Fields fields{obj.begin(), obj.end()};
  bool type_read = false;
  if (fields.first != fields.last) {
    od::field first;
    if (!(*fields.first).get(first) && first.key().unsafe_is_equal("type") && !first.value().get_string().get(type)) {
      ++fields.first;
      type_read = true;
    }
  }
  if (!type_read) {
    bool non_empty = false;
    (void)obj.reset().get(non_empty);  // back to the start, if the first field was looked at
    if (obj["type"].get_string().get(type)) return field_error("type", "missing (quote or news)");
    if (obj.reset().get(non_empty)) return make_error(ErrorCode::bad_json, "not JSON");
    fields = Fields{obj.begin(), obj.end()};
  }
  if (type != "quote" && type != "news")
    return field_error("type", "unknown event type '" + std::string(type) + "' (quote or news)");
  // Constructed in place: a default error built first and assigned over cost a heap string per line.
  Result<CanonicalEvent> out = type == "quote" ? parse_quote(fields) : parse_news(fields);
  if (!out) return out;
  // On Demand validates lazily: make sure nothing after the object is garbage.
  const char* rest = nullptr;
  if (!doc.current_location().get(rest))
    return make_error(ErrorCode::bad_json, "trailing content after the JSON object");
  return out;
}

}  // namespace lodestone::feeds
