#pragma once
// Reading a canonical alert back: the inverse of core's to_json(const Alert&) (json_writer.hpp),
// for the places that keep alerts as that JSON and act on them later (the notification outbox,
// which holds each notification's alert until it is delivered).
//
// parse_alert_json(to_json(a)) gives `a` back field by field, with two limits that come from what
// the writer leaves out:
// - price_decimals is not written: it is read back as the fewest decimals any of the move's
//   prices carries (every price is written with at least price_decimals places, and a price on
//   the instrument's tick has exactly that many), so it is exact unless every price of the move
//   has digits beyond its tick.
// - text with bytes that are not UTF-8 was written with U+FFFD in their place.
// Whatever it accepts, written again and read again, gives the same JSON (canonical_alert_fuzz).
#include <string_view>

#include "lodestone/core/events.hpp"
#include "lodestone/core/result.hpp"

namespace lodestone::feeds {

// One canonical alert object. Errors: bad_json (not JSON, trailing content), bad_encoding (not
// UTF-8), bad_event (not an object, "type" not "alert"), missing_field (id, rule, severity,
// state, ts; a move without from, to or window), bad_price, bad_time, bad_symbol, bad_field
// (a field of the wrong type); the message names the field. Fields it does not know are skipped.
Result<Alert> parse_alert_json(std::string_view json);

}  // namespace lodestone::feeds
