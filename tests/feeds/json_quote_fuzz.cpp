// Any bytes as a vendor WebSocket quote message under a nested mapping.
#include <cstdint>
#include <memory>
#include <string_view>

#include "lodestone/feeds/json_mapping.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lodestone::feeds;
  static std::unique_ptr<JsonQuoteParser> parser = [] {
    QuoteMapping m;
    m.items = "data.ticks";
    m.symbol = "s";
    m.price = "px.last";
    m.time = "t";
    m.volume = "vol";
    m.prev_close = "px.pre";
    m.bid = "b";
    m.ask = "a";
    return JsonQuoteParser::create(m).value();
  }();
  QuoteBatch batch;
  parser->parse(std::string_view(reinterpret_cast<const char*>(data), size), lodestone::Timestamp{1}, batch);
  for (const auto& q : batch.quotes) {
    if (!q.last.positive()) __builtin_trap();
  }
  return 0;
}
