// BM_ReadPath: the write path plus its readers -- 100 shards, 100k records/s of 200 B from 20
// producer instances (full 500-record PutRecords calls, uniform keys), one KCL application (4
// workers, default 1.5 s idle time, per-batch and per-record processing, checkpoints every 10 s)
// and one enhanced fan-out consumer (70 ms push, per-batch processing). Every record is stored in
// its shard's log, read twice with latency, propagation and iterator-age statistics, and released.
// Items = simulated records produced. Key hashing (setup, 10^6 MD5s) is outside the timed loop.
// Enhanced fan-out pushes each producer call's records to each shard it touched: 500-record calls
// over 100 shards make ~0.2 pushes per record; 100-record calls (100 instances) ~0.6, which costs
// about a third more time per record.
#include <benchmark/benchmark.h>

#include <memory>

#include "models/arrivals.h"
#include "models/consumers.h"
#include "models/key_space.h"
#include "models/producer.h"
#include "models/samplers.h"
#include "models/stream.h"
#include "sim/simulation.h"

namespace shardsim {
namespace {

Scenario ReadPathScenario(SimDuration run) {
  Scenario s;
  s.name = "bench";
  s.duration = run;
  s.stream.shards = 100;
  ProducerSpec p;
  p.name = "bench";
  p.instances = 20;
  p.records_per_sec = 100'000;
  p.arrival.process = ArrivalProcess::kPoisson;
  p.record_size.dist = SizeDist::kFixed;
  p.record_size.size_bytes = 200;
  p.keys.dist = KeyDist::kUniform;
  p.keys.count = 1'000'000;
  p.keys.format = "device-{i}";
  p.api.type = ApiType::kPutRecords;
  p.api.linger = Millis(100);
  p.api.max_in_flight_calls = 4;
  s.producers.push_back(p);
  ConsumerSpec kcl;
  kcl.name = "kcl-app";
  kcl.type = ConsumerType::kKcl;
  kcl.kcl.workers = 4;
  kcl.kcl.checkpoint.every = Seconds(10);
  kcl.processing.per_batch = Millis(2);
  kcl.processing.per_record = Micros(20);
  s.consumers.push_back(kcl);
  ConsumerSpec efo;
  efo.name = "efo-app";
  efo.type = ConsumerType::kEfo;
  efo.processing.per_batch = Millis(1);
  efo.processing.per_record = Micros(10);
  s.consumers.push_back(efo);
  return s;
}

void BM_ReadPath(benchmark::State& state) {
  const SimDuration run = Seconds(10);  // 10^6 records per iteration
  const Scenario scenario = ReadPathScenario(run);
  const ProducerSpec& spec = scenario.producers[0];
  auto profile = RateProfile::FromSpec(spec, run);
  std::string error;
  Stream probe(scenario.stream, Seconds(1));
  auto keys = KeySpace::Create(spec.keys, probe.shard_map(), &error);
  if (!profile.ok() || !keys.has_value()) {
    state.SkipWithError("setup failed");
    return;
  }
  uint64_t records = 0;
  uint64_t processed = 0;
  for (auto _ : state) {
    const SimTime end = SimTime::Zero() + run;
    Stream stream(scenario.stream, Seconds(1));
    Simulation sim({.seed = 7});
    auto& group = sim.Emplace<ProducerGroup>(
        spec, *profile.value, *keys, *SizeSampler::FromSpec(spec.record_size).value, stream, end);
    ReadPath reads(scenario, stream, sim, end);
    sim.RunUntil(end);
    sim.Finish();
    stream.Finish(end);
    records += group.Result().records_produced;
    for (const ConsumerResult& c : reads.Results()) processed += c.records_processed;
  }
  state.SetItemsProcessed(static_cast<int64_t>(records));
  state.counters["processed_per_record"] =
      records > 0 ? static_cast<double>(processed) / static_cast<double>(records) : 0.0;
}
BENCHMARK(BM_ReadPath)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

}  // namespace
}  // namespace shardsim
