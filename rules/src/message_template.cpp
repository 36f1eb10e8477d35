#include "lodestone/rules/message_template.hpp"

#include <array>

namespace lodestone::rules {
namespace {

constexpr std::array kNames = {
    std::pair{Placeholder::Symbol, "symbol"},
    std::pair{Placeholder::Name, "name"},
    std::pair{Placeholder::ChangePct, "change_pct"},
    std::pair{Placeholder::Window, "window"},
    std::pair{Placeholder::From, "from"},
    std::pair{Placeholder::To, "to"},
    std::pair{Placeholder::AbnormalPct, "abnormal_pct"},
    std::pair{Placeholder::Benchmark, "benchmark"},
    std::pair{Placeholder::Headline, "headline"},
    std::pair{Placeholder::Source, "source"},
    std::pair{Placeholder::HeadlineTime, "headline_time"},
    std::pair{Placeholder::Keywords, "keywords"},
    std::pair{Placeholder::Tags, "tags"},
    std::pair{Placeholder::Direction, "direction"},
    std::pair{Placeholder::Level, "level"},
    std::pair{Placeholder::Limit, "limit"},
    std::pair{Placeholder::VolumeRatio, "volume_ratio"},
    std::pair{Placeholder::Count, "count"},
    std::pair{Placeholder::Total, "total"},
    std::pair{Placeholder::Symbols, "symbols"},
    std::pair{Placeholder::Rule, "rule"},
    std::pair{Placeholder::Severity, "severity"},
    std::pair{Placeholder::Time, "time"},
    std::pair{Placeholder::Explained, "explained"},
};

std::string known_list() {
  std::string out;
  for (const auto& [p, name] : kNames) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace

std::string_view to_string(Placeholder p) {
  for (const auto& [q, name] : kNames)
    if (q == p) return name;
  return "?";
}

bool MessageTemplate::uses(Placeholder p) const {
  for (const auto& s : segments_)
    if (s.is_placeholder && s.placeholder == p) return true;
  return false;
}

Result<MessageTemplate> MessageTemplate::parse(std::string_view text) {
  MessageTemplate t;
  t.text_ = std::string(text);
  std::string literal;
  std::size_t i = 0;
  auto flush = [&] {
    if (literal.empty()) return;
    t.segments_.push_back({false, Placeholder::Symbol, std::move(literal)});
    literal.clear();
  };
  while (i < text.size()) {
    const char c = text[i];
    // "{{" and "}}" write a literal brace.
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      literal.push_back(c);
      i += 2;
      continue;
    }
    if (c == '}')
      return make_error(ErrorCode::bad_field,
                        "unmatched '}' in message at byte " + std::to_string(i) + " (write '}}' for a brace)");
    if (c != '{') {
      literal.push_back(c);
      ++i;
      continue;
    }
    const auto close = text.find('}', i + 1);
    if (close == std::string_view::npos)
      return make_error(ErrorCode::bad_field,
                        "unclosed '{' in message at byte " + std::to_string(i) + " (write '{{' for a brace)");
    const auto name = text.substr(i + 1, close - i - 1);
    bool found = false;
    for (const auto& [p, n] : kNames) {
      if (name == n) {
        flush();
        t.segments_.push_back({true, p, {}});
        found = true;
        break;
      }
    }
    if (!found)
      return make_error(ErrorCode::bad_field, "unknown placeholder '{" + std::string(name.substr(0, 40)) +
                                                  "}' in message (known: " + known_list() + ")");
    i = close + 1;
  }
  flush();
  return t;
}

}  // namespace lodestone::rules
