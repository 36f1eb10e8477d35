// web::SessionDirectory, the Hub's list of who is connected: joins, leaves and the last-one-out
// waiter, and its promise across threads: a session whose join has returned is in every list
// taken afterwards, even while another thread is rebuilding the list.
#include "lodestone/web/session_directory.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace lodestone::web {
namespace {

struct Client {
  int id = 0;
};
using Directory = SessionDirectory<Client>;

bool listed(const Directory::List& list, const Client* client) {
  return std::any_of(list.begin(), list.end(), [&](const auto& w) {
    const auto s = w.lock();
    return s.get() == client;
  });
}

TEST(SessionDirectory, AListHoldsWhoJoinedAndNotWhoLeft) {
  Directory d;
  auto a = std::make_shared<Client>(Client{1});
  auto b = std::make_shared<Client>(Client{2});
  EXPECT_TRUE(d.list()->empty());
  d.join(a);
  d.join(b);
  auto list = d.list();
  EXPECT_EQ(d.size(), 2U);
  EXPECT_TRUE(listed(*list, a.get()));
  EXPECT_TRUE(listed(*list, b.get()));
  d.leave(a.get());
  EXPECT_EQ(d.size(), 1U);
  EXPECT_FALSE(listed(*d.list(), a.get()));
  EXPECT_TRUE(listed(*d.list(), b.get()));
  EXPECT_EQ(list->size(), 2U) << "a list already taken stays as it was";
}

TEST(SessionDirectory, ListsAreSharedUntilSomeoneJoinsOrLeaves) {
  Directory d;
  auto a = std::make_shared<Client>(Client{1});
  d.join(a);
  const auto first = d.list();
  EXPECT_EQ(d.list(), first) << "no change: the same list, not a copy";
  auto b = std::make_shared<Client>(Client{2});
  d.join(b);
  EXPECT_NE(d.list(), first);
}

TEST(SessionDirectory, TheWaiterRunsWhenTheLastOneLeavesOrAtOnce) {
  Directory d;
  int ran = 0;
  d.when_empty([&] { ++ran; });
  EXPECT_EQ(ran, 1) << "nobody there: at once";
  auto a = std::make_shared<Client>(Client{1});
  auto b = std::make_shared<Client>(Client{2});
  d.join(a);
  d.join(b);
  d.when_empty([&] { ++ran; });
  d.leave(a.get());
  EXPECT_EQ(ran, 1);
  d.leave(b.get());
  EXPECT_EQ(ran, 2);
  d.join(a);
  d.leave(a.get());
  EXPECT_EQ(ran, 2) << "one waiter, run once";
}

// One thread joins clients one by one; another keeps taking lists, as quote wake-ups do, so the
// list is being rebuilt most of the time; a third, told of each join, takes a list and must find
// that client in it. A rebuild that cleared the stale mark before publishing its list let the
// third take the old list. Thousands of members make each rebuild long enough to be met. With one
// core the threads seldom overlap and the test proves less, but it cannot fail on correct code.
TEST(SessionDirectory, AJoinedClientIsInEveryListTakenAfterTheJoinEvenDuringARebuild) {
  Directory d;
  std::vector<std::shared_ptr<Client>> members;
  for (int i = 0; i < 4000; ++i) {
    members.push_back(std::make_shared<Client>(Client{i}));
    d.join(members.back());
  }
  constexpr int kJoins = 400;
  std::vector<std::shared_ptr<Client>> joining;
  for (int i = 0; i < kJoins; ++i) joining.push_back(std::make_shared<Client>(Client{10'000 + i}));

  std::atomic<int> joined{0};
  std::atomic<bool> done{false};
  std::atomic<int> missed{0};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::thread rebuilder([&] {
    while (!done.load()) (void)d.list();
  });
  std::thread checker([&] {
    for (int i = 0; i < kJoins && std::chrono::steady_clock::now() < deadline; ++i) {
      while (joined.load(std::memory_order_acquire) <= i && std::chrono::steady_clock::now() < deadline)
        std::this_thread::yield();
      if (!listed(*d.list(), joining[static_cast<std::size_t>(i)].get())) missed.fetch_add(1);
      joined.store(-1 - i, std::memory_order_release);  // checked: the joiner may go on
    }
  });
  for (int i = 0; i < kJoins && std::chrono::steady_clock::now() < deadline; ++i) {
    d.join(joining[static_cast<std::size_t>(i)]);
    joined.store(i + 1, std::memory_order_release);
    while (joined.load(std::memory_order_acquire) != -1 - i && std::chrono::steady_clock::now() < deadline)
      std::this_thread::yield();
  }
  done = true;
  checker.join();
  rebuilder.join();
  ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the threads did not finish their rounds";
  EXPECT_EQ(missed.load(), 0) << "of " << kJoins << " joined clients, missing from a list taken after their join";
}

}  // namespace
}  // namespace lodestone::web
