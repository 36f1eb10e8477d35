// A canonical alert read back from the JSON core's writer made of it (json_writer.cpp is the
// other half: every field it writes is read here under the same name and form). simdjson On
// Demand, one forward pass; prices are read from their number's text so no digit changes.
#include "lodestone/feeds/canonical_alert.hpp"

#include <simdjson.h>

#include <algorithm>
#include <string>
#include <utility>

#include "canonical_fields.hpp"
#include "parse_util.hpp"

namespace lodestone::feeds {
namespace {

namespace od = simdjson::ondemand;

Error field_error(ErrorCode code, std::string_view field, std::string_view why) {
  return make_error(code, "alert field '" + std::string(field) + "': " + std::string(why));
}
Error missing(std::string_view field) { return field_error(ErrorCode::missing_field, field, "missing"); }

bool is_null(od::value& v) {
  bool null = false;
  return !v.is_null().get(null) && null;
}

Result<std::string> read_text(od::value& v, std::string_view field) {
  std::string_view s;
  if (v.get_string().get(s)) return field_error(ErrorCode::bad_field, field, "expected a string");
  return std::string(s);
}

// The times the writer can print and read back: four-digit years in exchange time, from 1970.
Result<Timestamp> in_range(Timestamp ts, std::string_view field) {
  static const Timestamp kFirst = exchange_time(make_date(1970, 1, 1), 0, 0);
  static const Timestamp kLast = exchange_time(make_date(9999, 12, 31), 23, 59, 59, 999);
  if (ts < kFirst || ts > kLast) return field_error(ErrorCode::bad_time, field, "outside 1970-9999");
  return ts;
}

// ISO 8601 text as the writer puts it (exchange time), or epoch milliseconds.
Result<Timestamp> read_time(od::value& v, std::string_view field) {
  od::json_type t;
  if (v.type().get(t)) return field_error(ErrorCode::bad_time, field, "unreadable");
  if (t == od::json_type::number) {
    std::int64_t ms = 0;
    if (v.get_int64().get(ms)) return field_error(ErrorCode::bad_time, field, "epoch milliseconds must be an integer");
    return in_range(Timestamp{ms}, field);
  }
  std::string_view s;
  if (t != od::json_type::string || v.get_string().get(s))
    return field_error(ErrorCode::bad_time, field, "expected ISO 8601 text or epoch milliseconds");
  auto ts = parse_timestamp(s);
  if (!ts) return field_error(ErrorCode::bad_time, field, ts.error().message);
  return in_range(*ts, field);
}

// A number's own text, so that the digits are the writer's.
Result<std::string_view> number_text(od::value& v, std::string_view field, ErrorCode code) {
  od::json_type t;
  if (v.type().get(t) || t != od::json_type::number) return field_error(code, field, "expected a number");
  return detail::trim(v.raw_json_token());
}

// A price and the decimal places it was written with (Price keeps four; more are rounded).
struct WrittenPrice {
  Price price;
  int decimals = 0;
};

Result<WrittenPrice> read_price(od::value& v, std::string_view field) {
  auto text = number_text(v, field, ErrorCode::bad_price);
  if (!text) return text.error();
  auto p = detail::plain_price(*text);
  if (!p) {
    auto parsed = Price::parse(*text);
    if (!parsed) return field_error(ErrorCode::bad_price, field, parsed.error().message);
    p = *parsed;
  }
  const std::size_t dot = text->find('.');
  const std::size_t places = dot == std::string_view::npos ? 0 : text->size() - dot - 1;
  return WrittenPrice{*p, static_cast<int>(std::min<std::size_t>(places, Price::kDecimals))};
}

Result<std::int64_t> read_percent(od::value& v, std::string_view field) {
  auto text = number_text(v, field, ErrorCode::bad_field);
  if (!text) return text.error();
  auto pct = parse_centipct(*text);
  if (!pct) return field_error(ErrorCode::bad_field, field, pct.error().message);
  return pct;
}

// Walks an object's fields: `each(key, value)` returns a Status; the walk stops at the first error.
template <class Each>
Status each_field(od::object& obj, std::string_view where, Each&& each) {
  for (auto field_or : obj) {
    od::field field;
    std::string_view key;
    if (std::move(field_or).get(field) || field.unescaped_key().get(key))
      return make_error(ErrorCode::bad_json, "alert: unreadable key in " + std::string(where));
    od::value v = field.value();
    if (is_null(v)) continue;
    if (auto st = each(key, v); !st) return st;
  }
  return {};
}

Result<od::object> as_object(od::value& v, std::string_view field) {
  od::object obj;
  if (v.get_object().get(obj)) return field_error(ErrorCode::bad_field, field, "expected an object");
  return obj;
}

Result<od::array> as_array(od::value& v, std::string_view field) {
  od::array arr;
  if (v.get_array().get(arr)) return field_error(ErrorCode::bad_field, field, "expected an array");
  return arr;
}

Result<HeadlineRef> read_headline(od::value& v) {
  constexpr std::string_view kWhere = "evidence.headlines";
  auto obj = as_object(v, kWhere);
  if (!obj) return obj.error();
  HeadlineRef h;
  auto st = each_field(*obj, kWhere, [&](std::string_view key, od::value& value) -> Status {
    std::string* slot = key == "id" ? &h.id : key == "title" ? &h.title : key == "source" ? &h.source : nullptr;
    if (slot != nullptr) {
      auto s = read_text(value, "evidence.headlines." + std::string(key));
      if (!s) return s.error();
      *slot = std::move(*s);
    } else if (key == "ts") {
      auto ts = read_time(value, "evidence.headlines.ts");
      if (!ts) return ts.error();
      h.ts = *ts;
    }
    return {};
  });
  if (!st) return st.error();
  return h;
}

// [ts, price] pairs, oldest first. Each price's decimals join the move's (see read_move).
Status read_path(od::value& v, MoveEvidence& move, int& decimals) {
  constexpr std::string_view kWhere = "evidence.move.path";
  auto points = as_array(v, kWhere);
  if (!points) return points.error();
  for (auto point_or : *points) {
    od::value point;
    if (std::move(point_or).get(point)) return make_error(ErrorCode::bad_json, "alert: unreadable evidence.move.path");
    auto pair = as_array(point, kWhere);
    if (!pair) return pair.error();
    std::optional<Timestamp> ts;
    std::optional<WrittenPrice> price;
    std::size_t n = 0;
    for (auto item_or : *pair) {
      od::value item;
      if (std::move(item_or).get(item)) return make_error(ErrorCode::bad_json, "alert: unreadable evidence.move.path");
      if (n == 0) {
        auto t = read_time(item, kWhere);
        if (!t) return t.error();
        ts = *t;
      } else if (n == 1) {
        auto p = read_price(item, kWhere);
        if (!p) return p.error();
        price = *p;
      }
      if (++n > 2) break;
    }
    if (n != 2 || !ts || !price) return field_error(ErrorCode::bad_field, kWhere, "expected [time, price] pairs");
    move.path.emplace_back(*ts, price->price);
    decimals = std::min(decimals, price->decimals);
  }
  return {};
}

Result<MoveEvidence> read_move(od::value& v) {
  constexpr std::string_view kWhere = "evidence.move";
  auto obj = as_object(v, kWhere);
  if (!obj) return obj.error();
  MoveEvidence move;
  bool has_from = false;
  bool has_to = false;
  bool has_change = false;
  bool has_window = false;
  // The writer prints every price with at least price_decimals places: the fewest is it.
  int decimals = Price::kDecimals;
  auto st = each_field(*obj, kWhere, [&](std::string_view key, od::value& value) -> Status {
    if (key == "from" || key == "to") {
      auto p = read_price(value, "evidence.move." + std::string(key));
      if (!p) return p.error();
      (key == "from" ? move.from : move.to) = p->price;
      (key == "from" ? has_from : has_to) = true;
      decimals = std::min(decimals, p->decimals);
    } else if (key == "change_pct") {
      auto pct = read_percent(value, "evidence.move.change_pct");
      if (!pct) return pct.error();
      move.change_centipct = *pct;
      has_change = true;
    } else if (key == "abnormal_pct") {
      auto pct = read_percent(value, "evidence.move.abnormal_pct");
      if (!pct) return pct.error();
      move.abnormal_centipct = *pct;
    } else if (key == "window") {
      auto s = read_text(value, "evidence.move.window");
      if (!s) return s.error();
      move.window = std::move(*s);
      has_window = true;
    } else if (key == "path") {
      move.path.clear();  // a repeated key: the last one counts, as for every other field
      return read_path(value, move, decimals);
    }
    return {};
  });
  if (!st) return st.error();
  if (!has_from) return missing("evidence.move.from");
  if (!has_to) return missing("evidence.move.to");
  if (!has_change) return missing("evidence.move.change_pct");
  if (!has_window) return missing("evidence.move.window");
  move.price_decimals = decimals;
  return move;
}

Status read_evidence(od::value& v, Alert& a) {
  auto obj = as_object(v, "evidence");
  if (!obj) return obj.error();
  return each_field(*obj, "evidence", [&](std::string_view key, od::value& value) -> Status {
    if (key == "headlines") {
      auto arr = as_array(value, "evidence.headlines");
      if (!arr) return arr.error();
      a.headlines.clear();
      for (auto item_or : *arr) {
        od::value item;
        if (std::move(item_or).get(item))
          return make_error(ErrorCode::bad_json, "alert: unreadable evidence.headlines");
        auto h = read_headline(item);
        if (!h) return h.error();
        a.headlines.push_back(std::move(*h));
      }
    } else if (key == "move") {
      auto move = read_move(value);
      if (!move) return move.error();
      a.move = std::move(*move);
    }
    return {};
  });
}

Status read_labels(od::value& v, Alert& a) {
  auto obj = as_object(v, "labels");
  if (!obj) return obj.error();
  a.labels.clear();
  return each_field(*obj, "labels", [&](std::string_view key, od::value& value) -> Status {
    auto s = read_text(value, "labels." + std::string(key));
    if (!s) return s.error();
    a.labels[std::string(key)] = std::move(*s);
    return {};
  });
}

Result<AlertState> parse_state(std::string_view text) {
  if (text == to_string(AlertState::Firing)) return AlertState::Firing;
  if (text == to_string(AlertState::Resolved)) return AlertState::Resolved;
  return field_error(ErrorCode::bad_field, "state", "unknown state '" + std::string(text) + "' (firing or resolved)");
}

Result<Symbol> read_symbol(od::value& v) {
  std::string_view s;
  if (v.get_string().get(s)) return field_error(ErrorCode::bad_symbol, "symbol", "expected a string");
  if (auto plain = detail::plain_symbol(s)) return *plain;
  auto sym = Symbol::parse(s);
  if (!sym) return field_error(ErrorCode::bad_symbol, "symbol", sym.error().message);
  return sym;
}

// The top level's fields, and which of the required ones were there.
struct Seen {
  bool type = false;
  bool id = false;
  bool rule = false;
  bool severity = false;
  bool state = false;
  bool ts = false;
};

Status read_top_field(std::string_view key, od::value& v, Alert& a, Seen& seen) {
  if (key == "type") {
    std::string_view type;
    if (v.get_string().get(type) || type != "alert") return make_error(ErrorCode::bad_event, "not an alert (\"type\")");
    seen.type = true;
  } else if (key == "id" || key == "rule" || key == "message") {
    auto s = read_text(v, key);
    if (!s) return s.error();
    if (key == "id") {
      a.id = std::move(*s);
      seen.id = true;
    } else if (key == "rule") {
      a.rule = std::move(*s);
      seen.rule = true;
    } else {
      a.message = std::move(*s);
    }
  } else if (key == "seq") {
    if (v.get_uint64().get(a.seq)) return field_error(ErrorCode::bad_field, "seq", "expected a whole number");
  } else if (key == "severity") {
    std::string_view s;
    if (v.get_string().get(s)) return field_error(ErrorCode::bad_field, "severity", "expected a string");
    auto severity = parse_severity(s);
    if (!severity) return field_error(ErrorCode::bad_field, "severity", severity.error().message);
    a.severity = *severity;
    seen.severity = true;
  } else if (key == "state") {
    std::string_view s;
    if (v.get_string().get(s)) return field_error(ErrorCode::bad_field, "state", "expected a string");
    auto state = parse_state(s);
    if (!state) return state.error();
    a.state = *state;
    seen.state = true;
  } else if (key == "symbol") {
    auto sym = read_symbol(v);
    if (!sym) return sym.error();
    a.symbol = *sym;
  } else if (key == "ts") {
    auto ts = read_time(v, "ts");
    if (!ts) return ts.error();
    a.ts = *ts;
    seen.ts = true;
  } else if (key == "explained") {
    bool b = false;
    if (v.get_bool().get(b)) return field_error(ErrorCode::bad_field, "explained", "expected true or false");
    a.explained = b;
  } else if (key == "labels") {
    return read_labels(v, a);
  } else if (key == "evidence") {
    return read_evidence(v, a);
  }
  return {};
}

}  // namespace

Result<Alert> parse_alert_json(std::string_view json) {
  json = detail::trim(json);
  if (json.empty()) return make_error(ErrorCode::bad_event, "alert: empty");
  if (std::string_view("{[\"-0123456789tfn").find(json.front()) == std::string_view::npos)
    return make_error(ErrorCode::bad_json, "alert: not JSON");
  // One parser per thread, kept: its buffers grow to the largest alert and stay.
  thread_local od::parser parser;
  simdjson::padded_string padded(json);
  od::document doc;
  if (const auto e = parser.iterate(padded).get(doc); e) {
    if (e == simdjson::UTF8_ERROR) return make_error(ErrorCode::bad_encoding, "alert: not valid UTF-8");
    return make_error(ErrorCode::bad_json, "alert: not JSON");
  }
  od::object obj;
  if (const auto e = doc.get_object().get(obj); e) {
    if (e == simdjson::INCORRECT_TYPE) return make_error(ErrorCode::bad_event, "alert: expected a JSON object");
    return make_error(ErrorCode::bad_json, "alert: not JSON");
  }
  Alert a;
  Seen seen;
  for (auto field_or : obj) {
    od::field field;
    std::string_view key;
    if (std::move(field_or).get(field) || field.unescaped_key().get(key))
      return make_error(ErrorCode::bad_json, "alert: unreadable key");
    od::value v = field.value();
    if (is_null(v)) continue;
    if (auto st = read_top_field(key, v, a, seen); !st) return st.error();
  }
  // On Demand validates lazily: nothing may follow the object.
  const char* rest = nullptr;
  if (!doc.current_location().get(rest)) return make_error(ErrorCode::bad_json, "alert: trailing content");
  if (!seen.type) return missing("type");
  if (!seen.id) return missing("id");
  if (!seen.rule) return missing("rule");
  if (!seen.severity) return missing("severity");
  if (!seen.state) return missing("state");
  if (!seen.ts) return missing("ts");
  return a;
}

}  // namespace lodestone::feeds
