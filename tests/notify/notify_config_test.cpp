// The `notify:` section: what it reads, its defaults, and every mistake it refuses with the
// line:column and what was expected. Secrets come from a fake SecretReader (no environment,
// no files); no error or warning ever holds a secret or a robot URL's token.
#include "lodestone/notify/notify_config.hpp"

#include <gtest/gtest.h>

#include <map>

namespace lodestone::notify {
namespace {

using std::chrono::milliseconds;

// Synthetic secrets: none of them was ever a real credential.
constexpr const char* kDeskSecret = "SECdesk0123456789abcdef";
constexpr const char* kWebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";  // 24 bytes
constexpr const char* kBotToken = "123456:ABC-synthetic_token";
constexpr const char* kRobotToken = "tok0synthetic0123";

SecretReader fake_secrets(std::map<std::string, std::string> env, std::map<std::string, std::string> files) {
  SecretReader s;
  s.env = [env = std::move(env)](const std::string& name) -> std::optional<std::string> {
    if (auto it = env.find(name); it != env.end()) return it->second;
    return std::nullopt;
  };
  s.file = [files = std::move(files)](const std::string& path) -> Result<std::string> {
    if (auto it = files.find(path); it != files.end()) return it->second;
    return make_error(ErrorCode::not_found, "cannot be read (No such file or directory)");
  };
  return s;
}

SecretReader default_secrets() {
  return fake_secrets({{"DESK_SECRET", kDeskSecret},
                       {"TG_BOT_TOKEN", kBotToken},
                       {"SMTP_PASSWORD", "synthetic-pw"},
                       {"EMPTY", ""},
                       {"NEWLINE", "SECab\ncd"}},
                      {{"/etc/lodestone/ops.whsec", std::string(kWebhookSecret) + "\n"},
                       {"/blank", " \n\n"},
                       {"/short.whsec", "whsec_c2hvcnQ=\n"}});
}

Result<NotifyConfig> parse(const std::string& yaml, const SecretReader& secrets = default_secrets()) {
  return parse_notify_config(yaml, "notify.yaml", secrets);
}

// The error's text, failing the test when the config was accepted.
std::string error_of(const std::string& yaml, const SecretReader& secrets = default_secrets()) {
  auto config = parse(yaml, secrets);
  if (config) {
    ADD_FAILURE() << "accepted:\n" << yaml;
    return {};
  }
  EXPECT_EQ(config.error().code, ErrorCode::bad_config);
  return config.error().message;
}

// Every error starts with file:line:column and holds `what`.
#define EXPECT_CONFIG_ERROR(yaml, position, what)                                                   \
  do {                                                                                              \
    const std::string message_ = error_of(yaml);                                                    \
    EXPECT_TRUE(message_.starts_with(std::string("notify.yaml:") + (position) + ": ")) << message_; \
    EXPECT_NE(message_.find(what), std::string::npos) << message_;                                  \
    EXPECT_EQ(message_.find(kDeskSecret), std::string::npos) << message_;                           \
    EXPECT_EQ(message_.find(kRobotToken), std::string::npos) << message_;                           \
  } while (false)

const std::string kFull = R"(notify:
  public_url: http://127.0.0.1:8080/
  claim_timeout: 90s
  receivers:
    - name: desk
      kind: dingtalk
      url: https://oapi.dingtalk.com/robot/send?access_token=tok0synthetic0123
      secret_env: DESK_SECRET
      mentions: { mobiles: ["13800000000"], user_ids: [], all: false }
      send_resolved: false
      timeout: 500ms
      give_up_after: 2h
      rate_per_minute: 18
    - name: ops
      kind: webhook
      url: http://127.0.0.1:9099/hook
      secret_file: /etc/lodestone/ops.whsec
    - name: tg
      kind: telegram
      secret_env: TG_BOT_TOKEN
      chat_id: "-1001234567890"
    - name: mail
      kind: email
      url: smtp://smtp.example.com:587
      secret_env: SMTP_PASSWORD
      email: { from: "Lodestone <alerts@example.com>", to: [desk@example.com], username: alerts, starttls: true }
  routes:
    - match: { severity: critical }
      receivers: [desk, ops]
      continue: true
    - match: { rule: policy-news, symbol: "!600111.SH" }
      match_re: { tags: ".*export.*" }
      receivers: [desk, tg, mail]
      group_by: [rule]
      group_wait: 30s
      group_interval: 5m
      repeat_interval: 4h
      quiet_hours: "22:00-08:00"
      quiet_critical: hold
      mentions: { all: true }
)";

TEST(NotifyConfig, ReadsTheWholeSection) {
  auto config = parse(kFull);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->public_url, "http://127.0.0.1:8080") << "the trailing slash is stripped";
  EXPECT_EQ(config->claim_timeout, milliseconds(90'000));
  ASSERT_EQ(config->receivers.size(), 4U);
  EXPECT_TRUE(config->enabled());

  const auto* desk = config->receiver("desk");
  ASSERT_NE(desk, nullptr);
  EXPECT_EQ(desk->kind, ReceiverKind::DingTalk);
  EXPECT_EQ(desk->url, "https://oapi.dingtalk.com/robot/send?access_token=tok0synthetic0123");
  EXPECT_EQ(desk->secret, kDeskSecret);
  EXPECT_EQ(desk->secret_source, SecretSource::Env);
  EXPECT_EQ(desk->mentions.mobiles, std::vector<std::string>{"13800000000"});
  EXPECT_TRUE(desk->mentions.user_ids.empty());
  EXPECT_FALSE(desk->mentions.all);
  EXPECT_FALSE(desk->send_resolved);
  EXPECT_EQ(desk->timeout, milliseconds(500));
  EXPECT_EQ(desk->give_up_after, milliseconds(2 * 3'600'000));
  ASSERT_TRUE(desk->rate_per_minute);
  EXPECT_DOUBLE_EQ(*desk->rate_per_minute, 18);

  const auto* ops = config->receiver("ops");
  ASSERT_NE(ops, nullptr);
  EXPECT_EQ(ops->kind, ReceiverKind::Webhook);
  EXPECT_EQ(ops->secret, kWebhookSecret) << "the file's final newline is trimmed";
  EXPECT_EQ(ops->secret_source, SecretSource::File);

  const auto* tg = config->receiver("tg");
  ASSERT_NE(tg, nullptr);
  EXPECT_EQ(tg->url, "https://api.telegram.org") << "Telegram's API base by default";
  EXPECT_EQ(tg->secret, kBotToken);
  EXPECT_EQ(tg->chat_id, "-1001234567890");

  const auto* mail = config->receiver("mail");
  ASSERT_NE(mail, nullptr);
  EXPECT_EQ(mail->email.from, "Lodestone <alerts@example.com>");
  EXPECT_EQ(mail->email.to, std::vector<std::string>{"desk@example.com"});
  EXPECT_EQ(mail->email.username, "alerts");
  EXPECT_TRUE(mail->email.starttls);
  EXPECT_EQ(mail->secret, "synthetic-pw");

  ASSERT_EQ(config->routes.size(), 2U);
  const auto& critical = config->routes[0];
  ASSERT_EQ(critical.matchers.size(), 1U);
  EXPECT_EQ(critical.matchers[0].str(), "severity=\"critical\"");
  EXPECT_TRUE(critical.continue_matching);
  EXPECT_EQ(critical.line, 28);

  const auto& news = config->routes[1];
  ASSERT_EQ(news.matchers.size(), 3U);
  EXPECT_EQ(news.matchers[0].str(), "rule=\"policy-news\"");
  EXPECT_EQ(news.matchers[1].op, rules::Matcher::Op::NotEqual);
  EXPECT_EQ(news.matchers[1].str(), "symbol!=\"600111.SH\"");
  EXPECT_EQ(news.matchers[2].op, rules::Matcher::Op::Regex);
  EXPECT_EQ(news.matchers[2].str(), "tags=~\".*export.*\"");
  EXPECT_EQ(news.receivers, (std::vector<std::string>{"desk", "tg", "mail"}));
  EXPECT_FALSE(news.continue_matching);
  EXPECT_EQ(news.group_by, std::vector<std::string>{"rule"});
  EXPECT_EQ(news.group_wait, milliseconds(30'000));
  EXPECT_EQ(news.group_interval, milliseconds(5 * 60'000));
  EXPECT_EQ(news.repeat_interval, milliseconds(4 * 3'600'000));
  ASSERT_TRUE(news.quiet_hours);
  EXPECT_EQ(news.quiet_hours->start_minute, 22 * 60);
  EXPECT_EQ(news.quiet_hours->end_minute, 8 * 60);
  EXPECT_FALSE(news.quiet_hours->critical_passes) << "quiet_critical: hold";
  ASSERT_TRUE(news.mentions);
  EXPECT_TRUE(news.mentions->all);
  EXPECT_TRUE(config->warnings.empty()) << config->warnings.front();
}

TEST(NotifyConfig, DefaultsOfAMinimalSection) {
  auto config = parse(R"(notify:
  receivers:
    - { name: ops, kind: webhook, url: "https://hooks.example.com/in", secret_file: /etc/lodestone/ops.whsec }
  routes:
    - receivers: [ops]
)");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->public_url, "");
  EXPECT_EQ(config->claim_timeout, milliseconds(60'000));
  const auto& ops = config->receivers.at(0);
  EXPECT_TRUE(ops.send_resolved);
  EXPECT_EQ(ops.timeout, milliseconds(15'000));
  EXPECT_EQ(ops.give_up_after, milliseconds(6 * 3'600'000));
  EXPECT_FALSE(ops.rate_per_minute);
  EXPECT_TRUE(ops.mentions.empty());
  const auto& route = config->routes.at(0);
  EXPECT_TRUE(route.matchers.empty()) << "a route without match takes every alert";
  EXPECT_FALSE(route.continue_matching);
  EXPECT_TRUE(route.group_by.empty());
  EXPECT_EQ(route.group_wait, milliseconds(0));
  EXPECT_EQ(route.group_interval, milliseconds(30'000));
  EXPECT_EQ(route.repeat_interval, milliseconds(4 * 3'600'000));
  EXPECT_FALSE(route.quiet_hours);
  EXPECT_FALSE(route.mentions);
  ASSERT_EQ(config->warnings.size(), 1U);
  EXPECT_NE(config->warnings[0].find("public_url"), std::string::npos) << config->warnings[0];
}

TEST(NotifyConfig, NoSectionNothingEnabled) {
  for (const char* yaml : {"", "web: {}\n", "notify:\n", "notify: {}\n", "notify:\n  receivers: []\n  routes: []\n"}) {
    auto config = parse(yaml);
    ASSERT_TRUE(config) << yaml << ": " << config.error().message;
    EXPECT_FALSE(config->enabled()) << yaml;
  }
  auto node = YAML::Load("{}");
  auto config = read_notify_config(node["notify"], "daemon.yaml", default_secrets());
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_FALSE(config->enabled());
}

TEST(NotifyConfig, ReadsTheNodeOfAWholeConfig) {
  // What the daemon's config reader does: it loaded the file, hands over `notify:` and the text.
  const YAML::Node root = YAML::Load(kFull);
  auto config = read_notify_config(root["notify"], "daemon.yaml", kFull, default_secrets());
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->receivers.size(), 4U);
}

TEST(NotifyConfigErrors, UnknownKeysListTheKnownOnes) {
  EXPECT_CONFIG_ERROR("notify:\n  public_uri: http://x\n", "2:3",
                      "unknown key 'public_uri' in notify (expected one of: public_url, claim_timeout, receivers, "
                      "routes)");
  EXPECT_CONFIG_ERROR(R"(notify:
  receivers:
    - name: ops
      kind: webhook
      url: http://127.0.0.1:9099/hook
      sendresolved: false
  routes:
    - receivers: [ops]
)",
                      "6:7", "unknown key 'sendresolved' in receiver ops (expected one of: name, kind, url,");
  EXPECT_CONFIG_ERROR(R"(notify:
  receivers:
    - { name: ops, kind: webhook, url: "http://127.0.0.1:9099/hook" }
  routes:
    - receivers: [ops]
      matches: { rule: x }
)",
                      "6:7", "unknown key 'matches' in route 1 (expected one of: match, match_re, receivers");
  EXPECT_CONFIG_ERROR(R"(notify:
  receivers:
    - name: mail
      kind: email
      url: smtp://smtp.example.com:587
      email: { from: a@example.com, to: [b@example.com], tls: true }
  routes:
    - receivers: [mail]
)",
                      "6:58",
                      "unknown key 'tls' in receiver mail: email (expected one of: from, to, username, starttls)");
  EXPECT_CONFIG_ERROR(R"(notify:
  receivers:
    - name: ops
      kind: webhook
      url: http://127.0.0.1:9099/hook
      url: http://127.0.0.1:9098/hook
  routes:
    - receivers: [ops]
)",
                      "6:7", "receiver ops: 'url' is given twice");
}

TEST(NotifyConfigErrors, UnknownKindNamesTheKinds) {
  EXPECT_CONFIG_ERROR(R"(notify:
  receivers:
    - name: chat
      kind: slack
      url: https://hooks.slack.com/x
)",
                      "4:13",
                      "receiver chat: unknown receiver kind \"slack\" (one of webhook, dingtalk, wecom, feishu, "
                      "telegram, serverchan, email)");
  EXPECT_CONFIG_ERROR("notify:\n  receivers:\n    - name: chat\n      url: http://x/\n", "3:7",
                      "receiver chat needs kind: webhook, dingtalk");
}

TEST(NotifyConfigErrors, ReceiverNames) {
  EXPECT_CONFIG_ERROR(R"(notify:
  receivers:
    - { name: ops, kind: webhook, url: "http://127.0.0.1:9099/hook" }
    - { name: ops, kind: webhook, url: "http://127.0.0.1:9098/hook" }
  routes:
    - receivers: [ops]
)",
                      "4:15", "receiver ops is defined twice: receiver names must be unique");
  EXPECT_CONFIG_ERROR("notify:\n  receivers:\n    - { name: desk one, kind: webhook }\n", "3:15",
                      "a receiver name must be 1 to 64 letters, digits, -, _ or .");
  EXPECT_CONFIG_ERROR("notify:\n  receivers:\n    - { kind: webhook }\n", "3:7", "a receiver needs a name");
  EXPECT_CONFIG_ERROR("notify:\n  receivers:\n    - ops\n", "3:7",
                      "each receiver must be a mapping with name, kind and url");
  EXPECT_CONFIG_ERROR("notify:\n  receivers: ops\n", "2:14", "notify.receivers must be a list of receivers");
}

TEST(NotifyConfigErrors, RoutesNameReceiversThatExist) {
  EXPECT_CONFIG_ERROR(R"(notify:
  receivers:
    - { name: desk, kind: webhook, url: "http://127.0.0.1:9099/hook" }
    - { name: ops, kind: webhook, url: "http://127.0.0.1:9098/hook" }
  routes:
    - match: { severity: critical }
      receivers: [desk, opps]
)",
                      "7:25", "route 1: no receiver is named opps (receivers: desk, ops)");
  EXPECT_CONFIG_ERROR(R"(notify:
  receivers:
    - { name: desk, kind: webhook, url: "http://127.0.0.1:9099/hook" }
  routes:
    - receivers: [desk]
    - match: { rule: x }
)",
                      "6:7", "route 2 needs receivers: [name, …]");
  EXPECT_CONFIG_ERROR(R"(notify:
  receivers:
    - { name: desk, kind: webhook, url: "http://127.0.0.1:9099/hook" }
  routes:
    - receivers: [desk, desk]
)",
                      "5:25", "route 1: receiver desk is named twice");
  EXPECT_CONFIG_ERROR(R"(notify:
  receivers:
    - { name: desk, kind: webhook, url: "http://127.0.0.1:9099/hook" }
  routes:
    - receivers: []
)",
                      "5:18", "route 1: receivers must name at least one receiver");
}

TEST(NotifyConfigErrors, ReceiversAndRoutesGoTogether) {
  EXPECT_CONFIG_ERROR(R"(notify:
  receivers:
    - { name: desk, kind: webhook, url: "http://127.0.0.1:9099/hook" }
)",
                      "2:3", "no route sends anything: add notify.routes, e.g. - receivers: [desk]");
  EXPECT_CONFIG_ERROR(R"(notify:
  receivers:
    - { name: desk, kind: webhook, url: "http://127.0.0.1:9099/hook" }
  routes: []
)",
                      "4:11", "no route sends anything");
  EXPECT_CONFIG_ERROR(R"(notify:
  routes:
    - receivers: [desk]
)",
                      "3:5", "notify.routes is given but notify.receivers is empty");
}

