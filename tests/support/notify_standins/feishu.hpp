#pragma once
// Feishu's (Lark's) custom bot (自定义机器人), POST /open-apis/bot/v2/hook/<token>, as Feishu's
// "自定义机器人使用指南" (open.feishu.cn/document/client-docs/bot-v3/add-custom-bot) describes it:
//   signature  top-level JSON fields "timestamp" (Unix SECONDS, a string in the doc's example)
//              and "sign" = base64(HmacSHA256(key = timestamp + "\n" + secret, message = ""))
//              (the string is the KEY, the message empty: DingTalk's the other way round),
//              the timestamp within 1 hour of Feishu's clock;
//   keywords   only text values are searched (text, title, content), never href/url;
//   bodies     msg_type text|post|interactive|image|share_chat; cards under "card"; <= 20 KB;
//   limits     5 a second and 100 a minute per bot.
// Every answer is HTTP 200; success {"StatusCode":0,"StatusMessage":"success","code":0,
// "data":{},"msg":"success"}; errors {"code":N,"data":{},"msg":"..."}:
//   19001 param invalid: incoming webhook access token invalid   19002 params error, msg_type need
//   19021 sign match fail or timestamp is not within one hour from current time
//   19024 Key Words Not Found   9499 Bad Request (malformed, or over 20 KB)   11232 frequency limited
#include <string>
#include <vector>

#include "standin.hpp"

namespace lodestone::testing {

struct FeishuOptions {
  std::string token = "synthetic-feishu-token";
  std::string secret;                 // empty: signature check off
  std::vector<std::string> keywords;  // empty: keyword check off
  StandInOptions server;
};

class FeishuStandIn final : public HttpStandIn {
 public:
  explicit FeishuStandIn(FeishuOptions options);
  [[nodiscard]] std::string url() const;  // base_url() + /open-apis/bot/v2/hook/<token>

 private:
  std::string token_;
};

}  // namespace lodestone::testing
