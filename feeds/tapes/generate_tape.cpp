// lodestone_tapegen: writes the bundled replay tape. Quotes are synthetic (see README.md);
// headlines come from headlines-2026-02.ndjson, transcribed from the news of README.md#sources.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>
#include <stdexcept>

#include "gen/headline_file.hpp"
#include "gen/tape_builder.hpp"
#include "lodestone/core/guarded_main.hpp"

namespace {

using namespace lodestone;

struct Filter {
  std::set<Symbol> symbols;  // empty: every instrument
  std::optional<Timestamp> from;
  std::optional<Timestamp> to;

  [[nodiscard]] bool keeps(const tapegen::TapeLine& line) const {
    if (from && line.ts < *from) return false;
    if (to && line.ts > *to) return false;
    return !line.symbol || symbols.empty() || symbols.count(*line.symbol) > 0;
  }
};

Result<Filter> make_filter(const std::vector<std::string>& only, const std::string& from, const std::string& to) {
  Filter f;
  for (const auto& text : only) {
    auto s = Symbol::parse(text);
    if (!s) return make_error(ErrorCode::bad_request, "--only: " + s.error().message);
    f.symbols.insert(*s);
  }
  if (!from.empty()) {
    auto t = parse_timestamp(from);
    if (!t) return make_error(ErrorCode::bad_request, "--from: " + t.error().message);
    f.from = *t;
  }
  if (!to.empty()) {
    auto t = parse_timestamp(to);
    if (!t) return make_error(ErrorCode::bad_request, "--to: " + t.error().message);
    f.to = *t;
  }
  return f;
}

}  // namespace

namespace {

int run(int argc, char** argv) {
  CLI::App app{"Writes Lodestone's rare-earth replay tape (synthetic quotes, real headlines)"};
  std::string out_path;
  std::string headlines_path = LODESTONE_TAPES_DIR "/headlines-2026-02.ndjson";
  std::vector<std::string> only;
  std::string from;
  std::string to;
  app.add_option("--out", out_path, "NDJSON file to write")->required();
  app.add_option("--headlines", headlines_path, "canonical news lines to merge in");
  app.add_option("--only", only, "keep quotes of these symbols only (headlines are kept)")->delimiter(',');
  app.add_option("--from", from, "drop events before this time (ISO 8601, exchange time without offset)");
  app.add_option("--to", to, "drop events after this time");
  CLI11_PARSE(app, argc, argv);

  auto filter = make_filter(only, from, to);
  if (!filter) {
    std::cerr << "lodestone_tapegen: " << filter.error().message << "\n";
    return 2;
  }
  auto headlines = tapegen::read_headlines(headlines_path);
  if (!headlines) {
    std::cerr << "lodestone_tapegen: " << headlines.error().message << "\n";
    return 1;
  }
  std::vector<tapegen::TapeLine> lines;
  try {
    lines = tapegen::build_tape(*headlines);
  } catch (const std::logic_error& e) {
    std::cerr << "lodestone_tapegen: the scenario contradicts itself: " << e.what() << "\n";
    return 1;
  }

  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  if (!out) {
    std::cerr << "lodestone_tapegen: cannot write " << out_path << "\n";
    return 1;
  }
  std::size_t count = 0;
  std::size_t bytes = 0;
  for (const auto& line : lines) {
    if (!filter->keeps(line)) continue;
    out << line.json << '\n';
    ++count;
    bytes += line.json.size() + 1;
  }
  out.close();
  if (!out) {
    std::cerr << "lodestone_tapegen: writing " << out_path << " failed\n";
    return 1;
  }
  std::cerr << "lodestone_tapegen: wrote " << count << " lines, " << bytes << " bytes to " << out_path << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return lodestone::guarded_main("generate_tape", [&] { return run(argc, argv); });
}
