#include "lodestone/feeds/feed_config.hpp"

#include <yaml-cpp/yaml.h>

#include <set>

#include "lodestone/feeds/url.hpp"

namespace lodestone::feeds {
namespace {

std::string where(const YAML::Node& n) { return "line " + std::to_string(n.Mark().line + 1); }

Error at(const YAML::Node& n, const std::string& what) {
  return make_error(ErrorCode::bad_config, where(n) + ": " + what);
}

Result<std::string> scalar(const YAML::Node& n, std::string_view key) {
  if (!n.IsScalar()) return at(n, "'" + std::string(key) + "' must be a single value");
  return n.Scalar();
}

Result<std::int64_t> duration(const YAML::Node& n, std::string_view key) {
  auto text = scalar(n, key);
  if (!text) return text.error();
  auto ms = parse_duration_ms(*text);
  if (!ms || *ms <= 0) return at(n, "'" + std::string(key) + "' must be a duration like 3s or 500ms");
  return *ms;
}

Result<std::int64_t> positive(const YAML::Node& n, std::string_view key) {
  auto text = scalar(n, key);
  if (!text) return text.error();
  std::int64_t v = 0;
  for (char c : *text) {
    if (c < '0' || c > '9' || v > 1'000'000'000)
      return at(n, "'" + std::string(key) + "' must be a positive whole number");
    v = v * 10 + (c - '0');
  }
  if (text->empty() || v <= 0) return at(n, "'" + std::string(key) + "' must be a positive whole number");
  return v;
}

Status read_quote_mapping(const YAML::Node& n, QuoteMapping& m) {
  if (!n.IsMap()) return at(n, "ws-json 'mapping' must be a map of JSON paths");
  for (const auto& kv : n) {
    const std::string key = kv.first.Scalar();
    if (key == "volume_multiplier") {
      auto v = positive(kv.second, key);
      if (!v) return v.error();
      m.volume_multiplier = *v;
      continue;
    }
    std::string* slot = key == "items"        ? &m.items
                        : key == "symbol"     ? &m.symbol
                        : key == "price"      ? &m.price
                        : key == "time"       ? &m.time
                        : key == "volume"     ? &m.volume
                        : key == "prev_close" ? &m.prev_close
                        : key == "open"       ? &m.open
                        : key == "high"       ? &m.high
                        : key == "low"        ? &m.low
                        : key == "bid"        ? &m.bid
                        : key == "ask"        ? &m.ask
                        : key == "turnover"   ? &m.turnover
                        : key == "seq"        ? &m.seq
                                              : nullptr;
    if (slot == nullptr) return at(kv.first, "unknown mapping key '" + key + "'");
    auto v = scalar(kv.second, key);
    if (!v) return v.error();
    *slot = *v;
  }
  if (auto p = JsonQuoteParser::create(m); !p) return at(n, p.error().message);
  return {};
}

Status read_news_mapping(const YAML::Node& n, NewsMapping& m) {
  if (n.IsScalar()) {
    auto builtin = builtin_news_mapping(n.Scalar());
    if (!builtin) return at(n, builtin.error().message);
    const std::string source = m.source;
    m = *builtin;
    if (!source.empty()) m.source = source;
    return {};
  }
  if (!n.IsMap()) return at(n, "json-news 'mapping' must be a built-in name or a map of JSON paths");
  for (const auto& kv : n) {
    const std::string key = kv.first.Scalar();
    std::string* slot = key == "source"         ? &m.source
                        : key == "items"        ? &m.items
                        : key == "id"           ? &m.id
                        : key == "title"        ? &m.title
                        : key == "body"         ? &m.body
                        : key == "time"         ? &m.time
                        : key == "url"          ? &m.url
                        : key == "url_template" ? &m.url_template
                        : key == "corrects"     ? &m.corrects
                        : key == "retracts"     ? &m.retracts
                        : key == "retracted"    ? &m.retracted
                                                : nullptr;
    if (slot == nullptr) return at(kv.first, "unknown mapping key '" + key + "'");
    auto v = scalar(kv.second, key);
    if (!v) return v.error();
    *slot = *v;
  }
  if (auto p = JsonNewsParser::create(m); !p) return at(n, p.error().message);
  return {};
}

Result<FeedConfig> read(const YAML::Node& node) {
  if (!node.IsMap()) return at(node, "a feed must be a map (name, kind, url, …)");
  FeedConfig c;
  const YAML::Node name = node["name"];
  if (!name || !name.IsScalar() || name.Scalar().empty()) return at(node, "feed needs a 'name'");
  c.name = name.Scalar();
  auto fail = [&](const YAML::Node& n, const std::string& what) {
    return make_error(ErrorCode::bad_config, "feed '" + c.name + "' " + where(n) + ": " + what);
  };
  auto rewrap = [&](const Error& e) { return make_error(ErrorCode::bad_config, "feed '" + c.name + "' " + e.message); };
  const YAML::Node kind = node["kind"];
  if (!kind || !kind.IsScalar())
    return fail(node, "needs a 'kind' (sina, tencent, eastmoney, ws-json, rss, json-news, replay)");
  auto k = parse_feed_kind(kind.Scalar());
  if (!k) return fail(kind, k.error().message);
  c.kind = *k;
  const YAML::Node* mapping = nullptr;
  YAML::Node mapping_node;
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (key == "name" || key == "kind") continue;
    if (key == "url" || key == "path") {
      auto s = scalar(v, key);
      if (!s) return rewrap(s.error());
      c.url = *s;
    } else if (key == "symbols") {
      if (!v.IsSequence()) return fail(v, "'symbols' must be a list");
      for (const auto& item : v) {
        auto sym = Symbol::parse(item.IsScalar() ? item.Scalar() : std::string());
        if (!sym) return fail(item, sym.error().message);
        // Sina and Tencent carry CSI 300 as sh000300, but no documented form of theirs names a CSI
        // thematic index such as 930598: refuse it here rather than poll a made-up code.
        if ((c.kind == FeedKind::Sina || c.kind == FeedKind::Tencent) && !sym->has_sina_code())
          return fail(item,
                      "symbols: " + sym->str() + " has no " + std::string(to_string(c.kind)) +
                          " code (CSI indexes are not in its documented forms); poll it from an eastmoney feed as " +
                          sym->eastmoney_secid());
        c.symbols.push_back(*sym);
      }
    } else if (key == "interval") {
      auto ms = duration(v, key);
      if (!ms) return rewrap(ms.error());
      c.interval_ms = *ms;
    } else if (key == "timeout") {
      auto ms = duration(v, key);
      if (!ms) return rewrap(ms.error());
      c.timeout_ms = *ms;
    } else if (key == "backoff") {
      if (!v.IsMap()) return fail(v, "'backoff' must be a map with initial and max");
      for (const auto& b : v) {
        auto ms = duration(b.second, b.first.Scalar());
        if (!ms) return rewrap(ms.error());
        if (b.first.Scalar() == "initial") {
          c.backoff_initial_ms = *ms;
        } else if (b.first.Scalar() == "max") {
          c.backoff_max_ms = *ms;
        } else {
          return fail(b.first, "unknown backoff key '" + b.first.Scalar() + "' (initial, max)");
        }
      }
    } else if (key == "stale_after") {
      auto n = positive(v, key);
      if (!n) return rewrap(n.error());
      c.stale_after_intervals = static_cast<int>(std::min<std::int64_t>(*n, 1'000'000));
    } else if (key == "max_url_length") {
      auto n = positive(v, key);
      if (!n) return rewrap(n.error());
      c.max_url_length = static_cast<std::size_t>(*n);
    } else if (key == "headers") {
      if (!v.IsMap()) return fail(v, "'headers' must be a map");
      for (const auto& h : v) {
        auto s = scalar(h.second, h.first.Scalar());
        if (!s) return rewrap(s.error());
        if (s->find_first_of("\r\n") != std::string::npos) return fail(h.second, "header values cannot span lines");
        c.headers[h.first.Scalar()] = *s;
      }
    } else if (key == "charset") {
      auto s = scalar(v, key);
      if (!s) return rewrap(s.error());
      const Charset probe_utf8 = charset_from_content_type("charset=" + *s, Charset::Utf8);
      const Charset probe_gbk = charset_from_content_type("charset=" + *s, Charset::Gb18030);
      if (probe_utf8 != probe_gbk) return fail(v, "unknown charset '" + *s + "' (utf-8, gbk, gb18030)");
      c.charset = probe_utf8;
    } else if (key == "mapping") {
      mapping_node = v;
      mapping = &mapping_node;
    } else if (key == "ca_file") {
      auto s = scalar(v, key);
      if (!s) return rewrap(s.error());
      c.ca_file = *s;
    } else if (key == "subscribe") {
      auto s = scalar(v, key);
      if (!s) return rewrap(s.error());
      c.subscribe = *s;
    } else if (key == "source") {
      auto s = scalar(v, key);
      if (!s) return rewrap(s.error());
      c.source = *s;
      c.news_mapping.source = *s;
    } else if (key == "speed") {
      auto s = scalar(v, key);
      if (!s) return rewrap(s.error());
      try {
        c.replay_speed = std::stod(*s);
      } catch (const std::exception&) {
        return fail(v, "'speed' must be a number");
      }
    } else if (key == "loop") {
      auto s = scalar(v, key);
      if (!s || (*s != "true" && *s != "false")) return fail(v, "'loop' must be true or false");
      c.replay_loop = *s == "true";
    } else {
      return fail(kv.first, "unknown key '" + key + "'");
    }
  }
  if (c.url.empty())
    return fail(node, c.kind == FeedKind::Replay ? "needs a 'url' (the tape's path)" : "needs a 'url'");
  const bool quotes = c.kind == FeedKind::Sina || c.kind == FeedKind::Tencent || c.kind == FeedKind::Eastmoney;
  if (quotes && c.symbols.empty()) return fail(node, "needs 'symbols' to poll");
  if (quotes && c.url.find("{symbols}") == std::string::npos) return fail(node, "'url' needs a {symbols} placeholder");
  if (c.kind == FeedKind::WsJson) {
    if (mapping == nullptr) return fail(node, "ws-json needs a 'mapping' (symbol, price, …)");
    if (auto s = read_quote_mapping(*mapping, c.quote_mapping); !s) return rewrap(s.error());
  } else if (c.kind == FeedKind::JsonNews) {
    if (mapping == nullptr)
      return fail(node, "json-news needs a 'mapping' (sina-7x24, eastmoney-kuaixun, cls-telegraph, or paths)");
    if (auto s = read_news_mapping(*mapping, c.news_mapping); !s) return rewrap(s.error());
    if (c.news_mapping.source.empty()) c.news_mapping.source = c.name;
  } else if (mapping != nullptr) {
    return fail(*mapping, "'mapping' only applies to ws-json and json-news feeds");
  }
  if (c.kind != FeedKind::Replay) {
    auto url = parse_url(c.url);
    if (!url) return fail(node["url"], url.error().message);
    const bool ws = url->scheme == "ws" || url->scheme == "wss";
    if (ws != (c.kind == FeedKind::WsJson))
      return fail(node["url"], "ws-json feeds use ws:// or wss://, the others http(s)://");
  }
  if (c.backoff_max_ms < c.backoff_initial_ms) return fail(node, "backoff max is below initial");
  return c;
}

}  // namespace

std::string_view to_string(FeedKind k) {
  switch (k) {
    case FeedKind::Sina:
      return "sina";
    case FeedKind::Tencent:
      return "tencent";
    case FeedKind::Eastmoney:
      return "eastmoney";
    case FeedKind::WsJson:
      return "ws-json";
    case FeedKind::Rss:
      return "rss";
    case FeedKind::JsonNews:
      return "json-news";
    case FeedKind::Replay:
      return "replay";
  }
  return "?";
}

Result<FeedKind> parse_feed_kind(std::string_view text) {
  for (auto k : {FeedKind::Sina, FeedKind::Tencent, FeedKind::Eastmoney, FeedKind::WsJson, FeedKind::Rss,
                 FeedKind::JsonNews, FeedKind::Replay}) {
    if (to_string(k) == text) return k;
  }
  return make_error(ErrorCode::bad_config, "unknown kind '" + std::string(text) +
                                               "' (sina, tencent, eastmoney, ws-json, rss, json-news, replay)");
}

Result<FeedConfig> parse_feed_config(const YAML::Node& node) {
  try {
    return read(node);
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::bad_config, "line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

Result<std::vector<FeedConfig>> parse_feed_configs(const YAML::Node& feeds) {
  std::vector<FeedConfig> out;
  if (!feeds) return out;
  if (!feeds.IsSequence()) return make_error(ErrorCode::bad_config, where(feeds) + ": 'feeds' must be a list");
  std::set<std::string> names;
  for (const auto& n : feeds) {
    auto c = parse_feed_config(n);
    if (!c) return c.error();
    if (!names.insert(c->name).second)
      return make_error(ErrorCode::bad_config, where(n) + ": feed name '" + c->name + "' is used twice");
    out.push_back(std::move(*c));
  }
  return out;
}

}  // namespace lodestone::feeds
