// BM_Ref1000WritePath / BM_Ref1000: scenarios/bench/ref-1000.json (1,000 shards, 800,000 records/s
// of ~1 KiB, Zipf(0.6) over 10^7 device ids, PutRecords from 1,000 instances) for Arg simulated
// seconds per iteration: the write path alone (its consumers removed), and the whole scenario with
// its KCL application and Lambda mapping. Preparing (10^7 MD5s, the routes and cells) is outside
// the timed loop, as a planner prepares once for many runs. Items = records produced;
// `s_per_simulated_s` = CPU seconds of the process per simulated second (x 3,600: one hour).
#include <benchmark/benchmark.h>

#include "models/run/model_graph.h"
#include "models/run/prepared.h"
#include "models/spec/loader/scenario_loader.h"
#include "sim/check.h"

namespace shardsim {
namespace {

void RunRef1000(benchmark::State& state, bool consumers) {
  LoadResult loaded =
      LoadScenarioFile(std::string(SHARDSIM_SOURCE_DIR) + "/scenarios/bench/ref-1000.json");
  SHARDSIM_CHECK(loaded.ok(), "scenarios/bench/ref-1000.json does not load");
  Scenario scenario = *loaded.scenario;
  if (!consumers) scenario.consumers.clear();
  const int64_t seconds = state.range(0);
  const PreparedScenario::Outcome prepared = PreparedScenario::Prepare(scenario, Seconds(seconds));
  SHARDSIM_CHECK(prepared.problems.empty(), "ref-1000 does not prepare");
  uint64_t records = 0;
  for (auto _ : state) {
    ModelGraph graph(*prepared.prepared, 7);
    graph.Run();
    for (const ProducerModel* p : graph.producers()) records += p->Result().records_produced;
  }
  state.SetItemsProcessed(static_cast<int64_t>(records));
  state.counters["s_per_simulated_s"] = benchmark::Counter(
      static_cast<double>(seconds),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_Ref1000WritePath(benchmark::State& state) { RunRef1000(state, false); }
BENCHMARK(BM_Ref1000WritePath)->Arg(5)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

void BM_Ref1000(benchmark::State& state) { RunRef1000(state, true); }
BENCHMARK(BM_Ref1000)->Arg(5)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

}  // namespace
}  // namespace shardsim
