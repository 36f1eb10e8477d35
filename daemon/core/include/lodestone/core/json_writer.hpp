#pragma once
// Canonical JSON for events: one form everywhere (tapes, WebSocket, REST, Redis, backtests).
#include <string>
#include <string_view>

#include "lodestone/core/events.hpp"

namespace lodestone {

class InstrumentRegistry;

// Appends s as a JSON string literal (quotes included), escaping control characters and
// passing UTF-8 through. Invalid UTF-8 bytes become U+FFFD so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view s);

// Prices are written with the instrument's tick precision (1.190 for an ETF) and exactly the
// digits they carry; `price_decimals` is that precision.
std::string to_json(const Quote& q, int price_decimals);
std::string to_json(const Headline& h);
std::string to_json(const Alert& a);

}  // namespace lodestone
