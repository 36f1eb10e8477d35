#pragma once
// Silences, as in Alertmanager: label matchers, a time range, who created it and why. While a
// silence matches an alert, its notifications are held back; an alert that was already
// notified still gets its resolved message. Pure data: the daemon exposes it through its
// token-protected API and persists it if it wants to.
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/core/result.hpp"
#include "lodestone/core/time.hpp"

namespace lodestone::rules {

struct Matcher {
  enum class Op : unsigned char { Equal, NotEqual, Regex, NotRegex };
  std::string label;
  Op op = Op::Equal;
  std::string value;
  std::shared_ptr<const std::regex> regex;  // compiled for =~ and !~ (anchored, ECMAScript)

  // A missing label reads as "".
  [[nodiscard]] bool matches(const std::map<std::string, std::string>& labels) const;
  [[nodiscard]] std::string str() const;  // symbol="159713.SZ", rule=~"etf-.*"
};

// `label=value`, `label!=value`, `label=~regex`, `label!~regex`; the value may be quoted.
Result<Matcher> parse_matcher(std::string_view text);
// The same from its parts, `value` verbatim (the caller has checked the label's name): a regex is
// checked and compiled (label_regex.hpp), and its error is the bare reason, for the caller to place.
Result<Matcher> make_matcher(std::string label, Matcher::Op op, std::string value);

struct Silence {
  std::string id;                 // assigned by SilenceBook::add when empty
  std::vector<Matcher> matchers;  // all must match
  Timestamp starts_at;
  Timestamp ends_at;
  std::string created_by;
  std::string comment;

  [[nodiscard]] bool active(Timestamp now) const { return starts_at <= now && now < ends_at; }
  [[nodiscard]] bool matches(const std::map<std::string, std::string>& labels) const;
};

class SilenceBook {
 public:
  // Validates (at least one matcher, an author, a comment, ends after it starts and after
  // `now`) and stores the silence; returns its id. Ids are derived from the content, so
  // adding the same silence twice yields the same id and one entry.
  Result<std::string> add(Silence silence, Timestamp now);
  // Ends the silence at `now` (kept in the list as expired).
  Status expire(std::string_view id, Timestamp now);
  // Silences that have not ended by `now` (and, with include_expired, those that have).
  [[nodiscard]] std::vector<Silence> list(Timestamp now, bool include_expired = false) const;
  // The first active silence matching `labels`, or nullptr.
  [[nodiscard]] const Silence* silencing(const std::map<std::string, std::string>& labels, Timestamp now) const;
  // Forgets silences that ended before `before`.
  void prune(Timestamp before);
  [[nodiscard]] std::size_t size() const { return silences_.size(); }

 private:
  std::vector<Silence> silences_;
};

}  // namespace lodestone::rules