TEST(NotifyConfigErrors, EachKindNeedsWhatItsServiceNeeds) {
  // Robots need their URL (it carries the token).
  EXPECT_CONFIG_ERROR(
      "notify:\n  receivers:\n    - name: desk\n      kind: dingtalk\n", "3:7",
      "receiver desk: a dingtalk receiver needs url, e.g. https://oapi.dingtalk.com/robot/send?access_token=");
  EXPECT_CONFIG_ERROR("notify:\n  receivers:\n    - { name: w, kind: wecom }\n", "3:7",
                      "a wecom receiver needs url, e.g. https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=");
  EXPECT_CONFIG_ERROR("notify:\n  receivers:\n    - { name: f, kind: feishu }\n", "3:7", "a feishu receiver needs url");
  EXPECT_CONFIG_ERROR("notify:\n  receivers:\n    - { name: h, kind: webhook }\n", "3:7",
                      "a webhook receiver needs url");
  EXPECT_CONFIG_ERROR("notify:\n  receivers:\n    - { name: desk, kind: dingtalk, url: \"https:///robot\" }\n", "3:42",
                      "receiver desk: url must be a URL with a host, starting with http:// or https://");
  EXPECT_CONFIG_ERROR(
      "notify:\n  receivers:\n    - { name: desk, kind: dingtalk, url: \"https://oapi.dingtalk.com/robot/send\" }\n",
      "3:42", "url https://oapi.dingtalk.com/robot/send has no access_token=…");
  EXPECT_CONFIG_ERROR(
      "notify:\n  receivers:\n    - { name: w, kind: wecom, url: "
      "\"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?k=1\" }\n",
      "3:36", "has no key=…");
  EXPECT_CONFIG_ERROR(
      "notify:\n  receivers:\n    - { name: f, kind: feishu, url: \"https://open.feishu.cn/open-apis/bot/v2/\" }\n",
      "3:37", "has no /hook/<token>");
  // A webhook is http(s).
  EXPECT_CONFIG_ERROR("notify:\n  receivers:\n    - { name: h, kind: webhook, url: \"ftp://files.example.com/x\" }\n",
                      "3:38", "receiver h: url ftp://files.example.com/x must start with http:// or https://");
  EXPECT_CONFIG_ERROR("notify:\n  receivers:\n    - { name: h, kind: webhook, url: \"https://u:pw@example.com/x\" }\n",
                      "3:38", "url https://example.com/x holds a user and password");
  // Telegram: the bot token and the chat.
  EXPECT_CONFIG_ERROR("notify:\n  receivers:\n    - { name: tg, kind: telegram, chat_id: \"-1\" }\n", "3:7",
                      "receiver tg: a telegram receiver needs the bot token as secret_env or secret_file");
  EXPECT_CONFIG_ERROR("notify:\n  receivers:\n    - { name: tg, kind: telegram, secret_env: TG_BOT_TOKEN }\n", "3:7",
                      "receiver tg: a telegram receiver needs chat_id");
  EXPECT_CONFIG_ERROR(
      "notify:\n  receivers:\n    - { name: tg, kind: telegram, secret_env: TG_BOT_TOKEN, chat_id: \"-12x\" }\n",
      "3:70", "chat_id must be a chat's number (\"-1001234567890\") or a channel (\"@name\")");
  EXPECT_CONFIG_ERROR(
      "notify:\n  receivers:\n    - { name: tg, kind: telegram, secret_env: DESK_SECRET, chat_id: \"1\" }\n", "3:47",
      "the secret from secret_env DESK_SECRET is not a bot token");
  // ServerChan: its SendKey.
  EXPECT_CONFIG_ERROR("notify:\n  receivers:\n    - { name: sc, kind: serverchan }\n", "3:7",
                      "a serverchan receiver needs the SendKey");
  // E-mail: from and to.
  EXPECT_CONFIG_ERROR("notify:\n  receivers:\n    - { name: m, kind: email, url: \"smtp://mx.example.com\" }\n", "3:7",
                      "receiver m: an email receiver needs email: {from: …, to: [...]}");
  EXPECT_CONFIG_ERROR(
      "notify:\n  receivers:\n    - { name: m, kind: email, url: \"smtp://mx.example.com\", email: { to: [a@b.cn] } "
      "}\n",
      "3:68", "receiver m: email needs from");
  EXPECT_CONFIG_ERROR(
      "notify:\n  receivers:\n    - { name: m, kind: email, url: \"smtp://mx.example.com\", email: { from: a@b.cn } "
      "}\n",
      "3:68", "receiver m: email needs to, a list of addresses");
  EXPECT_CONFIG_ERROR(
      "notify:\n  receivers:\n    - { name: m, kind: email, url: \"smtp://mx.example.com\", email: { from: a@b.cn, to: "
      "[] } }\n",
      "3:88", "receiver m: email.to must name at least one address");
  EXPECT_CONFIG_ERROR(
      "notify:\n  receivers:\n    - { name: m, kind: email, url: \"smtp://mx.example.com\", email: { from: a@b.cn, to: "
      "[desk] } }\n",
      "3:89", "email.to: each item must be an address");
  EXPECT_CONFIG_ERROR(
      "notify:\n  receivers:\n    - { name: m, kind: email, url: \"smtp://mx.example.com\", email: { from: Lodestone, "
      "to: [a@b.cn] } }\n",
      "3:76", "email.from must be an address");
  EXPECT_CONFIG_ERROR("notify:\n  receivers:\n    - { name: m, kind: email, url: \"https://mx.example.com\" }\n",
                      "3:36", "url https://mx.example.com must start with smtp:// or smtps://");
  EXPECT_CONFIG_ERROR(
      "notify:\n  receivers:\n    - { name: m, kind: email, url: \"smtp://mx.example.com\", email: { from: a@b.cn, to: "
      "[c@d.cn], "
      "username: u } }\n",
      "3:7", "email.username is given: the SMTP password goes in secret_env or secret_file");
  // Keys of one kind given to another.
  EXPECT_CONFIG_ERROR(
      "notify:\n  receivers:\n    - { name: h, kind: webhook, url: \"http://127.0.0.1:1/h\", chat_id: \"1\" }\n",
      "3:71", "receiver h: chat_id applies to telegram receivers, not webhook");
  EXPECT_CONFIG_ERROR(
      "notify:\n  receivers:\n    - { name: h, kind: webhook, url: \"http://127.0.0.1:1/h\", mentions: { all: true } "
      "}\n",
      "3:72", "receiver h: mentions applies to dingtalk, wecom and feishu receivers, not webhook");
  EXPECT_CONFIG_ERROR(
      "notify:\n  receivers:\n    - { name: h, kind: webhook, url: \"http://127.0.0.1:1/h\", email: { from: a@b.cn } "
      "}\n",
      "3:69", "receiver h: email applies to email receivers, not webhook");
}

