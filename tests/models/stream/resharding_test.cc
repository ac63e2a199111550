// Tests for models/stream/resharding: the checks of SplitShard, MergeShards and UpdateShardCount
// as Kinesis makes them (lineage, next indexes with the lower-range child first, "even", every
// refusal with its error), UNIFORM_SCALING's steps, and a property test: after any sequence of
// operations the open shards partition [0, 2^128 - 1] and children cover exactly their parents.
#include "models/stream/resharding.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/rng.h"

namespace shardsim {
namespace {

ReshardSpec Split(int64_t shard, std::string key) {
  ReshardSpec s;
  s.action = ReshardAction::kSplit;
  s.shard = shard;
  s.new_starting_hash_key = std::move(key);
  return s;
}

ReshardSpec Merge(int64_t shard, int64_t adjacent) {
  ReshardSpec s;
  s.action = ReshardAction::kMerge;
  s.shard = shard;
  s.adjacent_shard = adjacent;
  return s;
}

ReshardSpec UpdateShardCount(int64_t target) {
  ReshardSpec s;
  s.action = ReshardAction::kUpdateShardCount;
  s.target_shards = target;
  return s;
}

std::string Error(const ShardMap& map, const ReshardSpec& op, const ReshardLimitsSpec& limits = {},
                  const ReshardStatus* status = nullptr, SimTime now = SimTime::Zero()) {
  return PlanReshard(map, op, limits, status, now, "orders").error;
}

// Applies `op`; fails the test if Kinesis would refuse it.
void Apply(ShardMap* map, const ReshardSpec& op) {
  const ApplyOutcome out = ApplyOperations(map, {op}, ReshardLimitsSpec{});
  ASSERT_EQ(out.refused, -1) << out.error;
}

// Open shards tile [0, 2^128 - 1]; each split child pair covers its parent exactly, each merge
// child its two parents.
void ExpectLineageCovers(const ShardMap& map) {
  map.CheckInvariants();
  for (const Shard& parent : map.shards()) {
    std::vector<const Shard*> children;
    for (const Shard& s : map.shards()) {
      if (s.parent == parent.index || s.adjacent_parent == parent.index) children.push_back(&s);
    }
    if (children.empty()) {
      EXPECT_EQ(parent.state, ShardState::kOpen) << ShardIdString(parent.index);
      continue;
    }
    EXPECT_EQ(parent.state, ShardState::kClosed) << ShardIdString(parent.index);
    if (children.size() == 2) {  // split: lower child first, the two tile the parent
      EXPECT_EQ(children[0]->index + 1, children[1]->index);
      EXPECT_EQ(children[0]->range.start, parent.range.start);
      EXPECT_EQ(children[0]->range.end.value() + 1, children[1]->range.start.value());
      EXPECT_EQ(children[1]->range.end, parent.range.end);
      EXPECT_EQ(children[0]->adjacent_parent, -1);
    } else {
      ASSERT_EQ(children.size(), 1u) << ShardIdString(parent.index);
      const Shard& c = *children[0];
      ASSERT_GE(c.adjacent_parent, 0) << "a single child is a merge child";
      const HashRange a = map.shard(c.parent).range;
      const HashRange b = map.shard(c.adjacent_parent).range;
      EXPECT_EQ(c.range.start, std::min(a.start, b.start));
      EXPECT_EQ(c.range.end, std::max(a.end, b.end));
      EXPECT_TRUE(a.end.value() + 1 == b.start.value() || b.end.value() + 1 == a.start.value());
    }
  }
}

TEST(ReshardingTest, SplitChildrenTakeTheNextIndexesLowerRangeFirst) {
  ShardMap map = ShardMap::CreateStream(3);
  Apply(&map, Split(1, "150000000000000000000000000000000000000"));
  ASSERT_EQ(map.shards().size(), 5u);
  const Shard& lower = map.shard(3);
  const Shard& upper = map.shard(4);
  EXPECT_EQ(lower.parent, 1);
  EXPECT_EQ(upper.parent, 1);
  EXPECT_EQ(lower.range.start.ToDecimal(), "113427455640312821154458202477256070485");
  EXPECT_EQ(lower.range.end.ToDecimal(), "149999999999999999999999999999999999999");
  EXPECT_EQ(upper.range.start.ToDecimal(), "150000000000000000000000000000000000000");
  EXPECT_EQ(upper.range.end.ToDecimal(), "226854911280625642308916404954512140969");
  EXPECT_EQ(map.shard(1).state, ShardState::kClosed);
  EXPECT_EQ(map.Lookup(HashKey(upper.range.start.value())), 4);
  ExpectLineageCovers(map);
}

TEST(ReshardingTest, EvenSplitsAtTheFloorOfTheAverage) {
  ShardMap map = ShardMap::CreateStream(2);
  Apply(&map, Split(0, "even"));
  // (0 + 2^127 - 1) / 2 = 2^126 - 1 (rounded down): the lower child is one key short.
  EXPECT_EQ(map.shard(3).range.start.ToDecimal(), "85070591730234615865843651857942052863");
  const ReshardPlan plan =
      PlanReshard(map, Split(1, "even"), {}, nullptr, SimTime::Zero(), "orders");
  ASSERT_TRUE(plan.ok()) << plan.error;
  EXPECT_EQ(plan.steps[0].new_starting_hash_key.ToDecimal(),
            "255211775190703847597530955573826158591");
}

TEST(ReshardingTest, MergeChildHasBothParentsInEitherOrder) {
  ShardMap map = ShardMap::CreateStream(4);
  Apply(&map, Merge(2, 1));  // the higher-range shard first: Kinesis accepts either order
  const Shard& child = map.shard(4);
  EXPECT_EQ(child.parent, 2);
  EXPECT_EQ(child.adjacent_parent, 1);
  EXPECT_EQ(child.range.start, map.shard(1).range.start);
  EXPECT_EQ(child.range.end, map.shard(2).range.end);
  Apply(&map, Merge(0, 4));
  EXPECT_EQ(map.open_count(), 2);
  ExpectLineageCovers(map);
}

TEST(ReshardingTest, RefusesAsKinesisDoes) {
  ShardMap map = ShardMap::CreateStream(3);
  Apply(&map, Split(0, "even"));
  EXPECT_EQ(Error(map, Split(0, "even")),
            "InvalidArgumentException: Shard shardId-000000000000 has already been merged or "
            "split, and thus is not eligible for merging or splitting.");
  EXPECT_EQ(Error(map, Merge(1, 0)),
            "InvalidArgumentException: Shard shardId-000000000000 has already been merged or "
            "split, and thus is not eligible for merging or splitting.");
  EXPECT_EQ(Error(map, Split(5, "even")),
            "ResourceNotFoundException: Could not find shard shardId-000000000005.");
  EXPECT_EQ(Error(map, Split(999'999'999'999, "even")),
            "ResourceNotFoundException: Could not find shard shardId-999999999999.");
  EXPECT_EQ(Error(map, Merge(3, 2)),
            "InvalidArgumentException: Shards shardId-000000000003 and shardId-000000000002 are "
            "not an adjacent pair of shards eligible for merging");
  // NewStartingHashKey must be > StartingHashKey + 1 and < EndingHashKey.
  const HashRange r = map.shard(1).range;
  EXPECT_NE(Error(map, Split(1, HashKey(r.start.value() + 1).ToDecimal())), "");
  EXPECT_EQ(Error(map, Split(1, HashKey(r.start.value() + 2).ToDecimal())), "");
  EXPECT_EQ(Error(map, Split(1, HashKey(r.end.value() - 1).ToDecimal())), "");
  EXPECT_EQ(Error(map, Split(1, r.end.ToDecimal())),
            "InvalidArgumentException: NewStartingHashKey " + r.end.ToDecimal() +
                " used in SplitShard() on shard shardId-000000000001 is not both greater than one "
                "plus the shard's StartingHashKey " +
                r.start.ToDecimal() + " and less than the shard's EndingHashKey " +
                r.end.ToDecimal() + ".");
  EXPECT_EQ(Error(map, Split(1, "0")).substr(0, 45),
            "InvalidArgumentException: NewStartingHashKey ");
  EXPECT_EQ(map.shards().size(), 5u);  // refusals change nothing
}

TEST(ReshardingTest, UpdatingStreamRefusesEveryOperation) {
  const ShardMap map = ShardMap::CreateStream(2);
  ReshardStatus status;
  status.updating = true;
  const std::string busy =
      "ResourceInUseException: Stream orders not ACTIVE, instead in state UPDATING";
  EXPECT_EQ(Error(map, Split(0, "even"), {}, &status), busy);
  EXPECT_EQ(Error(map, Merge(0, 1), {}, &status), busy);
  EXPECT_EQ(Error(map, UpdateShardCount(3), {}, &status), busy);
  // An argument error comes first for a split or merge (as kinesalite and moto check).
  EXPECT_EQ(Error(map, Split(7, "even"), {}, &status).substr(0, 25), "ResourceNotFoundException");
}

TEST(ReshardingTest, UpdateShardCountStaysWithinHalfToDoubleAndTheMaximum) {
  const ShardMap five = ShardMap::CreateStream(5);
  EXPECT_EQ(Error(five, UpdateShardCount(11)),
            "LimitExceededException: UpdateShardCount cannot scale up over double your current "
            "open shard count. Current open shard count: 5, Target shard count: 11");
  EXPECT_EQ(Error(five, UpdateShardCount(10)), "");
  EXPECT_EQ(Error(five, UpdateShardCount(2)),
            "LimitExceededException: UpdateShardCount cannot scale down below half your current "
            "open shard count. Current open shard count: 5, Target shard count: 2");
  EXPECT_EQ(Error(five, UpdateShardCount(3)), "");  // 3 >= 5 / 2
  ReshardLimitsSpec limits;
  limits.max_shards = 8;
  EXPECT_EQ(Error(five, UpdateShardCount(9), limits),
            "LimitExceededException: Target shard count or number of open shards cannot be "
            "greater than 8. Current open shard count: 5, Target shard count: 9");
  EXPECT_EQ(Error(five, UpdateShardCount(0)).substr(0, 19), "ValidationException");
}

TEST(ReshardingTest, UpdateShardCountCallsPerRolling24Hours) {
  const ShardMap map = ShardMap::CreateStream(4);
  ReshardLimitsSpec limits;
  limits.update_shard_count_per_24h = 2;
  ReshardStatus status;
  status.update_shard_count_calls = {SimTime::Zero() + Hours(1), SimTime::Zero() + Hours(3)};
  EXPECT_EQ(Error(map, UpdateShardCount(6), limits, &status, SimTime::Zero() + Hours(24)),
            "LimitExceededException: UpdateShardCount was already called 2 times for stream "
            "orders in the past 24 hours; the limit is 2 calls per rolling 24 hours.");
  // 24 h after the first call it no longer counts.
  EXPECT_EQ(Error(map, UpdateShardCount(6), limits, &status, SimTime::Zero() + Hours(25)), "");
  // The limit counts UpdateShardCount only.
  EXPECT_EQ(Error(map, Split(0, "even"), limits, &status, SimTime::Zero() + Hours(24)), "");
}

TEST(ReshardingTest, AccountShardQuotaCountsSplitsAndIntermediateShards) {
  const ShardMap map = ShardMap::CreateStream(4);
  ReshardLimitsSpec limits;
  limits.account_shard_quota = 4;
  EXPECT_EQ(Error(map, Split(0, "even"), limits),
            "LimitExceededException: This request would exceed the shard limit for the account. "
            "Current shard count for the account: 4. Limit: 4. Number of additional shards that "
            "would have resulted from this request: 1.");
  limits.account_shard_quota = 6;
  // 4 -> 5 splits all four (peak 8) before merging three: over a quota of 6.
  EXPECT_NE(Error(map, UpdateShardCount(5), limits), "");
  EXPECT_EQ(Error(map, UpdateShardCount(2), limits), "");  // merges only
}

TEST(ReshardingTest, UniformScalingDoublesBySplitsAndHalvesByMerges) {
  for (int n : {1, 2, 3, 4, 7, 12}) {
    const ShardMap map = ShardMap::CreateStream(n);
    const std::vector<ReshardStep> up = UniformScalingSteps(map, 2 * n);
    EXPECT_EQ(up.size(), static_cast<size_t>(n)) << n;
    for (const ReshardStep& s : up) EXPECT_EQ(s.action, ReshardAction::kSplit) << n;
    if (n % 2 == 0) {
      const std::vector<ReshardStep> down = UniformScalingSteps(map, n / 2);
      EXPECT_EQ(down.size(), static_cast<size_t>(n / 2)) << n;
      for (const ReshardStep& s : down) EXPECT_EQ(s.action, ReshardAction::kMerge) << n;
    }
  }
  EXPECT_TRUE(UniformScalingSteps(ShardMap::CreateStream(5), 5).empty());
}

TEST(ReshardingTest, UniformScalingEndsInShardsOfEqualSize) {
  for (const auto& [from, to] : std::vector<std::pair<int, int>>{
           {2, 3}, {3, 6}, {4, 5}, {5, 3}, {10, 13}, {13, 7}, {100, 175}}) {
    ShardMap map = ShardMap::CreateStream(from);
    Apply(&map, UpdateShardCount(to));
    ASSERT_EQ(map.open_count(), to);
    const std::vector<HashRange> uniform = UniformRanges(to);
    for (size_t i = 0; i < uniform.size(); ++i) {
      const HashRange r = map.shard(map.open_shards()[i]).range;
      const Uint128 a = r.start.value(), b = uniform[i].start.value();
      EXPECT_LE(a > b ? a - b : b - a, Uint128{1} << 64) << from << " -> " << to << " #" << i;
    }
    ExpectLineageCovers(map);
  }
}

TEST(ReshardingTest, ApplyOperationsStopsAtTheFirstRefusal) {
  ShardMap map = ShardMap::CreateStream(2);
  const ApplyOutcome out =
      ApplyOperations(&map, {Split(0, "even"), Merge(2, 1), Merge(3, 1)}, ReshardLimitsSpec{});
  EXPECT_EQ(out.refused, 1);
  EXPECT_EQ(out.error,
            "InvalidArgumentException: Shards shardId-000000000002 and shardId-000000000001 are "
            "not an adjacent pair of shards eligible for merging");
  EXPECT_EQ(map.shards().size(), 4u);  // the split before it stays
}

// Property: random sequences of splits (random keys inside the shard), merges of random
// neighbours and UpdateShardCounts keep the open shards a partition of the key space and every
// child covering exactly its parents.
TEST(ReshardingTest, AnySequenceKeepsAPartitionAndChildrenCoverTheirParents) {
  Rng rng(2024);
  for (int trial = 0; trial < 40; ++trial) {
    ShardMap map = ShardMap::CreateStream(1 + static_cast<int>(rng.Below(6)));
    for (int step = 0; step < 25; ++step) {
      const std::vector<int>& open = map.open_shards();
      const uint64_t kind = rng.Below(10);
      if (kind < 5) {
        const Shard& s = map.shard(open[rng.Below(open.size())]);
        const Uint128 width = s.range.end.value() - s.range.start.value();
        if (width < 4) continue;
        const Uint128 offset =
            2 + (static_cast<Uint128>(rng.Next()) << 64 | rng.Next()) % (width - 2);
        Apply(&map, Split(s.index, HashKey(s.range.start.value() + offset).ToDecimal()));
      } else if (kind < 8) {
        if (open.size() < 2) continue;
        const size_t i = rng.Below(open.size() - 1);
        const bool swap = rng.Below(2) == 1;
        Apply(&map, Merge(open[swap ? i + 1 : i], open[swap ? i : i + 1]));
      } else {
        const auto n = static_cast<int64_t>(open.size());
        const int64_t target =
            (n + 1) / 2 + static_cast<int64_t>(rng.Below(2 * n - (n + 1) / 2 + 1));
        if (target > 200) continue;
        Apply(&map, UpdateShardCount(target));
        ASSERT_EQ(map.open_count(), target);
      }
      ExpectLineageCovers(map);
      if (HasFailure()) return;
    }
  }
}

}  // namespace
}  // namespace shardsim
