#include "lodestone/core/closure_table.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace lodestone {

std::optional<Date> ClosureTable::first_known_day() const {
  if (years_.empty()) return std::nullopt;
  return first_;
}

std::optional<Date> ClosureTable::last_known_day() const {
  if (years_.empty()) return std::nullopt;
  return last_;
}

std::optional<std::string_view> ClosureTable::holiday(Date d) const {
  const auto it = std::lower_bound(closed_.begin(), closed_.end(), d,
                                   [](const std::pair<Date, std::uint16_t>& e, Date x) { return e.first < x; });
  if (it == closed_.end() || it->first != d) return std::nullopt;
  return names_[it->second];
}

namespace {

bool weekend(Date d) {
  const unsigned wd = weekday(d);
  return wd == 0 || wd == 6;
}

// file:line:column, the column counted in characters: the file is mostly Chinese, and yaml-cpp's
// marks count bytes, which no editor shows.
Error at(std::string_view text, const std::string& file, const YAML::Mark& mark, const std::string& what) {
  std::size_t line_start = 0;
  for (int line = 0; line < mark.line && line_start < text.size(); ++line) {
    const auto nl = text.find('\n', line_start);
    if (nl == std::string_view::npos) break;
    line_start = nl + 1;
  }
  int column = 0;
  const std::size_t end = std::min(text.size(), line_start + static_cast<std::size_t>(std::max(mark.column, 0)));
  for (std::size_t i = line_start; i < end; ++i) column += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  return make_error(ErrorCode::bad_config, file + ":" + std::to_string(std::max(mark.line, 0) + 1) + ":" +
                                               std::to_string(column + 1) + ": " + what);
}

constexpr const char* kWeekdayNames[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

}  // namespace

// Reads the file into a table; every error names the node it is about.
class ClosureTableBuilder {
 public:
  ClosureTableBuilder(std::string_view text, const std::string& file) : text_(text), file_(file) {}

  Result<ClosureTable> build(const YAML::Node& root) {
    if (!root || root.IsNull()) return make_error(ErrorCode::bad_config, file_ + ": the calendar names no year");
    if (!root.IsMap()) return error(root, "the calendar must be a mapping of years (2026: {source: …, closed: …})");
    std::map<int, YAML::Node> years;
    for (const auto& kv : root) {
      const auto year = read_year(kv.first);
      if (!year) return year.error();
      if (years.contains(*year)) return error(kv.first, "duplicate year " + std::to_string(*year));
      years.emplace(*year, kv.first);
      if (auto st = read_entry(*year, kv.first, kv.second); !st) return st.error();
    }
    if (years.empty()) return error(root, "the calendar names no year");
    int previous = 0;
    for (const auto& [year, node] : years) {
      if (previous != 0 && year != previous + 1)
        return error(node, "years must follow each other: " + std::to_string(previous + 1) + " is missing before " +
                               std::to_string(year));
      previous = year;
    }
    std::sort(table_.closed_.begin(), table_.closed_.end());
    table_.first_ = make_date(years.begin()->first, 1, 1);
    table_.last_ = make_date(years.rbegin()->first, 12, 31);
    std::sort(table_.years_.begin(), table_.years_.end(),
              [](const ClosureYear& a, const ClosureYear& b) { return a.year < b.year; });
    return std::move(table_);
  }

 private:
  Error error(const YAML::Node& node, const std::string& what) const { return at(text_, file_, node.Mark(), what); }

  Result<int> read_year(const YAML::Node& key) const {
    const std::string text = key.IsScalar() ? key.Scalar() : std::string();
    int year = 0;
    const bool digits =
        text.size() == 4 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits) year = std::stoi(text);
    if (!digits || year < 1990 || year > 2200)
      return error(key, "'" + text + "' is not a year (a key such as 2027, between 1990 and 2200)");
    return year;
  }

  Result<Date> read_date(const YAML::Node& node, const std::string& text) const {
    // YYYY-MM-DD only: the form the notices' dates are copied into, unambiguous to a reader.
    const bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-';
    auto d = shaped ? parse_date(text) : Result<Date>(make_error(ErrorCode::bad_time, "not YYYY-MM-DD"));
    if (!d) return error(node, "bad date '" + text + "' (expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD)");
    return d;
  }

