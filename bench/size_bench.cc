// BM_SizeSearch100: `shardsim size` on scenarios/bench/size-100.json (a stream that needs about
// 100 shards, 15 simulated minutes per run) with 5 replications per configuration on 2 threads,
// as the planner runs it: pre-screen, search, the AWS formula's count and the enhanced fan-out
// alternative. One iteration (tens of seconds); the figure is wall time.
#include <benchmark/benchmark.h>

#include "analysis/cost/prices.h"
#include "models/spec/loader/scenario_loader.h"
#include "planner/size.h"
#include "sim/check.h"

namespace shardsim {
namespace {

void BM_SizeSearch100(benchmark::State& state) {
  LoadResult loaded =
      LoadScenarioFile(std::string(SHARDSIM_SOURCE_DIR) + "/scenarios/bench/size-100.json");
  SHARDSIM_CHECK(loaded.ok(), "scenarios/bench/size-100.json does not load");
  const PriceChoice prices = ResolvePrices(*loaded.scenario, "");
  SizeOptions o;
  o.replications = 5;
  o.threads = 2;
  size_t runs = 0;
  for (auto _ : state) {
    runs = 0;
    o.progress = [&](size_t done, size_t) { runs = done; };
    const SizeOutcome out = SizeStream(*loaded.scenario, prices, o);
    benchmark::DoNotOptimize(out.result);
    state.counters["recommended_shards"] = static_cast<double>(
        out.result && out.result->recommended_shards ? *out.result->recommended_shards : 0);
  }
  state.counters["runs"] = static_cast<double>(runs);
}
BENCHMARK(BM_SizeSearch100)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

}  // namespace
}  // namespace shardsim
