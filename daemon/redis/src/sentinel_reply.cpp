#include "lodestone/redis/sentinel_reply.hpp"

#include <charconv>
#include <vector>

namespace lodestone::redis {
namespace {

std::optional<std::uint16_t> port_of(std::string_view text) {
  unsigned p = 0;
  const auto* end = text.data() + text.size();
  auto [at, ec] = std::from_chars(text.data(), end, p);
  if (text.empty() || ec != std::errc() || at != end || p == 0 || p > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(p);
}

bool is_text(const Reply& r) { return r.type == Reply::Type::String || r.type == Reply::Type::Status; }

}  // namespace

Result<HostPort> parse_master_address(const Reply& reply, std::string_view master) {
  if (reply.type == Reply::Type::Nil)
    return make_error(ErrorCode::unavailable, "does not know a master named '" + std::string(master) + "'");
  if (reply.type != Reply::Type::Array || reply.elements.size() != 2 || !is_text(reply.elements[0]) ||
      !is_text(reply.elements[1]) || reply.elements[0].str.empty())
    return make_error(ErrorCode::bad_field, "get-master-addr-by-name: not an [ip, port] answer");
  const auto port = port_of(reply.elements[1].str);
  if (!port) return make_error(ErrorCode::bad_field, "get-master-addr-by-name: port '" + reply.elements[1].str + "'");
  return HostPort{reply.elements[0].str, *port};
}

std::optional<SwitchMaster> parse_switch_master(std::string_view payload) {
  std::vector<std::string_view> words;
  while (!payload.empty() && words.size() < 6) {
    const auto space = payload.find(' ');
    if (space != 0) words.push_back(payload.substr(0, space));
    payload = space == std::string_view::npos ? std::string_view() : payload.substr(space + 1);
  }
  if (words.size() != 5) return std::nullopt;
  const auto from = port_of(words[2]);
  const auto to = port_of(words[4]);
  if (!from || !to) return std::nullopt;
  return SwitchMaster{std::string(words[0]), {std::string(words[1]), *from}, {std::string(words[3]), *to}};
}

std::optional<std::string> message_payload(const Reply& reply, std::string_view channel) {
  if (reply.type != Reply::Type::Array || reply.elements.size() != 3) return std::nullopt;
  const auto& e = reply.elements;
  if (!is_text(e[0]) || e[0].str != "message" || !is_text(e[1]) || e[1].str != channel || !is_text(e[2]))
    return std::nullopt;
  return e[2].str;
}

}  // namespace lodestone::redis
