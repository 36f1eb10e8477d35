#include "auth_endpoints.hpp"

#include "lodestone/core/json_writer.hpp"

namespace lodestone::web {

HttpAnswer whoami_answer(const Caller& caller, RouterContext& ctx) {
  auto* access = ctx.api.access_control();
  std::string out = R"({"user":)";
  if (caller.principal) {
    append_json_string(out, caller.principal->name);
    out += R"(,"role":")" + std::string(auth::to_string(caller.principal->role)) + "\"";
  } else {
    out += R"(null,"role":"viewer")";
  }
  out += R"(,"permissions":[)";
  bool first = true;
  for (auto p : caller.permissions(ctx.options)) {
    if (!first) out.push_back(',');
    first = false;
    out += "\"" + std::string(auth::to_string(p)) + "\"";
  }
  out += R"(],"users_configured":)";
  out += access != nullptr && access->authenticator().users_configured() ? "true" : "false";
  out.push_back('}');
  return {200, std::move(out)};
}

HttpAnswer ticket_answer(const Caller& caller, RouterContext& ctx) {
  auto* access = ctx.api.access_control();
  if (access == nullptr || !caller.principal) return {404, R"({"error":"WebSocket tickets are not available"})"};
  auto issued = access->tickets().issue(*caller.principal);
  std::string out = R"({"ticket":)";
  append_json_string(out, issued.ticket);
  out += R"(,"expires_in_ms":)" + std::to_string(issued.expires_in.count()) + "}";
  return {200, std::move(out)};
}

HttpAnswer users_answer(RouterContext& ctx) {
  auto* access = ctx.api.access_control();
  std::string out = R"({"users":[)";
  bool first = true;
  if (access != nullptr) {
    for (const auto& u : access->authenticator().users()) {
      if (!first) out.push_back(',');
      first = false;
      out += R"({"name":)";
      append_json_string(out, u.name);
      out += R"(,"role":")" + std::string(auth::to_string(u.role)) + R"(","tokens":[)";
      for (std::size_t i = 0; i < u.tokens.size(); ++i) {
        if (i) out.push_back(',');
        out += R"({"id":)";
        append_json_string(out, u.tokens[i].first);
        out += R"(,"created":)";
        append_json_string(out, format_timestamp(u.tokens[i].second));
        out.push_back('}');
      }
      out += "]}";
    }
  }
  out += R"(],"legacy_api_token":)";
  out += !ctx.options.api_token.empty() ? "true" : "false";
  out.push_back('}');
  return {200, std::move(out)};
}

HttpAnswer audit_answer(const Result<std::vector<auth::AuditEntry>>& entries) {
  if (!entries) {
    std::string out = R"({"error":)";
    append_json_string(out, entries.error().message);
    out.push_back('}');
    return {503, std::move(out)};
  }
  std::string out = R"({"entries":[)";
  for (std::size_t i = 0; i < entries->size(); ++i) {
    if (i) out.push_back(',');
    out += auth::to_json((*entries)[i]);
  }
  out += "]}";
  return {200, std::move(out)};
}

}  // namespace lodestone::web
