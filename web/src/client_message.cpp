#include "lodestone/web/client_message.hpp"

#include <simdjson.h>

#include <algorithm>
#include <string>
#include <vector>

namespace lodestone::web {

Result<ClientMessage> parse_client_message(std::string_view text) {
  namespace od = simdjson::ondemand;
  constexpr std::size_t kMaxSymbols = 10'000;
  simdjson::padded_string padded(text);
  od::parser parser;
  od::document doc;
  if (parser.iterate(padded).get(doc)) return make_error(ErrorCode::bad_json, "not JSON");
  od::object obj;
  if (const auto error = doc.get_object().get(obj))  // another value, or not JSON at all
    return error == simdjson::INCORRECT_TYPE ? make_error(ErrorCode::bad_event, "expected a JSON object")
                                             : make_error(ErrorCode::bad_json, "not JSON");
  // A key given twice is ambiguous (another parser may read the other one): refused.
  {
    std::vector<std::string> keys;
    for (auto field : obj) {
      std::string_view key;
      if (field.unescaped_key().get(key)) return make_error(ErrorCode::bad_json, "bad key");
      if (keys.size() >= 16) return make_error(ErrorCode::too_large, "too many fields");
      if (std::find(keys.begin(), keys.end(), key) != keys.end())
        return make_error(ErrorCode::bad_field, "field '" + std::string(key.substr(0, 32)) + "' given twice");
      keys.emplace_back(key);  // the value is skipped when the loop moves on
    }
    if (obj.reset().error()) return make_error(ErrorCode::bad_json, "not JSON");
  }
  std::string_view type;
  if (obj["type"].get_string().get(type)) return make_error(ErrorCode::missing_field, "field 'type': missing");
  if (type == "ping") return ClientMessage{Ping{}};
  if (type == "resume") {
    std::uint64_t after = 0;
    if (obj["after"].get_uint64().get(after))
      return make_error(ErrorCode::bad_seq, "field 'after': expected a non-negative integer");
    return ClientMessage{Resume{after}};
  }
  if (type == "subscribe") {
    od::array arr;
    if (obj["symbols"].get_array().get(arr))
      return make_error(ErrorCode::bad_field, "field 'symbols': expected an array of symbols");
    Subscribe sub;
    for (auto item : arr) {
      std::string_view s;
      if (item.get_string().get(s)) return make_error(ErrorCode::bad_field, "field 'symbols': expected strings");
      if (s == "*") {
        sub.all = true;
        continue;
      }
      auto sym = Symbol::parse(s);
      if (!sym) return make_error(sym.error().code, "field 'symbols': " + sym.error().message);
      if (sub.symbols.size() >= kMaxSymbols) return make_error(ErrorCode::too_large, "field 'symbols': too many");
      sub.symbols.push_back(*sym);
    }
    return ClientMessage{std::move(sub)};
  }
  return make_error(ErrorCode::bad_event, "unknown message type '" + std::string(type.substr(0, 32)) + "'");
}

}  // namespace lodestone::web