TEST(NotifyConfigErrors, PublicUrl) {
  EXPECT_CONFIG_ERROR("notify:\n  public_url: ftp://board.example.com\n", "2:15",
                      "notify.public_url must be where the board is reached, http:// or https:// with a host");
  EXPECT_CONFIG_ERROR("notify:\n  public_url: board.example.com\n", "2:15", "notify.public_url must be");
  EXPECT_CONFIG_ERROR("notify:\n  public_url: \"http://board.example.com/?x=1\"\n", "2:15",
                      "notify.public_url must have no user, ?query or #fragment");
  auto config = parse("notify:\n  public_url: https://board.example.com/lodestone//\n");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->public_url, "https://board.example.com/lodestone");
}

TEST(NotifyConfigErrors, ClaimTimeoutAndDurations) {
  EXPECT_CONFIG_ERROR("notify:\n  claim_timeout: 1s\n", "2:18",
                      "notify.claim_timeout must be a duration from 5s to 1h such as 500ms, 30s, 5m, 4h or 1d");
  EXPECT_CONFIG_ERROR("notify:\n  claim_timeout: 60 seconds\n", "2:18",
                      "notify.claim_timeout: bad duration '60 seconds': unit must be ms, s, m, h or d");
  EXPECT_CONFIG_ERROR("notify:\n  claim_timeout: [1s]\n", "2:18", "notify.claim_timeout must be a duration");
  const std::string receiver = "notify:\n  receivers:\n    - { name: h, kind: webhook, url: \"http://127.0.0.1:1/h\", ";
  EXPECT_CONFIG_ERROR(receiver + "timeout: 10m }\n", "3:71", "receiver h: timeout must be a duration from 100ms to 5m");
  EXPECT_CONFIG_ERROR(receiver + "give_up_after: 10s }\n", "3:77",
                      "receiver h: give_up_after must be a duration from 1m to 7d");
  EXPECT_CONFIG_ERROR(receiver + "timeout: 5m, give_up_after: 2m }\n", "3:90",
                      "receiver h: give_up_after must be at least timeout");
  EXPECT_CONFIG_ERROR(receiver + "rate_per_minute: 0 }\n", "3:79",
                      "receiver h: rate_per_minute must be a number from 0.001 to 100000");
  EXPECT_CONFIG_ERROR(receiver + "rate_per_minute: .nan }\n", "3:79", "rate_per_minute must be a number");
  EXPECT_CONFIG_ERROR(receiver + "send_resolved: sometimes }\n", "3:77",
                      "receiver h: send_resolved must be true or false");
  const std::string route =
      "notify:\n  receivers: [{ name: h, kind: webhook, url: \"http://127.0.0.1:1/h\" }]\n  routes:\n"
      "    - receivers: [h]\n";
  EXPECT_CONFIG_ERROR(route + "      group_interval: 0s\n", "5:23",
                      "route 1: group_interval must be a duration from 1s to 1d");
  EXPECT_CONFIG_ERROR(route + "      repeat_interval: 1.5h\n", "5:24", "route 1: repeat_interval: bad duration '1.5h'");
  EXPECT_CONFIG_ERROR(route + "      group_wait: 2h\n", "5:19", "route 1: group_wait must be a duration from 0s to 1h");
  auto config = parse(route + "      group_wait: 0s\n      group_interval: 1d\n      repeat_interval: 30d\n");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->routes[0].group_wait, milliseconds(0));
  EXPECT_EQ(config->routes[0].group_interval, milliseconds(86'400'000));
  EXPECT_EQ(config->routes[0].repeat_interval, milliseconds(30LL * 86'400'000));
}

