#include "lodestone/web/stats.hpp"

namespace lodestone::web {

std::string_view to_string(RefusedConnection r) {
  switch (r) {
    case RefusedConnection::MaxConnections:
      return "max_connections";
    case RefusedConnection::PerIp:
      return "per_ip";
    case RefusedConnection::FdExhausted:
      return "fd_exhausted";
    case RefusedConnection::kCount:
      break;
  }
  return "unknown";
}

std::string_view to_string(RejectedRequest r) {
  switch (r) {
    case RejectedRequest::UriTooLong:
      return "uri_too_long";
    case RejectedRequest::HeaderTooLarge:
      return "header_too_large";
    case RejectedRequest::BodyTooLarge:
      return "body_too_large";
    case RejectedRequest::Timeout:
      return "timeout";
    case RejectedRequest::Malformed:
      return "malformed";
    case RejectedRequest::TlsHandshake:
      return "tls_handshake";
    case RejectedRequest::kCount:
      break;
  }
  return "unknown";
}

std::string_view to_string(ClientClose r) {
  switch (r) {
    case ClientClose::BadMessage:
      return "bad_message";
    case ClientClose::TooBig:
      return "too_big";
    case ClientClose::ProtocolError:
      return "protocol_error";
    case ClientClose::InvalidUtf8:
      return "invalid_utf8";
    case ClientClose::RateLimited:
      return "rate_limited";
    case ClientClose::SlowConsumer:
      return "slow_consumer";
    case ClientClose::Timeout:
      return "timeout";
    case ClientClose::kCount:
      break;
  }
  return "unknown";
}

}  // namespace lodestone::web
