// What a notification costs before it reaches the network: render() (the service's markup, cut
// to its limit on character boundaries, signed) for each receiver kind, and classify() of the
// service's answer. The peer in the same run is the daemon's canonical JSON of the same alert
// (lodestone::to_json, what every alert already costs on its way to the store and the page), so
// the table reads as "a DingTalk message costs N× the alert's canonical JSON".
//
// The alert and receivers are tests/notify/notify_fixtures' (a real headline, SYNTHETIC prices,
// tokens and secrets) and `now` is fixed, so every run renders the same bytes.
#include <benchmark/benchmark.h>

#include "lodestone/core/json_writer.hpp"
#include "lodestone/notify/outbound.hpp"
#include "lodestone/notify/outbox.hpp"
#include "notify_fixtures.hpp"

namespace lodestone::notify {
namespace {

// The formatting tests' own fixtures: the same alert and one receiver of each kind, so the bench
// renders exactly what the golden files hold.
using testing::firing;
using testing::firing_alert;
using testing::fixed_now;
using testing::receiver;

void BM_CanonicalAlertJson(benchmark::State& state) {  // the peer
  const Alert a = firing_alert();
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto json = to_json(a);
    bytes += json.size();
    benchmark::DoNotOptimize(json);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_CanonicalAlertJson);

void BM_Render(benchmark::State& state) {
  const auto kind = static_cast<ReceiverKind>(state.range(0));
  const ReceiverConfig r = receiver(kind);
  const Notification n = firing();
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto request = render(r, n, fixed_now());
    if (!request) {
      state.SkipWithError(request.error().message.c_str());
      break;
    }
    bytes += request->body.size();
    benchmark::DoNotOptimize(request);
  }
  state.SetLabel(std::string(to_string(kind)));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_Render)->DenseRange(0, 6);

void BM_ClassifyDingTalkAnswer(benchmark::State& state) {
  ServiceAnswer a;
  a.http_status = 200;
  a.body = R"({"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"})";
  for (auto _ : state) benchmark::DoNotOptimize(classify(ReceiverKind::DingTalk, a));
}
BENCHMARK(BM_ClassifyDingTalkAnswer);

}  // namespace
}  // namespace lodestone::notify

BENCHMARK_MAIN();
