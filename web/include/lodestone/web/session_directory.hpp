#pragma once
// Who is connected, for broadcasts from any thread. Joins and leaves change a map under a lock
// and mark the list stale; a reader takes an immutable list with one atomic load, and the first
// reader after a change rebuilds it, once however many came and went (10 000 clients leaving at
// once cost one rebuild, not 10 000).
//
// The promise: a session whose join has returned is in every list taken after it (on any thread
// that the join happens-before), until it leaves. The rebuild keeps it by publishing the new list
// *before* it clears the stale mark. Cleared first, a reader on another thread could see "not
// stale" while the rebuild was still copying, and take the old list without that session: the
// first alerts of a burst were lost at clients that had just connected, while the burst's own
// quotes woke every session on another thread (issue #18's intermittent ledger failures).
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace lodestone::web {

template <class Session>
class SessionDirectory {
 public:
  using List = std::vector<std::weak_ptr<Session>>;

  void join(const std::shared_ptr<Session>& session) {
    std::lock_guard lock(mutex_);
    sessions_.emplace(session.get(), session);
    stale_.store(true, std::memory_order_release);
  }

  // Runs the when_empty() waiter when it was the last one (on this thread, outside the lock).
  void leave(const Session* session) {
    std::function<void()> empty;
    {
      std::lock_guard lock(mutex_);
      sessions_.erase(session);
      stale_.store(true, std::memory_order_release);
      if (sessions_.empty()) empty = std::move(on_empty_);
    }
    if (empty) empty();
  }

  // Runs `fn` once no session is left: now if none is, else when the last one leaves. One
  // waiter; a later call replaces it.
  void when_empty(std::function<void()> fn) {
    {
      std::lock_guard lock(mutex_);
      if (!sessions_.empty()) {
        on_empty_ = std::move(fn);
        return;
      }
    }
    fn();
  }

  [[nodiscard]] std::size_t size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
  }

  // Every session that has joined and not left (weak: one may have died since; lock() tells).
  [[nodiscard]] std::shared_ptr<const List> list() const {
    // Not stale: the list published before the mark was cleared is the current one (acquire pairs
    // with the release below).
    if (!stale_.load(std::memory_order_acquire)) return list_.load(std::memory_order_acquire);
    std::lock_guard lock(mutex_);
    if (stale_.load(std::memory_order_relaxed)) {
      auto list = std::make_shared<List>();
      list->reserve(sessions_.size());
      for (const auto& entry : sessions_) list->push_back(entry.second);
      list_.store(std::move(list), std::memory_order_release);
      // Only now: a join or leave waits for the lock, so none slips in between; a lock-free
      // reader that sees the mark cleared sees this list.
      stale_.store(false, std::memory_order_release);
    }
    return list_.load(std::memory_order_acquire);
  }

 private:
  mutable std::mutex mutex_;
  // By address: a session leaves from its destructor, and 10 000 of them closing at once must
  // not cost 10 000 scans of the list.
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions_;
  mutable std::atomic<std::shared_ptr<const List>> list_{std::make_shared<const List>()};
  mutable std::atomic<bool> stale_{false};
  std::function<void()> on_empty_;
};

}  // namespace lodestone::web
