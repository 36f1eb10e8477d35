#include "lodestone/rules/silence.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "hash.hpp"
#include "lodestone/rules/label_regex.hpp"

namespace lodestone::rules {

bool Matcher::matches(const std::map<std::string, std::string>& labels) const {
  const auto it = labels.find(label);
  const std::string& v = it == labels.end() ? std::string() : it->second;
  switch (op) {
    case Op::Equal:
      return v == value;
    case Op::NotEqual:
      return v != value;
    case Op::Regex:
      return regex && std::regex_match(v, *regex);
    case Op::NotRegex:
      return !regex || !std::regex_match(v, *regex);
  }
  return false;
}

std::string Matcher::str() const {
  const char* ops[] = {"=", "!=", "=~", "!~"};
  return label + ops[static_cast<int>(op)] + "\"" + value + "\"";
}

Result<Matcher> parse_matcher(std::string_view text) {
  auto fail = [&](const std::string& why) {
    return make_error(ErrorCode::bad_field, "bad matcher '" + std::string(text.substr(0, 80)) + "': " + why +
                                                " (expected label=value, label!=value, label=~regex or label!~regex)");
  };
  std::size_t i = 0;
  while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
  if (i == 0) return fail("no label name");
  const auto rest = text.substr(i);
  Matcher::Op op = Matcher::Op::Equal;
  std::size_t op_len = 0;
  if (rest.substr(0, 2) == "=~") {
    op = Matcher::Op::Regex;
    op_len = 2;
  } else if (rest.substr(0, 2) == "!~") {
    op = Matcher::Op::NotRegex;
    op_len = 2;
  } else if (rest.substr(0, 2) == "!=") {
    op = Matcher::Op::NotEqual;
    op_len = 2;
  } else if (rest.substr(0, 1) == "=") {
    op_len = 1;
  } else {
    return fail("no operator");
  }
  auto value = rest.substr(op_len);
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
  auto m = make_matcher(std::string(text.substr(0, i)), op, std::string(value));
  if (!m) return fail(m.error().message);
  return m;
}

Result<Matcher> make_matcher(std::string label, Matcher::Op op, std::string value) {
  Matcher m;
  m.label = std::move(label);
  m.op = op;
  m.value = std::move(value);
  if (m.op == Matcher::Op::Regex || m.op == Matcher::Op::NotRegex) {
    auto regex = compile_label_regex(m.value);
    if (!regex) return regex.error();
    m.regex = std::move(*regex);
  }
  return m;
}

bool Silence::matches(const std::map<std::string, std::string>& labels) const {
  return !matchers.empty() &&
         std::all_of(matchers.begin(), matchers.end(), [&](const Matcher& m) { return m.matches(labels); });
}

Result<std::string> SilenceBook::add(Silence s, Timestamp now) {
  if (s.matchers.empty()) return make_error(ErrorCode::bad_request, "a silence needs at least one matcher");
  if (s.created_by.empty()) return make_error(ErrorCode::bad_request, "a silence needs its author (created_by)");
  if (s.comment.empty()) return make_error(ErrorCode::bad_request, "a silence needs a comment saying why");
  if (!(s.starts_at < s.ends_at)) return make_error(ErrorCode::bad_request, "a silence must end after it starts");
  if (!(now < s.ends_at)) return make_error(ErrorCode::bad_request, "a silence must end in the future");
  if (s.id.empty()) {
    Fnv64 h;
    for (const auto& m : s.matchers) h.field(m.str());
    h.field(std::to_string(s.starts_at.ms));
    h.field(std::to_string(s.ends_at.ms));
    h.field(s.created_by);
    h.field(s.comment);
    char buf[24];
    std::snprintf(buf, sizeof buf, "s-%016llx", static_cast<unsigned long long>(h.value()));
    s.id = buf;
  }
  const std::string id = s.id;
  auto it = std::find_if(silences_.begin(), silences_.end(), [&](const Silence& x) { return x.id == id; });
  if (it != silences_.end())
    *it = std::move(s);
  else
    silences_.push_back(std::move(s));
  return id;
}

Status SilenceBook::expire(std::string_view id, Timestamp now) {
  auto it = std::find_if(silences_.begin(), silences_.end(), [&](const Silence& x) { return x.id == id; });
  if (it == silences_.end()) return make_error(ErrorCode::not_found, "no silence with id '" + std::string(id) + "'");
  if (now < it->ends_at) it->ends_at = std::max(now, it->starts_at);
  return {};
}

std::vector<Silence> SilenceBook::list(Timestamp now, bool include_expired) const {
  std::vector<Silence> out;
  for (const auto& s : silences_)
    if (include_expired || now < s.ends_at) out.push_back(s);
  return out;
}

const Silence* SilenceBook::silencing(const std::map<std::string, std::string>& labels, Timestamp now) const {
  for (const auto& s : silences_)
    if (s.active(now) && s.matches(labels)) return &s;
  return nullptr;
}

void SilenceBook::prune(Timestamp before) {
  silences_.erase(
      std::remove_if(silences_.begin(), silences_.end(), [&](const Silence& s) { return s.ends_at < before; }),
      silences_.end());
}

}  // namespace lodestone::rules
