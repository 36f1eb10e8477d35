#pragma once
// Helpers for the feed tests: fixture files and a sink that records events.
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "lodestone/core/event_sink.hpp"
#include "lodestone/feeds/batch.hpp"

namespace lodestone::feeds::test {

inline std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(LODESTONE_SOURCE_DIR) + "/tests/feeds/data/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline Price px(std::string_view text) { return *Price::parse(text); }
inline Symbol sym(std::string_view text) { return *Symbol::parse(text); }

// The batch's quote of that symbol, or null.
inline const Quote* find(const QuoteBatch& b, std::string_view symbol) {
  for (const auto& q : b.quotes)
    if (q.symbol == sym(symbol)) return &q;
  return nullptr;
}

class RecordingSink : public EventSink {
 public:
  void on_quote(const Quote& q) override {
    std::lock_guard lock(mutex_);
    quotes_.push_back(q);
  }
  void on_headline(const Headline& h) override {
    std::lock_guard lock(mutex_);
    headlines_.push_back(h);
  }
  std::vector<Quote> quotes() const {
    std::lock_guard lock(mutex_);
    return quotes_;
  }
  std::vector<Headline> headlines() const {
    std::lock_guard lock(mutex_);
    return headlines_;
  }
  std::size_t quote_count() const {
    std::lock_guard lock(mutex_);
    return quotes_.size();
  }
  std::size_t headline_count() const {
    std::lock_guard lock(mutex_);
    return headlines_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Quote> quotes_;
  std::vector<Headline> headlines_;
};

}  // namespace lodestone::feeds::test