TEST(NotifyConfigSecrets, FromTheEnvironment) {
  const std::string head =
      "notify:\n  receivers:\n    - { name: desk, kind: dingtalk, url: "
      "\"https://oapi.dingtalk.com/robot/send?access_token=tok0synthetic0123\", ";
  EXPECT_CONFIG_ERROR(head + "secret_env: MISSING }\n", "3:125",
                      "receiver desk: the environment variable MISSING named by secret_env is not set");
  EXPECT_CONFIG_ERROR(head + "secret_env: EMPTY }\n", "3:125",
                      "receiver desk: the environment variable EMPTY named by secret_env is empty");
  EXPECT_CONFIG_ERROR(head + "secret_env: \"DESK SECRET\" }\n", "3:125",
                      "secret_env must name an environment variable (letters, digits, _)");
  const std::string message = error_of(head + "secret_env: NEWLINE }\n");
  EXPECT_NE(message.find("the secret from secret_env NEWLINE holds control character U+000A at character 6"),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find("SECab"), std::string::npos) << "never the value: " << message;
}

TEST(NotifyConfigSecrets, FromAFile) {
  const std::string head =
      "notify:\n  receivers:\n    - { name: ops, kind: webhook, url: \"http://127.0.0.1:9099/hook\", ";
  EXPECT_CONFIG_ERROR(head + "secret_file: /nowhere }\n", "3:83",
                      "receiver ops: secret_file /nowhere cannot be read (No such file or directory)");
  EXPECT_CONFIG_ERROR(head + "secret_file: /blank }\n", "3:83", "receiver ops: secret_file /blank is empty");
  EXPECT_CONFIG_ERROR(
      head + "secret_file: /short.whsec }\n", "3:83",
      "the secret from secret_file /short.whsec is not whsec_ followed by the base64 of at least 24 bytes");
  EXPECT_CONFIG_ERROR(head + "secret_file: /etc/lodestone/ops.whsec, secret_env: DESK_SECRET }\n", "3:83",
                      "receiver ops: give one of secret_env, secret_file or secret, not several");
}

