#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "lodestone/rules/parser.hpp"
#include "universe.hpp"

namespace lodestone::rules {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::universe;

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string kExamplePath = std::string(LODESTONE_SOURCE_DIR) + "/tests/rules/data/example.yaml";

std::vector<std::string> messages(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& d : check_rules(text, "r.yaml", universe())) out.push_back(format(d));
  return out;
}

TEST(ParseRules, IssueExampleParsesExactlyAsWritten) {
  const auto registry = universe();
  auto rs = load_rules_file(kExamplePath, registry);
  ASSERT_TRUE(rs.ok()) << rs.error().message;
  const RuleSet& set = **rs;
  ASSERT_EQ(set.keyword_sets.size(), 3u);
  EXPECT_EQ(set.keyword_sets[0].name, "export_control");
  EXPECT_THAT(set.keyword_sets[0].terms, ElementsAre("出口管制", "export control", "管制措施", "0.1%规则"));
  ASSERT_EQ(set.rules.size(), 3u);

  const Rule& reaction = set.rules[0];
  EXPECT_EQ(reaction.name, "export-control-reaction");
  EXPECT_EQ(reaction.severity, Severity::Critical);
  EXPECT_TRUE(reaction.correlates());
  EXPECT_THAT(reaction.symbols, ElementsAre(testing::sym("159713.SZ"), testing::sym("516150.SH")));
  const auto& move = std::get<MoveCondition>(reaction.trigger);
  EXPECT_EQ(move.reference, Reference::Window);
  EXPECT_EQ(move.window_ms, 15 * kMsPerMinute);
  ASSERT_TRUE(move.change);
  EXPECT_EQ(move.change->comparison, Comparison::AtLeast);
  EXPECT_EQ(move.change->hundredths, 200);
  EXPECT_EQ(reaction.within_ms, 30 * kMsPerMinute);
  EXPECT_EQ(reaction.cooldown_ms, 10 * kMsPerMinute);
  EXPECT_EQ(reaction.message.text(), "{symbol} {change_pct}% in {window} near: {headline}");
  EXPECT_THAT(reaction.headline->any_keywords, ElementsAre(0u));

  const Rule& limit = set.rules[1];
  EXPECT_EQ(limit.symbols.size(), registry.size());
  EXPECT_EQ(limit.symbols_name, "all");
  const auto& lc = std::get<LimitCondition>(limit.trigger);
  EXPECT_EQ(lc.side, LimitSide::Up);
  EXPECT_EQ(lc.stage, LimitStage::Touched);

  const Rule& drop = set.rules[2];
  const auto& dm = std::get<MoveCondition>(drop.trigger);
  EXPECT_EQ(dm.reference, Reference::PrevClose);
  EXPECT_EQ(dm.change->comparison, Comparison::AtMost);
  EXPECT_EQ(dm.change->hundredths, -300);
  EXPECT_FALSE(drop.headline);
  EXPECT_TRUE(check_rules_file(kExamplePath, registry).empty());
}

TEST(ParseRules, ClassifiesKeywordsCaseInsensitivelyAndMentions) {
  const auto registry = universe();
  auto rs = parse_rules(read(kExamplePath), "example.yaml", registry);
  ASSERT_TRUE(rs.ok());
  Headline h = testing::headline("1", testing::at(2, 9, 10, 0), "商务部:对部分稀土实施EXPORT CONTROL与0.1%规则");
  h.body = "北方稀土公告; LYNAS 产量";
  const auto m = (*rs)->classify(h);
  EXPECT_THAT(m.keyword_sets, ElementsAre(0u, 2u));
  EXPECT_THAT(m.keywords, ElementsAre("export control", "0.1%规则", "Lynas"));
  EXPECT_THAT(m.mentioned, ElementsAre(testing::sym("600111.SH")));
}

TEST(ParseRules, UnknownKeysAreReportedWithTheirPosition) {
  EXPECT_THAT(messages("rules:\n"
                       "  - name: a\n"
                       "    move: { symbols: [\"159713.SZ\"], change_pct: \">= 2\", windw: 15m }\n"),
              ElementsAre("r.yaml:3:11: rule 'a' move: needs window (such as 15m) or from (prev_close or open)",
                          "r.yaml:3:57: unknown key 'windw' in rule 'a' move (expected one of: symbols, change_pct, "
                          "abnormal_pct, window, from, benchmark)"));
}

