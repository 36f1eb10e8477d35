#include "serverchan.hpp"

#include <simdjson.h>

#include <algorithm>

#include "checks.hpp"

namespace lodestone::testing {

namespace {

ServiceReply answer(int code, std::string_view message, std::string data = "null") {
  return ServiceReply{
      200,
      R"({"code":)" + std::to_string(code) + R"(,"message":)" + json_quote(message) + R"(,"data":)" + data + "}",
      "application/json; charset=utf-8",
      {}};
}

Verdict refuse(int code, std::string_view message) {
  return Verdict::refuse(std::to_string(code) + " " + std::string(message), answer(code, message));
}

class ServerChanRules final : public ServiceRules {
 public:
  explicit ServerChanRules(const ServerChanOptions& options) : sendkey_(options.sendkey) {}

  Verdict decide(const ServiceRequest& request, Timestamp /*now*/) override {
    const Target target = parse_target(request.target);
    constexpr std::string_view kSuffix = ".send";
    if (target.path.size() <= 1 + kSuffix.size() || target.path.substr(target.path.size() - kSuffix.size()) != kSuffix)
      return Verdict::refuse("404", ServiceReply{404, "", "text/html", {}});
    const std::string key = target.path.substr(1, target.path.size() - 1 - kSuffix.size());
    if (key != sendkey_) return refuse(40001, "bad pushtoken");

    Params params = target.query;
    const std::string type = request.header("Content-Type").value_or("");
    if (type.rfind("application/json", 0) == 0) {
      simdjson::dom::element root;
      simdjson::dom::object fields;
      if (parser_.parse(request.body.data(), request.body.size()).get(root) != simdjson::SUCCESS ||
          root.get(fields) != simdjson::SUCCESS)
        return refuse(40002, "body is not a JSON object (or not UTF-8)");
      for (auto field : fields) {
        std::string_view text;
        std::int64_t number = 0;
        if (field.value.get(text) == simdjson::SUCCESS)
          params.items.emplace_back(std::string(field.key), std::string(text));
        else if (field.value.get(number) == simdjson::SUCCESS)
          params.items.emplace_back(std::string(field.key), std::to_string(number));
      }
    } else if (!request.body.empty()) {
      for (auto& item : parse_form(request.body).items) params.items.push_back(std::move(item));
    }
    const std::string title = params.get("title").value_or("");
    const std::string desp = params.get("desp").value_or("");
    const std::string brief = params.get("short").value_or("");
    const std::string channel = params.get("channel").value_or("");
    if (!valid_utf8(title) || !valid_utf8(desp) || !valid_utf8(brief)) return refuse(40002, "parameters are not UTF-8");
    if (title.empty()) return refuse(40002, "title is required");
    if (code_points(title) > 32) return refuse(40002, "title is longer than 32 characters");
    if (desp.size() > 32 * 1024) return refuse(40002, "desp is longer than 32 KB");
    if (code_points(brief) > 64) return refuse(40002, "short is longer than 64 characters");
    if (std::count(channel.begin(), channel.end(), '|') > 1) return refuse(40002, "channel names more than two");
    ++pushid_;
    return Verdict::accept(answer(0, "",
                                  R"({"pushid":")" + std::to_string(pushid_) + R"(","readkey":"synthetic)" +
                                      std::to_string(pushid_) + R"(","error":"SUCCESS","errno":0})"));
  }

  void forget_limits() override {}

 private:
  std::string sendkey_;
  std::int64_t pushid_ = 0;
  simdjson::dom::parser parser_;
};

}  // namespace

ServerChanStandIn::ServerChanStandIn(ServerChanOptions options)
    : HttpStandIn(std::make_unique<ServerChanRules>(options), std::move(options.server)), sendkey_(options.sendkey) {}

std::string ServerChanStandIn::url() const { return base_url() + "/" + sendkey_ + ".send"; }

}  // namespace lodestone::testing
