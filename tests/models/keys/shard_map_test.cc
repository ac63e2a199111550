// Tests for models/shard_map: CreateStream's split against the fact sheet (AWS-verified N=3) and
// against Boost.Multiprecision arithmetic, routing at range edges, SplitShard / MergeShards rules
// and errors, and lookup against a linear scan after random resharding.
#include "models/keys/shard_map.h"

#include <gtest/gtest.h>

#include <boost/multiprecision/cpp_int.hpp>
#include <string>

#include "sim/rng.h"
#include "tests/support/hash_keys.h"

namespace shardsim {
namespace {

using boost::multiprecision::cpp_int;

constexpr const char* kMax = "340282366920938463463374607431768211455";

cpp_int ToBig(HashKey k) { return (cpp_int(k.high()) << 64) | cpp_int(k.low()); }

const auto& Key = support::DecimalKey;

void ExpectRange(const Shard& s, std::string_view start, std::string_view end) {
  EXPECT_EQ(s.range.start.ToDecimal(), start) << ShardIdString(s.index);
  EXPECT_EQ(s.range.end.ToDecimal(), end) << ShardIdString(s.index);
}

// Linear-scan oracle for Lookup.
int ScanLookup(const ShardMap& map, HashKey key) {
  int found = -1;
  for (const Shard& s : map.shards()) {
    if (s.state == ShardState::kOpen && s.range.start <= key && key <= s.range.end) {
      EXPECT_EQ(found, -1) << "two open shards hold " << key;
      found = s.index;
    }
  }
  return found;
}

TEST(ShardMapTest, ShardIdsAreZeroPaddedToTwelveDigits) {
  EXPECT_EQ(ShardIdString(0), "shardId-000000000000");
  EXPECT_EQ(ShardIdString(7), "shardId-000000000007");
  EXPECT_EQ(ShardIdString(12345), "shardId-000000012345");
  EXPECT_EQ(ShardIdString(2147483647), "shardId-002147483647");
}

TEST(ShardMapTest, OneShardCoversTheWholeKeySpace) {
  const ShardMap map = ShardMap::CreateStream(1);
  ASSERT_EQ(map.shards().size(), 1u);
  ExpectRange(map.shard(0), "0", kMax);
  EXPECT_EQ(map.Lookup(HashKey(0)), 0);
  EXPECT_EQ(map.Lookup(HashKey::Max()), 0);
  map.CheckInvariants();
}

TEST(ShardMapTest, TwoShardsSplitAtTwoToThe127) {
  // kinesis-mock's floor((2^128-1)/2) would end shard 0 one key early (fact sheet section 1).
  const ShardMap map = ShardMap::CreateStream(2);
  ExpectRange(map.shard(0), "0", "170141183460469231731687303715884105727");
  ExpectRange(map.shard(1), "170141183460469231731687303715884105728", kMax);
}

TEST(ShardMapTest, ThreeShardsMatchRealAwsOutput) {
  const ShardMap map = ShardMap::CreateStream(3);
  ExpectRange(map.shard(0), "0", "113427455640312821154458202477256070484");
  ExpectRange(map.shard(1), "113427455640312821154458202477256070485",
              "226854911280625642308916404954512140969");
  ExpectRange(map.shard(2), "226854911280625642308916404954512140970", kMax);
  EXPECT_EQ(ShardIdString(map.shard(2).index), "shardId-000000000002");
}

TEST(ShardMapTest, SplitFollowsFloorOfTwoToThe128OverN) {
  const cpp_int two128 = cpp_int(1) << 128;
  for (int n : {1, 2, 3, 7, 64, 1000}) {
    const ShardMap map = ShardMap::CreateStream(n);
    map.CheckInvariants();
    ASSERT_EQ(map.open_count(), n);
    const cpp_int h = two128 / n;
    for (int i = 0; i < n; ++i) {
      const Shard& s = map.shard(i);
      ASSERT_EQ(s.index, i);
      ASSERT_EQ(s.state, ShardState::kOpen);
      ASSERT_EQ(s.parent, -1);
      ASSERT_EQ(ToBig(s.range.start), h * i) << "n=" << n << " i=" << i;
      const cpp_int end = i + 1 < n ? cpp_int(h * (i + 1) - 1) : cpp_int(two128 - 1);
      ASSERT_EQ(ToBig(s.range.end), end) << "n=" << n << " i=" << i;
      if (i + 1 < n) {
        ASSERT_EQ(ToBig(s.range.end) + 1, ToBig(map.shard(i + 1).range.start));
      }
    }
    EXPECT_EQ(map.shard(0).range.start, HashKey(0));
    EXPECT_EQ(map.shard(n - 1).range.end, HashKey::Max());
    EXPECT_EQ(UniformRanges(n).size(), static_cast<size_t>(n));
  }
  // 64 divides 2^128: every shard, the last included, has exactly 2^122 keys.
  const ShardMap map64 = ShardMap::CreateStream(64);
  EXPECT_EQ(ToBig(map64.shard(63).range.end) - ToBig(map64.shard(63).range.start) + 1, cpp_int(1)
                                                                                           << 122);
}

TEST(ShardMapTest, UniformRangesAreCreateStreamRanges) {
  for (int n : {1, 5, 1000}) {
    const ShardMap map = ShardMap::CreateStream(n);
    const std::vector<HashRange> ranges = UniformRanges(n);
    for (int i = 0; i < n; ++i) EXPECT_EQ(ranges[static_cast<size_t>(i)], map.shard(i).range);
  }
}

TEST(ShardMapTest, RoutesRangeEndsToTheRightShard) {
  for (int n : {2, 3, 7, 64}) {
    const ShardMap map = ShardMap::CreateStream(n);
    for (int i = 0; i < n; ++i) {
      const HashRange r = map.shard(i).range;
      EXPECT_EQ(map.Lookup(r.start), i);
      EXPECT_EQ(map.Lookup(r.end), i);
      EXPECT_EQ(map.Lookup(HashKey(r.start.value() + 1)), i);
      if (i + 1 < n) {
        EXPECT_EQ(map.Lookup(HashKey(r.end.value() + 1)), i + 1);
      }
    }
  }
}

TEST(ShardMapTest, RoutesKnownPartitionKeysLikePython) {
  // python3: int(md5(k).hexdigest(), 16) // (2**128 // 3), capped at 2.
  const ShardMap map = ShardMap::CreateStream(3);
  EXPECT_EQ(map.Lookup(PartitionKeyHash("a")), 0);
  EXPECT_EQ(map.Lookup(PartitionKeyHash("b")), 1);
  EXPECT_EQ(map.Lookup(PartitionKeyHash("abc")), 1);
  EXPECT_EQ(map.Lookup(PartitionKeyHash("device-42")), 1);
  EXPECT_EQ(map.Lookup(PartitionKeyHash("\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87-\xf0\x9f\x94\x91")), 2);
}

TEST(ShardMapTest, SplitMakesTwoChildrenWithTheNextIndexes) {
  ShardMap map = ShardMap::CreateStream(3);
  const HashKey split = Key("150000000000000000000000000000000000000");
  const ReshardResult r = map.Split(1, split);
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.children, (std::vector<int>{3, 4}));
  map.CheckInvariants();
  EXPECT_EQ(map.shard(1).state, ShardState::kClosed);
  ExpectRange(map.shard(1), "113427455640312821154458202477256070485",
              "226854911280625642308916404954512140969");  // closed shards keep their record
  ExpectRange(map.shard(3), "113427455640312821154458202477256070485",
              "149999999999999999999999999999999999999");
  ExpectRange(map.shard(4), "150000000000000000000000000000000000000",
              "226854911280625642308916404954512140969");
  EXPECT_EQ(map.shard(3).parent, 1);
  EXPECT_EQ(map.shard(4).parent, 1);
  EXPECT_EQ(map.shard(3).adjacent_parent, -1);
  EXPECT_EQ(map.open_shards(), (std::vector<int>{0, 3, 4, 2}));
  EXPECT_EQ(map.Lookup(HashKey(split.value() - 1)), 3);
  EXPECT_EQ(map.Lookup(split), 4);
  EXPECT_EQ(map.Lookup(Key("226854911280625642308916404954512140969")), 4);
}

TEST(ShardMapTest, SplitKeyMustBeAboveStartPlusOneAndBelowEnd) {
  ShardMap map = ShardMap::CreateStream(1);
  const std::string tail =
      " used in SplitShard() on shard shardId-000000000000 is not both greater than one plus the "
      "shard's StartingHashKey 0 and less than the shard's EndingHashKey " +
      std::string(kMax) + ".";
  for (const char* bad : {"0", "1", kMax}) {
    const ReshardResult r = map.Split(0, Key(bad));
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error, "InvalidArgumentException: NewStartingHashKey " + std::string(bad) + tail);
  }
  EXPECT_EQ(map.shards().size(), 1u);  // errors leave the map unchanged
  map.CheckInvariants();
  // The tightest legal keys: Start + 2 and End - 1.
  ShardMap low = ShardMap::CreateStream(1);
  ASSERT_TRUE(low.Split(0, HashKey(2)).ok());
  ExpectRange(low.shard(1), "0", "1");
  ShardMap high = ShardMap::CreateStream(1);
  ASSERT_TRUE(high.Split(0, HashKey(HashKey::Max().value() - 1)).ok());
  ExpectRange(high.shard(2), "340282366920938463463374607431768211454", kMax);
}

