#include "lodestone/cli/progress_line.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>

namespace lodestone::cli {

std::int64_t ProgressLine::steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool ProgressLine::stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

ProgressLine::ProgressLine(std::ostream& out, bool enabled, Clock clock, std::int64_t min_interval_ms)
    : out_(out), enabled_(enabled), clock_(std::move(clock)), min_interval_ms_(min_interval_ms) {}

ProgressLine::~ProgressLine() { finish(); }

std::string ProgressLine::render(std::string_view label, std::size_t count, std::string_view unit, int percent) {
  std::string s(label);
  s +=
      " " + std::to_string(count) + " " + std::string(unit) + " (" + std::to_string(std::clamp(percent, 0, 100)) + "%)";
  return s;
}

void ProgressLine::update(std::string_view label, std::size_t count, std::string_view unit, int percent) {
  if (!enabled_) return;
  const std::int64_t now = clock_();
  if (drawn_ != 0 && now - last_ms_ < min_interval_ms_) return;
  last_ms_ = now;
  ++drawn_;
  visible_ = true;
  // \r back to the start, ESC[K erases the rest of the previous, longer drawing.
  out_ << '\r' << render(label, count, unit, percent) << "\x1b[K" << std::flush;
}

void ProgressLine::finish() {
  if (!visible_) return;
  visible_ = false;
  out_ << "\r\x1b[K" << std::flush;
}

}  // namespace lodestone::cli
