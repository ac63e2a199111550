// Shared by the whole-model benchmarks: the 100-shard, 100k records/s write load they run, and the
// timed loop that runs a scenario through ModelGraph (models/run/model_graph.h) once per iteration.
// Items = simulated records produced. Preparing the scenario (rate profile, key hashing: 10^6 MD5s)
// is outside the timed loop, as a planner prepares once for many runs.
#pragma once

#include <benchmark/benchmark.h>

#include "models/consumers/consumers.h"
#include "models/run/model_graph.h"
#include "models/run/prepared.h"
#include "tests/support/scenarios.h"

namespace shardsim {

// 100 shards, 100k records/s of 200 B (Poisson) from `instances` PutRecords producers (100 ms
// linger, 4 calls in flight each) over 10^6 devices keyed by `keys`; no consumers yet.
inline Scenario HundredShardLoad(SimDuration run, int64_t instances, KeySpec keys) {
  Scenario s = support::StreamScenario("bench", 1, 100, run);
  ProducerSpec p = support::FixedSizeProducer("bench", instances, 100'000, 200, 1'000'000);
  p.arrival.process = ArrivalProcess::kPoisson;
  p.keys = keys;
  p.api.type = ApiType::kPutRecords;
  p.api.linger = Millis(100);
  p.api.max_in_flight_calls = 4;
  s.producers.push_back(p);
  return s;
}

inline KeySpec DeviceKeys(KeyDist dist, double zipf_exponent = 1.0) {
  KeySpec k;
  k.dist = dist;
  k.count = 1'000'000;
  k.zipf_exponent = zipf_exponent;
  k.format = "device-{i}";
  return k;
}

// Runs `scenario` (its producers and consumers) once per iteration for its duration, seed 7.
// Reports processed_per_record when the scenario has consumers.
inline void RunModelBench(benchmark::State& state, const Scenario& scenario) {
  const PreparedScenario::Outcome prepared = PreparedScenario::Prepare(scenario, scenario.duration);
  if (!prepared.problems.empty()) {
    state.SkipWithError("setup failed");
    return;
  }
  uint64_t records = 0;
  uint64_t processed = 0;
  for (auto _ : state) {
    ModelGraph graph(*prepared.prepared, 7);
    graph.Run();
    for (const ProducerModel* p : graph.producers()) records += p->Result().records_produced;
    if (graph.reads() != nullptr) {
      for (const ConsumerResult& c : graph.reads()->Results()) processed += c.records_processed;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(records));
  if (!scenario.consumers.empty()) {
    state.counters["processed_per_record"] =
        records > 0 ? static_cast<double>(processed) / static_cast<double>(records) : 0.0;
  }
}

}  // namespace shardsim