  Status read_entry(int year, const YAML::Node& key, const YAML::Node& entry) {
    if (!entry.IsMap()) return error(key, std::to_string(year) + " must be a mapping with source and closed");
    for (const auto& kv : entry) {
      const std::string k = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
      if (k != "source" && k != "closed" && k != "trading_days")
        return error(kv.first, "unknown key '" + k + "' in " + std::to_string(year) +
                                   " (expected one of: closed, source, trading_days)");
    }
    const YAML::Node source = entry["source"];
    if (!source || !source.IsScalar() || source.Scalar().empty())
      return error(source ? source : key, std::to_string(year) + " needs a source: the notice its closures come from");
    table_.years_.push_back({year, source.Scalar()});
    const YAML::Node closed = entry["closed"];
    if (!closed) return error(key, std::to_string(year) + " needs closed: {holiday name: [dates]}");
    if (!closed.IsMap() && !closed.IsNull())
      return error(closed, "closed must map each holiday's name to its dates, e.g. 元旦: [2027-01-01]");
    int weekday_closures = 0;
    if (closed.IsMap()) {
      for (const auto& holiday : closed) {
        auto n = read_holiday(year, holiday.first, holiday.second);
        if (!n) return n.error();
        weekday_closures += *n;
      }
    }
    if (const YAML::Node expected = entry["trading_days"]) {
      int weekdays = 0;
      for (Date d = make_date(year, 1, 1); d <= make_date(year, 12, 31); d = d.next()) weekdays += !weekend(d);
      const int counted = weekdays - weekday_closures;
      int want = 0;
      if (!expected.IsScalar() || !YAML::convert<int>::decode(expected, want))
        return error(expected, "trading_days must be a whole number");
      if (want != counted)
        return error(expected, std::to_string(year) + " has " + std::to_string(counted) +
                                   " trading days by the dates listed, trading_days says " + std::to_string(want));
    }
    return {};
  }

  // One holiday's dates; the number of weekdays it closes.
  Result<int> read_holiday(int year, const YAML::Node& key, const YAML::Node& dates) {
    const std::string name = key.IsScalar() ? key.Scalar() : std::string();
    if (name.empty()) return error(key, "a holiday needs a name (元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节)");
    if (names_seen_.contains({year, name}))
      return error(key, "duplicate holiday '" + name + "' in " + std::to_string(year));
    names_seen_.insert({year, name});
    if (!dates.IsSequence() || dates.size() == 0)
      return error(dates, name + " must list its dates, e.g. [" + std::to_string(year) + "-10-01.." +
                              std::to_string(year) + "-10-07]");
    if (table_.names_.size() >= 60000) return error(key, "too many holidays");
    const auto index = static_cast<std::uint16_t>(table_.names_.size());
    table_.names_.push_back(name);
    int weekdays = 0;
    for (const auto& item : dates) {
      if (!item.IsScalar()) return error(item, "a date must be YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD");
      const std::string text = item.Scalar();
      const auto dots = text.find("..");
      auto from = read_date(item, text.substr(0, dots));
      if (!from) return from.error();
      auto to = dots == std::string::npos ? from : read_date(item, text.substr(dots + 2));
      if (!to) return to.error();
      if (*to < *from) return error(item, "range reversed: " + text + " ends before it starts");
      for (Date d : {*from, *to}) {
        if (civil(d).year != year)
          return error(item, format_date(d) + " is outside " + std::to_string(year) + ": list it under its own year");
      }
      if (dots == std::string::npos && weekend(*from))
        return error(item, text + " is a " + kWeekdayNames[weekday(*from)] +
                               ": weekends are always closed, list only weekday closures");
      int here = 0;
      for (Date d = *from; d <= *to; d = d.next()) {
        if (!closed_days_.insert(d.days).second)
          return error(item, format_date(d) + " is listed twice in " + std::to_string(year));
        table_.closed_.emplace_back(d, index);
        here += !weekend(d);
      }
      if (here == 0) return error(item, text + " holds no weekday: weekends are always closed");
      weekdays += here;
    }
    return weekdays;
  }

  std::string_view text_;
  const std::string& file_;
  ClosureTable table_;
  std::set<std::int32_t> closed_days_;
  std::set<std::pair<int, std::string>> names_seen_;
};

Result<ClosureTable> parse_closure_table(std::string_view yaml, const std::string& file) {
  try {
    return ClosureTableBuilder(yaml, file).build(YAML::Load(std::string(yaml)));
  } catch (const YAML::Exception& e) {
    return at(yaml, file, e.mark, e.msg);
  }
}

Result<ClosureTable> load_closure_table(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::io_error, path + ": cannot read the calendar file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_closure_table(ss.str(), path);
}

}  // namespace lodestone
