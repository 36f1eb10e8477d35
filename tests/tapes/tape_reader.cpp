#include "tape_reader.hpp"

#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include <fstream>

namespace lodestone::tapes_test {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

int decimals_of(std::string_view number) {
  const auto dot = number.find('.');
  return dot == std::string_view::npos ? 0 : static_cast<int>(number.size() - dot - 1);
}

Result<Instrument> universe_entry(const YAML::Node& node) {
  const auto symbol_text = node["symbol"].as<std::string>("");
  auto symbol = Symbol::parse(symbol_text);
  if (!symbol) return symbol.error();
  Instrument inst = instrument_from_code(*symbol, node["name"].as<std::string>(""));
  if (node["type"]) {
    auto type = parse_instrument_type(node["type"].as<std::string>());
    if (!type) return type.error();
    inst.type = *type;
  }
  if (node["board"]) {
    auto board = parse_board(node["board"].as<std::string>());
    if (!board) return board.error();
    inst.board = *board;
  }
  inst.special_treatment = node["st"].as<bool>(false);
  if (node["benchmark"]) {
    auto benchmark = Symbol::parse(node["benchmark"].as<std::string>());
    if (!benchmark) return benchmark.error();
    inst.benchmark = *benchmark;
  }
  if (node["index_weight_pct"]) inst.index_weight_pct = node["index_weight_pct"].as<double>();
  if (node["aliases"])
    for (const auto& alias : node["aliases"]) inst.aliases.push_back(alias.as<std::string>());
  return inst;
}

Status read_quote_field(std::string_view key, simdjson::ondemand::value value, TapeQuote& tq) {
  Quote& q = tq.quote;
  if (key == "type") return {};
  if (key == "symbol" || key == "ts") {
    std::string_view text;
    if (value.get_string().get(text)) return make_error(ErrorCode::bad_field, std::string(key) + " is not a string");
    if (key == "symbol") {
      auto s = Symbol::parse(text);
      if (!s) return s.error();
      q.symbol = *s;
    } else {
      auto t = parse_timestamp(text);
      if (!t) return t.error();
      q.ts = *t;
    }
    return {};
  }
  if (key == "volume") {
    std::int64_t v = 0;
    if (value.get_int64().get(v)) return make_error(ErrorCode::bad_field, "volume is not an integer");
    q.volume = v;
    return {};
  }
  const std::string_view raw = trim(value.raw_json_token());
  auto price = Price::parse(raw);
  if (!price) return price.error();
  if (key == "turnover") {
    q.turnover = *price;
    return {};
  }
  tq.decimals.insert(decimals_of(raw));
  if (key == "last")
    q.last = *price;
  else if (key == "prev_close")
    q.prev_close = *price;
  else if (key == "open")
    q.open = *price;
  else if (key == "high")
    q.high = *price;
  else if (key == "low")
    q.low = *price;
  else if (key == "bid")
    q.bid = *price;
  else if (key == "ask")
    q.ask = *price;
  else
    return make_error(ErrorCode::bad_field, "unexpected quote field '" + std::string(key) + "'");
  return {};
}

Status read_news_field(std::string_view key, simdjson::ondemand::value value, Headline& h) {
  if (key == "symbols") {
    simdjson::ondemand::array array;
    if (value.get_array().get(array)) return make_error(ErrorCode::bad_field, "symbols is not an array");
    for (auto element : array) {
      std::string_view text;
      if (element.get_string().get(text)) return make_error(ErrorCode::bad_field, "symbols holds a non-string");
      auto s = Symbol::parse(text);
      if (!s) return s.error();
      h.symbols.push_back(*s);
    }
    return {};
  }
  std::string_view text;
  if (value.get_string().get(text)) return make_error(ErrorCode::bad_field, std::string(key) + " is not a string");
  if (key == "type") return {};
  if (key == "id")
    h.id = text;
  else if (key == "source")
    h.source = text;
  else if (key == "title")
    h.title = text;
  else if (key == "body")
    h.body = text;
  else if (key == "url")
    h.url = text;
  else if (key == "lang")
    h.lang = text;
  else if (key == "ts") {
    auto t = parse_timestamp(text);
    if (!t) return t.error();
    h.ts = *t;
  } else {
    return make_error(ErrorCode::bad_field, "unexpected news field '" + std::string(key) + "'");
  }
  return {};
}

Status read_line(simdjson::ondemand::parser& parser, const std::string& line, Tape& tape) {
  simdjson::padded_string padded(line);
  simdjson::ondemand::document doc;
  if (parser.iterate(padded).get(doc)) return make_error(ErrorCode::bad_json, "not JSON");
  simdjson::ondemand::object object;
  if (doc.get_object().get(object)) return make_error(ErrorCode::bad_field, "not an object");
  std::string_view type;
  if (object["type"].get_string().get(type)) return make_error(ErrorCode::bad_field, "no type");
  if (object.reset().error()) return make_error(ErrorCode::bad_field, "cannot rewind");
  const bool quote = type == "quote";
  if (!quote && type != "news") return make_error(ErrorCode::bad_field, "type '" + std::string(type) + "'");
  TapeQuote tq;
  Headline h;
  for (auto field : object) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return make_error(ErrorCode::bad_field, "bad key");
    simdjson::ondemand::value value;
    if (field.value().get(value)) return make_error(ErrorCode::bad_field, "bad value");
    Status st = quote ? read_quote_field(key, value, tq) : read_news_field(key, value, h);
    if (!st) return st;
  }
  if (quote) {
    tq.line = tape.line_times.size();
    tape.line_times.push_back(tq.quote.ts);
    tape.quotes.push_back(std::move(tq));
  } else {
    tape.news_lines.push_back(tape.line_times.size());
    tape.line_times.push_back(h.ts);
    tape.news.push_back(std::move(h));
  }
  return {};
}

}  // namespace

