// Tests for the radix-heap event queue: ordering (time, phase, FIFO ties), cancellation and stale
// handles, and agreement with a reference ordered set under random workloads.
#include "sim/event_queue.h"

#include <gtest/gtest.h>

#include <set>
#include <tuple>
#include <vector>

#include "sim/rng.h"

namespace shardsim {
namespace {

std::vector<uint32_t> DrainTags(EventQueue& q) {
  std::vector<uint32_t> tags;
  QueuedEvent e;
  while (q.Pop(&e)) tags.push_back(e.tag);
  return tags;
}

TEST(EventQueueTest, PopsInTimeOrder) {
  EventQueue q;
  q.Push(SimTime::Millis(30), Phase::kDefault, 0, 3);
  q.Push(SimTime::Millis(10), Phase::kDefault, 0, 1);
  q.Push(SimTime::Millis(20), Phase::kDefault, 0, 2);
  EXPECT_EQ(DrainTags(q), (std::vector<uint32_t>{1, 2, 3}));
  EXPECT_TRUE(q.empty());
}

TEST(EventQueueTest, EqualTimesRunInPhaseOrder) {
  EventQueue q;
  const SimTime t = SimTime::Seconds(1);
  q.Push(t, Phase::kObserve, 0, 7);
  q.Push(t, Phase::kDefault, 0, 4);
  q.Push(t, Phase::kBoundary, 0, 1);
  EXPECT_EQ(DrainTags(q), (std::vector<uint32_t>{1, 4, 7}));
}

TEST(EventQueueTest, EqualTimeAndPhaseRunFirstInFirstOut) {
  EventQueue q;
  const SimTime t = SimTime::Seconds(5);
  for (uint32_t i = 0; i < 100; ++i) q.Push(t, Phase::kDefault, 0, i);
  // Interleave an earlier event so the ties go through a redistribution.
  q.Push(SimTime::Seconds(1), Phase::kDefault, 0, 1000);
  std::vector<uint32_t> expected{1000};
  for (uint32_t i = 0; i < 100; ++i) expected.push_back(i);
  EXPECT_EQ(DrainTags(q), expected);
}

TEST(EventQueueTest, EventsScheduledAtTheCurrentInstantRunAfterPendingTies) {
  EventQueue q;
  const SimTime t = SimTime::Millis(3);
  q.Push(t, Phase::kDefault, 0, 1);
  q.Push(t, Phase::kDefault, 0, 2);
  QueuedEvent e;
  ASSERT_TRUE(q.Pop(&e));
  EXPECT_EQ(e.tag, 1u);
  q.Push(t, Phase::kDefault, 0, 3);  // same instant and phase: after 2
  q.Push(t, Phase::kObserve, 0, 4);  // later phase: after 3
  EXPECT_EQ(DrainTags(q), (std::vector<uint32_t>{2, 3, 4}));
}

TEST(EventQueueTest, CancelledEventNeverFires) {
  EventQueue q;
  q.Push(SimTime::Millis(1), Phase::kDefault, 0, 1);
  EventHandle h = q.Push(SimTime::Millis(2), Phase::kDefault, 0, 2);
  q.Push(SimTime::Millis(3), Phase::kDefault, 0, 3);
  EXPECT_EQ(q.size(), 3u);
  EXPECT_TRUE(q.Cancel(h));
  EXPECT_FALSE(h.valid());
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(DrainTags(q), (std::vector<uint32_t>{1, 3}));
}

TEST(EventQueueTest, StaleHandleCannotCancelAnotherEvent) {
  EventQueue q;
  EventHandle first = q.Push(SimTime::Millis(1), Phase::kDefault, 0, 1);
  EventHandle keep = first;
  QueuedEvent e;
  ASSERT_TRUE(q.Pop(&e));
  // A new event at the same time and phase: same key, different sequence number.
  q.Push(SimTime::Millis(1), Phase::kDefault, 0, 2);
  EXPECT_FALSE(q.Cancel(keep));  // fired already: stale
  EXPECT_FALSE(q.Cancel(first));
  EXPECT_EQ(DrainTags(q), (std::vector<uint32_t>{2}));
}

TEST(EventQueueTest, ResetHandleIsStale) {
  EventQueue q;
  EventHandle h = q.Push(SimTime::Millis(1), Phase::kDefault, 0, 1);
  EXPECT_TRUE(q.Cancel(h));
  EXPECT_FALSE(q.Cancel(h));
  EXPECT_TRUE(q.empty());
  EXPECT_TRUE(DrainTags(q).empty());
}

TEST(EventQueueTest, PopUntilLeavesLaterEventsPending) {
  EventQueue q;
  q.Push(SimTime::Millis(5), Phase::kDefault, 0, 1);
  q.Push(SimTime::Millis(50), Phase::kDefault, 0, 2);
  QueuedEvent e;
  const uint64_t limit = EventQueue::MakeKey(SimTime::Millis(10), Phase::kObserve);
  ASSERT_TRUE(q.PopUntil(limit, &e));
  EXPECT_EQ(e.tag, 1u);
  EXPECT_FALSE(q.PopUntil(limit, &e));
  // An event between the limit and the pending one is still accepted and runs first.
  q.Push(SimTime::Millis(20), Phase::kDefault, 0, 3);
  EXPECT_EQ(DrainTags(q), (std::vector<uint32_t>{3, 2}));
}

TEST(EventQueueTest, MatchesReferenceOrderUnderRandomWorkload) {
  // A model-like workload: every popped event schedules 0-2 new ones at now + random delay
  // (often 0, to exercise ties), random phases not before the current one, and random cancels.
  EventQueue q;
  using Key = std::tuple<int64_t, int, uint64_t>;  // (time, phase, insertion order)
  std::set<Key> reference;
  std::vector<std::pair<EventHandle, Key>> live;
  Rng rng(7);
  uint64_t order = 0;
  auto push = [&](int64_t t, int phase) {
    const EventHandle h =
        q.Push(SimTime::FromNanos(t), static_cast<Phase>(phase), 0, static_cast<uint32_t>(order));
    const Key k{t, phase, order++};
    reference.insert(k);
    live.push_back({h, k});
  };
  for (int i = 0; i < 50; ++i) push(static_cast<int64_t>(rng.Below(1000)), 4);
  int64_t now = 0;
  int now_phase = 0;
  for (int step = 0; step < 200000 && !reference.empty(); ++step) {
    if (rng.Below(10) == 0 && !live.empty()) {
      const size_t i = rng.Below(live.size());
      EventHandle h = live[i].first;
      const bool pending = reference.count(live[i].second) > 0;
      EXPECT_EQ(q.Cancel(h), pending);
      reference.erase(live[i].second);
      live[i] = live.back();
      live.pop_back();
      continue;
    }
    QueuedEvent e;
    ASSERT_TRUE(q.Pop(&e));
    const Key expected = *reference.begin();
    reference.erase(reference.begin());
    ASSERT_EQ(e.time().nanos(), std::get<0>(expected));
    ASSERT_EQ(static_cast<int>(e.phase()), std::get<1>(expected));
    ASSERT_EQ(e.tag, static_cast<uint32_t>(std::get<2>(expected)));
    now = std::get<0>(expected);
    now_phase = std::get<1>(expected);
    const uint64_t children = rng.Below(3) + (reference.size() < 20 ? 1 : 0);
    for (uint64_t c = 0; c < children; ++c) {
      const uint64_t kind = rng.Below(4);
      const int64_t delay =
          kind == 0 ? 0 : static_cast<int64_t>(rng.Below(kind == 1 ? 10 : 100000));
      const int phase = delay == 0 ? now_phase + static_cast<int>(rng.Below(8 - now_phase))
                                   : 1 + static_cast<int>(rng.Below(7));
      push(now + delay, phase);
    }
    if (live.size() > 4 * reference.size() + 64) {
      std::erase_if(live, [&](const auto& p) { return reference.count(p.second) == 0; });
    }
  }
  EXPECT_EQ(q.size(), reference.size());
}

TEST(EventQueueDeathTest, SchedulingIntoThePastIsABug) {
  EventQueue q;
  q.Push(SimTime::Millis(10), Phase::kDefault, 0, 1);
  QueuedEvent e;
  ASSERT_TRUE(q.Pop(&e));
  EXPECT_DEATH(q.Push(SimTime::Millis(9), Phase::kDefault, 0, 2), "before the current");
  EXPECT_DEATH(q.Push(SimTime::Millis(10), Phase::kBoundary, 0, 2), "before the current");
}

// Regression: a second Cancel through a copy of the handle used to leave a stale entry on top of
// the cancelled set, so every later cancellation was silently missed.
TEST(EventQueueDeathTest, CancellingAnEventTwiceThroughACopyIsABug) {
  EXPECT_DEATH(
      {
        EventQueue q;
        q.Push(SimTime::Millis(1), Phase::kDefault, 0, 1);
        EventHandle h = q.Push(SimTime::Millis(2), Phase::kDefault, 0, 2);
        q.Push(SimTime::Millis(3), Phase::kDefault, 0, 3);
        EventHandle copy = h;
        q.Cancel(h);
        q.Cancel(copy);  // the copy still looks pending
        DrainTags(q);
      },
      "cancelled twice");
}

}  // namespace
}  // namespace shardsim
