// One entry of `notify.routes`: which alerts (label matchers, as silences match them), to which
// receivers, grouped how, paced how, and when to hold them (quiet hours).
#include <algorithm>
#include <cstddef>

#include "config_parts.hpp"
#include "lodestone/rules/silence.hpp"

namespace lodestone::notify {

Result<QuietHours> parse_quiet_hours(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return make_error(ErrorCode::bad_field,
                      "quiet_hours " + why + " (expected HH:MM-HH:MM in exchange time, e.g. \"22:00-08:00\")");
  };
  // "HH:MM" at `i`, 00:00 to 23:59; -1 when it is not.
  auto clock = [&](std::size_t i) -> int {
    if (i + 5 > text.size() || text[i + 2] != ':') return -1;
    for (const std::size_t k : {i, i + 1, i + 3, i + 4})
      if (text[k] < '0' || text[k] > '9') return -1;
    const int h = (text[i] - '0') * 10 + (text[i + 1] - '0');
    const int m = (text[i + 3] - '0') * 10 + (text[i + 4] - '0');
    if (h > 23 || m > 59) return -1;
    return h * 60 + m;
  };
  std::size_t i = 0;
  const int start = clock(i);
  if (start < 0) return bad("must start with a time from 00:00 to 23:59");
  i += 5;
  while (i < text.size() && text[i] == ' ') ++i;
  if (i >= text.size() || text[i] != '-') return bad("needs '-' between the start and the end");
  ++i;
  while (i < text.size() && text[i] == ' ') ++i;
  const int end = clock(i);
  if (end < 0 || i + 5 != text.size()) return bad("must end with a time from 00:00 to 23:59");
  if (start == end) return bad("starts and ends at the same minute");
  QuietHours q;
  q.start_minute = start;
  q.end_minute = end;
  return q;
}

namespace detail {
namespace {

using std::chrono::milliseconds;

bool label_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// The values routing_labels() can give these labels: a typo would otherwise match nothing, silently.
std::string_view closed_values(std::string_view label) {
  if (label == "severity") return "info, warning, critical";
  if (label == "state") return "firing, resolved";
  return {};
}

bool among(std::string_view value, std::string_view list) {
  while (!list.empty()) {
    const auto comma = list.find(", ");
    if (list.substr(0, comma) == value) return true;
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 2);
  }
  return false;
}

// `match: {k: v}` (regex false) or `match_re: {k: re}`; a value starting with "!" negates.
Status read_matchers(const ConfigReader& r, const YAML::Node& map, bool regex, std::string_view section,
                     std::vector<rules::Matcher>& out) {
  const std::string what = std::string(section) + ": " + (regex ? "match_re" : "match");
  if (!map.IsMap())
    return r.error(map, what + " must be a mapping of label: " + (regex ? "regex" : "value") + ", e.g. {" +
                            (regex ? "rule: \"etf-.*\"" : "severity: critical") + "}");
  std::vector<std::string> seen;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar() || !label_name(kv.first.Scalar()))
      return r.error(kv.first, what + ": a label name is letters, digits and _, not starting with a digit");
    const std::string label = kv.first.Scalar();
    if (std::find(seen.begin(), seen.end(), label) != seen.end())
      return r.error(kv.first, what + ": '" + label + "' is given twice");
    seen.push_back(label);
    auto value = r.text(kv.second, what + "." + label, regex ? 512 : 4096);
    if (!value) return value.error();
    const bool negated = value->starts_with("!");
    const std::string operand = negated ? value->substr(1) : *value;
    if (!regex) {
      if (const auto values = closed_values(label); !values.empty() && !among(operand, values))
        return r.error(kv.second,
                       what + "." + label + " must be one of " + std::string(values) + " (with ! before it to negate)");
    }
    using Op = rules::Matcher::Op;
    const Op op = regex ? (negated ? Op::NotRegex : Op::Regex) : (negated ? Op::NotEqual : Op::Equal);
    auto matcher = rules::make_matcher(label, op, operand);
    if (!matcher) return r.error(kv.second, what + "." + label + ": " + matcher.error().message);
    out.push_back(std::move(*matcher));
  }
  return {};
}

}  // namespace