TEST(ShardMapTest, ShardsTooNarrowToSplitAreRejected) {
  ShardMap map = ShardMap::CreateStream(1);
  ASSERT_TRUE(map.Split(0, HashKey(HashKey::Max().value() - 1)).ok());
  // Shard 2 is [2^128-2, 2^128-1]: no key is both > Start + 1 and < End. Start + 1 must not wrap.
  for (Uint128 k : {Uint128{0}, HashKey::Max().value() - 1, HashKey::Max().value()}) {
    EXPECT_FALSE(map.Split(2, HashKey(k)).ok());
  }
  map.CheckInvariants();
}

TEST(ShardMapTest, ClosedOrUnknownShardsCannotBeResharded) {
  ShardMap map = ShardMap::CreateStream(2);
  ASSERT_TRUE(map.Split(0, HashKey(1000)).ok());
  ReshardResult r = map.Split(0, HashKey(500));
  EXPECT_EQ(r.error,
            "InvalidArgumentException: Shard shardId-000000000000 has already been merged or "
            "split, and thus is not eligible for merging or splitting.");
  r = map.Merge(0, 1);
  EXPECT_FALSE(r.ok());
  r = map.Split(9, HashKey(500));
  EXPECT_EQ(r.error, "ResourceNotFoundException: Could not find shard shardId-000000000009.");
  r = map.Merge(1, -1);
  EXPECT_EQ(r.error, "ResourceNotFoundException: Could not find shard with index -1.");
  EXPECT_EQ(map.shards().size(), 4u);
  map.CheckInvariants();
}

