// The real daemon and its calendar file: how far it reaches is in the log, /metrics, /readyz and
// the snapshot; SIGHUP re-reads the file, a broken one keeps the running calendar and is counted;
// check-config names the faulty line. The files are chosen so the outcome does not depend on
// today's date: one ended in 2001, one reaches 2199.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "lodestone/testing/daemon_process.hpp"
#include "lodestone/testing/redis_server.hpp"
#include "lodestone/testing/temp_file.hpp"
#include "lodestone/testing/ws_client.hpp"

namespace lodestone::testing {
namespace {

using namespace std::chrono_literals;

std::string years(int from, int to) {
  std::string out;
  for (int y = from; y <= to; ++y) out += std::to_string(y) + ":\n  source: test notice\n  closed: {}\n";
  return out;
}

double series(const std::string& metrics, const std::string& name) {
  const auto pos = metrics.find("\n" + name + " ");
  if (pos == std::string::npos) return 1e18;
  return std::stod(metrics.substr(pos + name.size() + 2));
}

std::string metrics(const DaemonProcess& d) { return http_request(d.port(), http::verb::get, "/metrics").body; }

TEST(CalendarDaemon, SaysWhenTheCalendarHasRunOutAndReloadsItOnSighup) {
  const std::string calendar = temp_file(years(2000, 2001), "lodestone-calendar");
  const std::string config = temp_file(
      "tape: off\nrules: \"\"\ncalendar: " + calendar + "\nuniverse: " + source_path("deploy/universe.yaml") + "\n",
      "lodestone-calendar-cfg");
  DaemonProcess d({"--config", config});

  // Past the end: a negative gauge, a warning in /readyz (still 200: not a reason to leave the
  // rotation), in the snapshot the page reads, and in the log.
  EXPECT_LT(series(metrics(d), "lodestone_calendar_days_known"), 0);
  const auto ready = http_request(d.port(), http::verb::get, "/readyz");
  EXPECT_EQ(ready.status, 200U);
  EXPECT_NE(ready.body.find(R"("status":"ok","warning":"calendar: )"), std::string::npos) << ready.body;
  EXPECT_NE(ready.body.find("is past 2001-12-31"), std::string::npos) << ready.body;
  const auto snapshot = http_request(d.port(), http::verb::get, "/api/v1/snapshot").body;
  EXPECT_NE(snapshot.find(R"("calendar":{"last_known_day":"2001-12-31","days_known":-)"), std::string::npos);
  EXPECT_NE(snapshot.find(R"("warn":true,)"), std::string::npos) << snapshot.substr(0, 200);
  EXPECT_TRUE(eventually([&] { return d.log().find("the last day the calendar knows") != std::string::npos; }, 10s))
      << d.log();

  // A broken file on SIGHUP: the running calendar stays, the error is logged with its line and
  // counted.
  std::ofstream(calendar) << years(2000, 2001) << "2002:\n  source: n\n  closed:\n    元旦: [2002-01-05]\n";
  ASSERT_EQ(::kill(d.pid(), SIGHUP), 0);
  EXPECT_TRUE(eventually([&] { return series(metrics(d), "lodestone_calendar_reload_errors_total") == 1; }, 10s))
      << d.log();
  EXPECT_TRUE(
      eventually([&] { return d.log().find(calendar + ":10:10: 2002-01-05 is a Saturday") != std::string::npos; }, 10s))
      << d.log();
  EXPECT_NE(http_request(d.port(), http::verb::get, "/readyz").body.find("2001-12-31"), std::string::npos);

  // The next year's notice, as an operator adds it: the gauge and the warnings follow at once.
  std::ofstream(calendar) << years(2000, 2199);
  ASSERT_EQ(::kill(d.pid(), SIGHUP), 0);
  EXPECT_TRUE(eventually([&] { return series(metrics(d), "lodestone_calendar_days_known") > 30; }, 10s)) << d.log();
  EXPECT_EQ(http_request(d.port(), http::verb::get, "/readyz").body, R"({"status":"ok"})");
  EXPECT_NE(http_request(d.port(), http::verb::get, "/api/v1/snapshot").body.find(R"("warn":false,)"),
            std::string::npos);
  EXPECT_EQ(d.stop(), 0);
  ::unlink(calendar.c_str());
  ::unlink(config.c_str());
}

TEST(CalendarDaemon, CheckConfigNamesTheFaultyLineOfTheCalendar) {
  const std::string calendar =
      temp_file("2027:\n  source: n\n  closed:\n    春节: [2027-02-12..2027-02-08]\n", "lodestone-calendar");
  const std::string config = temp_file(
      "calendar: " + calendar + "\nuniverse: " + source_path("deploy/universe.yaml") + "\n", "lodestone-calendar-cfg");
  FILE* p = ::popen((lodestone_binary() + " check-config " + config + " 2>&1").c_str(), "r");
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  EXPECT_NE(::pclose(p), 0);
  EXPECT_EQ(out, calendar + ":4:10: range reversed: 2027-02-12..2027-02-08 ends before it starts\n");
  // And serve refuses to start on it.
  p = ::popen((lodestone_binary() + " serve --no-tape --listen 127.0.0.1:0 --config " + config + " 2>&1").c_str(), "r");
  out.clear();
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  EXPECT_EQ(WEXITSTATUS(::pclose(p)), 2);
  EXPECT_NE(out.find("calendar: " + calendar + ":4:10: range reversed"), std::string::npos) << out;
  ::unlink(calendar.c_str());
  ::unlink(config.c_str());
}

TEST(CalendarDaemon, CalendarCommandExitsTwoOnABadDate) {
  FILE* p = ::popen((lodestone_binary() + " calendar --json 2026-10-01 2026-10-32 2>&1").c_str(), "r");
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  EXPECT_EQ(WEXITSTATUS(::pclose(p)), 2);
  EXPECT_EQ(out, "calendar: '2026-10-32' is not a date: expected YYYY-MM-DD, YYYYMMDD or today\n");
}

}  // namespace
}  // namespace lodestone::testing
