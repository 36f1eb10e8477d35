// Any bytes as a vendor WebSocket quote message under a nested mapping with a message sequence
// number, and under a flat one (the message is the update, or an array of them).
#include <cstdint>
#include <memory>
#include <string_view>

#include "lodestone/feeds/json_mapping.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lodestone::feeds;
  static std::unique_ptr<JsonQuoteParser> nested = [] {
    QuoteMapping m;
    m.items = "data.ticks";
    m.symbol = "s";
    m.price = "px.last";
    m.time = "t";
    m.volume = "vol";
    m.prev_close = "px.pre";
    m.bid = "b";
    m.ask = "a";
    m.seq = "seq";
    return JsonQuoteParser::create(m).value();
  }();
  static std::unique_ptr<JsonQuoteParser> flat = [] {
    QuoteMapping m;
    m.symbol = "s";
    m.price = "p";
    m.volume = "v";
    m.turnover = "amt";
    m.seq = "hdr.seq";
    m.volume_multiplier = 100;
    return JsonQuoteParser::create(m).value();
  }();
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (auto* parser : {nested.get(), flat.get()}) {
    QuoteBatch batch;
    parser->parse(bytes, lodestone::Timestamp{1}, batch);
    for (const auto& q : batch.quotes) {
      if (!q.last.positive()) __builtin_trap();
      if (q.volume && *q.volume < 0) __builtin_trap();
    }
    // A refused message carries no quotes, so no sequence number is trusted from it either.
    for (const auto& p : batch.problems)
      if ((p.code == lodestone::ErrorCode::bad_json || p.code == lodestone::ErrorCode::bad_encoding ||
           p.code == lodestone::ErrorCode::too_deep) &&
          !batch.quotes.empty())
        __builtin_trap();
  }
  return 0;
}
