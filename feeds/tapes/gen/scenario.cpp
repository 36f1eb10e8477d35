#include "scenario.hpp"

namespace lodestone::tapegen {
namespace {

Anchor at(std::string_view time, std::int64_t centipct) { return {time, AnchorKind::Change, centipct, {}, false}; }
Anchor exactly(std::string_view time, std::int64_t centipct) { return {time, AnchorKind::Change, centipct, {}, true}; }
Anchor price_at(std::string_view time, std::string_view price) { return {time, AnchorKind::Price, 0, price, true}; }
Anchor limit_up_from(std::string_view time) { return {time, AnchorKind::LimitUp, 0, {}, true}; }

// Open, a morning anchor, a mid-afternoon anchor and the close of a day that builds steadily.
Script build(std::string_view day, std::string_view symbol, std::int64_t open, std::int64_t morning,
             std::int64_t afternoon, std::int64_t close) {
  return {day, symbol, {at("09:25", open), at("10:30", morning), at("13:30", afternoon), at("15:00", close)}};
}

// 2026-02-05: a sell-off into 10:51, then a partial recovery.
Script selloff(std::string_view symbol, std::int64_t open, std::int64_t at_1051, std::int64_t close) {
  return {"2026-02-05", symbol, {at("09:25", open), at("10:51", at_1051), at("15:00", close)}};
}

// 2026-02-09: a rally into the afternoon; the 14:23 figure is the one the NBD item reports.
Script rally(std::string_view symbol, std::int64_t open, std::int64_t at_1423, std::int64_t close) {
  return {"2026-02-09", symbol, {at("09:25", open), at("14:23", at_1423), at("15:00", close)}};
}

}  // namespace

// Price levels are plausible for early 2026, not quotes of record. 159713.SZ sits at 1.44
// because 3.61% and 3.40% (the NBD figures of 02-09) are both reachable in 0.001 ticks only
// for a few previous closes, none of them between 1.100 and 1.300.
const std::vector<InstrumentSpec>& instrument_specs() {
  static const std::vector<InstrumentSpec> specs = {
      // symbol       base close  turnover (CNY)   step ppm  index px  max move
      {"159713.SZ", "1.435", 300'000'000, 650, {}, 0},
      {"516150.SH", "2.483", 650'000'000, 650, {}, 0},
      {"516780.SH", "2.316", 180'000'000, 650, {}, 0},
      {"159715.SZ", "1.527", 120'000'000, 650, {}, 0},
      {"600111.SH", "47.85", 6'000'000'000, 900, {}, 0},
      {"000831.SZ", "43.62", 2'500'000'000, 1000, {}, 0},
      {"002600.SZ", "12.35", 1'700'000'000, 900, {}, 0},
      {"601600.SH", "9.46", 2'200'000'000, 800, {}, 0},
      {"002340.SZ", "8.27", 1'300'000'000, 900, {}, 0},
      {"600010.SH", "2.68", 1'400'000'000, 700, {}, 0},
      {"600580.SH", "26.91", 1'500'000'000, 900, {}, 0},
      {"002202.SZ", "14.32", 1'800'000'000, 900, {}, 0},
      {"600549.SH", "31.56", 1'500'000'000, 900, {}, 0},
      {"600392.SH", "19.87", 2'000'000'000, 1100, {}, 0},
      {"300748.SZ", "36.14", 1'600'000'000, 1200, {}, 0},
      {"000970.SZ", "13.58", 600'000'000, 1100, {}, 0},
      {"600366.SH", "10.94", 500'000'000, 1100, {}, 0},
      {"300224.SZ", "15.22", 400'000'000, 1200, {}, 0},
      {"600259.SH", "42.17", 1'500'000'000, 1100, {}, 0},
      {"301141.SZ", "41.08", 500'000'000, 1300, {}, 0},
      {"688190.SH", "98.40", 300'000'000, 1200, {}, 0},
      {"300263.SZ", "10.47", 700'000'000, 1300, {}, 0},
      {"000758.SZ", "8.93", 1'200'000'000, 1100, {}, 0},
      {"002645.SZ", "18.76", 600'000'000, 1300, {}, 0},
      {"300127.SZ", "24.35", 500'000'000, 1300, {}, 0},
      {"301622.SZ", "58.90", 400'000'000, 1300, {}, 0},
      {"930598.CSI", "2412.58", 45'000'000'000, 700, "22.00", 0},
      {"000300.SH", "4712.35", 320'000'000'000, 400, "20.00", kQuietBandCentipct},
  };
  return specs;
}

const std::vector<DaySpec>& day_specs() {
  static const std::vector<DaySpec> days = {
      {"2026-02-03", false, 0, 220, 110},  // board +3.80% (金融界)
      {"2026-02-04", true, -25, 110, 70},
      {"2026-02-05", false, 0, 180, 110},  // 930598 -4.45% at 10:51 (新浪财经)
      {"2026-02-06", true, 15, 90, 70},
      {"2026-02-09", false, 0, 200, 110},  // 159713 +3.61% high, +3.40% at 14:23, 盛和资源 limit-up (每日经济新闻)
      {"2026-02-10", true, 35, 100, 70},
      {"2026-02-11", true, -40, 95, 70},
  };
  return days;
}

const std::vector<Script>& scripts() {
  static const std::vector<Script> all = [] {
    std::vector<Script> s;
    // 2026-02-03 — 金融界 18:47: "A股稀土板块当日表现强势,板块整体上涨3.80%"; 隆华科技 +11.46%;
    // 中色股份, 中国稀土, 金风科技, 华宏科技, 银河磁体, 金力永磁, 中科磁业, 英思特, 北方稀土,
    // 中稀有色, 盛和资源 all above +5% (in the order the item lists them).
    const std::string_view d3 = "2026-02-03";
    s.push_back({d3, "930598.CSI", {at("09:25", 85), at("10:30", 210), at("13:30", 320), exactly("15:00", 380)}});
    s.push_back(build(d3, "000300.SH", 15, 30, 48, 62));
    s.push_back(build(d3, "159713.SZ", 80, 205, 310, 372));
    s.push_back(build(d3, "516150.SH", 82, 208, 315, 376));
    s.push_back(build(d3, "516780.SH", 79, 204, 312, 374));
    s.push_back(build(d3, "159715.SZ", 81, 203, 309, 370));
    s.push_back({d3, "300263.SZ", {at("09:25", 150), at("10:30", 520), at("13:30", 880), exactly("15:00", 1146)}});
    s.push_back(build(d3, "000758.SZ", 120, 330, 560, 702));
    s.push_back(build(d3, "000831.SZ", 160, 320, 540, 675));
    s.push_back(build(d3, "002202.SZ", 90, 280, 520, 648));
    s.push_back(build(d3, "002645.SZ", 110, 260, 500, 621));
    s.push_back(build(d3, "300127.SZ", 100, 250, 480, 596));
    s.push_back(build(d3, "300748.SZ", 130, 240, 460, 578));
    s.push_back(build(d3, "301141.SZ", 95, 230, 450, 562));
    s.push_back(build(d3, "301622.SZ", 80, 210, 430, 545));
    s.push_back(build(d3, "600111.SH", 140, 220, 420, 533));
    s.push_back(build(d3, "600259.SH", 120, 200, 410, 521));
    s.push_back(build(d3, "600392.SH", 110, 190, 400, 508));
    // The rest of the universe: heavyweights outside rare earths lag, magnet makers follow.
    s.push_back(build(d3, "002600.SZ", 20, -30, -80, -120));
    s.push_back(build(d3, "601600.SH", 10, -20, -60, -90));
    s.push_back(build(d3, "002340.SZ", 30, 15, 0, -30));
    s.push_back(build(d3, "600010.SH", 0, 40, 75, 112));
    s.push_back(build(d3, "600580.SH", 15, -10, -35, -60));
    s.push_back(build(d3, "600549.SH", 40, 90, 140, 180));
    s.push_back(build(d3, "688190.SH", 60, 110, 180, 230));
    s.push_back(build(d3, "000970.SZ", 50, 80, 130, 160));
    s.push_back(build(d3, "600366.SH", 45, 90, 150, 190));
    s.push_back(build(d3, "300224.SZ", 40, 70, 120, 153));

    // 2026-02-05 — 新浪财经 11:08: "早盘截至10:51,中证稀土产业指数下跌4.45%", "成分股中金风科技
    // 领跌,中国铝业、盛和资源、北方稀土、中国稀土跟跌".
    s.push_back({"2026-02-05",
                 "930598.CSI",
                 {at("09:25", -110), at("10:00", -290), exactly("10:51", -445), at("11:30", -402), at("14:00", -360),
                  at("15:00", -341)}});
    s.push_back(selloff("000300.SH", -20, -85, -62));
    s.push_back(selloff("159713.SZ", -105, -438, -336));
    s.push_back(selloff("516150.SH", -108, -441, -339));
    s.push_back(selloff("516780.SH", -106, -440, -338));
    s.push_back(selloff("159715.SZ", -104, -436, -335));
    s.push_back(selloff("002202.SZ", -150, -712, -528));
    s.push_back(selloff("601600.SH", -130, -664, -470));
    s.push_back(selloff("600392.SH", -140, -621, -455));
    s.push_back(selloff("600111.SH", -120, -583, -430));
    s.push_back(selloff("000831.SZ", -110, -547, -402));
    s.push_back(selloff("600259.SH", -110, -530, -395));
    s.push_back(selloff("300748.SZ", -100, -520, -380));
    s.push_back(selloff("300224.SZ", -90, -510, -372));
    s.push_back(selloff("301141.SZ", -80, -500, -360));
    s.push_back(selloff("002645.SZ", -85, -490, -350));
    s.push_back(selloff("600366.SH", -90, -480, -352));
    s.push_back(selloff("000970.SZ", -70, -460, -330));
    s.push_back(selloff("301622.SZ", -75, -450, -320));
    s.push_back(selloff("000758.SZ", -60, -440, -310));
    s.push_back(selloff("600549.SH", -65, -430, -305));
    s.push_back(selloff("300127.SZ", -55, -420, -298));
    s.push_back(selloff("600010.SH", -40, -410, -300));
    s.push_back(selloff("002340.SZ", -50, -390, -270));
    s.push_back(selloff("688190.SH", -45, -340, -240));
    s.push_back(selloff("002600.SZ", -35, -310, -220));
    s.push_back(selloff("600580.SH", -30, -290, -205));
    s.push_back(selloff("300263.SZ", -60, -270, -190));

    // 2026-02-06 — quiet, but 159713.SZ closes where the 02-09 figures are reachable in ticks.
    s.push_back({"2026-02-06", "159713.SZ", {price_at("15:00", "1.441")}});

    // 2026-02-09 — 每日经济新闻 14:23: "稀土ETF(159713)盘中一度涨至3.61%,截至发稿涨幅为3.40%",
    // "盛和资源涨停(10CM),北方稀土、中国稀土、云路股份等多只股票涨幅超过5%".
    const std::string_view d9 = "2026-02-09";
    // The four ETFs track one index: none prints above its 13:47 peak.
    s.push_back({d9,
                 "159713.SZ",
                 {at("09:25", 58), at("10:42", 226), exactly("13:47", 361), exactly("14:23", 340), at("15:00", 312)},
                 true});
    s.push_back({d9,
                 "516150.SH",
                 {at("09:25", 60), at("10:42", 229), at("13:47", 355), at("14:23", 337), at("15:00", 316)},
                 true});
    s.push_back({d9,
                 "516780.SH",
                 {at("09:25", 57), at("10:42", 225), at("13:47", 352), at("14:23", 335), at("15:00", 313)},
                 true});
    s.push_back({d9,
                 "159715.SZ",
                 {at("09:25", 59), at("10:42", 224), at("13:47", 350), at("14:23", 333), at("15:00", 311)},
                 true});
    s.push_back(
        {d9, "930598.CSI", {at("09:25", 60), at("10:42", 230), at("13:47", 352), at("14:23", 338), at("15:00", 318)}});
    s.push_back(rally("000300.SH", 12, 55, 71));
    s.push_back({d9, "600392.SH", {at("09:25", 150), at("10:15", 620), at("10:41", 890), limit_up_from("10:42")}});
    s.push_back({d9, "600111.SH", {at("09:25", 120), at("10:42", 310), at("14:23", 612), at("15:00", 574)}});
    s.push_back({d9, "000831.SZ", {at("09:25", 130), at("10:42", 340), at("14:23", 658), at("15:00", 605)}});
    s.push_back({d9, "688190.SH", {at("09:25", 90), at("10:42", 290), at("14:23", 736), at("15:00", 688)}});
    s.push_back(rally("300748.SZ", 100, 420, 395));
    s.push_back(rally("600259.SH", 110, 445, 410));
    s.push_back(rally("002202.SZ", 40, 180, 160));
    s.push_back(rally("601600.SH", 30, 120, 95));
    s.push_back(rally("002340.SZ", 35, 210, 190));
    s.push_back(rally("600010.SH", 0, 260, 230));
    s.push_back(rally("600580.SH", 20, 150, 130));
    s.push_back(rally("002600.SZ", 10, 110, 105));
    s.push_back(rally("600549.SH", 60, 290, 270));
    s.push_back(rally("000970.SZ", 70, 380, 350));
    s.push_back(rally("600366.SH", 65, 360, 330));
    s.push_back(rally("300224.SZ", 55, 350, 320));
    s.push_back(rally("301141.SZ", 80, 440, 410));
    s.push_back(rally("300263.SZ", 40, 240, 210));
    s.push_back(rally("000758.SZ", 50, 310, 280));
    s.push_back(rally("002645.SZ", 70, 430, 400));
    s.push_back(rally("300127.SZ", 60, 330, 300));
    s.push_back(rally("301622.SZ", 75, 410, 380));
    return s;
  }();
  return all;
}

}  // namespace lodestone::tapegen
