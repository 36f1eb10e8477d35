#pragma once
// JSON sources whose shape is configuration: a vendor's WebSocket quote push, and flash-news APIs.
// Paths are dotted object keys ("result.data.feed.list"); keys are matched exactly.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/core/result.hpp"
#include "lodestone/feeds/batch.hpp"

namespace lodestone::feeds {

// "result.data.feed.list" -> {"result","data","feed","list"}; empty text -> empty path.
Result<std::vector<std::string>> parse_json_path(std::string_view dotted);

struct QuoteMapping {
  std::string items;   // where the array of updates sits; empty: the message is one update (or an array)
  std::string symbol;  // required: any form Symbol::parse reads (159713.SZ, sz159713, 0.159713)
  std::string price;   // required: last price
  std::string time;    // epoch s/ms or time text; empty: the time the message was received
  std::string volume;  // cumulative
  std::string prev_close, open, high, low, bid, ask, turnover;
  std::int64_t volume_multiplier = 1;  // 100 when the vendor counts lots
  // The message's sequence number, from the document's root ("seq", "header.seq"); empty: the
  // vendor does not number its messages. Rules in sequence.hpp.
  std::string seq;
};

// Vendor JSON quote messages. Reuses buffers; one per connection.
class JsonQuoteParser {
 public:
  // Fails when a path is malformed or symbol/price are missing.
  static Result<std::unique_ptr<JsonQuoteParser>> create(const QuoteMapping& mapping);
  ~JsonQuoteParser();
  JsonQuoteParser(const JsonQuoteParser&) = delete;
  JsonQuoteParser& operator=(const JsonQuoteParser&) = delete;

  void parse(std::string_view message, Timestamp received, QuoteBatch& out);

 private:
  struct Impl;
  explicit JsonQuoteParser(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct NewsMapping {
  std::string source;  // shown as Headline::source ("财联社")
  std::string items;   // where the array of items sits
  std::string id;      // required; the source's unique id
  std::string title;   // may be empty or absent per item: the body's leading 【…】 or its start is used
  std::string body;
  std::string time;  // required: epoch s/ms or "YYYY-MM-DD HH:MM:SS" (exchange time)
  std::string url;
  std::string url_template;  // used when url is empty: "{id}" is replaced by the item's id
  // Corrections, where the vendor marks them (all optional): the id of the earlier item this one
  // corrects (Headline::corrects); a flag saying this item withdraws that one (Headline::retracts);
  // a flag saying this item itself was withdrawn (the `retracted` tag). A flag is true for JSON
  // true, a non-zero number, or the text "true" or "1". (Default-initialized, so a mapping
  // written as the eight paths above is still complete.)
  std::string corrects{};
  std::string retracts{};
  std::string retracted{};
};

// The shapes of the Chinese flash-news APIs (docs/market-data.md#flash-news): "sina-7x24",
// "eastmoney-kuaixun", "cls-telegraph".
Result<NewsMapping> builtin_news_mapping(std::string_view name);

class JsonNewsParser {
 public:
  static Result<std::unique_ptr<JsonNewsParser>> create(const NewsMapping& mapping);
  ~JsonNewsParser();
  JsonNewsParser(const JsonNewsParser&) = delete;
  JsonNewsParser& operator=(const JsonNewsParser&) = delete;

  void parse(std::string_view json, HeadlineBatch& out);

 private:
  struct Impl;
  explicit JsonNewsParser(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lodestone::feeds