TEST(ParseRules, DiagnosticsAreInFileOrderAndAllReported) {
  const std::string text =
      "keywords:\n"
      "  k: [\"出口管制\"]\n"
      "rules:\n"
      "  - name: a\n"
      "    severity: urgent\n"
      "    headline: { keywords: [k, nope] }\n"
      "    move: { symbols: [\"159713.SZ\", \"688111.SH\"], change_pct: \">= 2.0\", window: 15x }\n"
      "    cooldown: soon\n"
      "  - name: b\n"
      "    move: { symbols: all, change_pct: 2.0, from: prev_close }\n"
      "    message: \"{symbol} {chnage_pct}\"\n";
  EXPECT_THAT(
      messages(text),
      ElementsAre(
          "r.yaml:5:15: rule 'a' severity: unknown value 'urgent' (expected one of: info, warning, critical)",
          "r.yaml:6:31: rule 'a' headline keywords: unknown keyword set 'nope' (defined: k)",
          "r.yaml:7:36: rule 'a' move symbols: unknown symbol '688111.SH' (not in the instrument list)",
          "r.yaml:7:80: rule 'a' move window: bad duration '15x': unit must be ms, s, m, h or d",
          "r.yaml:8:15: rule 'a' cooldown: bad duration 'soon': expected a number and a unit (250ms, 30s, 15m, 2h, "
          "1d)",
          "r.yaml:10:39: rule 'b' move change_pct: bad threshold '2.0': expected a comparison in quotes, such as "
          "\">= 2.0\"",
          "r.yaml:11:14: rule 'b' message: unknown placeholder '{chnage_pct}' in message (known: symbol, name, "
          "change_pct, window, from, to, abnormal_pct, benchmark, headline, source, headline_time, keywords, tags, "
          "direction, level, limit, volume_ratio, count, total, symbols, rule, severity, time, explained)"));
}

TEST(ParseRules, BadThresholds) {
  auto one = [](std::string_view threshold) {
    const std::string text =
        "rules:\n  - name: a\n    move: { symbols: all, change_pct: \"" + std::string(threshold) + "\", window: 5m }\n";
    auto d = check_rules(text, "r.yaml", universe());
    return d.empty() ? std::string("ok") : d[0].message;
  };
  EXPECT_EQ(one(">= 2.0"), "ok");
  EXPECT_EQ(one("abs >= 1.5"), "ok");
  EXPECT_EQ(one("<-3"), "ok");
  EXPECT_THAT(one("2.0"), HasSubstr("no comparison"));
  EXPECT_THAT(one(">= 2.0%"), HasSubstr("not a number"));
  EXPECT_THAT(one(">= 2.005"), HasSubstr("at most two decimals"));
  EXPECT_THAT(one("=> 2"), HasSubstr("no comparison"));
  EXPECT_THAT(one("abs <= 2"), HasSubstr("'abs' takes > or >="));
  EXPECT_THAT(one(">= "), HasSubstr("not a number"));
  EXPECT_THAT(one(">= 5000"), HasSubstr("out of range"));
}

TEST(ParseRules, YamlSyntaxErrorsBecomeDiagnostics) {
  EXPECT_THAT(messages("rules:\n  - name: a\n    move: { symbols: [\"159713.SZ\", change_pct: \">= 2\"\n"),
              ElementsAre(::testing::StartsWith("r.yaml:4:1: YAML syntax: ")));
  EXPECT_THAT(messages(""), ElementsAre("r.yaml:1:1: the file is empty (expected a mapping with 'rules')"));
  EXPECT_THAT(messages("rules: []\n---\nrules: []\n"),
              ElementsAre("r.yaml:2:1: a rules file holds one YAML document; remove the '---' separator"));
  EXPECT_THAT(messages("keywords:\n  a: &x [\"稀土\"]\n  b: *x\nrules: []\n"),
              ElementsAre("r.yaml:2:6: anchors (&name) are not supported in rules files",
                          "r.yaml:3:6: aliases (*name) are not supported in rules files; write the value out"));
}

TEST(ParseRules, OnlyUtf8TextIsRead) {
  EXPECT_THAT(messages("rules:\n  - name: \xa5\xe9\n"),
              ElementsAre("r.yaml:2:11: invalid UTF-8 at byte 17 (rules files are UTF-8 text)"));
  EXPECT_THAT(messages(",\xa5\xe9"), ElementsAre("r.yaml:1:2: invalid UTF-8 at byte 1 (rules files are UTF-8 text)"));
  EXPECT_THAT(messages("rules: []\n\x01"),
              ElementsAre("r.yaml:2:1: control character at byte 10 (rules files are UTF-8 text)"));
  EXPECT_THAT(messages("\xef\xbb\xbfrules: []\t\n"), ::testing::IsEmpty());  // a BOM and a tab are fine
}