TEST(ShardMapTest, MergeJoinsAdjacentShardsInEitherOrder) {
  ShardMap map = ShardMap::CreateStream(3);
  ReshardResult r = map.Merge(1, 0);
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.children, std::vector<int>{3});
  map.CheckInvariants();
  const Shard& child = map.shard(3);
  ExpectRange(child, "0", "226854911280625642308916404954512140969");
  EXPECT_EQ(child.parent, 1);
  EXPECT_EQ(child.adjacent_parent, 0);
  EXPECT_EQ(map.shard(0).state, ShardState::kClosed);
  EXPECT_EQ(map.shard(1).state, ShardState::kClosed);
  EXPECT_EQ(map.open_shards(), (std::vector<int>{3, 2}));
  r = map.Merge(3, 2);
  ASSERT_TRUE(r.ok()) << r.error;
  ExpectRange(map.shard(4), "0", kMax);
  EXPECT_EQ(map.Lookup(HashKey::Max()), 4);
  map.CheckInvariants();
}

TEST(ShardMapTest, MergeRejectsShardsThatDoNotTouch) {
  ShardMap map = ShardMap::CreateStream(3);
  ReshardResult r = map.Merge(0, 2);
  EXPECT_EQ(r.error,
            "InvalidArgumentException: Shards shardId-000000000000 and shardId-000000000002 are "
            "not an adjacent pair of shards eligible for merging");
  EXPECT_FALSE(map.Merge(1, 1).ok());
  EXPECT_EQ(map.shards().size(), 3u);
  map.CheckInvariants();
}

TEST(ShardMapTest, ChildIndexesKeepCountingAcrossSplitsAndMerges) {
  ShardMap map = ShardMap::CreateStream(2);
  ASSERT_EQ(map.Merge(0, 1).children, std::vector<int>{2});
  const ReshardResult r = map.Split(2, Key("170141183460469231731687303715884105728"));
  ASSERT_EQ(r.children, (std::vector<int>{3, 4}));
  EXPECT_EQ(map.shard(3).range, ShardMap::CreateStream(2).shard(0).range);
  EXPECT_EQ(map.shard(4).range, ShardMap::CreateStream(2).shard(1).range);
  EXPECT_EQ(ShardIdString(map.shards().back().index), "shardId-000000000004");
}

TEST(ShardMapTest, LookupMatchesLinearScanAfterRandomResharding) {
  Rng rng(7);
  ShardMap map = ShardMap::CreateStream(5);
  for (int step = 0; step < 300; ++step) {
    const std::vector<int>& open = map.open_shards();
    const int pos = static_cast<int>(rng.Below(open.size()));
    if (open.size() > 1 && rng.Bernoulli(0.4)) {
      const int other = pos + 1 < static_cast<int>(open.size()) ? pos + 1 : pos - 1;
      ASSERT_TRUE(map.Merge(open[static_cast<size_t>(pos)], open[static_cast<size_t>(other)]).ok());
    } else {
      const HashRange r = map.shard(open[static_cast<size_t>(pos)]).range;
      const Uint128 width = r.end.value() - r.start.value();
      if (width < 4) continue;
      const Uint128 offset = 2 + HashKey::FromHalves(rng.Next(), rng.Next()).value() % (width - 2);
      ASSERT_TRUE(
          map.Split(open[static_cast<size_t>(pos)], HashKey(r.start.value() + offset)).ok());
    }
    map.CheckInvariants();
    for (int probe = 0; probe < 20; ++probe) {
      const HashKey key = HashKey::FromHalves(rng.Next(), rng.Next());
      ASSERT_EQ(map.Lookup(key), ScanLookup(map, key));
    }
    for (int index : map.open_shards()) {
      const HashRange r = map.shard(index).range;
      ASSERT_EQ(map.Lookup(r.start), index);
      ASSERT_EQ(map.Lookup(r.end), index);
    }
  }
  EXPECT_GT(map.shards().size(), 100u);
}

}  // namespace
}  // namespace shardsim
