#pragma once
// What went wrong, as a value: every metric label, feed error counter and HTTP status is derived
// from the code, never from an error's words (which are for people and may change). Each value's
// name is also its counter label (to_string), so dashboards keep working when a message is reworded.
#include <cstdint>
#include <string_view>

namespace lodestone {

enum class ErrorCode : std::uint8_t {
  // Input that could not be read (a feed's bytes, an ingest line, a tape line).
  bad_json,       // not JSON, truncated, or content after the value
  bad_encoding,   // not valid UTF-8 (or not valid in the declared charset)
  too_deep,       // nested beyond the parser's limit
  bad_xml,        // not well-formed XML, or neither RSS nor Atom
  bad_line,       // a vendor line that is not the statement its format has
  bad_event,      // not an object, an empty line, or no or an unknown event type
  bad_row,        // a row or item of a list is not an object
  missing_field,  // a field every event of its kind carries is absent
  bad_field,      // a field of the wrong type or shape (one with no code of its own)
  bad_price,      // a price that does not parse, is below a tick, or is negative
  bad_volume,     // a share count that does not parse, is out of range, or is negative
  bad_turnover,   // an amount in CNY that does not parse or is out of range
  bad_time,       // a date, time or timestamp that does not parse
  bad_symbol,     // a symbol that does not parse
  bad_code,       // a vendor's instrument code that maps to no symbol
  bad_text,       // text with control or bidirectional-override characters
  bad_seq,        // a sequence number that is not a whole number
  // Feeds: a vendor's answer, or one record of it, the source's format does not allow.
  short_line,     // a Sina/Tencent quote with fewer fields than the format has
  truncated,      // cut off: a statement or item not closed, an answer that stopped early
  no_price,       // a quote row with neither a last price nor a previous close
  rc_error,       // Eastmoney answered with a non-zero rc
  no_items,       // no list where the mapping says the updates or items are
  bad_item,       // an update of a mapped JSON list that is not an object
  missing_price,  // a mapped JSON quote without its price
  missing_id,     // a news item without an id
  missing_title,  // a news item with neither title nor text
  // Events that parse but that the bus's checks refuse.
  unknown_symbol,      // not in the universe
  non_positive_price,  // a price of zero or below
  negative_volume,     // a cumulative count below zero
  future_timestamp,    // later than now plus the allowed skew
  far_past,            // before 2000: a unit or epoch error upstream
  shed,                // dropped under overload; a newer quote supersedes it
  // Quotes a feed's sanity checks refuse (feeds/quote_sanity.hpp) and its delivery counts.
  stale,               // dated before the current trading day
  out_of_order,        // older than the last quote taken for the symbol
  duplicate,           // the same snapshot as the last one
  outside_limit_band,  // beyond the day's price limit
  crossed_book,        // bid above ask
  sequence_duplicate,  // a sequence number already seen (a resend)
  unknown_code,        // a vendor code outside the universe
  no_trade,            // a row with no trade yet today (suspended, or before the open)
  // Delivered, and counted so that an operator sees them.
  volume_reset,    // the cumulative volume restarted lower (the upstream restarted)
  locked_book,     // bid equal to ask in continuous trading
  wide_spread,     // a spread above 10 % of the mid in continuous trading
  sequence_gap,    // message numbers skipped (the newest snapshot wins)
  sequence_old,    // a message older than the last one (dropped)
  sequence_reset,  // the source numbers its messages afresh
  // A feed's transport.
  resolve_failed,    // the host name did not resolve
  connect_failed,    // the TCP connection was refused or timed out
  tls_failed,        // the TLS handshake failed (certificate, SNI, protocol)
  handshake_failed,  // the WebSocket upgrade was refused
  write_failed,      // sending a request or message failed
  read_failed,       // the connection failed while an answer or message was read
  http_status,       // the server answered with a status other than 200 (the detail has it)
  // Configuration, files and requests.
  bad_config,    // a configuration, universe or rules file that is wrong (the detail says where)
  not_found,     // a file, route or record that does not exist
  io_error,      // the operating system refused a read, write or socket operation
  bad_request,   // a request the API cannot take (malformed, unknown parameter)
  unauthorized,  // a missing or wrong credential
  conflict,      // a request that contradicts the current state
  too_large,     // a body or message beyond its limit
  unavailable,   // a dependency (Redis, a feed) cannot be reached now; retry later
  timeout,       // a deadline passed
};
// The last enumerator: a new code goes before it or moves this (error_code_test checks).
inline constexpr ErrorCode kLastErrorCode = ErrorCode::timeout;

// The counter label: the enumerator's name ("bad_price").
std::string_view to_string(ErrorCode code);
// The HTTP status an API answer carries for this code: 400 unreadable, 422 refused by the checks,
// 401, 404, 409, 413, 502 an upstream failed, 503 overloaded or unavailable, 504, 500.
int http_status(ErrorCode code);

}  // namespace lodestone
