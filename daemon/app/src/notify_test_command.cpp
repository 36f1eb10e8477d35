#include "lodestone/app/notify_test_command.hpp"

#include <future>
#include <ostream>

#include "lodestone/app/config.hpp"
#include "lodestone/notify/test_message.hpp"

namespace lodestone::app {
namespace {

// The start of the service's answer: enough to read its error code and words.
std::string answer_excerpt(const std::string& body) {
  constexpr std::size_t kShown = 400;
  if (body.size() <= kShown) return body;
  std::size_t cut = kShown;
  while (cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0U) == 0x80U) --cut;  // whole characters
  return body.substr(0, cut) + "…";
}

}  // namespace

int run_notify_test(const NotifyTestCommand& command, const Clock& clock, notify::Sender& sender, std::ostream& out,
                    std::ostream& err) {
  auto config = command.config.empty() ? Result<Config>(default_config()) : load_config(command.config);
  if (!config) {
    err << config.error().message << "\n";
    return 2;
  }
  for (const auto& w : config->notify.warnings) err << "warning: " << w << "\n";
  std::promise<Result<notify::TestResult>> answered;
  auto result = answered.get_future();
  notify::send_test(config->notify, command.receiver, sender, clock.now(),
                    [&answered](Result<notify::TestResult> r) { answered.set_value(std::move(r)); });
  auto r = result.get();
  if (!r) {
    err << "notify-test: " << r.error().message << "\n";
    return 2;
  }
  const auto* receiver = config->notify.receiver(command.receiver);
  out << command.receiver << " (" << notify::to_string(receiver->kind)
      << "): " << notify::to_string(r->verdict.outcome);
  if (!r->verdict.detail.empty()) out << " — " << r->verdict.detail;
  out << "\n";
  if (r->answer.transport_error) {
    out << "  no answer: " << to_string(r->answer.transport_error->code) << ": " << r->answer.transport_error->message
        << "\n";
  } else {
    out << "  answer: " << (receiver->kind == notify::ReceiverKind::Email ? "SMTP " : "HTTP ") << r->answer.http_status;
    if (!r->answer.body.empty()) out << " " << answer_excerpt(r->answer.body);
    out << "\n";
  }
  return r->verdict.outcome == notify::Outcome::Sent ? 0 : 1;
}

}  // namespace lodestone::app
