// The read side of AlertStore: loading the retained history, following the stream, the
// in-memory mirror that answers after(), last_seq() and find().
#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

#include "lodestone/redis/alert_store.hpp"

namespace lodestone::redis {
namespace {

bool to_entry(const StreamEntry& se, std::uint64_t& seq, std::string& key, std::string& json) {
  const auto* s = se.field("seq");
  const auto* k = se.field("key");
  const auto* a = se.field("alert");
  if (!s || !k || !a) return false;
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), seq);
  if (ec != std::errc() || p != s->data() + s->size() || seq == 0) return false;
  key = *k;
  json = *a;
  return true;
}

// The alert a stored notification belongs to (bus::alert_key): its labels' fingerprint, else
// its id, which is the identity "<id>|<state>" up to its last '|'. Entries come from every
// instance, so this reads the canonical JSON they wrote rather than trusting a field of our own.
std::string alert_key_of(const std::string& identity, const std::string& json) {
  thread_local simdjson::ondemand::parser parser;
  simdjson::padded_string padded(json);
  simdjson::ondemand::document doc;
  std::string_view fingerprint;
  if (!parser.iterate(padded).get(doc) && !doc["labels"]["fingerprint"].get_string().get(fingerprint) &&
      !fingerprint.empty())
    return std::string(fingerprint);
  const auto bar = identity.rfind('|');
  return identity.substr(0, bar);
}

}  // namespace

bool AlertStore::read_step() {
  bool load = false;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return false;
    load = !loaded_;
  }
  if (load) {
    load_page({}, "+", "");
  } else {
    follow();
  }
  return true;
}

void AlertStore::load_page(std::vector<Entry> newest_first, const std::string& before, std::string newest) {
  const std::size_t page = channel_->options().page;
  const std::size_t want = std::min(page, options_.retention - std::min(options_.retention, newest_first.size()));
  channel_->reverse_range(before, std::max<std::size_t>(want, 1),
                          [w = weak_from_this(), acc = std::move(newest_first), want, first = before == "+",
                           newest = std::move(newest)](Result<std::vector<StreamEntry>> entries) mutable {
                            auto s = w.lock();
                            if (!s) return;
                            if (!entries) {
                              spdlog::warn("redis: loading alert history: {}", entries.error().message);
                              s->channel_->read_later();
                              return;
                            }
                            if (first) newest = entries->empty() ? "0-0" : entries->front().id;
                            for (const auto& se : *entries) {
                              Entry e;
                              if (!to_entry(se, e.seq, e.key, e.json)) {
                                spdlog::warn("redis: alert entry {} has no seq, key or alert; skipped", se.id);
                                continue;
                              }
                              acc.push_back(std::move(e));
                            }
                            if (entries->size() >= want && want > 0 && acc.size() < s->options_.retention) {
                              s->load_page(std::move(acc), "(" + entries->back().id, std::move(newest));
                              return;
                            }
                            s->loaded_history(std::move(acc), newest);
                          });
}

void AlertStore::loaded_history(std::vector<Entry> newest_first, const std::string& last_id) {
  std::vector<bus::StoredAlert> now;
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(mutex_);
    for (auto it = newest_first.rbegin(); it != newest_first.rend(); ++it) {
      mirror_locked(*it);
      if (!waiting_keys_.contains(it->key)) continue;
      auto w = std::find_if(waiting_.begin(), waiting_.end(), [&](const Waiting& x) { return x.key == it->key; });
      if (w == waiting_.end()) continue;
      if (w->written || w->sent) {
        // This instance's own alert, stored while the history was loading: nobody saw it yet.
        brought_back_locked(it->key);
        if (mirror_.back().seq == it->seq) now.push_back(mirror_.back());
      } else {
        // Its append has not answered: it may be a notification stored long ago that a restart's
        // replay produced again, which must not go out twice. The reply decides (stored()).
        w->in_history = true;
      }
    }
    channel_->set_position(last_id);
    loaded_ = true;
    callbacks.swap(on_loaded_);
    spdlog::info("redis: {} alerts of history loaded, last seq {}", mirror_.size(), last_seq_);
  }
  deliver(now);
  for (auto& fn : callbacks) fn();
  follow();
}

void AlertStore::follow() {
  channel_->follow([w = weak_from_this()](const std::vector<StreamEntry>& entries) {
    if (auto s = w.lock()) s->take(entries);
  });
}

void AlertStore::take(const std::vector<StreamEntry>& entries) {
  std::vector<bus::StoredAlert> now;
  {
    std::lock_guard lock(mutex_);
    for (const auto& se : entries) {
      Entry e;
      if (!to_entry(se, e.seq, e.key, e.json)) {
        spdlog::warn("redis: alert entry {} has no seq, key or alert; skipped", se.id);
        continue;
      }
      if (waiting_keys_.contains(e.key)) brought_back_locked(e.key);
      if (e.seq <= last_seq_) continue;  // read again after a reconnect
      mirror_locked(e);
      ++stats_.delivered;
      now.push_back(mirror_.back());
    }
  }
  deliver(now);
}

void AlertStore::mirror_locked(const Entry& e) {
  if (e.seq <= last_seq_ && !mirror_.empty()) return;
  mirror_.push_back(bus::StoredAlert{e.seq, std::make_shared<const std::string>(e.json)});
  mirror_keys_.push_back(e.key);
  known_.insert(e.key);
  mirror_alert_keys_.push_back(alert_key_of(e.key, e.json));
  index_.add(mirror_alert_keys_.back(), mirror_.back());
  last_seq_ = e.seq;
  while (mirror_.size() > options_.retention) {
    known_.erase(mirror_keys_.front());
    mirror_keys_.pop_front();
    index_.drop(mirror_alert_keys_.front(), mirror_.front().seq);
    mirror_alert_keys_.pop_front();
    mirror_.pop_front();
  }
}

std::optional<bus::StoredAlert> AlertStore::mirrored_locked(const std::string& key) const {
  for (std::size_t i = mirror_keys_.size(); i-- > 0;)
    if (mirror_keys_[i] == key) return mirror_[i];
  return std::nullopt;
}

bus::AlertRange AlertStore::after(std::uint64_t seq, std::size_t limit) const {
  bus::AlertRange range;
  std::lock_guard lock(mutex_);
  if (!mirror_.empty() && mirror_.front().seq > seq + 1) range.gap = true;
  range.newest = last_seq_;
  auto it = std::upper_bound(mirror_.begin(), mirror_.end(), seq,
                             [](std::uint64_t s, const bus::StoredAlert& a) { return s < a.seq; });
  for (; it != mirror_.end() && range.alerts.size() < limit; ++it) {
    range.alerts.push_back(it->json);
    range.last_seq = it->seq;
  }
  return range;
}

std::vector<bus::StoredAlert> AlertStore::find(std::string_view alert_key) const {
  std::lock_guard lock(mutex_);
  return index_.find(alert_key);
}

std::uint64_t AlertStore::last_seq() const {
  std::lock_guard lock(mutex_);
  return last_seq_;
}

bool AlertStore::loaded() const {
  std::lock_guard lock(mutex_);
  return loaded_;
}

void AlertStore::when_loaded(std::function<void()> fn) {
  {
    std::lock_guard lock(mutex_);
    if (!loaded_) {
      on_loaded_.push_back(std::move(fn));
      return;
    }
  }
  fn();
}

}  // namespace lodestone::redis
