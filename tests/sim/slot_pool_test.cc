// Tests for SlotPool (free-list reuse order, kept capacity, double-free check) and EventTag
// (round trip, checked index range).
#include "sim/slot_pool.h"

#include <gtest/gtest.h>

#include <vector>

#include "sim/event_tag.h"

namespace shardsim {
namespace {

TEST(SlotPoolTest, ReusesTheMostRecentlyFreedSlotFirst) {
  SlotPool<int> pool;
  EXPECT_EQ(pool.Allocate(), 0u);
  EXPECT_EQ(pool.Allocate(), 1u);
  EXPECT_EQ(pool.Allocate(), 2u);
  pool.Free(0);
  pool.Free(2);
  EXPECT_FALSE(pool.live(2));
  EXPECT_TRUE(pool.live(1));
  EXPECT_EQ(pool.Allocate(), 2u);
  EXPECT_EQ(pool.Allocate(), 0u);
  EXPECT_EQ(pool.Allocate(), 3u);
  EXPECT_EQ(pool.size(), 4u);
}

TEST(SlotPoolTest, RecycledSlotsKeepTheirContentsAndNewOnesRunTheInitialiser) {
  SlotPool<std::vector<int>> pool;
  const uint32_t a = pool.Allocate([](std::vector<int>& v) { v.reserve(100); });
  EXPECT_GE(pool[a].capacity(), 100u);
  pool[a].push_back(7);
  pool.Free(a);
  int initialised = 0;
  const uint32_t b = pool.Allocate([&](std::vector<int>&) { ++initialised; });
  EXPECT_EQ(b, a);
  EXPECT_EQ(initialised, 0);  // recycled: no initialiser
  EXPECT_EQ(pool[b].size(), 1u);
}

TEST(SlotPoolDeathTest, FreeingASlotTwiceIsABug) {
  SlotPool<int> pool;
  const uint32_t a = pool.Allocate();
  pool.Free(a);
  EXPECT_DEATH(pool.Free(a), "freed twice");
  EXPECT_DEATH(pool.Free(5), "freed twice");
}

enum class TestKind : uint32_t { kA = 0, kB = 1, kC = 2 };
using TestTag = EventTag<TestKind, 2>;

TEST(EventTagTest, PacksIndexAndKindAndUnpacksThem) {
  const uint32_t tag = TestTag::Pack(12345, TestKind::kC);
  EXPECT_EQ(tag, 12345u << 2 | 2u);
  EXPECT_EQ(TestTag::Index(tag), 12345u);
  EXPECT_EQ(TestTag::KindOf(tag), TestKind::kC);
  const uint32_t top = TestTag::Pack(TestTag::kMaxIndex, TestKind::kB);
  EXPECT_EQ(TestTag::Index(top), TestTag::kMaxIndex);
  EXPECT_EQ(TestTag::KindOf(top), TestKind::kB);
}

TEST(EventTagDeathTest, AnIndexThatDoesNotFitIsABug) {
  EXPECT_DEATH(TestTag::Pack(TestTag::kMaxIndex + 1, TestKind::kA), "index out of range");
  EXPECT_DEATH(TestTag::Pack(uint64_t{1} << 40, TestKind::kA), "index out of range");
}

}  // namespace
}  // namespace shardsim
