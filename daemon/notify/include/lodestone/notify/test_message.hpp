#pragma once
// `lodestone notify-test RECEIVER`: a test message through the real path (render and sign, the
// sender, the service's answer read by classify), as Grafana's "test contact point" does. It
// bypasses the outbox and the pacing: an operator checking a token wants the answer now.
#include <functional>
#include <string>

#include "lodestone/core/result.hpp"
#include "lodestone/notify/notify_config.hpp"
#include "lodestone/notify/outbound.hpp"
#include "lodestone/notify/outbox.hpp"
#include "lodestone/notify/sender.hpp"

namespace lodestone::notify {

struct TestResult {
  Verdict verdict;
  ServiceAnswer answer;
};

// `done` runs once, on the sender's thread (or at once when the message cannot be made).
void send_test(const NotifyConfig& config, const std::string& receiver, Sender& sender, Timestamp now,
               const std::function<void(Result<TestResult>)>& done);

}  // namespace lodestone::notify