TEST(NotifyConfigSecrets, TheSystemReaderReadsRealFilesAndVariables) {
  const auto reader = SecretReader::system();
  EXPECT_FALSE(reader.env("LODESTONE_TEST_SURELY_UNSET_VARIABLE"));
  EXPECT_TRUE(reader.env("PATH"));
  auto missing = reader.file("/nonexistent/lodestone.secret");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "cannot be read (No such file or directory)");
  const std::string path = std::string(LODESTONE_BINARY_DIR) + "/notify_config_test.whsec";
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\r\n", f);
    std::fclose(f);
  }
  auto config = parse_notify_config(
      "notify:\n  receivers:\n    - { name: ops, kind: webhook, url: \"http://127.0.0.1:1/h\", "
      "secret_file: \"" +
          path + "\" }\n  routes: [{ receivers: [ops] }]\n",
      "notify.yaml", reader);
  std::remove(path.c_str());
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->receivers[0].secret, kWebhookSecret) << "CR LF trimmed";
}

TEST(NotifyConfigSecrets, InlineIsWarnedAboutByNameNeverByValue) {
  auto config = parse(R"(notify:
  public_url: http://127.0.0.1:8080
  receivers:
    - name: desk
      kind: feishu
      url: https://open.feishu.cn/open-apis/bot/v2/hook/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0
      secret: synthetic-feishu-signing-secret
  routes:
    - receivers: [desk]
)");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->receivers[0].secret, "synthetic-feishu-signing-secret");
  EXPECT_EQ(config->receivers[0].secret_source, SecretSource::Inline);
  ASSERT_EQ(config->warnings.size(), 1U);
  EXPECT_EQ(config->warnings[0], "receiver desk: secret written in the config; move it to secret_env or secret_file");
}

