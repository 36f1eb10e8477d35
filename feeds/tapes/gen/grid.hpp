#pragma once
// The tape's sampling grid for one trading day: the 09:25 opening-auction print, then one
// snapshot per minute mark of the continuous sessions, both ends included (09:30…11:30,
// 13:00…15:00). 14:58 and 14:59 fall in the closing call auction, where nothing matches.
#include <string_view>

#include "lodestone/core/time.hpp"

namespace lodestone::tapegen {

inline constexpr int kGridPoints = 1 + 121 + 121;
inline constexpr int kOpenIndex = 0;
inline constexpr int kCloseIndex = kGridPoints - 1;
inline constexpr int kLastMatchedIndex = kCloseIndex - 3;  // 14:57, when the closing auction starts

// Grid index of "HH:MM", or -1 when the time is not on the grid.
int grid_index(std::string_view hh_mm);
// Minutes since midnight of a grid point.
int grid_minute(int index);
Timestamp grid_time(Date day, int index);
bool in_closing_auction(int index);

}  // namespace lodestone::tapegen
