#include "lodestone/feeds/replay_feed.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "lodestone/feeds/replay_shift.hpp"

namespace lodestone::feeds {

ReplayFeed::ReplayFeed(net::any_io_executor executor, ReplayOptions options, EventSink& sink,
                       std::shared_ptr<FeedStatus> status)
    : strand_(net::make_strand(executor)),
      timer_(strand_),
      options_(std::move(options)),
      sink_(sink),
      status_(std::move(status)) {}

void ReplayFeed::start() {
  net::dispatch(strand_, [self = shared_from_this()] {
    self->open();
    self->next();
  });
}

void ReplayFeed::stop() {
  net::dispatch(strand_, [self = shared_from_this()] {
    self->stopped_ = true;
    self->timer_.cancel();
  });
}

void ReplayFeed::open() {
  in_.close();
  in_.clear();
  in_.open(options_.path, std::ios::binary);
  line_no_ = 0;
  previous_ts_.reset();
  if (!in_) {
    spdlog::error("feed {}: cannot open tape {}", options_.name, options_.path);
    status_->set_state(FeedState::Down);
    stopped_ = true;
    return;
  }
  status_->set_state(FeedState::Live);
}

void ReplayFeed::next() {
  // At a high speed most lines are due at once. A slice of them at a time, then the strand is
  // let go: stop() (and everything else queued on this strand) gets its turn, and a looping tape
  // cannot hold an I/O thread for ever.
  for (int slice = 0; !stopped_; ++slice) {
    if (slice == kLinesPerSlice) {
      net::post(strand_, [self = shared_from_this()] { self->next(); });
      return;
    }
    if (!std::getline(in_, line_)) {
      if (options_.loop && line_no_ > 0) {
        // Whole weeks keep weekdays and sessions where they were; the tape's trading days land
        // on trading days again, never on a holiday (replay_shift.hpp).
        ++pass_;
        shift_weeks_ = next_pass_weeks(tape_days_, shift_weeks_, TradingCalendar::shanghai());
        shift_ms_ = static_cast<std::int64_t>(shift_weeks_) * 7 * kMsPerDay;
        spdlog::info(
            "feed {}: end of tape, starting pass {} ({} weeks on, from {})", options_.name, pass_, shift_weeks_,
            tape_days_.empty() ? std::string("-") : format_date(Date{tape_days_.front().days + 7 * shift_weeks_}));
        open();
        continue;
      }
      spdlog::info("feed {}: end of tape after {} lines", options_.name, line_no_);
      status_->set_state(FeedState::Finished);
      return;
    }
    ++line_no_;
    if (line_.empty() || line_.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto event = parser_.parse(line_);
    if (!event) {
      status_->on_error(ErrorCode::bad_event);
      spdlog::warn("feed {}: {}:{}: {}", options_.name, options_.path, line_no_, event.error().message);
      continue;
    }
    const Timestamp tape_ts = std::visit([](const auto& e) { return e.ts; }, *event);
    if (pass_ == 0) {
      const Date day = exchange_date(tape_ts);
      const auto at = std::lower_bound(tape_days_.begin(), tape_days_.end(), day);
      if (at == tape_days_.end() || *at != day) tape_days_.insert(at, day);
    }
    std::visit([this](auto& e) { e.ts.ms += shift_ms_; }, *event);
    if (auto* h = std::get_if<Headline>(&*event); h != nullptr && pass_ > 0) h->id += "~" + std::to_string(pass_);
    const Timestamp ts{tape_ts.ms + shift_ms_};
    std::int64_t delay_ms = 0;
    if (previous_ts_ && options_.speed > 0) {
      const auto trading = TradingCalendar::shanghai().trading_ms_between(*previous_ts_, ts);
      delay_ms =
          std::clamp<std::int64_t>(std::llround(static_cast<double>(trading) / options_.speed), 0, options_.max_gap_ms);
    }
    previous_ts_ = ts;
    auto deliver = [this, bytes = line_.size(), e = std::move(*event)] {
      // Received now: the age operators watch is wall-clock time since the last message.
      status_->on_message(bytes, options_.clock.get().now());
      if (const auto* q = std::get_if<Quote>(&e)) {
        sink_.on_quote(*q);
      } else {
        sink_.on_headline(std::get<Headline>(e));
      }
    };
    if (delay_ms == 0) {
      deliver();
      continue;
    }
    timer_.expires_after(std::chrono::milliseconds(delay_ms));
    timer_.async_wait([self = shared_from_this(), deliver = std::move(deliver)](boost::system::error_code ec) {
      if (ec || self->stopped_) return;
      deliver();
      self->next();
    });
    return;
  }
}

}  // namespace lodestone::feeds
