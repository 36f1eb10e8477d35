#include "lodestone/feeds/csv_events.hpp"

#include <fstream>

#include "lodestone/core/json_writer.hpp"
#include "parse_util.hpp"

namespace lodestone::feeds {
namespace {

Error field_error(std::string_view field, std::string_view why) {
  const ErrorCode code = why == "missing" ? ErrorCode::missing_field : detail::canonical_field_code(field);
  return make_error(code, "field '" + std::string(field) + "': " + std::string(why));
}

Result<Timestamp> read_ts(std::string_view text) {
  bool digits = !text.empty();
  for (char c : text) digits = digits && c >= '0' && c <= '9';
  if (digits && text.size() >= 12 && text.size() <= 15) {  // epoch milliseconds, as in NDJSON tapes
    std::int64_t ms = 0;
    for (char c : text) ms = ms * 10 + (c - '0');
    return Timestamp{ms};
  }
  auto ts = parse_timestamp(text);
  if (!ts) return field_error("ts", ts.error().message);
  return ts;
}

}  // namespace

Result<std::vector<std::string>> split_csv_row(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  std::vector<std::string> cells;
  std::string cell;
  std::size_t i = 0;
  while (true) {
    cell.clear();
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (true) {
        if (i >= line.size()) return make_error(ErrorCode::bad_row, "a quoted cell is not closed");
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            cell.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        cell.push_back(line[i++]);
      }
      if (i < line.size() && line[i] != ',') return make_error(ErrorCode::bad_row, "text after a quoted cell");
    } else {
      const std::size_t comma = line.find(',', i);
      cell.assign(line.substr(i, comma == std::string_view::npos ? std::string_view::npos : comma - i));
      i = comma == std::string_view::npos ? line.size() : comma;
    }
    cells.push_back(std::string(detail::trim(cell)));
    if (i >= line.size()) return cells;
    ++i;  // the comma
  }
}

Result<std::optional<CanonicalEvent>> CsvEventParser::parse_row(std::string_view line) {
  if (detail::trim(line).empty()) return std::optional<CanonicalEvent>{};
  auto cells = split_csv_row(line);
  if (!cells) return cells.error();
  if (columns_.empty()) {
    columns_ = std::move(*cells);
    return std::optional<CanonicalEvent>{};
  }
  if (cells->size() > columns_.size()) return make_error(ErrorCode::bad_row, "more cells than header columns");
  auto cell = [&](std::string_view name) -> std::string_view {
    for (std::size_t i = 0; i < columns_.size() && i < cells->size(); ++i)
      if (columns_[i] == name) return (*cells)[i];
    return {};
  };
  const std::string_view type = cell("type");
  auto ts = read_ts(cell("ts"));
  if (!ts) return ts.error();
  if (type == "quote") {
    Quote q;
    auto sym = Symbol::parse(cell("symbol"));
    if (!sym) return field_error("symbol", sym.error().message);
    q.symbol = *sym;
    q.ts = *ts;
    if (cell("last").empty()) return field_error("last", "missing");
    auto last = detail::parse_decimal(cell("last"));
    if (!last) return field_error("last", last.error().message);
    q.last = *last;
    for (auto [name, slot] : {std::pair{"prev_close", &q.prev_close}, std::pair{"open", &q.open},
                              std::pair{"high", &q.high}, std::pair{"low", &q.low}, std::pair{"bid", &q.bid},
                              std::pair{"ask", &q.ask}, std::pair{"turnover", &q.turnover}}) {
      const std::string_view text = cell(name);
      if (text.empty()) continue;
      auto p = detail::parse_decimal(text);
      if (!p) return field_error(name, p.error().message);
      *slot = *p;
    }
    if (!cell("volume").empty()) {
      auto v = detail::parse_count(cell("volume"));
      if (!v) return field_error("volume", v.error().message);
      if (*v < 0) return field_error("volume", "expected a count, not a negative number");
      q.volume = *v;
    }
    return std::optional<CanonicalEvent>{CanonicalEvent{q}};
  }
  if (type == "news") {
    Headline h;
    h.ts = *ts;
    h.id = std::string(cell("id"));
    h.title = std::string(cell("title"));
    h.source = std::string(cell("source"));
    h.body = std::string(cell("body"));
    h.url = std::string(cell("url"));
    h.lang = std::string(cell("lang"));
    if (h.id.empty()) return field_error("id", "missing");
    if (h.title.empty()) return field_error("title", "missing");
    std::string_view list = cell("symbols");
    while (!list.empty()) {
      const std::size_t semi = list.find(';');
      const std::string_view one = detail::trim(list.substr(0, semi));
      if (!one.empty()) {
        auto sym = Symbol::parse(one);
        if (!sym) return field_error("symbols", sym.error().message);
        h.symbols.push_back(*sym);
      }
      list = semi == std::string_view::npos ? std::string_view{} : list.substr(semi + 1);
    }
    return std::optional<CanonicalEvent>{CanonicalEvent{std::move(h)}};
  }
  return field_error("type", "expected quote or news, got '" + std::string(type) + "'");
}

Result<std::size_t> convert_csv_tape(const std::string& csv_path, const std::string& ndjson_path,
                                     std::vector<std::string>& skipped) {
  std::ifstream in(csv_path, std::ios::binary);
  if (!in) return make_error(ErrorCode::not_found, "cannot open CSV tape " + csv_path);
  std::ofstream out(ndjson_path, std::ios::binary | std::ios::trunc);
  if (!out) return make_error(ErrorCode::io_error, "cannot write " + ndjson_path);
  CsvEventParser parser;
  std::string line;
  std::size_t line_no = 0;
  std::size_t events = 0;
  while (std::getline(in, line)) {
    ++line_no;
    auto e = parser.parse_row(line);
    if (!e) {
      skipped.push_back("line " + std::to_string(line_no) + ": " + e.error().message);
      continue;
    }
    if (!e->has_value()) continue;
    if (const auto* q = std::get_if<Quote>(&**e)) {
      const auto type = q->symbol.type();
      out << to_json(*q, type == InstrumentType::Etf || type == InstrumentType::Lof ? 3 : 2) << '\n';
    } else {
      out << to_json(std::get<Headline>(**e)) << '\n';
    }
    ++events;
  }
  if (!out) return make_error(ErrorCode::io_error, "writing " + ndjson_path + " failed");
  return events;
}

}  // namespace lodestone::feeds