TEST(NotifyConfigSecrets, WebhookSecretsFollowStandardWebhooks) {
  const std::string head =
      "notify:\n  public_url: http://127.0.0.1:8080\n  receivers:\n    - { name: ops, kind: webhook, url: "
      "\"http://127.0.0.1:9099/hook\"";
  const std::string tail = " }\n  routes: [{ receivers: [ops] }]\n";
  // 24 bytes and more, padded or not.
  for (const char* ok : {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                         "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwAA==", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwAA",
                         "whsec_C2FZNyIlUDbB4dTspF/ydnlfJsq+Hl4kmhYsFeCzNpY="}) {
    auto config = parse(head + ", secret: \"" + ok + "\"" + tail);
    ASSERT_TRUE(config) << ok << ": " << config.error().message;
  }
  for (const char* bad : {"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_c2hvcnQ=", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa",
                          "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw!", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwA",
                          "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwAA=", "whsec_MfKQ9r8G-KYqrTwjUPD8ILPZIo2LaLaSw"}) {
    const std::string message = error_of(head + ", secret: \"" + bad + "\"" + tail);
    EXPECT_NE(message.find("receiver ops: the secret from secret is not whsec_"), std::string::npos)
        << bad << ": " << message;
    EXPECT_EQ(message.find(bad), std::string::npos) << "never the value: " << message;
  }
  // No secret: sent unsigned, and the log says so.
  auto unsigned_config = parse(head + tail);
  ASSERT_TRUE(unsigned_config) << unsigned_config.error().message;
  EXPECT_TRUE(unsigned_config->receivers[0].secret.empty());
  EXPECT_EQ(unsigned_config->receivers[0].secret_source, SecretSource::None);
  ASSERT_EQ(unsigned_config->warnings.size(), 1U);
  EXPECT_NE(unsigned_config->warnings[0].find("receiver ops: no secret, so its webhooks go out unsigned"),
            std::string::npos);
}

TEST(NotifyConfigSecrets, EachServicesSecretShape) {
  const std::string dingtalk =
      "notify:\n  receivers:\n    - { name: desk, kind: dingtalk, url: "
      "\"https://oapi.dingtalk.com/robot/send?access_token=tok0synthetic0123\", secret: ";
  EXPECT_CONFIG_ERROR(dingtalk + "notsigned }\n", "3:121", "the secret from secret does not start with SEC");
  EXPECT_CONFIG_ERROR(
      "notify:\n  receivers:\n    - { name: w, kind: wecom, url: "
      "\"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1\", "
      "secret_env: DESK_SECRET }\n",
      "3:107", "the secret from secret_env DESK_SECRET is not used: WeCom robots are not signed");
  EXPECT_CONFIG_ERROR("notify:\n  receivers:\n    - { name: sc, kind: serverchan, secret: \"SCT1/x\" }\n", "3:45",
                      "is not a SendKey");
  EXPECT_CONFIG_ERROR(
      "notify:\n  receivers:\n    - { name: m, kind: email, url: \"smtp://mx.example.com\", secret_env: "
      "SMTP_PASSWORD, email: { from: a@b.cn, to: [c@d.cn] } }\n",
      "3:73", "is an SMTP password, but email.username is not given");
}

TEST(NotifyConfigSecrets, NoErrorOrWarningEverHoldsASecretOrAToken) {
  // Each receiver's secret and the robot's token, with a mistake next to them.
  const std::string desk =
      "    - { name: desk, kind: dingtalk, url: \"https://oapi.dingtalk.com/robot/send?access_token="
      "tok0synthetic0123\", secret_env: DESK_SECRET";
  const std::vector<std::string> configs = {
      "notify:\n  receivers:\n" + desk + ", timeout: forever }\n",
      "notify:\n  receivers:\n" + desk + ", secret: SECinline }\n",
      "notify:\n  receivers:\n" + desk + ", mentions: { mobiles: [abc] } }\n",
      "notify:\n  receivers:\n" + desk + " }\n  routes: [{ receivers: [ops] }]\n",
      "notify:\n  receivers:\n" + desk + " }\n",
      "notify:\n  receivers:\n    - { name: desk, kind: wecom, url: \"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?"
      "key=tok0synthetic0123\", secret_env: DESK_SECRET }\n",
      "notify:\n  receivers:\n    - { name: desk, kind: feishu, url: \"ftp://open.feishu.cn/open-apis/bot/v2/hook/"
      "tok0synthetic0123\" }\n",
      "notify:\n  receivers:\n    - { name: desk, kind: dingtalk, url: \"https://oapi.dingtalk.com/robot/"
      "tok0synthetic0123\" }\n",
      "notify:\n  receivers:\n    - { name: desk, kind: webhook, url: "
      "\"https://tok0synthetic0123:SECdesk0123456789abcdef@x.cn/\" }\n",
  };
  for (const auto& yaml : configs) {
    const std::string message = error_of(yaml);
    EXPECT_FALSE(message.empty());
    EXPECT_EQ(message.find(kDeskSecret), std::string::npos) << message;
    EXPECT_EQ(message.find(kRobotToken), std::string::npos) << message;
    EXPECT_EQ(message.find("SECinline"), std::string::npos) << message;
  }
  auto config = parse(R"(notify:
  receivers:
    - name: desk
      kind: feishu
      url: https://open.feishu.cn/open-apis/bot/v2/hook/tok0synthetic0123
      secret: SECdesk0123456789abcdef
    - name: ops
      kind: webhook
      url: http://127.0.0.1:9099/hook
  routes:
    - receivers: [desk]
)");
  ASSERT_TRUE(config) << config.error().message;
  ASSERT_EQ(config->warnings.size(), 4U) << "inline, unsigned, unrouted, no public_url";
  for (const auto& warning : config->warnings) {
    EXPECT_EQ(warning.find(kDeskSecret), std::string::npos) << warning;
    EXPECT_EQ(warning.find(kRobotToken), std::string::npos) << warning;
  }
}

TEST(NotifyConfigErrors, ControlCharactersAreRefusedWithoutEchoingTheText) {
  EXPECT_CONFIG_ERROR("notify:\n  receivers:\n    - { name: \"de\\u0001sk\", kind: webhook }\n", "3:15",
                      "receiver name holds control character U+0001 at character 3");
  EXPECT_CONFIG_ERROR("notify:\n  public_url: \"http://x.cn/\\u202Eabc\"\n", "2:15",
                      "notify.public_url holds control character U+202E at character 13");
  EXPECT_CONFIG_ERROR(
      "notify:\n  receivers:\n    - { name: m, kind: email, url: \"smtp://mx.example.com\", email: { from: "
      "\"a@b.cn\\r\\nBcc: x@y.cn\", to: [c@d.cn] } }\n",
      "3:76", "receiver m: email.from holds control character U+000D at character 7");
}

