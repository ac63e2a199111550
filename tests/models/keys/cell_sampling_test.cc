// Cell sampling (KeyRoutes::SampleCell): draws of (shard, key length) from large key spaces follow
// the exact joint law of the keys' probabilities and routes, the key identities drawn afterwards
// (SampleInCell) follow the exact key probabilities, and a reshard keeps the cells exact and tells
// holders before the routes change.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "models/keys/key_model.h"
#include "models/keys/routing.h"
#include "sim/rng.h"
#include "tests/support/hash_keys.h"

namespace shardsim {
namespace {

const auto& Key = support::DecimalKey;

KeyModel MakeZipf(uint64_t count, double s) {
  KeySpec spec;
  spec.dist = KeyDist::kZipf;
  spec.count = static_cast<int64_t>(count);
  spec.zipf_exponent = s;
  spec.format = "device-{i}";
  std::string error;
  std::optional<KeyModel> m = KeyModel::Create(spec, &error);
  EXPECT_TRUE(m.has_value()) << error;
  if (!m) std::abort();
  return std::move(*m);
}

// Upper 1 - 2.9e-7 quantile (z = 5) of chi-square with `df` degrees of freedom (Wilson-Hilferty).
double ChiSquareCritical(double df) {
  const double a = 2.0 / (9.0 * df);
  return df * std::pow(1 - a + 5.0 * std::sqrt(a), 3);
}

using Cell = std::pair<uint32_t, uint32_t>;  // (shard, key bytes)

// The exact law of (shard, key bytes): the keys' probabilities summed by their route and length.
std::map<Cell, double> ExactCells(const KeyModel& model, const KeyRoutes& routes) {
  std::map<Cell, double> exact;
  for (uint32_t id = 0; id < model.key_count(); ++id) {
    exact[{routes.ShardOf(id), model.KeyBytes(id)}] += model.Probability(id);
  }
  return exact;
}

double CellChiSquare(const KeyRoutes& routes, const std::map<Cell, double>& exact, uint64_t n,
                     uint64_t seed) {
  Rng rng(seed);
  std::map<Cell, uint64_t> counts;
  for (uint64_t i = 0; i < n; ++i) {
    const KeyDraw d = routes.SampleCell(rng.Next());
    EXPECT_EQ(d.key_id, kNoKey);
    ++counts[{d.shard, d.key_bytes}];
  }
  double chi2 = 0;
  for (const auto& [cell, p] : exact) {
    const double expected = static_cast<double>(n) * p;
    const double diff = static_cast<double>(counts[cell]) - expected;
    chi2 += diff * diff / expected;
  }
  EXPECT_EQ(counts.size(), exact.size()) << "a draw landed in a cell without mass";
  return chi2;
}

TEST(CellSamplingTest, OnlyKeySpacesBeyondTheCachesGetCells) {
  const ShardMap map = ShardMap::CreateStream(8);
  const KeyModel small = MakeZipf(KeyRoutes::kMinCellKeys - 1, 0.6);
  EXPECT_FALSE(KeyRoutes(small, map).HasCells());
  const KeyModel large = MakeZipf(KeyRoutes::kMinCellKeys, 0.6);
  EXPECT_TRUE(KeyRoutes(large, map).HasCells());
}

TEST(CellSamplingTest, ShardAndKeyLengthFollowTheExactJointLaw) {
  const ShardMap map = ShardMap::CreateStream(64);
  const KeyModel model = MakeZipf(1'500'000, 0.6);  // key lengths of 8..14 bytes
  const KeyRoutes routes(model, map);
  ASSERT_TRUE(routes.HasCells());
  const std::map<Cell, double> exact = ExactCells(model, routes);
  // The per-shard shares the analysis reports are the cells' sums.
  const std::vector<double> shares = model.ExpectedShardShares(map, routes.shard_of());
  std::vector<double> by_shard(shares.size(), 0.0);
  for (const auto& [cell, p] : exact) by_shard[cell.first] += p;
  for (size_t s = 0; s < shares.size(); ++s) EXPECT_NEAR(by_shard[s], shares[s], 1e-12);
  const double chi2 = CellChiSquare(routes, exact, 20'000'000, 7);
  EXPECT_LT(chi2, ChiSquareCritical(static_cast<double>(exact.size() - 1)))
      << exact.size() << " cells";
}

TEST(CellSamplingTest, KeysDrawnInTheirCellFollowTheExactZipfProbabilities) {
  // A cell, then a key in it: the hottest keys' frequencies against Zipf's exact probabilities
  // (the hot-key top-k), the rest as one bin.
  const ShardMap map = ShardMap::CreateStream(16);
  const KeyModel model = MakeZipf(KeyRoutes::kMinCellKeys, 0.9);
  const KeyRoutes routes(model, map);
  Rng rng(11), identity(12);
  constexpr uint32_t kTop = 200;
  constexpr uint64_t kDraws = 400'000;
  std::vector<uint64_t> counts(kTop + 1, 0);
  for (uint64_t i = 0; i < kDraws; ++i) {
    const KeyDraw cell = routes.SampleCell(rng.Next());
    const KeyDraw d = routes.SampleInCell(identity, cell.shard, cell.key_bytes);
    ASSERT_EQ(d.shard, cell.shard);
    ASSERT_EQ(d.key_bytes, cell.key_bytes);
    ASSERT_EQ(routes.ShardOf(d.key_id), cell.shard);
    ++counts[std::min(d.key_id, kTop)];
  }
  double chi2 = 0, rest = 1;
  for (uint32_t id = 0; id <= kTop; ++id) {
    const double p = id < kTop ? model.Probability(id) : rest;
    if (id < kTop) rest -= p;
    const double expected = static_cast<double>(kDraws) * p;
    const double diff = static_cast<double>(counts[id]) - expected;
    chi2 += diff * diff / expected;
  }
  EXPECT_LT(chi2, ChiSquareCritical(kTop));
  EXPECT_GT(counts[0], counts[1]);  // key 0 is the hottest
}

struct Recorder final : RouteHolder {
  const RoutingTable* table = nullptr;
  std::vector<std::pair<const KeyRoutes*, uint32_t>> calls;  // routes told, table's epoch then
  void BeforeReshard(const KeyRoutes& old_routes) override {
    calls.push_back({&old_routes, table->epoch()});
  }
};

TEST(CellSamplingTest, AReshardMovesTheMassOfClosedShardsExactlyAndTellsHoldersFirst) {
  ShardMap map = ShardMap::CreateStream(4);
  const KeyModel model = MakeZipf(KeyRoutes::kMinCellKeys, 0.6);
  const KeyRoutes prepared(model, map);
  RoutingTable table;
  const KeyRouting& routing = table.Attach(model, &prepared, map);
  Recorder holder;
  holder.table = &table;
  table.Hold(model, &holder);
  ASSERT_TRUE(map.Split(1, Key("100000000000000000000000000000000000000")).ok());
  table.Reshard(map);
  ASSERT_EQ(holder.calls.size(), 1u);
  EXPECT_EQ(holder.calls[0].first, &prepared);  // the old routes, still standing
  ASSERT_TRUE(map.Merge(0, 4).ok());
  table.Reshard(map);
  ASSERT_EQ(holder.calls.size(), 2u);
  ASSERT_TRUE(routing.routes().HasCells());
  // The rebuilt cells equal cells built afresh on the new map.
  const KeyRoutes fresh(model, map);
  const std::map<Cell, double> exact = ExactCells(model, fresh);
  EXPECT_EQ(ExactCells(model, routing.routes()), exact);
  const double chi2 = CellChiSquare(routing.routes(), exact, 5'000'000, 3);
  EXPECT_LT(chi2, ChiSquareCritical(static_cast<double>(exact.size() - 1)));
}

}  // namespace
}  // namespace shardsim
