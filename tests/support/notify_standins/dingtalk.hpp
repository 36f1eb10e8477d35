#pragma once
// DingTalk's custom group robot (钉钉自定义机器人), POST /robot/send?access_token=TOKEN, as
// DingTalk's robot documentation describes it (open.dingtalk.com/document/robots/
// custom-robot-access and customize-robot-security-settings):
//   加签   &timestamp=<ms>&sign=<urlencode(base64(HmacSHA256(key=secret,
//          msg=timestamp + "\n" + secret)))>, the timestamp within 1 hour of DingTalk's clock;
//   关键词 the message must contain one of the robot's keywords;
//   bodies msgtype text|markdown|actionCard|link|feedCard with their required fields, UTF-8
//          JSON, at most 20000 bytes;
//   limit  20 messages a minute per robot; the 21st is refused and the robot is throttled for
//          10 minutes (会限流10分钟), every message in that time refused too.
// Every answer is HTTP 200 with {"errcode":N,"errmsg":"..."} (0 = sent):
//   40035  缺少参数 access_token / 缺少参数 json     300001 token is not exist, message param ...
//   310000 sign not match / invalid timestamp / keywords not in content (with DingTalk's
//          ", more: [...]" suffix as live answers carry it: branch on errcode, never errmsg)
//   130101 send too fast, exceed 20 times per minute   460101 message too long, exceed 20000 bytes
//   400105 不支持的 msgtype                             43004 无效的HTTP HEADER Content-Type
#include <string>
#include <vector>

#include "standin.hpp"

namespace lodestone::testing {

struct DingTalkOptions {
  std::string access_token = "synthetic-dingtalk-token";
  std::string secret;                 // "SEC..."; empty: 加签 off
  std::vector<std::string> keywords;  // empty: keyword security off
  StandInOptions server;
};

class DingTalkStandIn final : public HttpStandIn {
 public:
  explicit DingTalkStandIn(DingTalkOptions options);
  // The robot's webhook URL without the signature: base_url() + /robot/send?access_token=...
  [[nodiscard]] std::string url() const;
  // Whether the robot is throttled at `now` (after 130101, for 10 minutes).
  [[nodiscard]] bool throttled(Timestamp now) const;

 private:
  std::string token_;
};

}  // namespace lodestone::testing
