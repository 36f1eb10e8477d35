#pragma once
// Sina real-time quotes (hq.sinajs.cn/list=sz159713,sh600111): one JavaScript statement per
// code, `var hq_str_sz159713="name,open,prev_close,last,high,low,bid,ask,volume,turnover,…,
// date,time,status";`. Field map in docs/market-data.md#sina. Decode the answer to UTF-8
// first (it is GBK; see charset.hpp).
#include <string_view>

#include "lodestone/feeds/batch.hpp"

namespace lodestone::feeds {

// Parses every statement in `text` into `out` (appends). Empty strings (unknown codes) go to
// out.unknown; a zero last price (no trade yet, or suspended) yields a quote at the previous
// close listed in out.no_trade; anything malformed is a Problem and is skipped.
void parse_sina(std::string_view text, QuoteBatch& out);

}  // namespace lodestone::feeds
