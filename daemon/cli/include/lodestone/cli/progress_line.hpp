#pragma once
// One line on stderr that says how far a long job is, rewritten in place. Callers report every
// few thousand lines processed; the line is redrawn at most every `min_interval_ms` (a few
// times a second) and only when it goes to a terminal, so pipes and logs never see it.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

namespace lodestone::cli {

class ProgressLine {
 public:
  using Clock = std::function<std::int64_t()>;  // monotonic milliseconds
  static std::int64_t steady_ms();
  static bool stderr_is_terminal();

  ProgressLine(std::ostream& out, bool enabled, Clock clock = &ProgressLine::steady_ms,
               std::int64_t min_interval_ms = 250);
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  ~ProgressLine();

  // "{label} {count} {unit} ({percent}%)"; drawn if enabled and the last drawing is at least
  // min_interval_ms old (the first is drawn at once).
  void update(std::string_view label, std::size_t count, std::string_view unit, int percent);
  // Erases the line (if anything was drawn), so what follows starts on a clean line.
  void finish();

  [[nodiscard]] std::size_t drawn() const { return drawn_; }

  static std::string render(std::string_view label, std::size_t count, std::string_view unit, int percent);

 private:
  std::ostream& out_;
  bool enabled_;
  Clock clock_;
  std::int64_t min_interval_ms_;
  std::int64_t last_ms_ = 0;
  std::size_t drawn_ = 0;
  bool visible_ = false;
};

}  // namespace lodestone::cli
