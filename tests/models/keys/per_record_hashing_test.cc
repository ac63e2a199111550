// Key spaces hashed per record (KeyModel::HashesPerRecord): no table per key, yet every draw routes
// by its key's MD5 exactly as the per-key tables route it (also after a reshard), the top keys of
// a shard are exact, the shares are exact on the head and the tail's expectation beyond it, and
// the Zipf normaliser computed in O(1) matches the O(n) sum.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "models/keys/key_model.h"
#include "models/keys/routing.h"
#include "sim/random.h"
#include "sim/rng.h"

namespace shardsim {
namespace {

KeySpec Spec(KeyDist dist, uint64_t count) {
  KeySpec spec;
  spec.dist = dist;
  spec.count = static_cast<int64_t>(count);
  spec.zipf_exponent = 0.8;
  spec.hot_share = 0.3;
  spec.format = "device-{i}";
  return spec;
}

KeyModel Make(const KeySpec& spec, bool per_record) {
  std::string error;
  std::optional<KeyModel> m =
      KeyModel::Create(spec, &error, KeyModel::kStoreHashesBelow, per_record);
  EXPECT_TRUE(m.has_value()) << error;
  if (!m) std::abort();
  return std::move(*m);
}

HashKey Key(std::string_view decimal) {
  std::string error;
  const std::optional<HashKey> key = ParseHashKey(decimal, &error);
  EXPECT_TRUE(key.has_value()) << error;
  return key.value_or(HashKey());
}

// Past the head (kHeadKeys), so that the tail's code runs.
constexpr uint64_t kKeys = KeyModel::kHeadKeys + 300'000;

TEST(PerRecordHashingTest, DecidedFromKeyCountAndExpectedRecords) {
  const KeySpec big = Spec(KeyDist::kZipf, KeyModel::kHashPerRecordFromKeys);
  EXPECT_TRUE(KeyModel::HashesPerRecord(big, 1e6));
  EXPECT_FALSE(KeyModel::HashesPerRecord(big, 1e8));  // more records than keys: hash each key once
  EXPECT_FALSE(KeyModel::HashesPerRecord(Spec(KeyDist::kZipf, 1'000'000), 10));
  KeySpec weighted;
  weighted.dist = KeyDist::kWeighted;
  weighted.count = 100'000'000;
  EXPECT_FALSE(KeyModel::HashesPerRecord(weighted, 10));
}

TEST(PerRecordHashingTest, NoTablePerKeyAndEveryDrawRoutesByItsKeysMd5) {
  std::vector<KeySpec> specs = {Spec(KeyDist::kUniform, kKeys), Spec(KeyDist::kZipf, kKeys),
                                Spec(KeyDist::kHotKey, kKeys), Spec(KeyDist::kHotKey, kKeys)};
  specs[3].hot_key = "not-a-device";  // an extra key, hashed once at build
  for (const KeySpec& spec : specs) {
    const KeyModel eager = Make(spec, false);
    const KeyModel lazy = Make(spec, true);
    ASSERT_TRUE(lazy.hash_per_record());
    ShardMap map = ShardMap::CreateStream(7);
    const KeyRoutes eager_routes(eager, map);
    const KeyRoutes lazy_routes(lazy, map);
    EXPECT_TRUE(lazy_routes.shard_of().empty());
    EXPECT_FALSE(lazy_routes.HasCells());
    RoutingTable table;
    const KeyRouting& routing = table.Attach(lazy, &lazy_routes, map);
    KeySampler sampler(routing, Rng(42), /*identity=*/false);
    for (int i = 0; i < 20'000; ++i) {
      if (i == 10'000) {  // a reshard between two draws of one ring of 16
        ASSERT_TRUE(map.Split(2, Key("100000000000000000000000000000000000000")).ok());
        table.Reshard(map);
      }
      const KeyDraw d = sampler.Next();
      ASSERT_LT(d.key_id, lazy.key_count());
      const uint32_t want = ShardRouter(map).Lookup(lazy.KeyHash(d.key_id).value());
      ASSERT_EQ(d.shard, want) << "draw " << i;
      ASSERT_EQ(d.key_bytes, lazy.KeyString(d.key_id).size());
      ASSERT_EQ(routing.routes().Route(d.key_id, 0), want);
      ASSERT_EQ(routing.routes().ShardOf(d.key_id), want);
    }
    // The same ids through the eager model route alike (the model's keys are the same).
    const KeyRoutes eager_now(eager, map);
    for (uint32_t id : {0u, 1u, 12345u, static_cast<uint32_t>(kKeys - 1)}) {
      EXPECT_EQ(routing.routes().ShardOf(id), eager_now.ShardOf(id));
    }
  }
}

TEST(PerRecordHashingTest, DrawsFollowTheKeyProbabilities) {
  const KeyModel lazy = Make(Spec(KeyDist::kZipf, kKeys), true);
  const ShardMap map = ShardMap::CreateStream(4);
  const KeyRoutes routes(lazy, map);
  RoutingTable table;
  KeySampler sampler(table.Attach(lazy, &routes, map), Rng(3));
  constexpr int kDraws = 2'000'000;
  std::vector<int> head(8, 0);
  for (int i = 0; i < kDraws; ++i) {
    const KeyDraw d = sampler.Next();
    if (d.key_id < head.size()) ++head[d.key_id];
  }
  for (uint32_t id = 0; id < head.size(); ++id) {
    const double p = lazy.Probability(id);
    const double sd = std::sqrt(kDraws * p * (1 - p));
    EXPECT_NEAR(head[id], kDraws * p, 5 * sd) << "key " << id;
  }
}

TEST(PerRecordHashingTest, TopKeysAreExact) {
  for (KeyDist dist : {KeyDist::kUniform, KeyDist::kZipf, KeyDist::kHotKey}) {
    const KeySpec spec = Spec(dist, kKeys);
    const KeyModel eager = Make(spec, false);
    const KeyModel lazy = Make(spec, true);
    ShardMap map = ShardMap::CreateStream(5);
    ASSERT_TRUE(map.Split(4, Key("330000000000000000000000000000000000000")).ok());
    const std::vector<uint32_t> shard_of = eager.ShardsOn(map);
    const std::vector<int> open = map.open_shards();
    const std::vector<std::vector<KeyWeight>> all = lazy.TopKeysOn(map, open, 6);
    for (size_t i = 0; i < open.size(); ++i) {
      const std::vector<KeyWeight> want = eager.TopKeys(shard_of, open[i], 6);
      ASSERT_EQ(all[i].size(), want.size());
      for (size_t k = 0; k < want.size(); ++k) {
        EXPECT_EQ(all[i][k].key_id, want[k].key_id);
        EXPECT_EQ(all[i][k].key, want[k].key);
        EXPECT_EQ(all[i][k].hash_key, want[k].hash_key);
        EXPECT_DOUBLE_EQ(all[i][k].probability, want[k].probability);
      }
      EXPECT_EQ(lazy.TopKeysOn(map, open[i], 6).size(), want.size());
    }
  }
}

TEST(PerRecordHashingTest, SharesAreExactOnTheHeadAndTheTailsExpectationBeyond) {
  for (KeyDist dist : {KeyDist::kUniform, KeyDist::kZipf, KeyDist::kHotKey}) {
    const KeySpec spec = Spec(dist, kKeys);
    const KeyModel eager = Make(spec, false);
    const KeyModel lazy = Make(spec, true);
    const ShardMap map = ShardMap::CreateStream(6);
    const std::vector<double> exact = eager.ExpectedShardShares(map);
    const std::vector<double> got = lazy.ExpectedShardShares(map, {});
    double sum = 0;
    for (size_t s = 0; s < got.size(); ++s) {
      sum += got[s];
      // The tail's keys (300,000 of them) scatter around their expectation: binomial spread of
      // the tail's mass, here below 0.2 % of a share.
      EXPECT_NEAR(got[s], exact[s], 2e-3 * exact[s]) << "shard " << s;
    }
    EXPECT_NEAR(sum, 1.0, 1e-12);
  }
}

TEST(PerRecordHashingTest, ZipfNormaliserInConstantTimeMatchesTheSum) {
  const KeyModel lazy = Make(Spec(KeyDist::kZipf, 20'000'000), true);
  const KeyModel eager = Make(Spec(KeyDist::kZipf, 20'000'000), false);
  for (uint32_t id : {0u, 1u, 999u, 19'999'999u}) {
    EXPECT_NEAR(lazy.Probability(id) / eager.Probability(id), 1.0, 1e-13);
  }
  for (double s : {0.3, 0.999999, 1.0, 1.2, 2.5}) {
    KeySpec spec = Spec(KeyDist::kZipf, 9'000'000);
    spec.zipf_exponent = s;
    const KeyModel m = Make(spec, true);
    EXPECT_NEAR(m.Probability(0) * Zipf::GeneralizedHarmonic(9'000'000, s), 1.0, 1e-13) << s;
  }
}

TEST(PerRecordHashingTest, BalancingSplitUsesTheHeadAndStaysInsideTheShard) {
  const KeyModel lazy = Make(Spec(KeyDist::kUniform, kKeys), true);
  const KeyModel eager = Make(Spec(KeyDist::kUniform, kKeys), false);
  const ShardMap map = ShardMap::CreateStream(3);
  const std::optional<SplitPoint> got = lazy.BalancingSplitPoint(map, 1);
  const std::optional<SplitPoint> want = eager.BalancingSplitPoint(map, 1);
  ASSERT_TRUE(got.has_value() && want.has_value());
  EXPECT_GT(got->new_starting_hash_key, map.shard(1).range.start);
  EXPECT_LT(got->new_starting_hash_key, map.shard(1).range.end);
  // The head is a hash-uniform sample of 2^20 of the keys: its median cut is the whole space's
  // within a fraction of a percent of the shard's keys.
  const std::vector<uint32_t> shard_of = eager.ShardsOn(map);
  double below = 0, in = 0;
  for (uint32_t id = 0; id < kKeys; ++id) {
    if (shard_of[id] != 1) continue;
    in += 1;
    if (eager.KeyHash(id) < got->new_starting_hash_key) below += 1;
  }
  EXPECT_NEAR(below / in, 0.5, 5e-3);
  EXPECT_FALSE(got->dominant_key);
}

// The findings' top keys and shares on a map without a shard per key held (400 MB at 10^8 keys):
// the same as through ShardsOn, bit for bit.
TEST(PerRecordHashingTest, PerKeyModelsGiveTheSameTopKeysAndSharesWithoutAShardPerKey) {
  KeySpec weighted;
  weighted.dist = KeyDist::kWeighted;
  weighted.weighted_keys = {{"a", 1}, {"b", 2}, {"c", 3}, {"d", 0.5}};
  for (const KeySpec& spec : {Spec(KeyDist::kUniform, 100'000), Spec(KeyDist::kZipf, 100'000),
                              Spec(KeyDist::kHotKey, 100'000), weighted}) {
    for (uint64_t store_below : {KeyModel::kStoreHashesBelow, uint64_t{1000}}) {
      std::string error;
      const std::optional<KeyModel> m = KeyModel::Create(spec, &error, store_below);
      ASSERT_TRUE(m.has_value()) << error;
      ShardMap map = ShardMap::CreateStream(4);
      ASSERT_TRUE(map.Split(3, Key("300000000000000000000000000000000000000")).ok());
      const std::vector<uint32_t> shard_of = m->ShardsOn(map);
      EXPECT_EQ(m->ExpectedShardShares(map), m->ExpectedShardShares(map, shard_of));
      for (int s : map.open_shards()) {
        const std::vector<KeyWeight> want = m->TopKeys(shard_of, s, 5);
        const std::vector<KeyWeight> got = m->TopKeysOn(map, s, 5);
        ASSERT_EQ(got.size(), want.size());
        for (size_t k = 0; k < want.size(); ++k) {
          EXPECT_EQ(got[k].key_id, want[k].key_id);
          EXPECT_EQ(got[k].hash_key, want[k].hash_key);
          EXPECT_EQ(got[k].probability, want[k].probability);
        }
      }
    }
  }
}

// Lambda poison records name keys: their ids are found without formatting every key.
TEST(PerRecordHashingTest, IdsOfAKeyMatchesTheScanOfEveryKeyString) {
  std::vector<KeySpec> specs = {Spec(KeyDist::kUniform, 1000), Spec(KeyDist::kHotKey, 50)};
  specs[1].hot_key = "elsewhere";
  KeySpec weighted;
  weighted.dist = KeyDist::kWeighted;
  weighted.weighted_keys = {{"a", 1}, {"device-3", 2}, {"a", 3}};
  specs.push_back(weighted);
  KeySpec padded = Spec(KeyDist::kZipf, 200);
  padded.format = "{i}-x-{i}";
  specs.push_back(padded);
  for (const KeySpec& spec : specs) {
    const KeyModel m = Make(spec, false);
    for (const std::string key : {"device-0", "device-3", "device-999", "device-1000", "device-03",
                                  "elsewhere", "a", "17-x-17", "17-x-18", "", "device-"}) {
      std::vector<uint32_t> want;
      for (uint32_t id = 0; id < m.key_count(); ++id) {
        if (m.KeyString(id) == key) want.push_back(id);
      }
      EXPECT_EQ(m.IdsOf(key), want) << key;
    }
  }
  EXPECT_EQ(Make(Spec(KeyDist::kZipf, 100'000'000), true).IdsOf("device-99999999"),
            std::vector<uint32_t>{99'999'999});
}

}  // namespace
}  // namespace shardsim
