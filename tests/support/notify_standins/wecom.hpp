#pragma once
// WeCom's group robot (企业微信群机器人), POST /cgi-bin/webhook/send?key=KEY, as WeCom's
// "群机器人配置说明" (developer.work.weixin.qq.com/document/path/91770) describes it: the key
// is the only credential (no signing); msgtype text|markdown|markdown_v2|image|news|file|
// voice|template_card with their required fields; text.content at most 2048 BYTES and
// markdown(_v2).content at most 4096 BYTES of UTF-8 (a CJK character is 3); 20 messages a
// minute per robot. Every answer is HTTP 200 with {"errcode":N,"errmsg":"<words>, hint: [...],
// from ip: ..., more info at https://open.work.weixin.qq.com/devtool/query?e=N"}:
//   93000 invalid webhook url (wrong or missing key)   40008 invalid message type
//   40058 <field> exceed max length N / invalid Request Parameter   44004 empty content
//   45009 api freq out of limit (the rate limit; the doc names no code, live answers use this)
#include <string>

#include "standin.hpp"

namespace lodestone::testing {

struct WeComOptions {
  std::string key = "synthetic-wecom-key";
  StandInOptions server;
};

class WeComStandIn final : public HttpStandIn {
 public:
  explicit WeComStandIn(WeComOptions options);
  [[nodiscard]] std::string url() const;  // base_url() + /cgi-bin/webhook/send?key=...

 private:
  std::string key_;
};

}  // namespace lodestone::testing
