#pragma once
// Eastmoney push2 quotes, JSON: ulist.np/get (rows in data.diff[], fields f2 f5 f6 f12 f13 f14
// f15-f18 f124) and stock/get (one row in data, fields f43-f48 f51/f52 (the source's limits) f57
// f58 f59 f60 f86 f107, book f19/f39). f14 and f58 are the name.
// Field map in docs/market-data.md#eastmoney. "-" means no value; data:null means the secid is
// unknown.
#include <cstdint>
#include <memory>
#include <string_view>

#include "lodestone/feeds/batch.hpp"

namespace lodestone::feeds {

// fltt=2 sends decimals (1.234); fltt=1 or no fltt sends integers scaled by 10^f59 (1234, f59=3).
enum class EastmoneyScaling : std::uint8_t {
  Auto,     // decimals if a price has a decimal point, otherwise scaled when f59/f152 is present
  Decimal,  // fltt=2
  Scaled,   // fltt=1 / absent; without f59/f152 the instrument's tick precision is assumed
};

// What the request URL asked for.
EastmoneyScaling eastmoney_scaling_for_url(std::string_view url);

// Reuses its buffers between answers. Not thread-safe: one per feed.
class EastmoneyParser {
 public:
  explicit EastmoneyParser(EastmoneyScaling scaling = EastmoneyScaling::Auto);
  ~EastmoneyParser();
  EastmoneyParser(const EastmoneyParser&) = delete;
  EastmoneyParser& operator=(const EastmoneyParser&) = delete;

  // Appends to `out`. A document that is not JSON, or rc != 0, is one Problem.
  void parse(std::string_view json, QuoteBatch& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lodestone::feeds
