#pragma once
// What the bus sends outward once an event is taken: the latest quote for the board, and the
// canonical JSON of every headline and alert for every client. The web target implements it
// (web::Broadcast); tests record into it. Called on the pipeline strand, in event order.
#include <memory>
#include <string>
#include <vector>

#include "lodestone/core/events.hpp"

namespace lodestone::bus {

class Fanout {
 public:
  virtual ~Fanout() = default;
  // A quote that passed the checks. Quotes may be coalesced downstream: only the latest per
  // symbol is owed to a client.
  virtual void quote(const Quote& quote) = 0;
  // A headline's or an alert's JSON: owed to every client, never dropped or coalesced.
  virtual void broadcast(std::shared_ptr<const std::string> json) = 0;
  // Several, in order, that leave together (the headlines of one pipeline turn): a client may get
  // them in one write. What one broadcast per message would deliver, in fewer sends.
  virtual void broadcast(const std::vector<std::shared_ptr<const std::string>>& jsons) {
    for (const auto& json : jsons) broadcast(json);
  }
};

}  // namespace lodestone::bus
