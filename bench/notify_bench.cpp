// What a notification costs before it reaches the network: render() (the service's markup, cut
// to its limit on character boundaries, signed) for each receiver kind, and classify() of the
// service's answer. The peer in the same run is the daemon's canonical JSON of the same alert
// (lodestone::to_json, what every alert already costs on its way to the store and the page), so
// the table reads as "a DingTalk message costs N× the alert's canonical JSON".
//
// The alert is SYNTHETIC (北方稀土 600111.SH, a +5.12% move with a 40-point price path and a
// headline), the secrets are synthetic, and `now` is fixed, so every run renders the same bytes.
#include <benchmark/benchmark.h>

#include "lodestone/core/json_writer.hpp"
#include "lodestone/notify/outbound.hpp"
#include "lodestone/notify/outbox.hpp"

namespace lodestone::notify {
namespace {

constexpr Timestamp kNow{1770618665000};  // 2026-02-09 14:31:05 +08:00

Alert synthetic_alert() {
  Alert a;
  a.rule = "news-and-move";
  a.severity = Severity::Warning;
  a.symbol = Symbol::parse("600111.SH").value();
  a.ts = kNow;
  a.id = "3f9a1c2b7d4e5f60:firing";
  a.message = "600111.SH 北方稀土 +5.12% since the previous close, near an export-control headline (synthetic)";
  MoveEvidence m;
  m.from = Price::parse("41.20").value();
  m.to = Price::parse("43.31").value();
  m.change_centipct = 512;
  m.window = "prev_close";
  for (int i = 0; i < 40; ++i)
    m.path.emplace_back(Timestamp{kNow.ms - (40 - i) * 60'000}, Price::parse(i % 2 ? "42.10" : "42.55").value());
  a.move = m;
  a.explained = true;
  a.headlines.push_back({"nbd-20260209-1423", "稀土板块强势领涨,稀土ETF(159713)盘中涨幅一度超过3.6%!", "每日经济新闻",
                         Timestamp{kNow.ms - 8 * 60'000}});
  a.labels = {{"fingerprint", "3f9a1c2b7d4e5f60"},
              {"rule", a.rule},
              {"severity", "warning"},
              {"symbol", "600111.SH"},
              {"name", "北方稀土"},
              {"explanation", "headline"},
              {"tags", "export_controls"},
              {"started_at", "2026-02-09T14:31:05.000+08:00"}};
  return a;
}

ReceiverConfig receiver(ReceiverKind kind) {
  ReceiverConfig r;
  r.name = "desk";
  r.kind = kind;
  switch (kind) {
    case ReceiverKind::Webhook:
      r.url = "http://127.0.0.1:9099/hook";
      r.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
      break;
    case ReceiverKind::DingTalk:
      r.url = "https://oapi.dingtalk.com/robot/send?access_token=synthetic";
      r.secret = "SECsynthetic0123456789abcdef";
      r.mentions.mobiles = {"13800000000"};
      break;
    case ReceiverKind::WeCom:
      r.url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=synthetic";
      break;
    case ReceiverKind::Feishu:
      r.url = "https://open.feishu.cn/open-apis/bot/v2/hook/synthetic";
      r.secret = "synthetic-feishu-secret";
      break;
    case ReceiverKind::Telegram:
      r.url = "https://api.telegram.org";
      r.secret = "123456789:synthetic";
      r.chat_id = "-1001234567890";
      break;
    case ReceiverKind::ServerChan:
      r.url = "https://sctapi.ftqq.com";
      r.secret = "SCTsynthetic";
      break;
    case ReceiverKind::Email:
      r.url = "smtp://127.0.0.1:2525";
      r.secret = "synthetic";
      r.email.from = "Lodestone <alerts@example.com>";
      r.email.to = {"desk@example.com"};
      r.email.username = "alerts";
      break;
  }
  return r;
}

Notification notification(const Alert& a) {
  Notification n;
  n.receiver = "desk";
  n.alerts = {a};
  n.id = entry_id(a.id, "desk");
  n.group_key = "{}:{fingerprint=\"3f9a1c2b7d4e5f60\"}";
  n.public_url = "https://lodestone.example.com";
  return n;
}

void BM_CanonicalAlertJson(benchmark::State& state) {  // the peer
  const Alert a = synthetic_alert();
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
  const Notification n = notification(synthetic_alert());
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto request = render(r, n, kNow);
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
