#include "lodestone/core/json_writer.hpp"

namespace lodestone {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  unsigned min = 0;
  unsigned cp = 0;
  if (b0 < 0x80) return 1;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2;
    min = 0x80;
    cp = b0 & 0x1Fu;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3;
    min = 0x800;
    cp = b0 & 0x0Fu;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4;
    min = 0x10000;
    cp = b0 & 0x07u;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

void field(std::string& out, std::string_view key) {
  if (out.back() != '{') out.push_back(',');
  out.push_back('"');
  out += key;
  out += "\":";
}

void str_field(std::string& out, std::string_view key, std::string_view value) {
  field(out, key);
  append_json_string(out, value);
}

void price_field(std::string& out, std::string_view key, Price p, int decimals) {
  field(out, key);
  out += p.format(decimals);
}

void opt_price(std::string& out, std::string_view key, const std::optional<Price>& p, int decimals) {
  if (p) price_field(out, key, *p, decimals);
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence(s, i);
      if (n == 0) {
        out += "\xEF\xBF\xBD";
        ++i;
      } else {
        out.append(s.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
}

std::string to_json(const Quote& q, int d) {
  std::string out;
  out.reserve(256);
  out.push_back('{');
  str_field(out, "type", "quote");
  str_field(out, "symbol", q.symbol.str());
  str_field(out, "ts", format_timestamp(q.ts));
  price_field(out, "last", q.last, d);
  opt_price(out, "prev_close", q.prev_close, d);
  opt_price(out, "open", q.open, d);
  opt_price(out, "high", q.high, d);
  opt_price(out, "low", q.low, d);
  if (q.volume) {
    field(out, "volume");
    out += std::to_string(*q.volume);
  }
  opt_price(out, "turnover", q.turnover, 1);
  opt_price(out, "bid", q.bid, d);
  opt_price(out, "ask", q.ask, d);
  out.push_back('}');
  return out;
}

std::string to_json(const Headline& h) {
  std::string out;
  out.reserve(256 + h.title.size() + h.body.size());
  out.push_back('{');
  str_field(out, "type", "news");
  str_field(out, "id", h.id);
  str_field(out, "ts", format_timestamp(h.ts));
  if (!h.source.empty()) str_field(out, "source", h.source);
  str_field(out, "title", h.title);
  if (!h.body.empty()) str_field(out, "body", h.body);
  if (!h.url.empty()) str_field(out, "url", h.url);
  if (!h.symbols.empty()) {
    field(out, "symbols");
    out.push_back('[');
    for (std::size_t i = 0; i < h.symbols.size(); ++i) {
      if (i) out.push_back(',');
      append_json_string(out, h.symbols[i].str());
    }
    out.push_back(']');
  }
  if (!h.lang.empty()) str_field(out, "lang", h.lang);
  if (!h.tags.empty()) {
    field(out, "tags");
    out.push_back('[');
    for (std::size_t i = 0; i < h.tags.size(); ++i) {
      if (i) out.push_back(',');
      append_json_string(out, h.tags[i]);
    }
    out.push_back(']');
  }
  // Only when set, so a headline without them (every tape line) is written as before.
  if (!h.corrects.empty()) str_field(out, "corrects", h.corrects);
  if (h.retracts) {
    field(out, "retracts");
    out += "true";
  }
  if (h.revision > 0) {
    field(out, "revision");
    out += std::to_string(h.revision);
  }
  if (is_retracted(h)) {
    field(out, "retracted");
    out += "true";
  }
  out.push_back('}');
  return out;
}

std::string to_json(const Alert& a) {
  std::string out;
  out.reserve(512);
  out.push_back('{');
  str_field(out, "type", "alert");
  str_field(out, "id", a.id);
  if (a.seq) {
    field(out, "seq");
    out += std::to_string(a.seq);
  }
  str_field(out, "rule", a.rule);
  str_field(out, "severity", to_string(a.severity));
  str_field(out, "state", to_string(a.state));
  if (a.symbol) str_field(out, "symbol", a.symbol->str());
  str_field(out, "ts", format_timestamp(a.ts));
  str_field(out, "message", a.message);
  if (a.explained) {
    field(out, "explained");
    out += *a.explained ? "true" : "false";
  }
  if (!a.labels.empty()) {
    field(out, "labels");
    out.push_back('{');
    // Label names come from rules files and feeds: escaped like any text, never written raw.
    for (const auto& [k, v] : a.labels) {
      if (out.back() != '{') out.push_back(',');
      append_json_string(out, k);
      out.push_back(':');
      append_json_string(out, v);
    }
    out.push_back('}');
  }
  field(out, "evidence");
  out.push_back('{');
  if (!a.headlines.empty()) {
    field(out, "headlines");
    out.push_back('[');
    for (std::size_t i = 0; i < a.headlines.size(); ++i) {
      if (i) out.push_back(',');
      const auto& h = a.headlines[i];
      out.push_back('{');
      str_field(out, "id", h.id);
      str_field(out, "title", h.title);
      str_field(out, "source", h.source);
      str_field(out, "ts", format_timestamp(h.ts));
      out.push_back('}');
    }
    out.push_back(']');
  }
  if (a.move) {
    field(out, "move");
    out.push_back('{');
    price_field(out, "from", a.move->from, a.move->price_decimals);
    price_field(out, "to", a.move->to, a.move->price_decimals);
    field(out, "change_pct");
    out += format_centipct(a.move->change_centipct);
    if (a.move->abnormal_centipct) {
      field(out, "abnormal_pct");
      out += format_centipct(*a.move->abnormal_centipct);
    }
    str_field(out, "window", a.move->window);
    if (!a.move->path.empty()) {
      field(out, "path");
      out.push_back('[');
      for (std::size_t i = 0; i < a.move->path.size(); ++i) {
        if (i) out.push_back(',');
        out.push_back('[');
        append_json_string(out, format_timestamp(a.move->path[i].first));
        out.push_back(',');
        out += a.move->path[i].second.format(a.move->price_decimals);
        out.push_back(']');
      }
      out.push_back(']');
    }
    out.push_back('}');
  }
  out.push_back('}');
  out.push_back('}');
  return out;
}

}  // namespace lodestone
