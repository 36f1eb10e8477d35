// One entry of `notify.receivers`: what each kind of service needs before anything is sent, so
// a mistake shows at startup with its line and column instead of as a failed delivery at 09:30.
#include <algorithm>

#include "config_parts.hpp"
#include "url_parts.hpp"

namespace lodestone::notify::detail {
namespace {

using std::chrono::milliseconds;

constexpr std::initializer_list<std::string_view> kReceiverKeys = {
    "name",     "kind",  "url",           "secret",  "secret_env",    "secret_file",     "chat_id",
    "mentions", "email", "send_resolved", "timeout", "give_up_after", "rate_per_minute", "ca_file"};

bool is_robot(ReceiverKind kind) {
  return kind == ReceiverKind::DingTalk || kind == ReceiverKind::WeCom || kind == ReceiverKind::Feishu;
}

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

bool query_has(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    if (pair.starts_with(key) && pair.size() > key.size() && pair[key.size()] == '=' && pair.size() > key.size() + 1)
      return true;
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  return false;
}

// A key that only some kinds take, given to another.
Status only_for(const ConfigReader& r, const YAML::Node& receiver, std::string_view key, std::string_view section,
                ReceiverKind kind, bool allowed, std::string_view kinds) {
  if (allowed) return {};
  if (const auto node = ConfigReader::find(receiver, key))
    return r.error(*node, std::string(section) + ": " + std::string(key) + " applies to " + std::string(kinds) +
                              " receivers, not " + std::string(to_string(kind)));
  return {};
}

Status read_url(const ConfigReader& r, const YAML::Node& node, std::string_view section, ReceiverConfig& out) {
  const auto url_node = ConfigReader::find(node, "url");
  const std::string where(section);
  if (!url_node) {
    // The API bases that have one; the robots' URLs carry their token and must be given.
    if (out.kind == ReceiverKind::Telegram) {
      out.url = "https://api.telegram.org";
      return {};
    }
    if (out.kind == ReceiverKind::ServerChan) {
      out.url = "https://sctapi.ftqq.com";
      return {};
    }
    const char* example = out.kind == ReceiverKind::DingTalk ? "https://oapi.dingtalk.com/robot/send?access_token=…"
                          : out.kind == ReceiverKind::WeCom ? "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
                          : out.kind == ReceiverKind::Feishu ? "https://open.feishu.cn/open-apis/bot/v2/hook/…"
                          : out.kind == ReceiverKind::Email  ? "smtp://smtp.example.com:587"
                                                             : "https://example.com/hook";
    return r.error(node, where + ": a " + std::string(to_string(out.kind)) + " receiver needs url, e.g. " + example);
  }
  auto url = r.text(*url_node, where + ": url", 2048);
  if (!url) return url.error();
  const auto parts = split_url(*url);
  const bool email = out.kind == ReceiverKind::Email;
  const char* schemes = email ? "smtp:// or smtps://" : "http:// or https://";
  if (!parts) return r.error(*url_node, where + ": url must be a URL with a host, starting with " + schemes);
  const std::string shown = safe_url(*url);
  if (email ? parts->scheme != "smtp" && parts->scheme != "smtps" : parts->scheme != "http" && parts->scheme != "https")
    return r.error(*url_node, where + ": url " + shown + " must start with " + schemes);
  if (parts->has_userinfo)
    return r.error(*url_node, where + ": url " + shown +
                                  " holds a user and password; give the password as secret_env or secret_file" +
                                  (email ? " and the user as email.username" : ""));
  switch (out.kind) {
    case ReceiverKind::DingTalk:
      if (!query_has(parts->query, "access_token"))
        return r.error(*url_node,
                       where + ": url " + shown + " has no access_token=…: copy the robot's whole webhook URL");
      break;
    case ReceiverKind::WeCom:
      if (!query_has(parts->query, "key"))
        return r.error(*url_node, where + ": url " + shown + " has no key=…: copy the robot's whole webhook URL");
      break;
    case ReceiverKind::Feishu: {
      const auto hook = parts->path.find("/hook/");
      if (hook == std::string::npos || hook + 6 >= parts->path.size())
        return r.error(*url_node, where + ": url " + shown + " has no /hook/<token>: copy the bot's whole webhook URL");
      break;
    }
    case ReceiverKind::Telegram:
    case ReceiverKind::ServerChan:
      // An API base: the token goes after it.
      if (!parts->query.empty() || url->find('#') != std::string::npos)
        return r.error(*url_node, where + ": url " + shown + " must be the API base, without ?query or #fragment");
      while (!url->empty() && url->back() == '/') url->pop_back();
      break;
    default:
      break;
  }
  out.url = std::move(*url);
  return {};
}

Status check_secret(const ConfigReader& r, const YAML::Node& node, std::string_view section, const ReadSecret& secret,
                    ReceiverConfig& out, std::vector<std::string>& warnings) {
  const std::string where(section);
  const auto kind_name = std::string(to_string(out.kind));
  auto bad = [&](const std::string& what) {
    return r.error_at(secret.mark, where + ": the secret from " + secret.origin + " " + what);
  };
  if (secret.source == SecretSource::None) {
    switch (out.kind) {
      case ReceiverKind::Webhook:
        warnings.push_back(where +
                           ": no secret, so its webhooks go out unsigned (give secret_env or secret_file "
                           "holding whsec_… to sign them, Standard Webhooks)");
        return {};
      case ReceiverKind::Telegram:
        return r.error(node, where + ": a telegram receiver needs the bot token as secret_env or secret_file");
      case ReceiverKind::ServerChan:
        return r.error(node, where + ": a serverchan receiver needs the SendKey as secret_env or secret_file");
      case ReceiverKind::Email:
        if (!out.email.username.empty())
          return r.error(node,
                         where + ": email.username is given: the SMTP password goes in secret_env or secret_file");
        return {};
      default:
        return {};  // DingTalk and Feishu signing is optional (keywords or an IP list secure them instead)
    }
  }
  switch (out.kind) {
    case ReceiverKind::Webhook:
      if (!valid_webhook_secret(secret.value))
        return bad("is not whsec_ followed by the base64 of at least 24 bytes (Standard Webhooks)");
      break;
    case ReceiverKind::DingTalk:
      if (!secret.value.starts_with("SEC"))
        return bad(
            "does not start with SEC: DingTalk's signing secret (加签) is the SEC… string the robot's page shows");
      break;
    case ReceiverKind::WeCom:
      return bad("is not used: WeCom robots are not signed, their key is part of url");
    case ReceiverKind::Telegram: {
      // <bot id>:<key>, as @BotFather gives it; it becomes part of the URL's path.
      const auto colon = secret.value.find(':');
      const bool ok = colon != std::string::npos && colon > 0 && colon + 1 < secret.value.size() &&
                      std::all_of(secret.value.begin(), secret.value.begin() + static_cast<std::ptrdiff_t>(colon),
                                  [](char c) { return c >= '0' && c <= '9'; }) &&
                      std::all_of(secret.value.begin() + static_cast<std::ptrdiff_t>(colon) + 1, secret.value.end(),
                                  [](char c) { return name_char(c) && c != '.'; });
      if (!ok) return bad("is not a bot token <digits>:<letters, digits, - and _> as @BotFather gives it");
      break;
    }
    case ReceiverKind::ServerChan:
      if (!std::all_of(secret.value.begin(), secret.value.end(), [](char c) { return name_char(c) && c != '.'; }))
        return bad("is not a SendKey (letters and digits)");
      break;
    case ReceiverKind::Email:
      if (out.email.username.empty()) return bad("is an SMTP password, but email.username is not given");
      break;
    default:
      break;
  }
  if (secret.source == SecretSource::Inline)
    warnings.push_back(where + ": secret written in the config; move it to secret_env or secret_file");
  out.secret = secret.value;
  out.secret_source = secret.source;
  return {};
}

bool mailbox(std::string_view address) {
  const auto at = address.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < address.size() &&
         address.find_first_of(" <>,;\"") == std::string_view::npos &&
         address.find('@', at + 1) == std::string_view::npos;
}

// "alerts@example.com" or "Lodestone <alerts@example.com>".
bool from_address(std::string_view from) {
  const auto open = from.rfind('<');
  if (open == std::string_view::npos) return mailbox(from);
  return from.back() == '>' && mailbox(from.substr(open + 1, from.size() - open - 2));
}

Status read_email(const ConfigReader& r, const YAML::Node& node, std::string_view section, ReceiverConfig& out) {
  const auto email_node = ConfigReader::find(node, "email");
  const std::string where = std::string(section) + ": email";
  if (!email_node) return r.error(node, std::string(section) + ": an email receiver needs email: {from: …, to: [...]}");
  if (auto st = r.keys(*email_node, {"from", "to", "username", "starttls"}, where); !st) return st;
  const auto from = ConfigReader::find(*email_node, "from");
  if (!from) return r.error(*email_node, where + " needs from, e.g. \"Lodestone <alerts@example.com>\"");
  auto from_text = r.text(*from, where + ".from", 512);
  if (!from_text) return from_text.error();
  if (!from_address(*from_text))
    return r.error(*from, where + ".from must be an address, e.g. \"Lodestone <alerts@example.com>\"");
  out.email.from = std::move(*from_text);
  const auto to = ConfigReader::find(*email_node, "to");
  if (!to) return r.error(*email_node, where + " needs to, a list of addresses");
  auto to_list = r.texts(*to, where + ".to", 512);
  if (!to_list) return to_list.error();
  if (to_list->empty()) return r.error(*to, where + ".to must name at least one address");
  std::size_t i = 0;
  for (const auto& item : *to) {
    if (!mailbox((*to_list)[i]))
      return r.error(item, where + ".to: each item must be an address such as desk@example.com");
    ++i;
  }
  out.email.to = std::move(*to_list);
  if (const auto user = ConfigReader::find(*email_node, "username")) {
    auto value = r.text(*user, where + ".username", 256);
    if (!value) return value.error();
    out.email.username = std::move(*value);
  }
  if (const auto tls = ConfigReader::find(*email_node, "starttls")) {
    auto value = r.boolean(*tls, where + ".starttls");
    if (!value) return value.error();
    out.email.starttls = *value;
  }
  return {};
}

}  // namespace

Result<Mentions> read_mentions(const ConfigReader& r, const YAML::Node& node, std::string_view what) {
  if (auto st = r.keys(node, {"mobiles", "user_ids", "all"}, what); !st) return st.error();
  Mentions m;
  if (const auto mobiles = ConfigReader::find(node, "mobiles")) {
    auto list = r.texts(*mobiles, std::string(what) + ".mobiles", 32);
    if (!list) return list.error();
    std::size_t i = 0;
    for (const auto& item : *mobiles) {
      const auto& mobile = (*list)[i++];
      const bool ok = mobile.size() >= 3 && std::all_of(mobile.begin(), mobile.end(), [](char c) {
                        return (c >= '0' && c <= '9') || c == '+' || c == '-';
                      });
      if (!ok)
        return r.error(item, std::string(what) + ".mobiles: each must be a phone number such as \"13800000000\"");
    }
    m.mobiles = std::move(*list);
  }
  if (const auto ids = ConfigReader::find(node, "user_ids")) {
    auto list = r.texts(*ids, std::string(what) + ".user_ids", 128);
    if (!list) return list.error();
    std::size_t i = 0;
    for (const auto& item : *ids)
      if ((*list)[i++].empty()) return r.error(item, std::string(what) + ".user_ids: an id must not be empty");
    m.user_ids = std::move(*list);
  }
  if (const auto all = ConfigReader::find(node, "all")) {
    auto value = r.boolean(*all, std::string(what) + ".all");
    if (!value) return value.error();
    m.all = *value;
  }
  return m;
}

Result<ReceiverConfig> read_receiver(const ConfigReader& r, const YAML::Node& node, const SecretReader& secrets,
                                     std::vector<std::string>& warnings) {
  if (!node.IsMap()) return r.error(node, "each receiver must be a mapping with name, kind and url");
  ReceiverConfig out;
  // The name first: every later message says which receiver it is about.
  const auto name = ConfigReader::find(node, "name");
  if (!name) return r.error(node, "a receiver needs a name (letters, digits, -, _ and .)");
  auto name_text = r.text(*name, "receiver name", 64);
  if (!name_text) return name_text.error();
  if (name_text->empty() || !std::all_of(name_text->begin(), name_text->end(), name_char))
    return r.error(*name,
                   "a receiver name must be 1 to 64 letters, digits, -, _ or . (it names the receiver in "
                   "metrics, the ledger and `lodestone notify-test`)");
  out.name = std::move(*name_text);
  const std::string section = "receiver " + out.name;
  if (auto st = r.keys(node, kReceiverKeys, section); !st) return st.error();

  const auto kind = ConfigReader::find(node, "kind");
  if (!kind)
    return r.error(node, section + " needs kind: webhook, dingtalk, wecom, feishu, telegram, serverchan or email");
  auto kind_text = r.text(*kind, section + ": kind", 64);
  if (!kind_text) return kind_text.error();
  auto parsed = parse_receiver_kind(*kind_text);
  if (!parsed) return r.error(*kind, section + ": " + parsed.error().message);
  out.kind = *parsed;

  const std::string_view robots = "dingtalk, wecom and feishu";
  if (auto st = only_for(r, node, "chat_id", section, out.kind, out.kind == ReceiverKind::Telegram, "telegram"); !st)
    return st.error();
  if (auto st = only_for(r, node, "mentions", section, out.kind, is_robot(out.kind), robots); !st) return st.error();
  if (auto st = only_for(r, node, "email", section, out.kind, out.kind == ReceiverKind::Email, "email"); !st)
    return st.error();

  if (auto st = read_url(r, node, section, out); !st) return st.error();
  if (out.kind == ReceiverKind::Email)
    if (auto st = read_email(r, node, section, out); !st) return st.error();

  if (out.kind == ReceiverKind::Telegram) {
    const auto chat = ConfigReader::find(node, "chat_id");
    if (!chat)
      return r.error(node, section + ": a telegram receiver needs chat_id, e.g. \"-1001234567890\" or \"@channel\"");
    auto id = r.text(*chat, section + ": chat_id", 128);
    if (!id) return id.error();
    const bool numeric = !id->empty() && std::all_of(id->begin() + (id->front() == '-' ? 1 : 0), id->end(), [](char c) {
      return c >= '0' && c <= '9';
    }) && id->size() > (id->front() == '-' ? 1U : 0U);
    const bool channel = id->size() > 1 && id->front() == '@' && std::all_of(id->begin() + 1, id->end(), [](char c) {
                           return name_char(c) && c != '-' && c != '.';
                         });
    if (!numeric && !channel)
      return r.error(*chat,
                     section + ": chat_id must be a chat's number (\"-1001234567890\") or a channel (\"@name\")");
    out.chat_id = std::move(*id);
  }

  if (const auto mentions = ConfigReader::find(node, "mentions")) {
    auto m = read_mentions(r, *mentions, section + ": mentions");
    if (!m) return m.error();
    if (out.kind == ReceiverKind::Feishu && !m->mobiles.empty())
      return r.error(*mentions,
                     section + ": mentions.mobiles: a Feishu bot mentions people by user_ids (open_id) only");
    out.mentions = std::move(*m);
  }

  auto secret = read_secret(r, node, section, secrets);
  if (!secret) return secret.error();
  if (auto st = check_secret(r, node, section, *secret, out, warnings); !st) return st.error();
  if (out.kind == ReceiverKind::Email && !out.email.starttls && out.url.starts_with("smtp:") && !out.secret.empty())
    warnings.push_back(section +
                       ": email.starttls is false: the SMTP password and the mail cross the network unencrypted");

  if (const auto n = ConfigReader::find(node, "send_resolved")) {
    auto value = r.boolean(*n, section + ": send_resolved");
    if (!value) return value.error();
    out.send_resolved = *value;
  }
  if (const auto n = ConfigReader::find(node, "timeout")) {
    auto value = r.duration(*n, section + ": timeout", milliseconds(100), milliseconds(300'000));
    if (!value) return value.error();
    out.timeout = *value;
  }
  if (const auto n = ConfigReader::find(node, "give_up_after")) {
    auto value = r.duration(*n, section + ": give_up_after", milliseconds(60'000), milliseconds(7 * 86'400'000LL));
    if (!value) return value.error();
    out.give_up_after = *value;
  }
  if (out.give_up_after < out.timeout) {
    const auto n = ConfigReader::find(node, "give_up_after");
    return r.error(n ? *n : node, section + ": give_up_after must be at least timeout (one attempt)");
  }
  if (const auto n = ConfigReader::find(node, "rate_per_minute")) {
    auto value = r.number(*n, section + ": rate_per_minute", 0.001, 100'000);
    if (!value) return value.error();
    out.rate_per_minute = *value;
  }
  if (const auto n = ConfigReader::find(node, "ca_file")) {
    auto value = r.text(*n, section + ": ca_file", 4096);
    if (!value) return value.error();
    if (value->empty()) return r.error(*n, section + ": ca_file must name a PEM file");
    out.ca_file = *value;
    out.email.ca_file = std::move(*value);
  }
  return out;
}

}  // namespace lodestone::notify::detail
