// BM_KeyDraw: one record's key draw on 1,000 shards from ref-1000's Zipf(0.6) "device-{i}" space:
// arg 0 = the per-key tables (cell sampling, the producer's draw when no reader needs the key),
// arg 1 = the same with key identity (alias table or rejection-inversion plus the routes' table),
// arg 2 = hashed per record (KeyModel::HashesPerRecord: rejection-inversion, 16 MD5s at a time,
// a directory lookup). Arg 1 (range) = key count. Setup (hashing every key for args 0 and 1) is
// outside the timed loop. Items = draws.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "models/keys/routing.h"

namespace shardsim {
namespace {

void BM_KeyDraw(benchmark::State& state) {
  const int mode = static_cast<int>(state.range(0));
  KeySpec spec;
  spec.dist = KeyDist::kZipf;
  spec.zipf_exponent = 0.6;
  spec.count = state.range(1);
  spec.format = "device-{i}";
  std::string error;
  std::optional<KeyModel> model =
      KeyModel::Create(spec, &error, KeyModel::kStoreHashesBelow, mode == 2);
  if (!model) std::abort();
  const ShardMap map = ShardMap::CreateStream(1000);
  const KeyRoutes routes(*model, map);
  RoutingTable table;
  KeySampler sampler(table.Attach(*model, &routes, map), Rng(1), mode != 0);
  uint64_t sum = 0;
  for (auto _ : state) {
    for (int i = 0; i < 1024; ++i) sum += sampler.Next().shard;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 1024);
}
BENCHMARK(BM_KeyDraw)->ArgsProduct({{0, 1, 2}, {10'000'000}})->Args({2, 100'000'000});

}  // namespace
}  // namespace shardsim
