#pragma once
// The headlines the bus has seen: the news the page shows and what headline dedup checks.
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "lodestone/core/events.hpp"

namespace lodestone::bus {

// Recent headlines, newest last, one per story: a story is its source and the source's id, as
// the rule engine names it (rules::headline_key). Each JSON the log hands out carries a strictly
// increasing `seq`, so a client can tell it missed one.
//
// A story that comes again is a repeat when it is the same version (core's same_version: title,
// body, link, time, withdrawal, correction; the tags and symbols the rules add do not count),
// and is dropped. Otherwise it is a revision (the source edited it, or withdrew it with the
// `retracted` tag): it replaces the version held, in its place in the list, with the next
// `revision` number (1, 2 …) and a new seq, and goes out again so the page can mark it.
class NewsLog {
 public:
  enum class Arrival : std::uint8_t { New, Repeat, Revision };

  explicit NewsLog(std::size_t retention) : retention_(retention) {}

  // What a headline is to the log, before it is appended (and before the rules enrich it).
  [[nodiscard]] Arrival arrival(const Headline& h) const;
  // Holds the headline and returns its JSON, with its seq (and its revision, for a revision);
  // nullptr for a repeat.
  std::shared_ptr<const std::string> append(const Headline& h);
  // Whether some held headline, from any source, has this id.
  [[nodiscard]] bool contains(const std::string& id) const;
  [[nodiscard]] std::string json(std::size_t limit) const;  // {"news":[...]} newest first

  // A story's identity: "<source>/<id>", the same text as rules::headline_key for an item with an id.
  static std::string key(const Headline& h);

 private:
  struct Item {
    std::string key;
    std::string id;
    std::size_t version = 0;  // a digest of what same_version compares; kept in memory only
    std::uint32_t revision = 0;
    std::shared_ptr<const std::string> json;
  };
  Item* find(const std::string& key);
  [[nodiscard]] const Item* find(const std::string& key) const;
  std::shared_ptr<const std::string> numbered(std::string body);  // the JSON with the next seq

  std::size_t retention_;
  mutable std::mutex mutex_;
  std::deque<Item> items_;
  std::unordered_map<std::string, std::uint64_t> where_;  // key -> the item's arrival number
  std::uint64_t first_ = 0;                               // the arrival number of items_.front()
  std::unordered_map<std::string, std::size_t> ids_;      // id -> items holding it
  std::uint64_t last_seq_ = 0;
};

}  // namespace lodestone::bus