TEST(NotifyConfigErrors, MatchersAndRegexes) {
  const std::string head =
      "notify:\n  receivers: [{ name: h, kind: webhook, url: \"http://127.0.0.1:1/h\" }]\n  routes:\n"
      "    - receivers: [h]\n";
  EXPECT_CONFIG_ERROR(head + "      match_re: { tags: \"(export\" }\n", "5:25",
                      "route 1: match_re.tags: invalid regex");
  EXPECT_CONFIG_ERROR(head + "      match_re: { rule: \"(a{100}){20}\" }\n", "5:25",
                      "route 1: match_re.rule: counted repetitions ({n}) multiply past 1000");
  EXPECT_CONFIG_ERROR(head + "      match_re: { rule: \"a{1001}\" }\n", "5:25", "multiply past 1000");
  EXPECT_CONFIG_ERROR(head + "      match: { severity: critcal }\n", "5:26",
                      "route 1: match.severity must be one of info, warning, critical (with ! before it to negate)");
  EXPECT_CONFIG_ERROR(head + "      match: { state: \"!open\" }\n", "5:23",
                      "route 1: match.state must be one of firing, resolved");
  EXPECT_CONFIG_ERROR(head + "      match: { \"sym bol\": x }\n", "5:16", "route 1: match: a label name is letters");
  EXPECT_CONFIG_ERROR(head + "      match: { rule: [a, b] }\n", "5:22", "route 1: match.rule must be text");
  EXPECT_CONFIG_ERROR(head + "      match: severity=critical\n", "5:14",
                      "route 1: match must be a mapping of label: value, e.g. {severity: critical}");
  EXPECT_CONFIG_ERROR(head + "      group_by: [rule, \"a-b\"]\n", "5:24", "route 1: group_by: a label name is letters");
  EXPECT_CONFIG_ERROR(head + "      group_by: [rule, rule]\n", "5:24", "route 1: group_by names rule twice");
  // "!" unquoted is a YAML tag: the value would silently be empty.
  EXPECT_CONFIG_ERROR(head + "      match: { symbol: !600111.SH }\n", "5:24", "route 1: match.symbol");
  auto counted = parse(head + "      match_re: { symbol: \"[0-9]{6}\\\\.S[HZ]\", rule: \"x\\\\{99999}\" }\n");
  ASSERT_TRUE(counted) << counted.error().message;
  EXPECT_EQ(counted->routes[0].matchers[0].value, "[0-9]{6}\\.S[HZ]");
  // Quoted, it negates; so it does in match_re, and a quoted value is taken verbatim.
  auto config = parse(head +
                      "      match: { symbol: \"!600111.SH\", rule: '\"q\"', severity: \"!info\" }\n"
                      "      match_re: { tags: \"!.*export.*\" }\n");
  ASSERT_TRUE(config) << config.error().message;
  const auto& m = config->routes[0].matchers;
  ASSERT_EQ(m.size(), 4U);
  EXPECT_EQ(m[0].op, rules::Matcher::Op::NotEqual);
  EXPECT_EQ(m[0].value, "600111.SH");
  EXPECT_EQ(m[1].op, rules::Matcher::Op::Equal);
  EXPECT_EQ(m[1].value, "\"q\"");
  EXPECT_EQ(m[2].op, rules::Matcher::Op::NotEqual);
  EXPECT_EQ(m[3].op, rules::Matcher::Op::NotRegex);
  EXPECT_EQ(m[3].value, ".*export.*");
}

TEST(NotifyConfigErrors, ColumnsCountCharactersWhereTheTextIsKnown) {
  // Six Chinese characters (18 bytes) before the mistake on its line: column 40 in characters, 52 in bytes.
  const std::string yaml =
      "notify:\n  receivers: [{ name: h, kind: webhook, url: \"http://127.0.0.1:1/h\" }]\n  routes:\n"
      "    - receivers: [h]\n      match: { rule: 政策新闻快讯, severity: critcal }\n";
  const std::string message = error_of(yaml);
  EXPECT_TRUE(message.starts_with("notify.yaml:5:40: route 1: match.severity")) << message;
  // Without the text, yaml-cpp's byte column is all there is.
  auto config = read_notify_config(YAML::Load(yaml)["notify"], "daemon.yaml", default_secrets());
  ASSERT_FALSE(config);
  EXPECT_TRUE(config.error().message.starts_with("daemon.yaml:5:52: route 1: match.severity"))
      << config.error().message;
  auto with_text = read_notify_config(YAML::Load(yaml)["notify"], "daemon.yaml", yaml, default_secrets());
  ASSERT_FALSE(with_text);
  EXPECT_TRUE(with_text.error().message.starts_with("daemon.yaml:5:40:")) << with_text.error().message;
}

TEST(NotifyConfigErrors, YamlSyntaxAndShape) {
  EXPECT_CONFIG_ERROR("notify:\n  receivers: [\n", "3:1", "YAML syntax");
  EXPECT_CONFIG_ERROR("notify: on\n", "1:9",
                      "notify must be a mapping of public_url, claim_timeout, receivers, routes");
  EXPECT_CONFIG_ERROR("- notify\n", "1:1", "the config must be a mapping of sections");
  EXPECT_CONFIG_ERROR(
      "notify:\n  receivers: [{ name: h, kind: webhook, url: \"http://127.0.0.1:1/h\" }]\n  routes: {}\n", "3:11",
      "notify.routes must be a list of routes");
}

TEST(NotifyConfigMentions, PerReceiverAndPerRoute) {
  auto config = parse(R"(notify:
  public_url: http://127.0.0.1:8080
  receivers:
    - name: w
      kind: wecom
      url: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1
      mentions: { mobiles: ["+86-13800000000"], user_ids: [zhangsan, lisi] }
    - name: f
      kind: feishu
      url: https://open.feishu.cn/open-apis/bot/v2/hook/h1
      mentions: { user_ids: [ou_abc], all: true }
  routes:
    - match: { severity: critical }
      receivers: [w, f]
      mentions: { all: true }
    - receivers: [w]
)");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->receivers[0].mentions.mobiles, std::vector<std::string>{"+86-13800000000"});
  EXPECT_EQ(config->receivers[0].mentions.user_ids, (std::vector<std::string>{"zhangsan", "lisi"}));
  EXPECT_FALSE(config->receivers[0].mentions.all);
  EXPECT_TRUE(config->receivers[1].mentions.all);
  ASSERT_TRUE(config->routes[0].mentions);
  EXPECT_TRUE(config->routes[0].mentions->all);
  EXPECT_TRUE(config->routes[0].mentions->mobiles.empty());
  EXPECT_FALSE(config->routes[1].mentions) << "the receivers' own apply";

  const std::string head =
      "notify:\n  receivers:\n    - { name: d, kind: dingtalk, url: "
      "\"https://oapi.dingtalk.com/robot/send?access_token=t\", mentions: ";
  EXPECT_CONFIG_ERROR(head + "{ mobiles: [\"138 0000\"] } }\n", "3:116",
                      "receiver d: mentions.mobiles: each must be a phone number such as \"13800000000\"");
  EXPECT_CONFIG_ERROR(head + "{ mobiles: \"13800000000\" } }\n", "3:115",
                      "receiver d: mentions.mobiles must be a list");
  EXPECT_CONFIG_ERROR(head + "{ everyone: true } }\n", "3:106",
                      "unknown key 'everyone' in receiver d: mentions (expected one of: mobiles, user_ids, all)");
  EXPECT_CONFIG_ERROR(head + "{ all: yes please } }\n", "3:111", "receiver d: mentions.all must be true or false");
  EXPECT_CONFIG_ERROR(head + "{ user_ids: [\"\"] } }\n", "3:117", "mentions.user_ids: an id must not be empty");
  EXPECT_CONFIG_ERROR(
      "notify:\n  receivers:\n    - { name: f, kind: feishu, url: \"https://open.feishu.cn/open-apis/bot/v2/"
      "hook/h1\", mentions: { mobiles: [\"13800000000\"] } }\n",
      "3:98", "a Feishu bot mentions people by user_ids (open_id) only");
}

