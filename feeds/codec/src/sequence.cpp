#include "lodestone/feeds/sequence.hpp"

namespace lodestone::feeds {

SequenceVerdict SequenceTracker::next(std::uint64_t seq) {
  if (!have_) {
    have_ = true;
    last_ = seq;
    behind_ = 0;
    return {SequenceKind::First, 0};
  }
  if (seq > last_) {
    const std::uint64_t missing = seq - last_ - 1;
    last_ = seq;
    behind_ = 0;
    return {missing == 0 ? SequenceKind::Next : SequenceKind::Gap, missing};
  }
  if (seq == last_) return {SequenceKind::Duplicate, 0};
  // Below the last number: a resend, or the upstream counting again from the start.
  behind_ = behind_ > 0 && seq > behind_last_ ? behind_ + 1 : 1;
  behind_last_ = seq;
  if (seq <= restart_max_ || (reset_after_ > 0 && behind_ >= reset_after_)) {
    last_ = seq;
    behind_ = 0;
    return {SequenceKind::Reset, 0};
  }
  return {SequenceKind::Old, 0};
}

}  // namespace lodestone::feeds
