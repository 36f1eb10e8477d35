#include "headline_file.hpp"

#include <simdjson.h>

#include <fstream>

namespace lodestone::tapegen {
namespace {

Status read_field(std::string_view key, simdjson::ondemand::value value, Headline& h) {
  auto text = [&](std::string& out) -> Status {
    std::string_view s;
    if (value.get_string().get(s))
      return make_error(ErrorCode::bad_field, "'" + std::string(key) + "' is not a string");
    out = std::string(s);
    return {};
  };
  if (key == "type") {
    std::string type;
    if (auto st = text(type); !st) return st;
    if (type != "news") return make_error(ErrorCode::bad_field, "type is '" + type + "', expected 'news'");
    return {};
  }
  if (key == "id") return text(h.id);
  if (key == "source") return text(h.source);
  if (key == "title") return text(h.title);
  if (key == "body") return text(h.body);
  if (key == "url") return text(h.url);
  if (key == "lang") return text(h.lang);
  if (key == "ts") {
    std::string ts;
    if (auto st = text(ts); !st) return st;
    auto parsed = parse_timestamp(ts);
    if (!parsed) return parsed.error();
    h.ts = *parsed;
    return {};
  }
  if (key == "symbols" || key == "tags") {
    simdjson::ondemand::array array;
    if (value.get_array().get(array))
      return make_error(ErrorCode::bad_field, "'" + std::string(key) + "' is not an array");
    for (auto element : array) {
      std::string_view s;
      if (element.get_string().get(s))
        return make_error(ErrorCode::bad_field, "'" + std::string(key) + "' holds a non-string");
      if (key == "tags") {
        h.tags.emplace_back(s);
        continue;
      }
      auto symbol = Symbol::parse(s);
      if (!symbol) return symbol.error();
      h.symbols.push_back(*symbol);
    }
    return {};
  }
  return make_error(ErrorCode::bad_field, "unexpected field '" + std::string(key) + "'");
}

Result<Headline> parse_line(simdjson::ondemand::parser& parser, const std::string& line) {
  simdjson::padded_string padded(line);
  simdjson::ondemand::document doc;
  if (parser.iterate(padded).get(doc)) return make_error(ErrorCode::bad_json, "not JSON");
  simdjson::ondemand::object object;
  if (doc.get_object().get(object)) return make_error(ErrorCode::bad_field, "not a JSON object");
  Headline h;
  for (auto field : object) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return make_error(ErrorCode::bad_field, "bad key");
    simdjson::ondemand::value value;
    if (field.value().get(value)) return make_error(ErrorCode::bad_field, "bad value for '" + std::string(key) + "'");
    if (auto st = read_field(key, value, h); !st) return st.error();
  }
  if (h.id.empty() || h.title.empty() || h.ts.ms == 0)
    return make_error(ErrorCode::bad_field, "needs id, ts and title");
  return h;
}

}  // namespace

Result<std::vector<Headline>> read_headlines(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(ErrorCode::io_error, "cannot open headline file " + path);
  simdjson::ondemand::parser parser;
  std::vector<Headline> out;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    auto h = parse_line(parser, line);
    if (!h) return make_error(ErrorCode::bad_field, path + ":" + std::to_string(number) + ": " + h.error().message);
    out.push_back(std::move(*h));
  }
  return out;
}

}  // namespace lodestone::tapegen
