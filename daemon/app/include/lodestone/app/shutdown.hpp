#pragma once
// The order a daemon stops in. Each step gets a deadline; the log says when it starts and how long
// it took, or that it ran out of time. The next step starts the moment the previous one says it is
// done or its deadline passes, so however stuck a step is (a pipeline deep in work, Redis away,
// clients that never read), the whole sequence ends within the sum of the deadlines.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lodestone/core/clock.hpp"
#include "lodestone/net/net.hpp"

namespace lodestone::app {

class ShutdownSequence : public std::enable_shared_from_this<ShutdownSequence> {
 public:
  // Say "done" once, from any thread; a step cut off by its deadline may still say it, harmlessly.
  using Done = std::function<void()>;
  using Step = std::function<void(Done)>;

  static std::shared_ptr<ShutdownSequence> create(net::any_io_executor executor, const Clock& clock);

  void add(std::string name, std::chrono::milliseconds deadline, Step step);
  // Runs the steps in order on one strand; `finished` after the last. Once.
  void run(std::function<void()> finished);
  // The longest the sequence can take: the sum of the deadlines.
  [[nodiscard]] std::chrono::milliseconds budget() const;

 private:
  ShutdownSequence(net::any_io_executor executor, const Clock& clock);
  void start(std::size_t index);
  void finish(std::size_t index, bool in_time);

  struct Entry {
    std::string name;
    std::chrono::milliseconds deadline;
    Step step;
  };
  net::strand<net::any_io_executor> strand_;
  net::steady_timer timer_;
  const Clock& clock_;
  std::vector<Entry> steps_;
  std::size_t current_ = 0;
  Clock::Steady started_{};
  std::function<void()> finished_;
};

}  // namespace lodestone::app