Result<RouteConfig> read_route(const ConfigReader& r, const YAML::Node& node, std::size_t index,
                               const std::vector<ReceiverConfig>& receivers) {
  const std::string section = "route " + std::to_string(index + 1);
  if (auto st = r.keys(node,
                       {"match", "match_re", "receivers", "continue", "group_by", "group_wait", "group_interval",
                        "repeat_interval", "quiet_hours", "quiet_critical", "mentions"},
                       section);
      !st)
    return st.error();
  RouteConfig out;
  out.line = node.Mark().line + 1;
  if (const auto n = ConfigReader::find(node, "match"))
    if (auto st = read_matchers(r, *n, false, section, out.matchers); !st) return st.error();
  if (const auto n = ConfigReader::find(node, "match_re"))
    if (auto st = read_matchers(r, *n, true, section, out.matchers); !st) return st.error();

  const auto names = ConfigReader::find(node, "receivers");
  if (!names) return r.error(node, section + " needs receivers: [name, …] (which receivers its alerts go to)");
  auto list = r.texts(*names, section + ": receivers", 64);
  if (!list) return list.error();
  if (list->empty()) return r.error(*names, section + ": receivers must name at least one receiver");
  std::size_t i = 0;
  for (const auto& item : *names) {
    const auto& name = (*list)[i];
    if (std::find(list->begin(), list->begin() + static_cast<std::ptrdiff_t>(i), name) !=
        list->begin() + static_cast<std::ptrdiff_t>(i))
      return r.error(item, section + ": receiver " + name + " is named twice");
    if (std::none_of(receivers.begin(), receivers.end(), [&](const ReceiverConfig& c) { return c.name == name; })) {
      std::string known;
      for (const auto& c : receivers) known += (known.empty() ? "" : ", ") + c.name;
      return r.error(item, section + ": no receiver is named " + name + " (receivers: " + known + ")");
    }
    ++i;
  }
  out.receivers = std::move(*list);

  if (const auto n = ConfigReader::find(node, "continue")) {
    auto value = r.boolean(*n, section + ": continue");
    if (!value) return value.error();
    out.continue_matching = *value;
  }
  if (const auto n = ConfigReader::find(node, "group_by")) {
    auto labels = r.texts(*n, section + ": group_by", 128);
    if (!labels) return labels.error();
    std::size_t k = 0;
    for (const auto& item : *n) {
      const auto& label = (*labels)[k];
      if (!label_name(label))
        return r.error(item, section + ": group_by: a label name is letters, digits and _, not starting with a digit");
      if (std::find(labels->begin(), labels->begin() + static_cast<std::ptrdiff_t>(k), label) !=
          labels->begin() + static_cast<std::ptrdiff_t>(k))
        return r.error(item, section + ": group_by names " + label + " twice");
      ++k;
    }
    out.group_by = std::move(*labels);
  }
  struct Span {
    const char* key;
    milliseconds* field;
    milliseconds min;
    milliseconds max;
  };
  for (const Span& span :
       {Span{"group_wait", &out.group_wait, milliseconds(0), milliseconds(3'600'000)},
        Span{"group_interval", &out.group_interval, milliseconds(1'000), milliseconds(86'400'000)},
        Span{"repeat_interval", &out.repeat_interval, milliseconds(60'000), milliseconds(30LL * 86'400'000)}}) {
    if (const auto n = ConfigReader::find(node, span.key)) {
      auto value = r.duration(*n, section + ": " + span.key, span.min, span.max);
      if (!value) return value.error();
      *span.field = *value;
    }
  }

  const auto quiet = ConfigReader::find(node, "quiet_hours");
  if (quiet) {
    auto text = r.text(*quiet, section + ": quiet_hours", 64);
    if (!text) return text.error();
    auto hours = parse_quiet_hours(*text);
    if (!hours) return r.error(*quiet, section + ": " + hours.error().message);
    out.quiet_hours = *hours;
  }
  if (const auto n = ConfigReader::find(node, "quiet_critical")) {
    auto value = r.text(*n, section + ": quiet_critical", 16);
    if (!value) return value.error();
    if (*value != "pass" && *value != "hold")
      return r.error(*n, section + ": quiet_critical must be pass (critical alerts go out in quiet hours) or hold");
    if (!quiet) return r.error(*n, section + ": quiet_critical needs quiet_hours");
    out.quiet_hours->critical_passes = *value == "pass";
  }
  if (const auto n = ConfigReader::find(node, "mentions")) {
    auto m = read_mentions(r, *n, section + ": mentions");
    if (!m) return m.error();
    out.mentions = std::move(*m);
  }
  return out;
}

}  // namespace detail
}  // namespace lodestone::notify