TEST(QuietHours, ParsesAndWrapsPastMidnight) {
  auto night = parse_quiet_hours("22:00-08:00");
  ASSERT_TRUE(night);
  EXPECT_EQ(night->start_minute, 1320);
  EXPECT_EQ(night->end_minute, 480);
  EXPECT_TRUE(night->critical_passes);
  auto lunch = parse_quiet_hours("11:30 - 13:00");
  ASSERT_TRUE(lunch);
  EXPECT_EQ(lunch->start_minute, 690);
  EXPECT_EQ(lunch->end_minute, 780);
  auto edge = parse_quiet_hours("00:00-23:59");
  ASSERT_TRUE(edge);
  EXPECT_EQ(edge->end_minute, 23 * 60 + 59);
  for (const char* bad : {"", "22:00", "22:00-", "-08:00", "2200-0800", "22:00–08:00", "24:00-08:00", "22:60-08:00",
                          "22:00-08:00 ", "22:00-08:00x", "9:00-10:00", "22:00-22:00", "22:00/08:00", "ab:cd-08:00"}) {
    auto q = parse_quiet_hours(bad);
    ASSERT_FALSE(q) << bad;
    EXPECT_NE(q.error().message.find("expected HH:MM-HH:MM in exchange time"), std::string::npos) << q.error().message;
  }
  EXPECT_NE(parse_quiet_hours("22:00-22:00").error().message.find("starts and ends at the same minute"),
            std::string::npos);
}

TEST(QuietHours, InARoute) {
  const std::string head =
      "notify:\n  receivers: [{ name: h, kind: webhook, url: \"http://127.0.0.1:1/h\" }]\n  routes:\n"
      "    - receivers: [h]\n";
  EXPECT_CONFIG_ERROR(head + "      quiet_hours: \"22:00~08:00\"\n", "5:20",
                      "route 1: quiet_hours needs '-' between the start and the end");
  EXPECT_CONFIG_ERROR(head + "      quiet_hours: 22:00-08:00\n      quiet_critical: later\n", "6:23",
                      "route 1: quiet_critical must be pass (critical alerts go out in quiet hours) or hold");
  EXPECT_CONFIG_ERROR(head + "      quiet_critical: hold\n", "5:23", "route 1: quiet_critical needs quiet_hours");
  auto pass = parse(head + "      quiet_hours: 22:00-08:00\n      quiet_critical: pass\n");
  ASSERT_TRUE(pass) << pass.error().message;
  ASSERT_TRUE(pass->routes[0].quiet_hours);
  EXPECT_TRUE(pass->routes[0].quiet_hours->critical_passes);
}

TEST(NotifyConfig, UrlsOfApiBasesAndWarnings) {
  auto config = parse(R"(notify:
  public_url: http://127.0.0.1:8080
  receivers:
    - { name: tg, kind: telegram, url: "http://127.0.0.1:8081/", secret_env: TG_BOT_TOKEN, chat_id: "@lodestone_desk" }
    - { name: sc, kind: serverchan, secret: SCT12345abcdef }
    - { name: m, kind: email, url: "smtp://127.0.0.1:2525", secret_env: SMTP_PASSWORD, ca_file: /tmp/ca.pem,
        email: { from: alerts@example.com, to: [a@example.com, b@example.com], username: alerts, starttls: false } }
  routes:
    - receivers: [tg, sc, m]
)");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->receivers[0].url, "http://127.0.0.1:8081") << "the API base without its trailing slash";
  EXPECT_EQ(config->receivers[0].chat_id, "@lodestone_desk");
  EXPECT_EQ(config->receivers[1].url, "https://sctapi.ftqq.com") << "ServerChan's API base by default";
  EXPECT_EQ(config->receivers[2].email.to.size(), 2U);
  EXPECT_FALSE(config->receivers[2].email.starttls);
  EXPECT_EQ(config->receivers[2].ca_file, "/tmp/ca.pem");
  EXPECT_EQ(config->receivers[2].email.ca_file, "/tmp/ca.pem");
  ASSERT_EQ(config->warnings.size(), 2U);
  EXPECT_EQ(config->warnings[0], "receiver sc: secret written in the config; move it to secret_env or secret_file");
  EXPECT_NE(config->warnings[1].find("receiver m: email.starttls is false"), std::string::npos);
}

TEST(SafeUrl, ShowsSchemeHostAndPathOnly) {
  EXPECT_EQ(safe_url("https://oapi.dingtalk.com/robot/send?access_token=abc123"),
            "https://oapi.dingtalk.com/robot/send");
  EXPECT_EQ(safe_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx#x"),
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send");
  EXPECT_EQ(safe_url("https://open.feishu.cn/open-apis/bot/v2/hook/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
            "https://open.feishu.cn/open-apis/bot/v2/hook/…");
  EXPECT_EQ(safe_url("http://user:pw@[::1]:9099/hook"), "http://[::1]:9099/hook");
  EXPECT_EQ(safe_url("smtp://smtp.example.com:587"), "smtp://smtp.example.com:587");
  EXPECT_EQ(safe_url("not a url"), "(not a URL)");
}

}  // namespace
}  // namespace lodestone::notify
