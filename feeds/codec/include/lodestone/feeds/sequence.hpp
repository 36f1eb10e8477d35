#pragma once
// Message sequence numbers of a push feed (a vendor's `seq` per message, mapped with
// `mapping.seq`), and Lodestone's rules for them. Quotes are snapshots (the latest price and
// cumulative volume), not increments, so a lost message loses nothing the next one does not
// carry: a gap is counted, never resynchronised, and the newest message wins.
//
//   first message of a connection   accepted, the baseline
//   seq == last + 1                 accepted
//   seq >  last + 1                 `sequence_gap` (counted once per gap), accepted
//   seq == last                     `sequence_duplicate` (a resend, PossDup-style): dropped
//   seq <  last                     `sequence_old` (late or resent): dropped, unless
//   seq <= restart_max, or `reset_after` messages in a row run forward below `last`:
//                                   `sequence_reset` (the upstream restarted its numbering):
//                                   accepted as the new baseline; the feed forgets its volume
//                                   baselines (quotes older than what it has are still dropped)
#include <cstdint>

namespace lodestone::feeds {

enum class SequenceKind : std::uint8_t { First, Next, Gap, Duplicate, Old, Reset };

struct SequenceVerdict {
  SequenceKind kind = SequenceKind::First;
  std::uint64_t missing = 0;  // Gap: how many numbers were skipped
  [[nodiscard]] bool deliver() const { return kind != SequenceKind::Duplicate && kind != SequenceKind::Old; }
};

class SequenceTracker {
 public:
  explicit SequenceTracker(std::uint64_t restart_max = 1, int reset_after = 3)
      : restart_max_(restart_max), reset_after_(reset_after) {}

  SequenceVerdict next(std::uint64_t seq);
  // A new connection numbers afresh.
  void reset() {
    have_ = false;
    behind_ = 0;
  }

 private:
  std::uint64_t restart_max_;
  int reset_after_;
  bool have_ = false;
  std::uint64_t last_ = 0;
  int behind_ = 0;  // consecutive messages below last_, each after the previous one
  std::uint64_t behind_last_ = 0;
};

}  // namespace lodestone::feeds
