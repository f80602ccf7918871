// The MQTT link's reconnect schedule (sync/reconnect_backoff.h) on explicit times: the window
// follows the time offline between 100 ms and 30 s, the delays are spread over all of it, and
// only a connection that stayed up starts the schedule over.
#include "sync/reconnect_backoff.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace storeedge::sync {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = ReconnectBackoff::Clock;

const Clock::time_point kStart{seconds(1000)};

TEST(SyncReconnectBackoffTest, TheWindowFollowsTheTimeOfflineBetweenFirstAndCap) {
  ReconnectBackoff b({}, 1);
  const milliseconds first_delay = b.next_delay(kStart);  // offline from here
  EXPECT_LE(first_delay, milliseconds(100));
  EXPECT_EQ(b.window(kStart), milliseconds(100));
  EXPECT_EQ(b.window(kStart + milliseconds(50)), milliseconds(100));
  EXPECT_EQ(b.window(kStart + milliseconds(800)), milliseconds(800));
  EXPECT_EQ(b.window(kStart + seconds(2)), milliseconds(2000));  // doubles as the outage does
  EXPECT_EQ(b.window(kStart + seconds(29)), milliseconds(29'000));
  EXPECT_EQ(b.window(kStart + seconds(31)), milliseconds(30'000));
  EXPECT_EQ(b.window(kStart + std::chrono::hours(5)), milliseconds(30'000));
}

TEST(SyncReconnectBackoffTest, DelaysAreSpreadOverTheWholeWindow) {
  // Full jitter: uniform from 0, so a fleet that lost the broker at the same moment does not
  // come back in step.
  ReconnectBackoff b({}, 42);
  b.next_delay(kStart);
  const auto now = kStart + seconds(10);
  std::vector<milliseconds> delays;
  for (int i = 0; i < 2000; ++i) delays.push_back(b.next_delay(now));
  const auto [lo, hi] = std::minmax_element(delays.begin(), delays.end());
  EXPECT_GE(*lo, milliseconds(0));
  EXPECT_LE(*hi, milliseconds(10'000));
  EXPECT_LT(*lo, milliseconds(500));
  EXPECT_GT(*hi, milliseconds(9'500));
  std::int64_t sum = 0;
  int in_first_tenth = 0;
  for (const auto d : delays) {
    sum += d.count();
    if (d < milliseconds(1'000)) ++in_first_tenth;
  }
  EXPECT_NEAR(static_cast<double>(sum) / 2000.0, 5'000.0, 400.0);
  EXPECT_NEAR(in_first_tenth, 200, 60);
}

TEST(SyncReconnectBackoffTest, AConnectionThatStayedUpStartsTheScheduleOver) {
  ReconnectBackoff b({}, 7);
  b.next_delay(kStart);
  EXPECT_EQ(b.window(kStart + seconds(20)), milliseconds(20'000));
  b.connected(kStart + seconds(20));
  b.lost(kStart + seconds(20) + seconds(60));  // up for a minute
  const auto lost_at = kStart + seconds(80);
  EXPECT_EQ(b.window(lost_at), milliseconds(100));
  EXPECT_LE(b.next_delay(lost_at), milliseconds(100));
  EXPECT_EQ(b.window(lost_at + milliseconds(700)), milliseconds(700));
}

TEST(SyncReconnectBackoffTest, AShortConnectionKeepsTheWindowGrowing) {
  // A broker that accepts and drops at once (or a second node with the same client id taking
  // the session): the window goes on from the first loss instead of falling back to 100 ms.
  ReconnectBackoff b({}, 9);
  b.connected(kStart);
  b.lost(kStart + seconds(60));  // the first, long connection
  const auto offline = kStart + seconds(60);
  b.next_delay(offline);
  b.connected(offline + seconds(4));
  b.lost(offline + seconds(6));  // up for 2 s only
  EXPECT_EQ(b.window(offline + seconds(6)), milliseconds(6'000));
  for (int i = 0; i < 100; ++i) EXPECT_LE(b.next_delay(offline + seconds(6)), milliseconds(6'000));
  b.connected(offline + seconds(40));
  b.lost(offline + seconds(45));
  EXPECT_EQ(b.window(offline + seconds(45)), milliseconds(30'000));
}

TEST(SyncReconnectBackoffTest, FollowsItsPolicy) {
  ReconnectBackoff b({milliseconds(250), seconds(5), seconds(1)}, 3);
  b.next_delay(kStart);
  EXPECT_EQ(b.window(kStart), milliseconds(250));
  EXPECT_EQ(b.window(kStart + seconds(3)), milliseconds(3'000));
  EXPECT_EQ(b.window(kStart + seconds(60)), milliseconds(5'000));
  b.connected(kStart + seconds(60));
  b.lost(kStart + seconds(61));  // a second is stable under this policy
  EXPECT_EQ(b.window(kStart + seconds(61)), milliseconds(250));
}

}  // namespace
}  // namespace storeedge::sync
