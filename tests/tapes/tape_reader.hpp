#pragma once
// A small reader for the bundled tape and the universe file, written for these tests alone so
// they check the committed bytes independently of the feeds' canonical parser.
#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "lodestone/core/events.hpp"
#include "lodestone/core/instrument.hpp"
#include "lodestone/core/result.hpp"

namespace lodestone::tapes_test {

struct TapeQuote {
  Quote quote;
  std::size_t line = 0;    // index into Tape::lines
  std::set<int> decimals;  // decimal places of every price field as written
};

struct Tape {
  std::vector<TapeQuote> quotes;
  std::vector<Headline> news;
  std::vector<std::size_t> news_lines;  // index into Tape::lines, one per news item
  std::vector<Timestamp> line_times;    // every line, in file order
  std::vector<std::string> lines;
  std::size_t bytes = 0;
};

Result<InstrumentRegistry> load_universe(const std::string& path);
Result<Tape> load_tape(const std::string& path);

// The committed files, read once per test binary.
const Result<InstrumentRegistry>& universe();
const Result<Tape>& bundled_tape();
const Result<Tape>& tiny_tape();

}  // namespace lodestone::tapes_test
