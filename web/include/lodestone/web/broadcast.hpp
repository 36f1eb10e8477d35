#pragma once
// The web side of the bus's Fanout: a quote goes to the board and wakes the sessions (each pulls
// the latest quotes at its own pace); headlines and alerts go to every session's queue.
#include <memory>
#include <string>

#include "lodestone/bus/fanout.hpp"
#include "lodestone/web/board.hpp"
#include "lodestone/web/hub.hpp"

namespace lodestone::web {

class Broadcast final : public bus::Fanout {
 public:
  Broadcast(Board& board, Hub& hub) : board_(board), hub_(hub) {}
  void quote(const Quote& quote) override;
  void broadcast(std::shared_ptr<const std::string> json) override;
  void broadcast(const std::vector<std::shared_ptr<const std::string>>& jsons) override;

 private:
  Board& board_;
  Hub& hub_;
};

}  // namespace lodestone::web
