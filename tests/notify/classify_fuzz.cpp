// classify() reads what services answer: any body, any status, for every kind. It never
// crashes, its detail stays bounded valid UTF-8 without a URL, only a rate limit pauses (for at
// least a second) and only a sent message carries a reference.
// The first input byte picks the kind and the status class; the rest is the body.
#include <array>
#include <cstdint>
#include <string_view>

#include "lodestone/notify/outbound.hpp"
#include "utf8_cut.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lodestone;
  using namespace lodestone::notify;
  if (size == 0) return 0;
  static constexpr std::array<long, 12> kStatuses{0, 200, 204, 250, 301, 400, 401, 410, 429, 450, 500, 502};
  static constexpr std::array<ReceiverKind, 7> kKinds{
      ReceiverKind::Webhook,  ReceiverKind::DingTalk,   ReceiverKind::WeCom, ReceiverKind::Feishu,
      ReceiverKind::Telegram, ReceiverKind::ServerChan, ReceiverKind::Email};
  const std::uint8_t pick = data[0];
  ServiceAnswer answer;
  answer.http_status = kStatuses[(pick >> 3) % kStatuses.size()];
  if (answer.http_status == 0) answer.transport_error = make_error(ErrorCode::timeout, "timed out");
  if (pick & 0x80U) answer.retry_after = std::chrono::seconds(pick & 0x3FU);
  answer.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  const Verdict v = classify(kKinds[pick % kKinds.size()], answer);
  if (v.detail.size() > 300) __builtin_trap();
  if (!detail::valid_utf8(v.detail)) __builtin_trap();
  if (v.detail.find("://") != std::string::npos) __builtin_trap();
  if (v.pause.has_value() != (v.outcome == Outcome::RateLimited)) __builtin_trap();
  if (v.pause && v.pause->count() < 1) __builtin_trap();
  if (!v.message_ref.empty() && v.outcome != Outcome::Sent) __builtin_trap();
  return 0;
}
