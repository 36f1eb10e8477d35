#pragma once
// ServerChan Turbo (Server酱), POST /<SENDKEY>.send with JSON, a form, or the query, as its
// parameter doc describes it (sct.ftqq.com, as quoted by easychen/serverchan-sdk): title
// required and at most 32 characters, desp (Markdown) at most 32 KB, short at most 64
// characters, channel at most two joined by '|'. The answer is {code, message, data} with code 0
// meaning sent. Observed for a wrong key: {"code":40001,"message":"bad pushtoken"}. The service
// documents no code for a bad parameter: the stand-in answers code 40002 with words saying what,
// which is all a sender may rely on (code != 0: not sent). The free tier's 5 a day is hearsay
// with no documented answer, so no rate limit is enforced; fail_next() can play one.
#include <string>

#include "standin.hpp"

namespace lodestone::testing {

struct ServerChanOptions {
  std::string sendkey = "SCTsyntheticSendKey";
  StandInOptions server;
};

class ServerChanStandIn final : public HttpStandIn {
 public:
  explicit ServerChanStandIn(ServerChanOptions options);
  [[nodiscard]] std::string api_base() const { return base_url(); }
  [[nodiscard]] std::string url() const;  // base_url() + /<sendkey>.send
 private:
  std::string sendkey_;
};

}  // namespace lodestone::testing
