// Shared by the consumer benchmarks: the 100-shard, 100k records/s write load they read, and the
// timed loop that runs a scenario's producer and consumers. Items = simulated records produced;
// key hashing (setup, 10^6 MD5s) is outside the timed loop.
#pragma once

#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "models/consumers/consumers.h"
#include "models/keys/key_space.h"
#include "models/producers/producer.h"
#include "models/stream/stream.h"
#include "models/traffic/arrivals.h"
#include "models/traffic/samplers.h"
#include "sim/simulation.h"

namespace shardsim {

// 100 shards, 100k records/s of 200 B from 20 producer instances (full 500-record PutRecords
// calls, uniform keys over 10^6 devices), no consumers yet.
inline Scenario HundredShardLoad(SimDuration run) {
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
  return s;
}

// Runs `scenario` (one producer, its consumers) once per iteration for its duration.
inline void RunConsumerBench(benchmark::State& state, const Scenario& scenario) {
  const SimDuration run = scenario.duration;
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
    ReadPath reads(scenario, stream, sim, end, {}, {&*keys});
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

}  // namespace shardsim
