// Every service's request for the same notifications, against golden files: what a trader sees in
// DingTalk, WeCom, Feishu, Telegram, ServerChan and e-mail, and what an Alertmanager receiver
// gets, all rendered at one fixed `now` (no wall clock).
#include <gtest/gtest.h>

#include "golden.hpp"
#include "lodestone/notify/outbound.hpp"
#include "notify_fixtures.hpp"

namespace lodestone::notify {
namespace {

using testing::fixed_now;

struct Case {
  const char* scenario;
  Notification (*make)();
};

constexpr Case kCases[] = {
    {"firing", testing::firing},   {"resolved", testing::resolved}, {"update", testing::update},
    {"digest", testing::digest12}, {"test", testing::test_message},
};

class Golden : public ::testing::TestWithParam<ReceiverKind> {};

TEST_P(Golden, EveryScenarioMatchesItsGoldenFile) {
  const ReceiverConfig r = testing::receiver(GetParam());
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.scenario);
    auto req = render(r, c.make(), fixed_now());
    ASSERT_TRUE(req) << req.error().message;
    testing::expect_golden(std::string(to_string(GetParam())) + "_" + c.scenario, testing::describe(*req, r));
  }
}

INSTANTIATE_TEST_SUITE_P(Services, Golden,
                         ::testing::Values(ReceiverKind::Webhook, ReceiverKind::DingTalk, ReceiverKind::WeCom,
                                           ReceiverKind::Feishu, ReceiverKind::Telegram, ReceiverKind::ServerChan,
                                           ReceiverKind::Email),
                         [](const auto& info) { return std::string(to_string(info.param)); });

// WeCom's 4096-byte markdown limit is small enough to keep a cut message as a golden file.
TEST(GoldenCut, WeComLongMessageCutOnACharacterBoundary) {
  const ReceiverConfig r = testing::receiver(ReceiverKind::WeCom);
  auto req = render(r, testing::long_firing(), fixed_now());
  ASSERT_TRUE(req);
  testing::expect_golden("wecom_long", testing::describe(*req, r));
}

TEST(GoldenDiff, AMismatchShowsTheChangedLinesWithContext) {
  const std::string diff = testing::line_diff("a\nb\nc\nd\ne\nf\ng\n", "a\nb\nc\nD\ne\nf\ng\n");
  EXPECT_EQ(diff, "  2: b\n  3: c\n- 4: d\n+ 4: D\n  5: e\n  6: f\n");
}

}  // namespace
}  // namespace lodestone::notify
