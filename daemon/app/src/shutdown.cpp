#include "lodestone/app/shutdown.hpp"

#include <spdlog/spdlog.h>

namespace lodestone::app {

std::shared_ptr<ShutdownSequence> ShutdownSequence::create(net::any_io_executor executor, const Clock& clock) {
  return std::shared_ptr<ShutdownSequence>(new ShutdownSequence(std::move(executor), clock));
}

ShutdownSequence::ShutdownSequence(net::any_io_executor executor, const Clock& clock)
    : strand_(net::make_strand(executor)), timer_(strand_), clock_(clock) {}

void ShutdownSequence::add(std::string name, std::chrono::milliseconds deadline, Step step) {
  steps_.push_back({std::move(name), deadline, std::move(step)});
}

std::chrono::milliseconds ShutdownSequence::budget() const {
  std::chrono::milliseconds sum{0};
  for (const auto& s : steps_) sum += s.deadline;
  return sum;
}

void ShutdownSequence::run(std::function<void()> finished) {
  net::dispatch(strand_, [self = shared_from_this(), finished = std::move(finished)]() mutable {
    self->finished_ = std::move(finished);
    self->start(0);
  });
}

void ShutdownSequence::start(std::size_t index) {
  current_ = index;
  if (index == steps_.size()) {
    spdlog::info("shutdown: complete");
    if (auto f = std::move(finished_)) f();
    return;
  }
  const Entry& entry = steps_[index];
  spdlog::info("shutdown {}/{}: {}", index + 1, steps_.size(), entry.name);
  started_ = clock_.steady();
  timer_.expires_after(entry.deadline);
  timer_.async_wait([self = shared_from_this(), index](boost::system::error_code ec) {
    if (!ec) self->finish(index, false);
  });
  // The step may say done at once, on this strand, or later from any thread: always through the
  // strand, and only the first word for the current step counts.
  entry.step(
      [self = shared_from_this(), index] { net::post(self->strand_, [self, index] { self->finish(index, true); }); });
}

void ShutdownSequence::finish(std::size_t index, bool in_time) {
  if (index != current_ || index >= steps_.size()) return;  // already moved on
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(clock_.steady() - started_).count();
  if (in_time) {
    timer_.cancel();
    spdlog::info("shutdown: {} done in {} ms", steps_[index].name, took);
  } else {
    spdlog::warn("shutdown: {} did not finish within {} ms; going on", steps_[index].name,
                 steps_[index].deadline.count());
  }
  start(index + 1);
}

}  // namespace lodestone::app
