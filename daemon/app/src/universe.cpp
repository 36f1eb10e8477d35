#include "lodestone/app/universe.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace lodestone::app {
namespace {

Error at(const std::string& file, const YAML::Node& n, const std::string& what) {
  return make_error(ErrorCode::bad_config, file + ":" + std::to_string(n.Mark().line + 1) + ":" +
                                               std::to_string(n.Mark().column + 1) + ": " + what);
}

Result<Instrument> read_instrument(const YAML::Node& n, const std::string& file) {
  static const std::set<std::string> kKeys{"symbol",           "name",       "type",    "board", "st", "benchmark",
                                           "index_weight_pct", "index_rank", "aliases", "listed"};
  if (!n.IsMap()) return at(file, n, "an instrument must be a mapping with at least symbol and name");
  for (const auto& kv : n) {
    const auto key = kv.first.as<std::string>();
    if (!kKeys.contains(key))
      return at(file, kv.first,
                "unknown key '" + key +
                    "' (expected symbol, name, type, board, st, listed, benchmark, index_weight_pct, index_rank, "
                    "aliases)");
  }
  if (!n["symbol"]) return at(file, n, "instrument without a symbol");
  auto symbol = Symbol::parse(n["symbol"].as<std::string>());
  if (!symbol) return at(file, n["symbol"], symbol.error().message);
  Instrument i = instrument_from_code(*symbol, n["name"] ? n["name"].as<std::string>() : std::string());
  if (i.name.empty()) return at(file, n, "instrument " + symbol->str() + " needs a name");
  if (n["type"]) {
    auto t = parse_instrument_type(n["type"].as<std::string>());
    if (!t) return at(file, n["type"], t.error().message);
    i.type = *t;
  }
  if (n["board"]) {
    auto b = parse_board(n["board"].as<std::string>());
    if (!b) return at(file, n["board"], b.error().message);
    i.board = *b;
  }
  if (n["st"]) {
    bool st = false;
    if (!YAML::convert<bool>::decode(n["st"], st)) return at(file, n["st"], "st must be true or false");
    i.special_treatment = st;
  }
  if (n["benchmark"]) {
    auto b = Symbol::parse(n["benchmark"].as<std::string>());
    if (!b) return at(file, n["benchmark"], b.error().message);
    i.benchmark = *b;
  }
  if (n["index_weight_pct"]) {
    double w = 0;
    if (!YAML::convert<double>::decode(n["index_weight_pct"], w) || w < 0 || w > 100)
      return at(file, n["index_weight_pct"], "index_weight_pct must be a percentage from 0 to 100");
    i.index_weight_pct = w;
  }
  if (n["index_rank"]) {
    int rank = 0;
    if (!YAML::convert<int>::decode(n["index_rank"], rank) || rank < 1 || rank > 10)
      return at(file, n["index_rank"], "index_rank must be a place in the top ten, 1 to 10");
    i.index_rank = rank;
  }
  if (n["listed"]) {
    // The first trading day: the new-listing days without a price band count from it.
    auto day = n["listed"].IsScalar() ? parse_date(n["listed"].Scalar()) : parse_date("");
    if (!day) return at(file, n["listed"], "listed must be the first trading day, like 2026-02-09");
    i.listed = *day;
  }
  if (const auto& aliases = n["aliases"]) {
    if (!aliases.IsSequence()) return at(file, aliases, "aliases must be a list of names");
    for (const auto& a : aliases) i.aliases.push_back(a.as<std::string>());
  }
  return i;
}

}  // namespace

Result<InstrumentRegistry> parse_universe(const std::string& text, const std::string& file) {
  try {
    const YAML::Node root = YAML::Load(text);
    if (!root.IsMap() || !root["instruments"] || !root["instruments"].IsSequence())
      return make_error(ErrorCode::bad_config, file + ": expected a mapping with an 'instruments' list");
    InstrumentRegistry registry;
    std::set<Symbol> seen;
    std::map<int, Symbol> ranks;
    for (const auto& node : root["instruments"]) {
      auto instrument = read_instrument(node, file);
      if (!instrument) return instrument.error();
      if (!seen.insert(instrument->symbol).second)
        return at(file, node, "instrument " + instrument->symbol.str() + " is listed twice");
      if (instrument->index_rank) {
        auto [it, fresh] = ranks.emplace(*instrument->index_rank, instrument->symbol);
        if (!fresh)
          return at(file, node["index_rank"],
                    "index_rank " + std::to_string(it->first) + " is also " + it->second.str() + "'s");
      }
      registry.add(std::move(*instrument));
    }
    for (const auto& i : registry.all())
      if (i.benchmark && !registry.find(*i.benchmark))
        return make_error(ErrorCode::bad_config, file + ": " + i.symbol.str() + " names benchmark " +
                                                     i.benchmark->str() + ", which is not in the universe");
    return registry;
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::bad_config, file + ":" + std::to_string(e.mark.line + 1) + ":" +
                                                 std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
}

Result<InstrumentRegistry> load_universe(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::io_error, path + ": cannot read the reference data");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_universe(ss.str(), path);
}

}  // namespace lodestone::app