TEST(ParseRules, StructuralMistakes) {
  EXPECT_THAT(messages("rule: []\n"),
              ElementsAre("r.yaml:1:1: unknown key 'rule' in the rules file (expected one of: settings, groups, "
                          "keywords, taxonomy, rules)",
                          "r.yaml:1:1: the rules file has no 'rules' list"));
  EXPECT_THAT(messages("rules:\n  - name: a\n    severity: info\n"),
              ElementsAre("r.yaml:2:5: rule 'a': needs a trigger (move, speed, price, volume or breadth) or a "
                          "headline filter"));
  EXPECT_THAT(messages("rules:\n  - name: a\n    price: { symbols: all, limit: up }\n  - name: a\n"
                       "    price: { symbols: all, limit: down }\n"),
              ElementsAre("r.yaml:4:11: rule name 'a' is used twice (first at line 2)"));
  EXPECT_THAT(messages("rules:\n  - name: a\n    price: { symbols: all, limit: up }\n    inhibits: [b]\n"),
              ElementsAre("r.yaml:4:16: inhibits: unknown rule 'b'"));
  EXPECT_THAT(messages("rules:\n  - name: a\n    price: { symbols: all, limit: up }\n    price: { symbols: all, "
                       "limit: down }\n"),
              ElementsAre("r.yaml:4:5: key 'price' repeated in rule 'a' (first at line 3)"));
  EXPECT_THAT(messages("rules:\n  - name: a\n    price: { symbols: all, above: \"-1\" }\n"),
              ElementsAre("r.yaml:3:35: rule 'a' price above: bad price '-1' (expected a positive decimal such as "
                          "1.250)"));
  EXPECT_THAT(messages("rules:\n  - name: a\n    move: { symbols: [\"000300.SH\"], abnormal_pct: \">= 1\", "
                       "window: 5m }\n"),
              ElementsAre("r.yaml:3:51: rule 'a' move: 000300.SH has no benchmark in the instrument list; name one "
                          "with benchmark: (such as 000300.SH)"));
}

TEST(ParseRules, GroupsTaxonomyAndSettings) {
  const std::string text =
      "settings: { allowed_lateness: 5m, explain_within: 20m, session: trading_hours }\n"
      "groups:\n"
      "  miners: [\"600111.SH\", \"000831.SZ\", \"600392.SH\"]\n"
      "keywords:\n"
      "  supply: [\"南鸟岛\", \"莱纳斯\"]\n"
      "taxonomy:\n"
      "  foreign_supply: { keywords: [supply], terms: [\"深海稀土\"], direction: adverse }\n"
      "rules:\n"
      "  - name: breadth\n"
      "    breadth: { symbols: miners, min_count: 2, change_pct: \">= 3.0\", from: prev_close }\n"
      "  - name: adverse-news\n"
      "    headline: { tags: [foreign_supply], direction: adverse }\n";
  auto rs = parse_rules(text, "r.yaml", universe());
  ASSERT_TRUE(rs.ok()) << rs.error().message;
  EXPECT_EQ((*rs)->settings.allowed_lateness_ms, 5 * kMsPerMinute);
  EXPECT_EQ((*rs)->rules[0].within_ms, 20 * kMsPerMinute);
  EXPECT_EQ((*rs)->rules[0].session, Session::TradingHours);
  EXPECT_EQ((*rs)->rules[0].symbols_name, "miners");
  EXPECT_EQ(std::get<BreadthCondition>((*rs)->rules[0].trigger).min_count, 2u);
  Headline h = testing::headline("n1", testing::at(2, 5, 9, 0), "日本在南鸟岛试采深海稀土");
  const auto m = (*rs)->classify(h);
  EXPECT_THAT(m.tags, ElementsAre("foreign_supply"));
  EXPECT_EQ(m.direction, Direction::Adverse);
  EXPECT_TRUE((*rs)->accepts(*(*rs)->rules[1].headline, h, m, nullptr));

  EXPECT_THAT(messages("rules:\n  - name: a\n    headline: { tags: [quota] }\n"),
              ElementsAre("r.yaml:3:24: rule 'a' headline tags: unknown tag 'quota' (taxonomy: none defined)"));
  EXPECT_THAT(messages("groups: { g: [\"159713.SZ\"] }\nrules:\n  - name: a\n    breadth: { symbols: g, min_count: 3, "
                       "change_pct: \">= 1\", window: 5m }\n"),
              ElementsAre("r.yaml:4:39: rule 'a' breadth min_count: expected a whole number from 1 to 1, found '3'"));
}

TEST(ParseRules, ReloadIdentityFollowsBehaviourNotPosition) {
  const auto registry = universe();
  auto a = parse_rules("rules:\n  - name: x\n    price: { symbols: all, limit: up }\n", "a.yaml", registry);
  auto b = parse_rules("# moved down\n\nrules:\n  - {name: x, price: {limit: up, symbols: all}}\n", "b.yaml", registry);
  auto c = parse_rules("rules:\n  - name: x\n    price: { symbols: all, limit: down }\n", "c.yaml", registry);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_NE((*a)->rules[0].config_hash, (*c)->rules[0].config_hash);
  // Reordered keys are a different text; only an identical rule keeps its state.
  EXPECT_NE((*a)->rules[0].config_hash, (*b)->rules[0].config_hash);
  auto a2 = parse_rules("keywords: { unused: [\"x\"] }\nrules:\n  - name: x\n    price: { symbols: all, limit: up }\n",
                        "a.yaml", registry);
  EXPECT_EQ((*a)->rules[0].config_hash, (*a2)->rules[0].config_hash);
}

TEST(ParseRules, MissingFileIsOneDiagnostic) {
  auto d = check_rules_file("/nonexistent/rules.yaml", universe());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(format(d[0]), "/nonexistent/rules.yaml: cannot open the rules file");
  EXPECT_FALSE(load_rules_file("/nonexistent/rules.yaml", universe()).ok());
}

}  // namespace
}  // namespace lodestone::rules
