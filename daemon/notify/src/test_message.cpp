#include "lodestone/notify/test_message.hpp"

namespace lodestone::notify {

void send_test(const NotifyConfig& config, const std::string& receiver, Sender& sender, Timestamp now,
               const std::function<void(Result<TestResult>)>& done) {
  const ReceiverConfig* r = config.receiver(receiver);
  if (!r) {
    std::string known;
    for (const auto& c : config.receivers) known += (known.empty() ? "" : ", ") + c.name;
    done(make_error(ErrorCode::not_found, "no receiver named \"" + receiver + "\" in notify.receivers" +
                                              (known.empty() ? " (none configured)" : " (have: " + known + ")")));
    return;
  }
  Notification n;
  n.kind = NotificationKind::Test;
  n.receiver = r->name;
  n.public_url = config.public_url;
  n.id = entry_id("test:" + std::to_string(now.ms), r->name);
  auto request = render(*r, n, now);
  if (!request) {
    done(request.error());
    return;
  }
  sender.send(std::move(*request), [kind = r->kind, done](ServiceAnswer answer) {
    Verdict v = classify(kind, answer);
    done(TestResult{std::move(v), std::move(answer)});
  });
}

}  // namespace lodestone::notify
