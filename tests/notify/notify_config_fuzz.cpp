// The `notify:` section is edited by hand and reloaded with the config: any bytes give a config
// or a bad_config error with file:line:column, never a crash; no error or warning holds a
// secret; an accepted config is whole (unique names, every route's receivers exist, routes iff
// receivers) and routes an alert. Secrets come from fixed values: no environment, no files.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "lodestone/notify/notify_config.hpp"
#include "lodestone/notify/router.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// Synthetic values shaped as each service's secret, so that accepted configs are reached.
constexpr std::string_view kWebhook = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr std::string_view kDingTalk = "SECfuzz0123456789abcdef";
constexpr std::string_view kBot = "123456:fuzz-bot-token";

std::string secret_for(const std::string& name) {
  if (name.find("WH") != std::string::npos || name.find("whsec") != std::string::npos) return std::string(kWebhook);
  if (name.find("TG") != std::string::npos || name.find("bot") != std::string::npos) return std::string(kBot);
  return std::string(kDingTalk);
}

const lodestone::notify::SecretReader& fixed_secrets() {
  static const lodestone::notify::SecretReader reader = [] {
    lodestone::notify::SecretReader r;
    r.env = [](const std::string& name) -> std::optional<std::string> {
      if (name.starts_with("UNSET")) return std::nullopt;
      return secret_for(name);
    };
    r.file = [](const std::string& path) -> lodestone::Result<std::string> {
      if (path.starts_with("/missing")) return lodestone::make_error(lodestone::ErrorCode::not_found, "cannot be read");
      return secret_for(path) + "\n";
    };
    return r;
  }();
  return reader;
}

bool holds_secret(std::string_view text) {
  return text.find(kWebhook) != std::string_view::npos || text.find(kDingTalk) != std::string_view::npos ||
         text.find(kBot) != std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lodestone;
  using namespace lodestone::notify;
  if (size > 16 * 1024) return 0;  // a config section, not a file dump
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = parse_notify_config(text, "fuzz.yaml", fixed_secrets());
  // A secret read from the environment or a file never shows in a message (unless the config's
  // own text holds it, e.g. as a key name a message quotes).
  const bool text_holds_secret = holds_secret(text);
  if (!config) {
    check(config.error().code == ErrorCode::bad_config);
    check(config.error().message.starts_with("fuzz.yaml"));
    check(text_holds_secret || !holds_secret(config.error().message));
    return 0;
  }
  for (const auto& warning : config->warnings) check(text_holds_secret || !holds_secret(warning));
  check(config->routes.empty() == config->receivers.empty());
  check(config->public_url.empty() || config->public_url.back() != '/');
  std::set<std::string> names;
  for (const auto& r : config->receivers) {
    check(names.insert(r.name).second);
    check(config->receiver(r.name) == &r);
    check(!r.url.empty());
  }
  for (const auto& route : config->routes) {
    check(!route.receivers.empty());
    for (const auto& name : route.receivers) check(names.contains(name));
    if (route.quiet_hours) {
      check(route.quiet_hours->start_minute != route.quiet_hours->end_minute);
      check(route.quiet_hours->start_minute >= 0 && route.quiet_hours->start_minute < 1440);
      check(route.quiet_hours->end_minute >= 0 && route.quiet_hours->end_minute < 1440);
    }
  }
  // Route two synthetic alerts (short labels: the matchers' regexes run on them).
  const Router router(*config);
  Alert alert;
  alert.id = "fuzz-alert";
  alert.rule = "policy-news";
  alert.severity = Severity::Critical;
  alert.labels = {{"fingerprint", "0123456789abcdef"}, {"tags", "export"}};
  for (const AlertState state : {AlertState::Firing, AlertState::Resolved}) {
    alert.state = state;
    const auto hits = router.route(alert);
    std::set<std::string> reached;
    for (const auto& hit : hits) {
      check(reached.insert(hit.receiver).second);
      check(hit.route < config->routes.size());
      check(hit.group_key.starts_with("{}/{"));
      const auto* receiver = config->receiver(hit.receiver);
      check(receiver != nullptr);
      check(state == AlertState::Firing || receiver->send_resolved);
    }
  }
  return 0;
}
