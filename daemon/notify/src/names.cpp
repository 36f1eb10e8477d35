// The names the config, the ledger, metrics and the API spell, and the identities every daemon
// computes alike (entry ids, alert keys): the same input gives the same string on any machine.
#include <openssl/sha.h>

#include <array>
#include <cstdio>

#include "lodestone/notify/ledger.hpp"
#include "lodestone/notify/notification.hpp"
#include "lodestone/notify/outbound.hpp"
#include "lodestone/notify/outbox.hpp"
#include "lodestone/notify/receiver.hpp"
#include "lodestone/notify/route.hpp"

namespace lodestone::notify {
namespace {

constexpr std::array<std::pair<ReceiverKind, std::string_view>, 7> kKinds{{
    {ReceiverKind::Webhook, "webhook"},
    {ReceiverKind::DingTalk, "dingtalk"},
    {ReceiverKind::WeCom, "wecom"},
    {ReceiverKind::Feishu, "feishu"},
    {ReceiverKind::Telegram, "telegram"},
    {ReceiverKind::ServerChan, "serverchan"},
    {ReceiverKind::Email, "email"},
}};

constexpr std::array<std::pair<DeliveryState, std::string_view>, 5> kStates{{
    {DeliveryState::Pending, "pending"},
    {DeliveryState::Sent, "sent"},
    {DeliveryState::Failed, "failed"},
    {DeliveryState::Silenced, "silenced"},
    {DeliveryState::Skipped, "skipped"},
}};

template <class Table, class Value>
std::string_view name_of(const Table& table, Value v) {
  for (const auto& [value, name] : table)
    if (value == v) return name;
  return "unknown";
}

template <class Table>
std::string known_names(const Table& table) {
  std::string out;
  for (const auto& entry : table) {
    if (!out.empty()) out += ", ";
    out += entry.second;
  }
  return out;
}

}  // namespace

std::string_view to_string(ReceiverKind kind) { return name_of(kKinds, kind); }

Result<ReceiverKind> parse_receiver_kind(std::string_view text) {
  for (const auto& [kind, name] : kKinds)
    if (name == text) return kind;
  return make_error(ErrorCode::bad_config,
                    "unknown receiver kind \"" + std::string(text) + "\" (one of " + known_names(kKinds) + ")");
}

std::string_view to_string(DeliveryState state) { return name_of(kStates, state); }

Result<DeliveryState> parse_delivery_state(std::string_view text) {
  for (const auto& [state, name] : kStates)
    if (name == text) return state;
  return make_error(ErrorCode::bad_field, "unknown delivery state \"" + std::string(text) + "\"");
}

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::Sent:
      return "sent";
    case Outcome::Retry:
      return "retry";
    case Outcome::RateLimited:
      return "rate_limited";
    case Outcome::Broken:
      return "broken";
  }
  return "unknown";
}

std::string alert_key(const Alert& alert) {
  if (auto it = alert.labels.find("fingerprint"); it != alert.labels.end() && !it->second.empty()) return it->second;
  return alert.id;
}

std::map<std::string, std::string> routing_labels(const Alert& alert) {
  auto labels = alert.labels;
  labels["rule"] = alert.rule;
  labels["severity"] = std::string(to_string(alert.severity));
  labels["state"] = std::string(to_string(alert.state));
  if (alert.symbol) labels["symbol"] = alert.symbol->str();
  return labels;
}

std::string entry_id(std::string_view notification_id, std::string_view receiver) {
  std::string input(notification_id);
  input.push_back('|');
  input.append(receiver);
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest.data());
  std::string out;
  out.reserve(32);
  char hex[3];
  for (std::size_t i = 0; i < 16; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", digest[i]);
    out.append(hex, 2);
  }
  return out;
}

}  // namespace lodestone::notify
