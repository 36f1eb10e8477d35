// The canonical NDJSON parser with simdjson's inline stage 2 built for AVX2 (see CMakeLists.txt).
#include <benchmark/benchmark.h>

#include "lodestone/feeds/canonical.hpp"
#include "messages.hpp"

namespace lodestone::feeds::bench {
namespace {

void BM_CanonicalNdjsonHaswell(benchmark::State& state) {
  CanonicalParser parser;
  bool ok = true;
  for (auto _ : state) {
    auto e = parser.parse(kCanonical);
    ok = ok && e.ok();
    benchmark::DoNotOptimize(e);
  }
  if (!ok) state.SkipWithError("parse failed");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kCanonical.size()));
}
BENCHMARK(BM_CanonicalNdjsonHaswell);

}  // namespace
}  // namespace lodestone::feeds::bench

BENCHMARK_MAIN();
