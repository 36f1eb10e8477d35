// Parser throughput per source format. Each iteration parses one ~300-byte message (or a whole
// 50-line answer for the text formats, the way they arrive), reusing the parser.
#include <benchmark/benchmark.h>

#include "json_scan.hpp"
#include "lodestone/feeds/canonical.hpp"
#include "lodestone/feeds/charset.hpp"
#include "lodestone/feeds/eastmoney.hpp"
#include "lodestone/feeds/json_mapping.hpp"
#include "lodestone/feeds/sina.hpp"
#include "lodestone/feeds/tencent.hpp"
#include "messages.hpp"

namespace lodestone::feeds::bench {
namespace {

std::string repeat(const std::string& line, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += line;
  return out;
}

void report(benchmark::State& state, std::size_t messages_per_iteration, std::size_t bytes_per_iteration) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * messages_per_iteration));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes_per_iteration));
}

void BM_Sina(benchmark::State& state) {
  const std::string answer = repeat(kSinaLine, 50);
  QuoteBatch batch;
  for (auto _ : state) {
    batch.clear();
    parse_sina(answer, batch);
    benchmark::DoNotOptimize(batch.quotes.data());
  }
  if (batch.quotes.size() != 50) state.SkipWithError("parse failed");
  report(state, 50, answer.size());
}
BENCHMARK(BM_Sina);

void BM_SinaGbkDecodeAndParse(benchmark::State& state) {
  const std::string answer = to_utf8(repeat(kSinaLine, 50), Charset::Utf8).text;
  // Re-encode the UTF-8 fixture's name as GBK (稀土 = CF A1 CD C1) so the decoder has work to do.
  std::string gbk;
  for (std::size_t i = 0; i < answer.size();) {
    if (answer.compare(i, 6, "稀土") == 0) {
      gbk += "\xCF\xA1\xCD\xC1";
      i += 6;
    } else {
      gbk += answer[i++];
    }
  }
  QuoteBatch batch;
  for (auto _ : state) {
    batch.clear();
    parse_sina(to_utf8(gbk, Charset::Gb18030).text, batch);
    benchmark::DoNotOptimize(batch.quotes.data());
  }
  if (batch.quotes.size() != 50) state.SkipWithError("parse failed");
  report(state, 50, gbk.size());
}
BENCHMARK(BM_SinaGbkDecodeAndParse);

void BM_Tencent(benchmark::State& state) {
  const std::string answer = repeat(kTencentLine, 50);
  QuoteBatch batch;
  for (auto _ : state) {
    batch.clear();
    parse_tencent(answer, batch);
    benchmark::DoNotOptimize(batch.quotes.data());
  }
  if (batch.quotes.size() != 50) state.SkipWithError("parse failed");
  report(state, 50, answer.size());
}
BENCHMARK(BM_Tencent);

void BM_EastmoneyUlist(benchmark::State& state) {
  EastmoneyParser parser(EastmoneyScaling::Decimal);
  QuoteBatch batch;
  for (auto _ : state) {
    batch.clear();
    parser.parse(kEastmoneyUlist, batch);
    benchmark::DoNotOptimize(batch.quotes.data());
  }
  if (batch.quotes.size() != 1) state.SkipWithError("parse failed");
  state.SetLabel(std::string("stage 1: ") + std::string(detail::JsonScanner::kernel()));
  report(state, 1, kEastmoneyUlist.size());
}
BENCHMARK(BM_EastmoneyUlist);

void BM_VendorWs(benchmark::State& state) {
  QuoteMapping m;
  m.items = "data.ticks";
  m.symbol = "s";
  m.price = "px.last";
  m.time = "t";
  m.volume = "vol";
  m.prev_close = "px.pre";
  m.open = "px.open";
  m.high = "px.high";
  m.low = "px.low";
  m.bid = "book.b1";
  m.ask = "book.a1";
  m.turnover = "amt";
  auto parser = JsonQuoteParser::create(m).value();
  QuoteBatch batch;
  for (auto _ : state) {
    batch.clear();
    parser->parse(kVendorWs, Timestamp{0}, batch);
    benchmark::DoNotOptimize(batch.quotes.data());
  }
  if (batch.quotes.size() != 1) state.SkipWithError("parse failed");
  state.SetLabel(std::string("stage 1: ") + std::string(detail::JsonScanner::kernel()));
  report(state, 1, kVendorWs.size());
}
BENCHMARK(BM_VendorWs);

// The canonical parser as the library builds it (stage 2 compiled portable);
// feeds_bench_canonical_avx2 runs the same code with stage 2 compiled for AVX2.
void BM_CanonicalNdjson(benchmark::State& state) {
  CanonicalParser parser;
  bool ok = true;
  for (auto _ : state) {
    auto e = parser.parse(kCanonical);
    ok = ok && e.ok();
    benchmark::DoNotOptimize(e);
  }
  if (!ok) state.SkipWithError("parse failed");
  state.SetLabel("library build");
  report(state, 1, kCanonical.size());
}
BENCHMARK(BM_CanonicalNdjson);

}  // namespace
}  // namespace lodestone::feeds::bench

BENCHMARK_MAIN();
