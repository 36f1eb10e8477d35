// `lodestone notify-test RECEIVER`: the test message through the real path to a stand-in of the
// service, and what the operator reads: the service took it (exit 0), refused it with its words
// (exit 1), or the configuration is wrong (exit 2); never the receiver's URL or secret.
#include "lodestone/app/notify_test_command.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <sstream>

#include "lodestone/core/clock.hpp"
#include "lodestone/notify/sender.hpp"
#include "lodestone/testing/temp_file.hpp"
#include "notify_standins/webhook.hpp"

namespace lodestone::app {
namespace {

const std::string kWhsec = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";  // synthetic

class NotifyTestCommandTest : public ::testing::Test {
 protected:
  NotifyTestCommandTest() {
    lodestone::testing::WebhookOptions o;
    o.secrets = {kWhsec};
    hook_ = std::make_unique<lodestone::testing::WebhookStandIn>(o);
  }
  ~NotifyTestCommandTest() override {
    for (const auto& f : files_) ::unlink(f.c_str());
  }
  std::string config(const std::string& secret) {
    files_.push_back(lodestone::testing::temp_file("notify:\n  receivers:\n    - {name: ops, kind: webhook, url: \"" +
                                                       hook_->url() + "\", secret: \"" + secret +
                                                       "\"}\n  routes:\n    - {receivers: [ops]}\n",
                                                   "lodestone-notify-test"));
    return files_.back();
  }
  int run(const std::string& receiver, const std::string& file) {
    out_.str("");
    err_.str("");
    return run_notify_test(NotifyTestCommand{receiver, file}, system_clock(), sender_, out_, err_);
  }

  std::unique_ptr<lodestone::testing::WebhookStandIn> hook_;
  notify::CurlSender sender_;
  std::vector<std::string> files_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(NotifyTestCommandTest, PrintsTheServicesAnswerAndExitsZeroWhenItTookTheMessage) {
  EXPECT_EQ(run("ops", config(kWhsec)), 0) << out_.str() << err_.str();
  EXPECT_NE(out_.str().find("ops (webhook): sent"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("HTTP 200"), std::string::npos) << out_.str();
  ASSERT_EQ(hook_->accepted_count(), 1U) << "signed as the service checks it";
  EXPECT_NE(hook_->accepted()[0].request.body.find("LodestoneTest"), std::string::npos);
  EXPECT_NE(err_.str().find("secret written in the config"), std::string::npos) << "inline secrets are warned about";
}

TEST_F(NotifyTestCommandTest, ARefusalExitsOneWithTheServicesWordsAndNoSecret) {
  const std::string wrong = "whsec_c3ludGhldGljLW90aGVyLXNlY3JldC0wMTIzNDU=";
  EXPECT_EQ(run("ops", config(wrong)), 1) << out_.str() << err_.str();
  EXPECT_NE(out_.str().find("broken"), std::string::npos) << out_.str();
  for (const auto& text : {out_.str(), err_.str()}) {
    EXPECT_EQ(text.find(wrong), std::string::npos);
    EXPECT_EQ(text.find(hook_->url()), std::string::npos) << "the receiver's URL is not printed";
  }
}

TEST_F(NotifyTestCommandTest, AnUnknownReceiverOrABadConfigExitsTwo) {
  EXPECT_EQ(run("desk", config(kWhsec)), 2);
  EXPECT_NE(err_.str().find("no receiver named \"desk\""), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("have: ops"), std::string::npos) << err_.str();
  EXPECT_EQ(run("ops", ""), 2) << "the built-in defaults configure no receivers";
  EXPECT_EQ(hook_->request_count(), 0U);
}

}  // namespace
}  // namespace lodestone::app
