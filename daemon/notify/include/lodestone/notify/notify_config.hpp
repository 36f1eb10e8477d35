#pragma once
// The `notify:` section of the daemon's config: public_url, receivers, routes. A bad section
// fails with file:line:column and what was expected; secrets are read here (env, file) and
// never echoed in an error.
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/core/result.hpp"
#include "lodestone/notify/receiver.hpp"
#include "lodestone/notify/route.hpp"

namespace lodestone::notify {

struct NotifyConfig {
  std::string public_url;  // "http://127.0.0.1:8080": links in messages are this + "/alerts/<key>"
  std::vector<ReceiverConfig> receivers;
  std::vector<RouteConfig> routes;
  // A claimed entry whose daemon has not touched it for this long is taken over by another.
  std::chrono::milliseconds claim_timeout{60'000};
  std::vector<std::string> warnings;  // e.g. "receiver desk: secret written in the config"

  [[nodiscard]] const ReceiverConfig* receiver(std::string_view name) const;
  [[nodiscard]] bool enabled() const { return !receivers.empty(); }
};

// How secrets are read: the environment and files by default; tests inject their own.
struct SecretReader {
  std::function<std::optional<std::string>(const std::string& name)> env;
  std::function<Result<std::string>(const std::string& path)> file;
  // getenv, and files read whole (at most 64 KiB; errors say why, e.g. "cannot be read (No such
  // file or directory)", never what the file holds).
  static SecretReader system();
};

// `node` is the value of the `notify:` key; `file` names the config in diagnostics. An absent or
// empty section gives a config with nothing enabled. Errors are bad_config
// `file:line:column: what was expected`, the column in bytes as yaml-cpp counts them.
Result<NotifyConfig> read_notify_config(const YAML::Node& node, std::string_view file,
                                        const SecretReader& secrets = SecretReader::system());
// The same, given the whole config's `text` that `node` was loaded from: columns are then
// counted in characters, as an editor shows them (they differ after Chinese on the same line).
Result<NotifyConfig> read_notify_config(const YAML::Node& node, std::string_view file, std::string_view text,
                                        const SecretReader& secrets = SecretReader::system());
// The same from a whole YAML document holding `notify:` (the fuzz target's entry point).
Result<NotifyConfig> parse_notify_config(std::string_view text, std::string_view file, const SecretReader& secrets);

// `quiet_hours: "22:00-08:00"`: HH:MM-HH:MM in exchange time, wrapping past midnight when the
// end is earlier than the start; start and end must differ. critical_passes is left true.
Result<QuietHours> parse_quiet_hours(std::string_view text);

// A receiver URL as a message may show it: scheme://host[:port]/path, without user info, query
// or fragment, and with token-like path segments (Feishu's hook id) replaced by "…". DingTalk's
// and WeCom's tokens are in the query, Feishu's in the path: the whole URL is a secret.
std::string safe_url(std::string_view url);

}  // namespace lodestone::notify
