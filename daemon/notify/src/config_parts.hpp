#pragma once
// The readers of the `notify:` section's parts, one file each: a receiver (read_receiver.cpp),
// its secret (read_secret.cpp), a route (read_route.cpp); notify_config.cpp puts them together
// and checks what spans them (names, routes naming receivers).
#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>
#include <vector>

#include "config_reader.hpp"
#include "lodestone/notify/notify_config.hpp"

namespace lodestone::notify::detail {

struct ReadSecret {
  std::string value;
  SecretSource source = SecretSource::None;
  std::string origin;  // "secret_env DESK_SECRET", "secret_file /etc/x", "secret": for messages
  YAML::Mark mark;     // where the secret key's value is
};

// The receiver's secret from exactly one of secret, secret_env, secret_file (None when none is
// given). A file's trailing whitespace is trimmed; an unset or empty variable, an unreadable or
// empty file, or a secret with control characters is an error naming where it came from.
Result<ReadSecret> read_secret(const ConfigReader& reader, const YAML::Node& receiver, std::string_view section,
                               const SecretReader& secrets);

// Standard Webhooks: "whsec_" and the base64 of at least 24 bytes.
bool valid_webhook_secret(std::string_view secret);

Result<Mentions> read_mentions(const ConfigReader& reader, const YAML::Node& node, std::string_view what);

Result<ReceiverConfig> read_receiver(const ConfigReader& reader, const YAML::Node& node, const SecretReader& secrets,
                                     std::vector<std::string>& warnings);

// `receivers` are those already read: a route naming another is an error at that name.
Result<RouteConfig> read_route(const ConfigReader& reader, const YAML::Node& node, std::size_t index,
                               const std::vector<ReceiverConfig>& receivers);

}  // namespace lodestone::notify::detail
