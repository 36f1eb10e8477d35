#include "grid.hpp"

namespace lodestone::tapegen {
namespace {

constexpr int kAuction = 9 * 60 + 25;
constexpr int kMorningOpen = 9 * 60 + 30;
constexpr int kMorningClose = 11 * 60 + 30;
constexpr int kAfternoonOpen = 13 * 60;
constexpr int kAfternoonClose = 15 * 60;
constexpr int kAfternoonFirstIndex = 1 + (kMorningClose - kMorningOpen) + 1;

}  // namespace

int grid_index(std::string_view hh_mm) {
  if (hh_mm.size() != 5 || hh_mm[2] != ':') return -1;
  for (std::size_t i : {0U, 1U, 3U, 4U})
    if (hh_mm[i] < '0' || hh_mm[i] > '9') return -1;
  const int minute = ((hh_mm[0] - '0') * 10 + (hh_mm[1] - '0')) * 60 + (hh_mm[3] - '0') * 10 + (hh_mm[4] - '0');
  if (minute == kAuction) return kOpenIndex;
  if (minute >= kMorningOpen && minute <= kMorningClose) return 1 + (minute - kMorningOpen);
  if (minute >= kAfternoonOpen && minute <= kAfternoonClose) return kAfternoonFirstIndex + (minute - kAfternoonOpen);
  return -1;
}

int grid_minute(int index) {
  if (index == kOpenIndex) return kAuction;
  if (index < kAfternoonFirstIndex) return kMorningOpen + (index - 1);
  return kAfternoonOpen + (index - kAfternoonFirstIndex);
}

Timestamp grid_time(Date day, int index) {
  const int minute = grid_minute(index);
  return exchange_time(day, minute / 60, minute % 60);
}

bool in_closing_auction(int index) { return index > kLastMatchedIndex && index < kCloseIndex; }

}  // namespace lodestone::tapegen
