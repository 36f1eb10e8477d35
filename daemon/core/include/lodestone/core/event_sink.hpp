#pragma once
// Where a feed delivers what it parsed. The daemon's bus implements it; tests record into it.
#include <string_view>

#include "lodestone/core/events.hpp"

namespace lodestone {

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_quote(const Quote& quote) = 0;
  virtual void on_headline(const Headline& headline) = 0;
};

}  // namespace lodestone
