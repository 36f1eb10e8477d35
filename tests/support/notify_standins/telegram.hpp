#pragma once
// The Telegram Bot API's sendMessage, POST /bot<token>/sendMessage (JSON, a form, or the query),
// as core.telegram.org/bots/api and the Bot FAQ describe it:
//   401 Unauthorized for a wrong token; 400 "Bad Request: chat not found" for a chat the bot is
//   not in; text 1-4096 characters after entity parsing (UTF-16 code units); parse_mode
//   MarkdownV2 or HTML parsed as Telegram does (telegram_markup.hpp), a mistake answered
//   400 "Bad Request: can't parse entities: ...";
//   limits: 1 message a second per chat and 20 a minute per group (a negative chat_id), over
//   them 429 {"ok":false,"error_code":429,"description":"Too Many Requests: retry after N",
//   "parameters":{"retry_after":N}} with N the seconds until the window has room.
// Success: {"ok":true,"result":{"message_id":N,"from":{...},"chat":{...},"date":S,"text":"..."}}.
#include <string>
#include <vector>

#include "standin.hpp"

namespace lodestone::testing {

struct TelegramOptions {
  std::string token = "123456789:synthetic-telegram-token";
  std::vector<std::string> chats;  // the chats the bot is in; empty: any chat
  StandInOptions server;
};

class TelegramStandIn final : public HttpStandIn {
 public:
  explicit TelegramStandIn(TelegramOptions options);
  // The API base a sender is configured with (ReceiverConfig::url): base_url().
  [[nodiscard]] std::string api_base() const { return base_url(); }
};

}  // namespace lodestone::testing
