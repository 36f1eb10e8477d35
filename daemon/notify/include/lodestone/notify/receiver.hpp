#pragma once
// One place a notification goes: a group robot, a webhook, a chat, a mailbox. What the
// `notify.receivers` list in the config says, with its secret already read (from the
// environment, a file or, warned about, the config itself). The secret never leaves this
// struct except into a signature or the service's URL: logs, metrics and /api name the
// receiver by `name` only.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/core/result.hpp"

namespace lodestone::notify {

enum class ReceiverKind : std::uint8_t { Webhook, DingTalk, WeCom, Feishu, Telegram, ServerChan, Email };
std::string_view to_string(ReceiverKind kind);  // "webhook", "dingtalk", ...
Result<ReceiverKind> parse_receiver_kind(std::string_view text);

// Who a group robot @-mentions (DingTalk mobiles/user ids, WeCom user ids/mobiles, Feishu
// open_ids); per receiver, overridable per route.
struct Mentions {
  std::vector<std::string> mobiles;
  std::vector<std::string> user_ids;
  bool all = false;
  [[nodiscard]] bool empty() const { return mobiles.empty() && user_ids.empty() && !all; }
};

// Where the secret came from, for the log's warning and `check-config` (never the secret).
enum class SecretSource : std::uint8_t { None, Env, File, Inline };

struct EmailSettings {
  std::string from;             // "Lodestone <alerts@example.com>"
  std::vector<std::string> to;  // recipients
  std::string username;         // SMTP AUTH user; the password is the receiver's secret
  bool starttls = true;         // smtp:// upgraded with STARTTLS (required unless false)
  std::string ca_file;          // extra trust anchor (tests' own CA)
};

struct ReceiverConfig {
  std::string name;
  ReceiverKind kind = ReceiverKind::Webhook;
  // The service's endpoint. For DingTalk/WeCom/Feishu it carries the robot's token, so it is a
  // secret too; for Telegram the bot token is `secret` and `url` is the API base
  // (https://api.telegram.org); for ServerChan the SendKey is `secret` and `url` the API base;
  // for email an smtp:// or smtps:// URL.
  std::string url;
  std::string
      secret;  // whsec_… for webhooks, SEC… for DingTalk, Feishu's signing secret, bot token, SendKey, SMTP password
  SecretSource secret_source = SecretSource::None;
  std::string chat_id;  // Telegram
  Mentions mentions;
  EmailSettings email;
  bool send_resolved = true;
  std::chrono::milliseconds timeout{15'000};               // one attempt
  std::chrono::milliseconds give_up_after{6 * 3'600'000};  // then dead-lettered
  std::optional<double> rate_per_minute;                   // override the service's documented limit
  std::string ca_file;                                     // extra trust anchor for https (tests)
};

}  // namespace lodestone::notify
