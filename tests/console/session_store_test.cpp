// The console's session store: sessions live while used within the idle time, and the
// oldest go first when the store is full.
#include <gtest/gtest.h>

#include "relay/console/session_store.hpp"

namespace relay::console {
namespace {

using namespace std::chrono_literals;
const SessionStore::TimePoint t0 = SessionStore::TimePoint(1000h);

TEST(SessionStore, KnowsAnOpenSessionAndItsCsrfToken) {
  SessionStore store(12h, 10);
  store.open("id1", "csrf1", t0);
  const auto session = store.use("id1", t0 + 1min);
  ASSERT_TRUE(session);
  EXPECT_EQ(session->csrf, "csrf1");
  EXPECT_FALSE(store.use("id2", t0));
  EXPECT_FALSE(store.use("", t0));
}

TEST(SessionStore, EndsASessionIdleForTheIdleTimeAndUseKeepsItAlive) {
  SessionStore store(12h, 10);
  store.open("id1", "c", t0);
  EXPECT_TRUE(store.use("id1", t0 + 11h));
  EXPECT_TRUE(store.use("id1", t0 + 22h)) << "used 11 h before";
  EXPECT_FALSE(store.use("id1", t0 + 34h)) << "idle 12 h";
  EXPECT_EQ(store.size(), 0u) << "an expired session is forgotten";
}

TEST(SessionStore, CloseEndsASession) {
  SessionStore store(12h, 10);
  store.open("id1", "c", t0);
  store.close("id1");
  store.close("unknown");
  EXPECT_FALSE(store.use("id1", t0));
}

TEST(SessionStore, DropsTheLeastRecentlyUsedWhenFull) {
  SessionStore store(12h, 2);
  store.open("a", "c", t0);
  store.open("b", "c", t0 + 1s);
  ASSERT_TRUE(store.use("a", t0 + 2s));
  store.open("c", "c", t0 + 3s);
  EXPECT_EQ(store.size(), 2u);
  EXPECT_TRUE(store.use("a", t0 + 4s));
  EXPECT_FALSE(store.use("b", t0 + 4s));
  EXPECT_TRUE(store.use("c", t0 + 4s));
}

TEST(SessionStore, ForgetsExpiredSessionsBeforeDroppingLiveOnes) {
  SessionStore store(1h, 2);
  store.open("old", "c", t0);
  store.open("live", "c", t0 + 50min);
  store.open("new", "c", t0 + 70min);
  EXPECT_TRUE(store.use("live", t0 + 71min));
  EXPECT_TRUE(store.use("new", t0 + 71min));
}

}  // namespace
}  // namespace relay::console
