#pragma once
// Tencent real-time quotes (qt.gtimg.cn/q=sz159713,sh600111): `v_sz159713="51~name~code~last~
// prev_close~open~volume(lots)~…";`, tilde-separated, GBK. Field map in
// docs/market-data.md#tencent. Volumes come in lots (×100 shares), amount in 10k CNY.
#include <string_view>

#include "lodestone/feeds/batch.hpp"

namespace lodestone::feeds {

// Same contract as parse_sina: `v_pv_none_match="1";` (no code matched) goes to out.unknown.
void parse_tencent(std::string_view text, QuoteBatch& out);

}  // namespace lodestone::feeds
