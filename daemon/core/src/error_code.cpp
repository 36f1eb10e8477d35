#include "lodestone/core/error_code.hpp"

namespace lodestone {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::bad_json:
      return "bad_json";
    case ErrorCode::bad_encoding:
      return "bad_encoding";
    case ErrorCode::too_deep:
      return "too_deep";
    case ErrorCode::bad_xml:
      return "bad_xml";
    case ErrorCode::bad_line:
      return "bad_line";
    case ErrorCode::bad_event:
      return "bad_event";
    case ErrorCode::bad_row:
      return "bad_row";
    case ErrorCode::missing_field:
      return "missing_field";
    case ErrorCode::bad_field:
      return "bad_field";
    case ErrorCode::bad_price:
      return "bad_price";
    case ErrorCode::bad_volume:
      return "bad_volume";
    case ErrorCode::bad_turnover:
      return "bad_turnover";
    case ErrorCode::bad_time:
      return "bad_time";
    case ErrorCode::bad_symbol:
      return "bad_symbol";
    case ErrorCode::bad_code:
      return "bad_code";
    case ErrorCode::bad_text:
      return "bad_text";
    case ErrorCode::bad_seq:
      return "bad_seq";
    case ErrorCode::unknown_symbol:
      return "unknown_symbol";
    case ErrorCode::non_positive_price:
      return "non_positive_price";
    case ErrorCode::negative_volume:
      return "negative_volume";
    case ErrorCode::future_timestamp:
      return "future_timestamp";
    case ErrorCode::far_past:
      return "far_past";
    case ErrorCode::shed:
      return "shed";
    case ErrorCode::stale:
      return "stale";
    case ErrorCode::out_of_order:
      return "out_of_order";
    case ErrorCode::duplicate:
      return "duplicate";
    case ErrorCode::outside_limit_band:
      return "outside_limit_band";
    case ErrorCode::crossed_book:
      return "crossed_book";
    case ErrorCode::sequence_duplicate:
      return "sequence_duplicate";
    case ErrorCode::unknown_code:
      return "unknown_code";
    case ErrorCode::no_trade:
      return "no_trade";
    case ErrorCode::resolve_failed:
      return "resolve_failed";
    case ErrorCode::connect_failed:
      return "connect_failed";
    case ErrorCode::tls_failed:
      return "tls_failed";
    case ErrorCode::http_status:
      return "http_status";
    case ErrorCode::short_line:
      return "short_line";
    case ErrorCode::truncated:
      return "truncated";
    case ErrorCode::no_price:
      return "no_price";
    case ErrorCode::rc_error:
      return "rc_error";
    case ErrorCode::no_items:
      return "no_items";
    case ErrorCode::bad_item:
      return "bad_item";
    case ErrorCode::missing_price:
      return "missing_price";
    case ErrorCode::missing_id:
      return "missing_id";
    case ErrorCode::missing_title:
      return "missing_title";
    case ErrorCode::volume_reset:
      return "volume_reset";
    case ErrorCode::locked_book:
      return "locked_book";
    case ErrorCode::wide_spread:
      return "wide_spread";
    case ErrorCode::sequence_gap:
      return "sequence_gap";
    case ErrorCode::sequence_old:
      return "sequence_old";
    case ErrorCode::sequence_reset:
      return "sequence_reset";
    case ErrorCode::handshake_failed:
      return "handshake_failed";
    case ErrorCode::write_failed:
      return "write_failed";
    case ErrorCode::read_failed:
      return "read_failed";
    case ErrorCode::bad_config:
      return "bad_config";
    case ErrorCode::not_found:
      return "not_found";
    case ErrorCode::io_error:
      return "io_error";
    case ErrorCode::bad_request:
      return "bad_request";
    case ErrorCode::unauthorized:
      return "unauthorized";
    case ErrorCode::conflict:
      return "conflict";
    case ErrorCode::too_large:
      return "too_large";
    case ErrorCode::unavailable:
      return "unavailable";
    case ErrorCode::timeout:
      return "timeout";
  }
  return "unknown";  // a value cast from outside the enumeration
}

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::unknown_symbol:
    case ErrorCode::non_positive_price:
    case ErrorCode::negative_volume:
    case ErrorCode::future_timestamp:
    case ErrorCode::far_past:
    case ErrorCode::stale:
    case ErrorCode::out_of_order:
    case ErrorCode::duplicate:
    case ErrorCode::outside_limit_band:
    case ErrorCode::crossed_book:
    case ErrorCode::sequence_duplicate:
    case ErrorCode::unknown_code:
    case ErrorCode::no_trade:
    case ErrorCode::volume_reset:
    case ErrorCode::locked_book:
    case ErrorCode::wide_spread:
    case ErrorCode::sequence_gap:
    case ErrorCode::sequence_old:
    case ErrorCode::sequence_reset:
      return 422;  // well-formed, refused by the checks
    case ErrorCode::shed:
    case ErrorCode::unavailable:
      return 503;
    case ErrorCode::not_found:
      return 404;
    case ErrorCode::unauthorized:
      return 401;
    case ErrorCode::conflict:
      return 409;
    case ErrorCode::too_large:
      return 413;
    case ErrorCode::timeout:
      return 504;
    case ErrorCode::resolve_failed:
    case ErrorCode::connect_failed:
    case ErrorCode::tls_failed:
    case ErrorCode::handshake_failed:
    case ErrorCode::write_failed:
    case ErrorCode::read_failed:
    case ErrorCode::http_status:
      return 502;  // an upstream failed
    case ErrorCode::io_error:
      return 500;
    default:
      return 400;
  }
}

}  // namespace lodestone