Result<InstrumentRegistry> load_universe(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::bad_field, path + ": " + e.what());
  }
  if (!root["instruments"] || !root["instruments"].IsSequence())
    return make_error(ErrorCode::bad_field, path + ": no 'instruments' list");
  InstrumentRegistry registry;
  for (const auto& node : root["instruments"]) {
    Result<Instrument> inst = make_error(ErrorCode::bad_field, "");
    try {
      inst = universe_entry(node);
    } catch (const YAML::Exception& e) {
      return make_error(ErrorCode::bad_field, path + ":" + std::to_string(node.Mark().line + 1) + ": " + e.what());
    }
    if (!inst)
      return make_error(ErrorCode::bad_field,
                        path + ":" + std::to_string(node.Mark().line + 1) + ": " + inst.error().message);
    if (registry.find(inst->symbol))
      return make_error(ErrorCode::bad_field, path + ": " + inst->symbol.str() + " listed twice");
    registry.add(std::move(*inst));
  }
  return registry;
}

Result<Tape> load_tape(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::io_error, "cannot open " + path);
  simdjson::ondemand::parser parser;
  Tape tape;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    tape.bytes += line.size() + 1;
    if (auto st = read_line(parser, line, tape); !st)
      return make_error(ErrorCode::bad_field, path + ":" + std::to_string(number) + ": " + st.error().message);
    tape.lines.push_back(line);
  }
  return tape;
}

const Result<InstrumentRegistry>& universe() {
  static const Result<InstrumentRegistry> r = load_universe(LODESTONE_SOURCE_DIR "/deploy/universe.yaml");
  return r;
}

const Result<Tape>& bundled_tape() {
  static const Result<Tape> r = load_tape(LODESTONE_SOURCE_DIR "/feeds/tapes/rare-earth-2026-02.ndjson");
  return r;
}

const Result<Tape>& tiny_tape() {
  static const Result<Tape> r = load_tape(LODESTONE_SOURCE_DIR "/feeds/tapes/tiny.ndjson");
  return r;
}

}  // namespace lodestone::tapes_test
