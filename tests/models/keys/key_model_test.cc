// Tests for models/keys/key_model and routing: routes vs MD5 + ShardMap::Lookup (also where a key's
// high word ties a range start's), draw frequencies vs exact probabilities (chi-square), observed
// shard shares vs ExpectedShardShares and a brute-force sum, ExplicitHashKey routing, rebuilt
// routes after resharding, the per-run RoutingTable and its epoch, top keys, and split points
// with MD5 decimals from hashlib.
#include "models/keys/key_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/keys/routing.h"
#include "sim/random.h"
#include "sim/rng.h"
#include "tests/support/hash_keys.h"

namespace shardsim {
namespace {

const auto& Key = support::DecimalKey;

// A key model with its routes on one map, as a stream holds them during a run.
struct Keys {
  std::unique_ptr<const KeyModel> model;
  std::unique_ptr<const KeyRoutes> routes;

  KeyDraw Sample(Rng& rng) const { return routes->Sample(rng); }
  uint32_t ShardOf(uint32_t id) const { return routes->ShardOf(id); }
  uint64_t key_count() const { return model->key_count(); }
  std::string KeyString(uint32_t id) const { return model->KeyString(id); }
  HashKey KeyHash(uint32_t id) const { return model->KeyHash(id); }
  double Probability(uint32_t id) const { return model->Probability(id); }
  std::vector<double> ExpectedShardShares(const ShardMap& map) const {
    return model->ExpectedShardShares(map);
  }
  std::vector<KeyWeight> TopKeys(int shard, size_t n) const {
    return model->TopKeys(routes->shard_of(), shard, n);
  }
  template <class... Args>
  std::optional<SplitPoint> BalancingSplitPoint(const Args&... args) const {
    return model->BalancingSplitPoint(args...);
  }
  // After SplitShard / MergeShards, as RoutingTable::Reshard does.
  void Reroute(const ShardMap& map) {
    routes = std::make_unique<const KeyRoutes>(routes->Rebuilt(map));
  }
};

KeyModel MakeModel(const KeySpec& spec) {
  std::string error;
  std::optional<KeyModel> m = KeyModel::Create(spec, &error);
  EXPECT_TRUE(m.has_value()) << error;
  if (!m) std::abort();
  return std::move(*m);
}

Keys Make(const KeySpec& spec, const ShardMap& map) {
  Keys k;
  k.model = std::make_unique<const KeyModel>(MakeModel(spec));
  k.routes = std::make_unique<const KeyRoutes>(*k.model, map);
  return k;
}

KeySpec Template(KeyDist dist, int64_t count, std::string format = "key-{i}") {
  KeySpec spec;
  spec.dist = dist;
  spec.count = count;
  spec.format = std::move(format);
  return spec;
}

// Upper 1 - 2.9e-7 quantile (z = 5) of chi-square with `df` degrees of freedom, by the
// Wilson-Hilferty cube approximation (accurate to a fraction of a percent for df >= 3).
double ChiSquareCritical(double df) {
  const double a = 2.0 / (9.0 * df);
  return df * std::pow(1 - a + 5.0 * std::sqrt(a), 3);
}

// Draws `n` records and returns the Pearson statistic of the per-key counts against
// Probability(); also checks each draw's shard and size against the table.
double DrawChiSquare(const Keys& ks, uint64_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<uint64_t> counts(ks.key_count(), 0);
  for (uint64_t i = 0; i < n; ++i) {
    const KeyDraw d = ks.Sample(rng);
    EXPECT_LT(d.key_id, ks.key_count());
    if (d.key_id >= ks.key_count()) return HUGE_VAL;
    ++counts[d.key_id];
  }
  double chi2 = 0;
  for (uint32_t id = 0; id < ks.key_count(); ++id) {
    const double expected = static_cast<double>(n) * ks.Probability(id);
    if (expected == 0) {
      EXPECT_EQ(counts[id], 0u) << "key " << id << " has probability 0";
      continue;
    }
    const double diff = static_cast<double>(counts[id]) - expected;
    chi2 += diff * diff / expected;
  }
  return chi2;
}

// Linear-scan oracle for routing: the open shard whose range holds `key`.
int ScanLookup(const ShardMap& map, HashKey key) {
  for (const Shard& s : map.shards()) {
    if (s.state == ShardState::kOpen && s.range.start <= key && key <= s.range.end) return s.index;
  }
  return -1;
}

void ExpectTableMatchesMd5(const Keys& ks, const ShardMap& map) {
  for (uint32_t id = 0; id < ks.key_count(); ++id) {
    const HashKey md5 = PartitionKeyHash(ks.KeyString(id));
    ASSERT_EQ(ks.KeyHash(id), md5) << ks.KeyString(id);
    ASSERT_EQ(ks.ShardOf(id), static_cast<uint32_t>(map.Lookup(md5))) << ks.KeyString(id);
  }
}

// ---------------------------------------------------------------- keys and validation

TEST(KeyModelTest, KeyStringsAndLengthsFollowFormat) {
  const ShardMap map = ShardMap::CreateStream(4);
  const Keys ks = Make(Template(KeyDist::kUniform, 1'000'000, "device-{i}"), map);
  EXPECT_EQ(ks.key_count(), 1'000'000u);
  EXPECT_EQ(ks.KeyString(0), "device-0");
  EXPECT_EQ(ks.KeyString(9), "device-9");
  EXPECT_EQ(ks.KeyString(10), "device-10");
  EXPECT_EQ(ks.KeyString(999'999), "device-999999");
  // MD5 decimals from python3 hashlib.
  EXPECT_EQ(ks.KeyHash(0), Key("43769754311958810539554518939743805826"));
  EXPECT_EQ(ks.KeyHash(9), Key("221649763122120833552487104766193569357"));
  EXPECT_EQ(ks.KeyHash(10), Key("56010326304447874720127933877788285527"));
  EXPECT_EQ(ks.KeyHash(999'999), Key("222292691120353359530376138342044954241"));
  for (uint32_t id : {0u, 9u, 10u, 999'999u}) {
    EXPECT_EQ(ks.ShardOf(id), static_cast<uint32_t>(map.Lookup(ks.KeyHash(id))));
  }
  // Sizes of drawn keys come from the digit count, not a stored string.
  Rng rng(7);
  for (int i = 0; i < 100'000; ++i) {
    const KeyDraw d = ks.Sample(rng);
    ASSERT_EQ(d.key_bytes, ks.KeyString(d.key_id).size()) << d.key_id;
  }
}

TEST(KeyModelTest, KeyBytesCountUtf8BytesAroundThePlaceholder) {
  const ShardMap map = ShardMap::CreateStream(2);
  // "ключ-" is 5 characters and 9 bytes; "-é" 2 characters and 3 bytes.
  const Keys ks = Make(Template(KeyDist::kUniform, 100'001, "ключ-{i}-é"), map);
  EXPECT_EQ(ks.KeyString(100'000), "ключ-100000-é");
  Rng rng(3);
  std::vector<bool> seen_digits(7, false);
  for (int i = 0; i < 200'000; ++i) {
    const KeyDraw d = ks.Sample(rng);
    const std::string key = ks.KeyString(d.key_id);
    ASSERT_EQ(d.key_bytes, key.size()) << key;
    seen_digits[key.size() - 12] = true;
  }
  for (int digits = 1; digits <= 5; ++digits) EXPECT_TRUE(seen_digits[digits]) << digits;
}

// Regression: `validate` accepted formats with "{i}" twice, or none with one key, as FORMAT.md
// describes ("every {i} replaced by i"), and `run` then refused them.
TEST(KeyModelTest, EveryPlaceholderTakesTheIndexAndAFormatWithoutOneIsTheOnlyKey) {
  const ShardMap map = ShardMap::CreateStream(4);
  const Keys twice = Make(Template(KeyDist::kZipf, 1000, "t{i}/d{i}"), map);
  EXPECT_EQ(twice.KeyString(0), "t0/d0");
  EXPECT_EQ(twice.KeyString(12), "t12/d12");
  EXPECT_EQ(twice.KeyString(999), "t999/d999");
  ExpectTableMatchesMd5(twice, map);
  Rng rng(11);
  for (int i = 0; i < 100'000; ++i) {
    const KeyDraw d = twice.Sample(rng);
    ASSERT_EQ(d.key_bytes, twice.KeyString(d.key_id).size()) << d.key_id;
  }
  const Keys one = Make(Template(KeyDist::kUniform, 1, "tenant-A"), map);
  ASSERT_EQ(one.key_count(), 1u);
  EXPECT_EQ(one.KeyString(0), "tenant-A");
  EXPECT_EQ(one.KeyHash(0), PartitionKeyHash("tenant-A"));
  EXPECT_EQ(one.Sample(rng).key_bytes, 8u);
  // A hot key is a template key only if it is the format with one index in every place.
  KeySpec hot = Template(KeyDist::kHotKey, 50, "t{i}/d{i}");
  hot.hot_share = 0.5;
  hot.hot_key = "t17/d17";
  const Keys in_space = Make(hot, map);
  EXPECT_EQ(in_space.key_count(), 50u);
  EXPECT_DOUBLE_EQ(in_space.Probability(17), 0.5);
  hot.hot_key = "t17/d18";
  const Keys extra = Make(hot, map);
  ASSERT_EQ(extra.key_count(), 51u);
  EXPECT_EQ(extra.KeyString(50), "t17/d18");
}

TEST(KeyModelTest, RejectsInvalidSpecsWithTheFieldAndRule) {
  auto error_of = [&](const KeySpec& spec) {
    std::string error;
    EXPECT_FALSE(KeyModel::Create(spec, &error).has_value());
    return error;
  };
  EXPECT_NE(error_of(Template(KeyDist::kUniform, 10, "key")).find("has no \"{i}\""),
            std::string::npos);
  // Every copy of the index counts toward the 256 characters: 2 + 2 x 3 digits is fine at 1000
  // keys, 2 + 2 x 127 is not.
  EXPECT_NE(error_of(Template(KeyDist::kUniform, 10,
                              std::string(127, 'x') + "{i}-{i}" + std::string(127, 'y')))
                .find("257 characters"),
            std::string::npos);
  EXPECT_NE(error_of(Template(KeyDist::kZipf, 0)).find("count"), std::string::npos);
  EXPECT_NE(error_of(Template(KeyDist::kUniform, 100'000'001)).find("count"), std::string::npos);
  EXPECT_NE(error_of(Template(KeyDist::kUniform, 10, "a\xff{i}")).find("UTF-8"), std::string::npos);
  // 253 characters plus up to 3 digits is 256, the limit; a fourth digit is one too many.
  EXPECT_TRUE(
      KeyModel::Create(Template(KeyDist::kUniform, 1000, std::string(253, 'x') + "{i}"), nullptr)
          .has_value());
  EXPECT_NE(error_of(Template(KeyDist::kUniform, 10'000, std::string(253, 'x') + "{i}"))
                .find("257 characters"),
            std::string::npos);

  KeySpec zipf = Template(KeyDist::kZipf, 10);
  zipf.zipf_exponent = 0;
  EXPECT_NE(error_of(zipf).find("zipf_exponent"), std::string::npos);
  KeySpec hot = Template(KeyDist::kHotKey, 10);
  hot.hot_share = 0;
  EXPECT_NE(error_of(hot).find("hot_share"), std::string::npos);
  hot.hot_share = 0.5;
  hot.hot_key = std::string(257, 'h');
  EXPECT_NE(error_of(hot).find("hot_key"), std::string::npos);

  KeySpec weighted;
  weighted.dist = KeyDist::kWeighted;
  EXPECT_NE(error_of(weighted).find("weighted_keys"), std::string::npos);
  weighted.weighted_keys = {{"a", 1}, {"b", -1}};
  EXPECT_NE(error_of(weighted).find("weighted_keys[1].weight"), std::string::npos);
  weighted.weighted_keys = {{"a", 0}, {"", 1}};
  EXPECT_NE(error_of(weighted).find("weighted_keys[1].key"), std::string::npos);
  weighted.weighted_keys = {{"a", 0}};
  EXPECT_NE(error_of(weighted).find("sum"), std::string::npos);

  KeySpec ehk = Template(KeyDist::kExplicitHashKey, 10);
  ehk.hash_keys = {{"5", 1}, {"05", 1}};
  EXPECT_NE(error_of(ehk).find("hash_keys[1].hash_key"), std::string::npos);
  ehk.hash_keys = {{"340282366920938463463374607431768211456", 1}};
  EXPECT_NE(error_of(ehk).find("hash_keys[0].hash_key"), std::string::npos);
}

// ---------------------------------------------------------------- routing

TEST(KeyModelTest, RoutingTableEqualsLookupOfMd5ForEveryKey) {
  ShardMap map = ShardMap::CreateStream(7);
  ASSERT_TRUE(map.Split(3, Key("170141183460469231731687303715884105728")).ok());
  const Keys ks = Make(Template(KeyDist::kZipf, 3000, "user-{i}-eu"), map);
  ExpectTableMatchesMd5(ks, map);
  EXPECT_EQ(ks.KeyString(42), "user-42-eu");
}

TEST(KeyModelTest, SameKeyAlwaysRoutesToTheSameShard) {
  const ShardMap map = ShardMap::CreateStream(8);
  KeySpec spec = Template(KeyDist::kZipf, 5000);
  spec.zipf_exponent = 0.9;
  const Keys ks = Make(spec, map);
  std::map<uint32_t, uint32_t> first_shard;
  Rng rng(11);
  for (int i = 0; i < 100'000; ++i) {
    const KeyDraw d = ks.Sample(rng);
    const auto [it, inserted] = first_shard.emplace(d.key_id, d.shard);
    ASSERT_EQ(d.shard, it->second) << ks.KeyString(d.key_id);
    ASSERT_EQ(d.shard, ks.ShardOf(d.key_id));
  }
  EXPECT_GT(first_shard.size(), 1000u);
}

TEST(KeyModelTest, RerouteAfterSplitAndMergeMatchesMd5) {
  ShardMap map = ShardMap::CreateStream(4);
  Keys ks = Make(Template(KeyDist::kUniform, 5000), map);
  const ReshardResult split = map.Split(1, Key("100000000000000000000000000000000000000"));
  ASSERT_TRUE(split.ok()) << split.error;
  // Shares for a map the table does not route by yet: computed from fresh hashes.
  const std::vector<double> before_reroute = ks.ExpectedShardShares(map);
  ks.Reroute(map);
  ExpectTableMatchesMd5(ks, map);
  EXPECT_EQ(ks.ExpectedShardShares(map), before_reroute);
  EXPECT_EQ(before_reroute[1], 0.0);  // closed parent
  const ReshardResult merge = map.Merge(split.children[1], 2);
  ASSERT_TRUE(merge.ok()) << merge.error;
  ks.Reroute(map);
  ExpectTableMatchesMd5(ks, map);
  Rng rng(5);
  for (int i = 0; i < 10'000; ++i) {
    const KeyDraw d = ks.Sample(rng);
    ASSERT_EQ(map.shard(static_cast<int>(d.shard)).state, ShardState::kOpen);
  }
}

TEST(KeyModelTest, ExplicitHashKeysRouteByHashAtEveryRangeEdge) {
  // Many splits in one narrow region pile starts into one directory bucket (binary search path).
  ShardMap map = ShardMap::CreateStream(5);
  Rng rng(21);
  for (int i = 0; i < 40; ++i) {
    const int victim = map.open_shards()[static_cast<size_t>(i) % 2];
    const HashRange r = map.shard(victim).range;
    const Uint128 width = r.end.value() - r.start.value();
    ASSERT_TRUE(map.Split(victim, HashKey(r.start.value() + width / 2)).ok());
  }
  for (int i = 0; i < 20; ++i) {
    const int victim = map.open_shards()[rng.Below(map.open_shards().size())];
    const HashRange r = map.shard(victim).range;
    if (r.end.value() - r.start.value() < 8) continue;
    const Uint128 offset = ((static_cast<Uint128>(rng.Next()) << 64) | rng.Next()) %
                           (r.end.value() - r.start.value() - 2);
    ASSERT_TRUE(map.Split(victim, HashKey(r.start.value() + 2 + offset)).ok());
  }
  KeySpec spec = Template(KeyDist::kExplicitHashKey, 100, "order-{i}");
  std::vector<HashKey> hashes;
  for (int index : map.open_shards()) {
    const HashRange r = map.shard(index).range;
    for (HashKey h : {r.start, r.end, HashKey(r.start.value() + 1), HashKey(r.end.value() - 1)}) {
      hashes.push_back(h);
    }
  }
  for (int i = 0; i < 5000; ++i) hashes.push_back(HashKey::FromHalves(rng.Next(), rng.Next()));
  for (size_t i = 0; i < hashes.size(); ++i) {
    spec.hash_keys.push_back({hashes[i].ToDecimal(), 1.0 + static_cast<double>(i % 3)});
  }
  const Keys ks = Make(spec, map);
  ASSERT_EQ(ks.key_count(), hashes.size());
  for (uint32_t id = 0; id < ks.key_count(); ++id) {
    ASSERT_EQ(ks.KeyHash(id), hashes[id]);
    ASSERT_EQ(ks.KeyString(id), hashes[id].ToDecimal());
    ASSERT_EQ(ks.ShardOf(id), static_cast<uint32_t>(ScanLookup(map, hashes[id]))) << hashes[id];
  }
  // The partition key still sizes the record: "order-" plus 1 or 2 digits.
  Rng draw_rng(4);
  for (int i = 0; i < 10'000; ++i) {
    const KeyDraw d = ks.Sample(draw_rng);
    ASSERT_EQ(d.shard, ks.ShardOf(d.key_id));
    ASSERT_TRUE(d.key_bytes == 7 || d.key_bytes == 8) << d.key_bytes;
  }
  EXPECT_LT(DrawChiSquare(ks, 200'000, 8),
            ChiSquareCritical(static_cast<double>(hashes.size() - 1)));
}

// Observed shares over `draws` records within 5 binomial standard errors of `expected`.
void ExpectSharesWithinFiveSe(const Keys& ks, const std::vector<double>& expected, uint64_t draws,
                              uint64_t seed) {
  std::vector<uint64_t> counts(expected.size(), 0);
  Rng rng(seed);
  for (uint64_t i = 0; i < draws; ++i) ++counts[ks.Sample(rng).shard];
  const double n = static_cast<double>(draws);
  for (size_t s = 0; s < expected.size(); ++s) {
    const double p = expected[s];
    const double se = std::sqrt(p * (1 - p) / n);
    EXPECT_NEAR(static_cast<double>(counts[s]) / n, p, 5 * se + 1e-12) << "shard " << s;
  }
}

TEST(KeyModelTest, RandomKeysSpreadByRangeWidth) {
  ShardMap map = ShardMap::CreateStream(4);
  ASSERT_TRUE(map.Split(0, Key("42535295865117307932921825928971026432")).ok());  // 2^125
  KeySpec spec;
  spec.dist = KeyDist::kRandom;
  const Keys ks = Make(spec, map);
  EXPECT_EQ(ks.key_count(), 0u);
  const std::vector<double> shares = ks.ExpectedShardShares(map);
  const std::vector<double> exact = {0, 0.25, 0.25, 0.25, 0.125, 0.125};
  ASSERT_EQ(shares.size(), exact.size());
  for (size_t i = 0; i < exact.size(); ++i) EXPECT_DOUBLE_EQ(shares[i], exact[i]) << i;
  ExpectSharesWithinFiveSe(ks, shares, 1'000'000, 17);
  Rng rng(2);
  const KeyDraw d = ks.Sample(rng);
  EXPECT_EQ(d.key_id, kNoKey);
  EXPECT_EQ(d.key_bytes, 36u);
  EXPECT_TRUE(ks.TopKeys(1, 5).empty());
}

TEST(KeyModelTest, UniformExplicitHashKeysSpreadEvenly) {
  const ShardMap map = ShardMap::CreateStream(3);
  const Keys ks = Make(Template(KeyDist::kExplicitHashKey, 10, "k{i}"), map);
  EXPECT_EQ(ks.key_count(), 0u);
  const std::vector<double> shares = ks.ExpectedShardShares(map);
  for (double s : shares) EXPECT_NEAR(s, 1.0 / 3, 1e-15);
  ExpectSharesWithinFiveSe(ks, shares, 300'000, 23);
  Rng rng(1);
  for (int i = 0; i < 1000; ++i) {
    const KeyDraw d = ks.Sample(rng);
    ASSERT_EQ(d.key_id, kNoKey);
    ASSERT_EQ(d.key_bytes, 2u);  // "k0".."k9"
  }
}

// ---------------------------------------------------------------- distributions

TEST(KeyModelTest, UniformDrawsMatchExactProbabilities) {
  const Keys ks = Make(Template(KeyDist::kUniform, 1000), ShardMap::CreateStream(4));
  for (uint32_t id : {0u, 500u, 999u}) EXPECT_DOUBLE_EQ(ks.Probability(id), 1e-3);
  EXPECT_LT(DrawChiSquare(ks, 1'000'000, 1), ChiSquareCritical(999));
}

TEST(KeyModelTest, ZipfDrawsMatchExactProbabilitiesKeyZeroHottest) {
  KeySpec spec = Template(KeyDist::kZipf, 1000);
  spec.zipf_exponent = 1.1;
  const Keys ks = Make(spec, ShardMap::CreateStream(4));
  for (uint32_t id : {0u, 1u, 57u, 999u}) {
    EXPECT_DOUBLE_EQ(ks.Probability(id), Zipf::Probability(1000, 1.1, id + 1)) << id;
  }
  EXPECT_LT(DrawChiSquare(ks, 1'000'000, 2), ChiSquareCritical(999));
}

TEST(KeyModelTest, HotKeyTakesItsShareAndTheRestIsUniform) {
  const ShardMap map = ShardMap::CreateStream(4);
  // Default hot key: key 0 (the loader writes it out as format with i = 0).
  KeySpec spec = Template(KeyDist::kHotKey, 50);
  spec.hot_share = 0.3;
  spec.hot_key = "key-0";
  const Keys in_space = Make(spec, map);
  EXPECT_EQ(in_space.key_count(), 50u);
  EXPECT_DOUBLE_EQ(in_space.Probability(0), 0.3);
  EXPECT_DOUBLE_EQ(in_space.Probability(1), 0.7 / 49);
  EXPECT_LT(DrawChiSquare(in_space, 500'000, 3), ChiSquareCritical(49));
  // A hot key inside the key space that is not key 0.
  spec.hot_key = "key-17";
  const Keys key17 = Make(spec, map);
  EXPECT_EQ(key17.key_count(), 50u);
  EXPECT_DOUBLE_EQ(key17.Probability(17), 0.3);
  EXPECT_DOUBLE_EQ(key17.Probability(0), 0.7 / 49);
  EXPECT_LT(DrawChiSquare(key17, 500'000, 4), ChiSquareCritical(49));
  // An explicit string outside the key space is an extra key.
  spec.hot_key = "vip";
  const Keys extra = Make(spec, map);
  ASSERT_EQ(extra.key_count(), 51u);
  EXPECT_EQ(extra.KeyString(50), "vip");
  EXPECT_EQ(extra.KeyHash(50), Key("46690954595522206078308814015582135674"));  // hashlib
  EXPECT_DOUBLE_EQ(extra.Probability(50), 0.3);
  EXPECT_DOUBLE_EQ(extra.Probability(0), 0.7 / 50);
  EXPECT_LT(DrawChiSquare(extra, 500'000, 5), ChiSquareCritical(50));
  Rng rng(6);
  for (int i = 0; i < 1000; ++i) {
    const KeyDraw d = extra.Sample(rng);
    ASSERT_EQ(d.key_bytes, extra.KeyString(d.key_id).size());
  }
  // One key: every record uses it.
  KeySpec single = Template(KeyDist::kHotKey, 1);
  single.hot_share = 0.4;
  const Keys one = Make(single, map);
  EXPECT_DOUBLE_EQ(one.Probability(0), 1.0);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(one.Sample(rng).key_id, 0u);
}

TEST(KeyModelTest, WeightedDrawsMatchWeightsAndZeroWeightNeverDrawn) {
  KeySpec spec;
  spec.dist = KeyDist::kWeighted;
  spec.weighted_keys = {{"tenant-a", 5}, {"tenant-b", 3}, {"tenant-c", 0}, {"tenant-déjà", 2}};
  const ShardMap map = ShardMap::CreateStream(3);
  const Keys ks = Make(spec, map);
  ASSERT_EQ(ks.key_count(), 4u);
  EXPECT_DOUBLE_EQ(ks.Probability(0), 0.5);
  EXPECT_DOUBLE_EQ(ks.Probability(2), 0.0);
  ExpectTableMatchesMd5(ks, map);
  EXPECT_LT(DrawChiSquare(ks, 500'000, 9), ChiSquareCritical(2));
  Rng rng(1);
  for (int i = 0; i < 1000; ++i) {
    const KeyDraw d = ks.Sample(rng);
    ASSERT_EQ(d.key_bytes, spec.weighted_keys[d.key_id].key.size());
  }
}

// ---------------------------------------------------------------- exact shares

TEST(KeyModelTest, ZipfShardSharesMatchDrawsAndBruteForceSum) {
  constexpr uint64_t kKeys = 100'000;
  constexpr double kS = 1.1;
  const ShardMap map = ShardMap::CreateStream(16);
  KeySpec spec = Template(KeyDist::kZipf, kKeys, "sensor/{i}");
  spec.zipf_exponent = kS;
  const Keys ks = Make(spec, map);
  const std::vector<double> shares = ks.ExpectedShardShares(map);

  // Brute force: hash every key string afresh, find its range by a linear scan, and add
  // Zipf::Probability (its formula with the normaliser computed once; spot-checked below).
  const double h = Zipf::GeneralizedHarmonic(kKeys, kS);
  for (uint64_t k : {1u, 2u, 1000u}) {
    EXPECT_EQ(std::pow(static_cast<double>(k), -kS) / h, Zipf::Probability(kKeys, kS, k));
  }
  std::vector<long double> brute(map.shards().size(), 0.0L);
  for (uint64_t i = 0; i < kKeys; ++i) {
    const HashKey hash = PartitionKeyHash("sensor/" + std::to_string(i));
    brute[static_cast<size_t>(ScanLookup(map, hash))] +=
        static_cast<long double>(std::pow(static_cast<double>(i + 1), -kS) / h);
  }
  double total = 0;
  for (size_t s = 0; s < shares.size(); ++s) {
    EXPECT_NEAR(shares[s], static_cast<double>(brute[s]), 1e-14) << "shard " << s;
    total += shares[s];
  }
  EXPECT_NEAR(total, 1.0, 1e-14);
  ExpectSharesWithinFiveSe(ks, shares, 10'000'000, 31);
}

TEST(KeyModelTest, TopKeysAreTheShardsMostProbableKeys) {
  KeySpec spec = Template(KeyDist::kZipf, 2000);
  spec.zipf_exponent = 1.2;
  const ShardMap map = ShardMap::CreateStream(4);
  const Keys ks = Make(spec, map);
  for (int shard = 0; shard < 4; ++shard) {
    std::vector<std::pair<double, uint32_t>> all;
    for (uint32_t id = 0; id < 2000; ++id) {
      if (map.Lookup(PartitionKeyHash(ks.KeyString(id))) == shard) {
        all.emplace_back(-ks.Probability(id), id);
      }
    }
    std::sort(all.begin(), all.end());
    const std::vector<KeyWeight> top = ks.TopKeys(shard, 5);
    ASSERT_EQ(top.size(), 5u);
    for (size_t i = 0; i < top.size(); ++i) {
      EXPECT_EQ(top[i].key_id, all[i].second);
      EXPECT_EQ(top[i].key, ks.KeyString(all[i].second));
      EXPECT_EQ(top[i].hash_key, PartitionKeyHash(top[i].key));
      EXPECT_EQ(top[i].probability, -all[i].first);
    }
  }

  KeySpec weighted;
  weighted.dist = KeyDist::kWeighted;
  for (int i = 0; i < 40; ++i) {
    std::string key = "w";  // not "w" + to_string(i): GCC 12 gives a false -Wrestrict on it
    key += std::to_string(i);
    weighted.weighted_keys.push_back({key, static_cast<double>((i * 7) % 11)});
  }
  const ShardMap one = ShardMap::CreateStream(1);
  const Keys wks = Make(weighted, one);
  const std::vector<KeyWeight> wtop = wks.TopKeys(0, 4);
  ASSERT_EQ(wtop.size(), 4u);
  // Weights (7i mod 11) = 10 at i = 3, 14, 25, 36; ties by key id.
  EXPECT_EQ(wtop[0].key, "w3");
  EXPECT_EQ(wtop[1].key, "w14");
  EXPECT_EQ(wtop[2].key, "w25");
  EXPECT_EQ(wtop[3].key, "w36");

  KeySpec hot = Template(KeyDist::kHotKey, 100);
  hot.hot_share = 0.5;
  hot.hot_key = "vip";
  const Keys hks = Make(hot, one);
  const std::vector<KeyWeight> htop = hks.TopKeys(0, 3);
  ASSERT_EQ(htop.size(), 3u);
  EXPECT_EQ(htop[0].key, "vip");
  EXPECT_EQ(htop[1].key, "key-0");
  EXPECT_EQ(htop[2].key, "key-1");
}

// ---------------------------------------------------------------- split points

KeySpec WeightedSpec(std::vector<WeightedKey> keys) {
  KeySpec spec;
  spec.dist = KeyDist::kWeighted;
  spec.weighted_keys = std::move(keys);
  return spec;
}

// MD5 decimals (python3 hashlib), in hash order: alpha 58606826522850340945736240254012750329,
// delta 132573211365730055574155209150136284695, charlie 254503635870842867121759496893308434743,
// echo 270752945312798010517319690730653335921, bravo 337097949882550486299015321206604644431.
TEST(KeyModelTest, SplitPointBalancesHandBuiltMd5Keys) {
  ShardMap map = ShardMap::CreateStream(1);
  const Keys ks = Make(
      WeightedSpec({{"alpha", 1}, {"bravo", 2}, {"charlie", 3}, {"delta", 4}, {"echo", 5}}), map);
  // Cumulative in hash order 1, 5, 8, 13 of 15: the cut after charlie (8) is nearest 7.5.
  const std::optional<SplitPoint> sp = ks.BalancingSplitPoint(map, 0);
  ASSERT_TRUE(sp.has_value());
  EXPECT_EQ(sp->new_starting_hash_key, Key("270752945312798010517319690730653335921"));  // echo
  EXPECT_DOUBLE_EQ(sp->lower_share, 8.0 / 15);
  EXPECT_FALSE(sp->dominant_key);
  const ReshardResult split = map.Split(0, sp->new_starting_hash_key);
  ASSERT_TRUE(split.ok()) << split.error;
  const Keys after = Make(
      WeightedSpec({{"alpha", 1}, {"bravo", 2}, {"charlie", 3}, {"delta", 4}, {"echo", 5}}), map);
  const std::vector<double> shares = after.ExpectedShardShares(map);
  EXPECT_NEAR(shares[static_cast<size_t>(split.children[0])], 8.0 / 15, 1e-15);
  EXPECT_NEAR(shares[static_cast<size_t>(split.children[1])], 7.0 / 15, 1e-15);

  // Observed counts instead of exact weights: alpha and delta heavy, cut after delta (9 of 16).
  const ShardMap fresh = ShardMap::CreateStream(1);
  const std::vector<uint64_t> counts = {4, 1, 1, 5, 5};  // by key id: alpha..echo
  const std::optional<SplitPoint> observed = ks.BalancingSplitPoint(fresh, 0, counts);
  ASSERT_TRUE(observed.has_value());
  EXPECT_EQ(observed->new_starting_hash_key,
            Key("254503635870842867121759496893308434743"));  // charlie
  EXPECT_DOUBLE_EQ(observed->lower_share, 9.0 / 16);
}

TEST(KeyModelTest, SplitPointFlagsADominantKey) {
  const ShardMap map = ShardMap::CreateStream(1);
  const Keys ks = Make(
      WeightedSpec({{"alpha", 1}, {"bravo", 1}, {"charlie", 10}, {"delta", 1}, {"echo", 1}}), map);
  // Cuts next to charlie leave 2 | 12 or 12 | 2 of 14; equal gaps, the lower cut wins.
  const std::optional<SplitPoint> sp = ks.BalancingSplitPoint(map, 0);
  ASSERT_TRUE(sp.has_value());
  EXPECT_TRUE(sp->dominant_key);
  EXPECT_EQ(sp->dominant_key_id, 2u);
  EXPECT_EQ(sp->new_starting_hash_key, Key("254503635870842867121759496893308434743"));
  EXPECT_DOUBLE_EQ(sp->lower_share, 2.0 / 14);
  // Exactly half is not dominant: alpha 2, delta 2 | charlie 4 (bravo and echo weigh 0).
  const std::optional<SplitPoint> half = ks.BalancingSplitPoint(map, 0, [](uint32_t id) {
    return id == 2 ? 4.0 : id == 0 || id == 3 ? 2.0 : 0.0;
  });
  ASSERT_TRUE(half.has_value());
  EXPECT_FALSE(half->dominant_key);
  EXPECT_DOUBLE_EQ(half->lower_share, 0.5);
}

TEST(KeyModelTest, SplitPointKeepsStartPlusOneBelowNewBelowEnd) {
  // End rule: a shard ending exactly at bravo's hash. The even cut (4 | 4) is before bravo, whose
  // hash is End, so NewStartingHashKey moves to End - 1.
  ShardMap map = ShardMap::CreateStream(1);
  ASSERT_TRUE(map.Split(0, Key("337097949882550486299015321206604644432")).ok());
  ASSERT_EQ(map.shard(1).range.end, Key("337097949882550486299015321206604644431"));
  const Keys ks = Make(
      WeightedSpec({{"alpha", 1}, {"bravo", 4}, {"charlie", 1}, {"delta", 1}, {"echo", 1}}), map);
  ASSERT_EQ(ks.ShardOf(1), 1u);
  const std::optional<SplitPoint> sp = ks.BalancingSplitPoint(map, 1);
  ASSERT_TRUE(sp.has_value());
  EXPECT_EQ(sp->new_starting_hash_key, Key("337097949882550486299015321206604644430"));
  EXPECT_DOUBLE_EQ(sp->lower_share, 0.5);
  EXPECT_TRUE(map.Split(1, sp->new_starting_hash_key).ok());

  // Start rule: hash keys 0 and 1 cannot be separated (new = 1 is not > Start + 1), so the best
  // valid cut is before 2^100 although it leaves 20 of 21 below.
  const ShardMap one = ShardMap::CreateStream(1);
  KeySpec ehk = Template(KeyDist::kExplicitHashKey, 10);
  ehk.hash_keys = {{"0", 10}, {"1", 10}, {"1267650600228229401496703205376", 1}};
  const Keys eks = Make(ehk, one);
  const std::optional<SplitPoint> low = eks.BalancingSplitPoint(one, 0);
  ASSERT_TRUE(low.has_value());
  EXPECT_EQ(low->new_starting_hash_key, Key("1267650600228229401496703205376"));
  EXPECT_DOUBLE_EQ(low->lower_share, 20.0 / 21);
  // End rule with ExplicitHashKeys: the upper key sits at 2^128 - 1.
  ehk.hash_keys = {{"5", 10}, {"340282366920938463463374607431768211455", 10}};
  const Keys top = Make(ehk, one);
  const std::optional<SplitPoint> high = top.BalancingSplitPoint(one, 0);
  ASSERT_TRUE(high.has_value());
  EXPECT_EQ(high->new_starting_hash_key, Key("340282366920938463463374607431768211454"));
  // No valid cut at all, a single key, a closed shard.
  ehk.hash_keys = {{"0", 1}, {"1", 1}};
  EXPECT_FALSE(Make(ehk, one).BalancingSplitPoint(one, 0).has_value());
  ehk.hash_keys = {{"77", 1}};
  EXPECT_FALSE(Make(ehk, one).BalancingSplitPoint(one, 0).has_value());
  EXPECT_FALSE(ks.BalancingSplitPoint(map, 0).has_value());
}

TEST(KeyModelTest, SplitPointOfUniformHashIsTheRangeMidpoint) {
  KeySpec spec;
  spec.dist = KeyDist::kRandom;
  const ShardMap one = ShardMap::CreateStream(1);
  const std::optional<SplitPoint> whole = Make(spec, one).BalancingSplitPoint(one, 0);
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(whole->new_starting_hash_key, Key("170141183460469231731687303715884105728"));
  EXPECT_DOUBLE_EQ(whole->lower_share, 0.5);
  // Shard 0 of 3 is [0, h - 1] with h = 113427455640312821154458202477256070485 (odd).
  const ShardMap three = ShardMap::CreateStream(3);
  const std::optional<SplitPoint> first = Make(spec, three).BalancingSplitPoint(three, 0);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->new_starting_hash_key, Key("56713727820156410577229101238628035242"));
}

TEST(KeyModelTest, SplitPointMatchesBruteForceOverAllCuts) {
  KeySpec spec = Template(KeyDist::kZipf, 400, "cust-{i}");
  spec.zipf_exponent = 0.8;
  ShardMap map = ShardMap::CreateStream(4);
  const Keys ks = Make(spec, map);
  for (int shard = 0; shard < 4; ++shard) {
    const HashRange r = map.shard(shard).range;
    std::vector<std::pair<HashKey, double>> keys;  // (hash, probability) of the shard's keys
    for (uint32_t id = 0; id < 400; ++id) {
      const HashKey h = PartitionKeyHash(ks.KeyString(id));
      if (r.start <= h && h <= r.end) keys.emplace_back(h, ks.Probability(id));
    }
    double total = 0;
    for (const auto& k : keys) total += k.second;
    // Every key's hash is a candidate; the lower side is every key strictly below it. O(k^2).
    double best_gap = HUGE_VAL;
    HashKey best;
    for (const auto& candidate : keys) {
      if (candidate.first.value() <= r.start.value() + 1 || candidate.first >= r.end) continue;
      double lower = 0;
      for (const auto& k : keys) lower += k.first < candidate.first ? k.second : 0;
      const double gap = std::fabs(lower - total / 2);
      if (gap < best_gap - 1e-15 ||
          (std::fabs(gap - best_gap) <= 1e-15 && candidate.first < best)) {
        best_gap = gap;
        best = candidate.first;
      }
    }
    const std::optional<SplitPoint> sp = ks.BalancingSplitPoint(map, shard);
    ASSERT_TRUE(sp.has_value());
    EXPECT_EQ(sp->new_starting_hash_key, best) << "shard " << shard;
    ShardMap copy = map;
    const ReshardResult split = copy.Split(shard, sp->new_starting_hash_key);
    ASSERT_TRUE(split.ok()) << split.error;
    const std::vector<double> shares = ks.ExpectedShardShares(copy);
    EXPECT_NEAR(shares[static_cast<size_t>(split.children[0])] / total, sp->lower_share, 1e-12);
  }
}

// ---------------------------------------------------------------- routes and the routing table

TEST(KeyModelTest, RoutesAreExactWhereAKeysHighWordTiesARangeStart) {
  const Keys probe = Make(Template(KeyDist::kUniform, 1000), ShardMap::CreateStream(1));
  const HashKey h5 = probe.KeyHash(5);
  const HashKey h6 = probe.KeyHash(6);
  ShardMap map = ShardMap::CreateStream(1);
  // Just above key-5's hash, with the same high word: key-5 stays in the lower child.
  const ReshardResult split = map.Split(0, HashKey(h5.value() + 1));
  ASSERT_TRUE(split.ok()) << split.error;
  // Exactly at key-6's hash: key-6 starts the upper child.
  ASSERT_TRUE(map.Split(map.Lookup(h6), h6).ok());
  const ShardRouter router(map);
  EXPECT_EQ(router.LookupHigh(h5.high()), ShardRouter::kNoShard);
  EXPECT_EQ(router.LookupHigh(h6.high()), ShardRouter::kNoShard);
  EXPECT_EQ(router.LookupHigh(0), static_cast<uint32_t>(map.open_shards()[0]));
  const Keys ks = Make(Template(KeyDist::kUniform, 1000), map);
  ExpectTableMatchesMd5(ks, map);
  EXPECT_EQ(ks.ShardOf(5), static_cast<uint32_t>(split.children[0]));
  EXPECT_EQ(map.shard(static_cast<int>(ks.ShardOf(6))).range.start, h6);
  // Routes rebuilt from an unrelated map agree, and so do the analyses' routings.
  Keys rebuilt = Make(Template(KeyDist::kUniform, 1000), ShardMap::CreateStream(3));
  rebuilt.Reroute(map);
  ExpectTableMatchesMd5(rebuilt, map);
  const std::vector<uint32_t> shard_of = ks.model->ShardsOn(map);
  for (uint32_t id = 0; id < 1000; ++id) ASSERT_EQ(shard_of[id], ks.ShardOf(id)) << id;
}

TEST(KeyModelTest, RoutingTableUsesPreparedRoutesUntilAReshardThenRoutesDrawsOnTheNewMap) {
  const ShardMap map = ShardMap::CreateStream(4);
  KeySpec spec = Template(KeyDist::kZipf, 5000);
  spec.zipf_exponent = 0.8;
  const KeyModel model = MakeModel(spec);
  const KeyRoutes prepared(model, map);
  RoutingTable plain, resharded;
  const KeyRouting& a = plain.Attach(model, &prepared, map);
  const KeyRouting& b = resharded.Attach(model, &prepared, map);
  EXPECT_EQ(&a.routes(), &prepared);  // shared, not rebuilt per run
  EXPECT_EQ(b.epoch(), 0u);
  RoutingTable elsewhere;  // routes of another map are never used
  EXPECT_NE(&elsewhere.Attach(model, &prepared, ShardMap::CreateStream(3)).routes(), &prepared);

  KeySampler sa(a, Rng(9));
  KeySampler sb(b, Rng(9));
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(sa.Next().key_id, sb.Next().key_id);
  ShardMap after = map;
  ASSERT_TRUE(after.Split(1, Key("100000000000000000000000000000000000000")).ok());
  resharded.Reshard(after);
  EXPECT_EQ(b.epoch(), 1u);
  EXPECT_EQ(resharded.epoch(), 1u);
  EXPECT_EQ(&a.routes(), &prepared);
  // The same draws (the reshard changes shards, never the random stream); shards on the new map.
  for (int i = 0; i < 20'000; ++i) {
    const KeyDraw da = sa.Next();
    const KeyDraw db = sb.Next();
    ASSERT_EQ(da.key_id, db.key_id);
    ASSERT_EQ(db.shard, static_cast<uint32_t>(after.Lookup(model.KeyHash(db.key_id))));
    ASSERT_EQ(after.shard(static_cast<int>(db.shard)).state, ShardState::kOpen);
  }
}

TEST(KeyModelTest, RecordsWithoutKeyIdsRouteAgainByTheirHash) {
  ShardMap map = ShardMap::CreateStream(2);
  KeySpec spec;
  spec.dist = KeyDist::kRandom;
  const KeyModel model = MakeModel(spec);
  EXPECT_TRUE(model.HashIsUniform());
  RoutingTable table;
  const KeyRouting& routing = table.Attach(model, nullptr, map);
  Rng rng(4);
  std::vector<KeyDraw> draws;
  for (int i = 0; i < 2000; ++i) draws.push_back(routing.routes().Sample(rng));
  for (const KeyDraw& d : draws) {
    ASSERT_EQ(d.key_id, kNoKey);
    ASSERT_EQ(d.shard, static_cast<uint32_t>(map.Lookup(HashKey(d.hash))));
    ASSERT_EQ(routing.routes().Route(d.key_id, d.hash), d.shard);
  }
  ASSERT_TRUE(map.Split(0, Key("85070591730234615865843651857942052864")).ok());  // 2^126
  table.Reshard(map);
  for (const KeyDraw& d : draws) {
    ASSERT_EQ(routing.routes().Route(d.key_id, d.hash),
              static_cast<uint32_t>(map.Lookup(HashKey(d.hash))));
  }
}

}  // namespace
}  // namespace shardsim

namespace shardsim {
namespace {

// A key space too large to store its hashes' high words (KeyModel::kStoreHashesBelow) hashes its
// keys again wherever they are needed: every answer equals the stored model's, bit for bit.
TEST(KeyModelTest, ModelWithoutStoredHashesAnswersExactlyAsOneWithThem) {
  for (const KeyDist dist : {KeyDist::kUniform, KeyDist::kZipf, KeyDist::kHotKey}) {
    KeySpec spec = Template(dist, 20'000, "device-{i}");
    spec.zipf_exponent = 1.1;
    spec.hot_share = 0.3;
    spec.hot_key = dist == KeyDist::kHotKey ? "not-a-template-key" : "";
    std::string error;
    std::optional<KeyModel> stored = KeyModel::Create(spec, &error);
    std::optional<KeyModel> hashed = KeyModel::Create(spec, &error, /*store_hashes_below=*/0);
    ASSERT_TRUE(stored && hashed) << error;
    ShardMap map = ShardMap::CreateStream(7);
    EXPECT_EQ(hashed->ShardsOn(map), stored->ShardsOn(map));
    for (uint32_t id : {0u, 1u, 19'999u}) {
      EXPECT_EQ(hashed->KeyHashHigh(id), stored->KeyHashHigh(id));
    }
    EXPECT_EQ(hashed->ExpectedShardShares(map), stored->ExpectedShardShares(map));
    for (int s = 0; s < 7; ++s) {
      const std::optional<SplitPoint> a = hashed->BalancingSplitPoint(map, s);
      const std::optional<SplitPoint> b = stored->BalancingSplitPoint(map, s);
      ASSERT_EQ(a.has_value(), b.has_value());
      if (a) {
        EXPECT_EQ(a->new_starting_hash_key, b->new_starting_hash_key);
        EXPECT_EQ(a->lower_share, b->lower_share);
      }
    }
    const KeyRoutes routes_stored(*stored, map), routes_hashed(*hashed, map);
    ASSERT_TRUE(std::ranges::equal(routes_hashed.shard_of(), routes_stored.shard_of()));
    const ReshardResult split =
        map.Split(3, stored->BalancingSplitPoint(map, 3)->new_starting_hash_key);
    ASSERT_TRUE(split.ok()) << split.error;
    const KeyRoutes next_stored = routes_stored.Rebuilt(map);
    const KeyRoutes next_hashed = routes_hashed.Rebuilt(map);
    EXPECT_TRUE(std::ranges::equal(next_hashed.shard_of(), next_stored.shard_of()));
    const std::vector<uint32_t> fresh = hashed->ShardsOn(map);
    EXPECT_TRUE(std::ranges::equal(next_hashed.shard_of(), fresh));
  }
}

// The split point with the keys' routes given (a run's analysis passes the prepared routes) hashes
// only the shard's keys again; it must be the point the whole key space gives, on every shard,
// for key spaces with stored high words and for those too large to keep them.
TEST(KeyModelTest, SplitPointFromRoutesEqualsTheExactOne) {
  const ShardMap map = ShardMap::CreateStream(7);
  for (const int64_t count : {int64_t{5'000}, int64_t{KeyModel::kStoreHashesBelow} + 3}) {
    KeySpec spec = Template(KeyDist::kZipf, count, "device-{i}");
    spec.zipf_exponent = 1.1;
    const Keys ks = Make(spec, map);
    for (int shard = 0; shard < 7; ++shard) {
      const std::optional<SplitPoint> exact = ks.BalancingSplitPoint(map, shard);
      const std::optional<SplitPoint> routed =
          ks.model->BalancingSplitPoint(map, shard, ks.routes->shard_of());
      ASSERT_EQ(exact.has_value(), routed.has_value()) << count << " " << shard;
      if (!exact.has_value()) continue;
      EXPECT_EQ(routed->new_starting_hash_key, exact->new_starting_hash_key) << count << shard;
      EXPECT_EQ(routed->lower_share, exact->lower_share) << count << " " << shard;
      EXPECT_EQ(routed->dominant_key, exact->dominant_key) << count << " " << shard;
      EXPECT_EQ(routed->dominant_key_id, exact->dominant_key_id) << count << " " << shard;
    }
  }
}

}  // namespace
}  // namespace shardsim
