// The `notify:` section as a whole: public_url, claim_timeout, the receivers, the routes, and
// what spans them (unique names, routes naming receivers that exist, something to send).
// yaml-cpp throws on some misuse; this file is the boundary where that becomes an error value.
#include "lodestone/notify/notify_config.hpp"

#include <algorithm>

#include "config_parts.hpp"
#include "url_parts.hpp"

namespace lodestone::notify {

const ReceiverConfig* NotifyConfig::receiver(std::string_view name) const {
  for (const auto& r : receivers)
    if (r.name == name) return &r;
  return nullptr;
}

namespace {

using detail::ConfigReader;
using std::chrono::milliseconds;

Status read_public_url(const ConfigReader& r, const YAML::Node& node, NotifyConfig& out) {
  auto url = r.text(node, "notify.public_url", 2048);
  if (!url) return url.error();
  const std::string expected =
      "notify.public_url must be where the board is reached, http:// or https:// with a host, e.g. "
      "http://127.0.0.1:8080";
  const auto parts = detail::split_url(*url);
  if (!parts || (parts->scheme != "http" && parts->scheme != "https")) return r.error(node, expected);
  if (parts->has_userinfo || !parts->query.empty() || url->find('#') != std::string::npos)
    return r.error(node, "notify.public_url must have no user, ?query or #fragment: links add /alerts/<id> to it");
  // Links are public_url + "/alerts/…": no trailing slash, or they would read "//alerts".
  while (!url->empty() && url->back() == '/') url->pop_back();
  out.public_url = std::move(*url);
  return {};
}

Result<NotifyConfig> read_section(const ConfigReader& r, const YAML::Node& node, const SecretReader& secrets) {
  NotifyConfig out;
  if (!node.IsDefined() || node.IsNull()) return out;  // no notify: nothing is sent
  if (auto st = r.keys(node, {"public_url", "claim_timeout", "receivers", "routes"}, "notify"); !st) return st.error();

  if (const auto n = ConfigReader::find(node, "public_url"))
    if (auto st = read_public_url(r, *n, out); !st) return st.error();
  if (const auto n = ConfigReader::find(node, "claim_timeout")) {
    auto value = r.duration(*n, "notify.claim_timeout", milliseconds(5'000), milliseconds(3'600'000));
    if (!value) return value.error();
    out.claim_timeout = *value;
  }

  const auto receivers = ConfigReader::find(node, "receivers");
  if (receivers && !receivers->IsNull()) {
    if (!receivers->IsSequence())
      return r.error(*receivers, "notify.receivers must be a list of receivers (- name: …, kind: …, url: …)");
    for (const auto& item : *receivers) {
      auto receiver = detail::read_receiver(r, item, secrets, out.warnings);
      if (!receiver) return receiver.error();
      if (out.receiver(receiver->name) != nullptr) {
        const auto name = ConfigReader::find(item, "name");
        return r.error(*name, "receiver " + receiver->name + " is defined twice: receiver names must be unique");
      }
      out.receivers.push_back(std::move(*receiver));
    }
  }

  const auto routes = ConfigReader::find(node, "routes");
  const bool has_routes = routes && routes->IsSequence() && routes->size() > 0;
  if (routes && !routes->IsNull() && !routes->IsSequence())
    return r.error(*routes, "notify.routes must be a list of routes (- match: …, receivers: [...])");
  if (has_routes && out.receivers.empty())
    return r.error(*routes, "notify.routes is given but notify.receivers is empty: a route needs receivers to send to");
  if (!has_routes && !out.receivers.empty())
    return r.error(routes ? *routes : node, "no route sends anything: add notify.routes, e.g. - receivers: [" +
                                                out.receivers.front().name +
                                                "] (a route without match takes every alert)");
  if (has_routes) {
    std::size_t index = 0;
    for (const auto& item : *routes) {
      auto route = detail::read_route(r, item, index++, out.receivers);
      if (!route) return route.error();
      out.routes.push_back(std::move(*route));
    }
  }

  for (const auto& receiver : out.receivers) {
    const bool used = std::any_of(out.routes.begin(), out.routes.end(), [&](const RouteConfig& route) {
      return std::find(route.receivers.begin(), route.receivers.end(), receiver.name) != route.receivers.end();
    });
    if (!used) out.warnings.push_back("receiver " + receiver.name + ": no route names it, so nothing is sent to it");
  }
  if (out.enabled() && out.public_url.empty())
    out.warnings.push_back("notify.public_url is not set: messages carry no link to the alert on the board");
  return out;
}

Result<NotifyConfig> read_guarded(const ConfigReader& r, const YAML::Node& node, const SecretReader& secrets) {
  try {
    return read_section(r, node, secrets);
  } catch (const YAML::Exception& e) {
    return r.error_at(e.mark, "notify: " + e.msg);
  }
}

}  // namespace

Result<NotifyConfig> read_notify_config(const YAML::Node& node, std::string_view file, const SecretReader& secrets) {
  return read_guarded(ConfigReader(file, std::nullopt), node, secrets);
}

Result<NotifyConfig> read_notify_config(const YAML::Node& node, std::string_view file, std::string_view text,
                                        const SecretReader& secrets) {
  return read_guarded(ConfigReader(file, text), node, secrets);
}

Result<NotifyConfig> parse_notify_config(std::string_view text, std::string_view file, const SecretReader& secrets) {
  const ConfigReader r(file, text);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return r.error_at(e.mark, "YAML syntax: " + e.msg);
  }
  if (!root.IsDefined() || root.IsNull()) return NotifyConfig{};
  if (!root.IsMap()) return r.error(root, "the config must be a mapping of sections (notify: …)");
  const auto notify = ConfigReader::find(root, "notify");
  if (!notify) return NotifyConfig{};
  return read_guarded(r, *notify, secrets);
}

}  // namespace lodestone::notify
