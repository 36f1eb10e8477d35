#pragma once
// Tapes as CSV, for people who keep their history in spreadsheets. The first row names the
// columns with the canonical field names; each later row is one event:
//   type,symbol,ts,last,prev_close,open,high,low,bid,ask,volume,turnover,id,title,source,body,url,symbols,lang
//   quote,159713.SZ,2026-02-09T10:15:03+08:00,1.233,1.190,,,,,,98765400,,,,,,,,
// Unknown columns are ignored; empty cells are absent. Cells may be quoted ("a,b" and "" for a
// quote, RFC 4180), but not span lines. `symbols` lists a headline's symbols separated by ';'.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/core/result.hpp"
#include "lodestone/feeds/canonical.hpp"

namespace lodestone::feeds {

// Splits one CSV row into cells.
Result<std::vector<std::string>> split_csv_row(std::string_view line);

class CsvEventParser {
 public:
  // The first non-blank row is taken as the header (nullopt); blank rows give nullopt too.
  Result<std::optional<CanonicalEvent>> parse_row(std::string_view line);

 private:
  std::vector<std::string> columns_;
};

// Writes the CSV tape at `csv_path` as canonical NDJSON to `ndjson_path` (what ReplayFeed reads);
// rows that do not parse are skipped and listed in `skipped` ("line 7: field 'last': …").
Result<std::size_t> convert_csv_tape(const std::string& csv_path, const std::string& ndjson_path,
                                     std::vector<std::string>& skipped);

}  // namespace lodestone::feeds
