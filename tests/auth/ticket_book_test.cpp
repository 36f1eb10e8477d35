#include "lodestone/auth/ticket_book.hpp"

#include <gtest/gtest.h>

namespace lodestone::auth {
namespace {

using namespace std::chrono_literals;
const Principal kAlice{"alice", Role::trader};

TEST(TicketBook, ATicketOpensOnceForItsHolder) {
  ManualClock clock;
  TicketBook book(clock);
  auto issued = book.issue(kAlice);
  EXPECT_EQ(issued.expires_in, 30s);
  EXPECT_EQ(issued.ticket.size(), 43U);  // 256 bits, base64url
  EXPECT_EQ(book.redeem(issued.ticket), kAlice);
  EXPECT_FALSE(book.redeem(issued.ticket)) << "single use";
  EXPECT_FALSE(book.redeem("not-a-ticket"));
  EXPECT_FALSE(book.redeem(""));
  EXPECT_EQ(book.outstanding(), 0U);
}

TEST(TicketBook, ATicketExpiresAfterItsTimeToLive) {
  ManualClock clock;
  TicketBook book(clock, 30s);
  auto early = book.issue(kAlice);
  auto late = book.issue(Principal{"bob", Role::viewer});
  clock.advance(29'999ms);
  EXPECT_EQ(book.redeem(early.ticket), kAlice);
  clock.advance(1ms);
  EXPECT_FALSE(book.redeem(late.ticket)) << "expired at exactly 30 s";
  EXPECT_EQ(book.outstanding(), 0U);
}

TEST(TicketBook, IsBoundedTheOldestGoingFirst) {
  ManualClock clock;
  TicketBook book(clock, 30s, 3);
  std::vector<std::string> tickets;
  for (int i = 0; i < 5; ++i) tickets.push_back(book.issue(kAlice).ticket);
  EXPECT_EQ(book.outstanding(), 3U);
  EXPECT_FALSE(book.redeem(tickets[0]));
  EXPECT_FALSE(book.redeem(tickets[1]));
  EXPECT_TRUE(book.redeem(tickets[4]));
}

}  // namespace
}  // namespace lodestone::auth
