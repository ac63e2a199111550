// BM_WritePath: the whole write path -- producer arrivals, Zipf(0.7) keys over 10^6 keys,
// PutRecords batching, exact per-record shard admission, retries -- at 100 shards and 100k
// records/s (the average shard runs at its 1,000 records/s limit, so hot shards throttle and
// retry: the benchmark includes that work).
// Items = simulated records produced. Key hashing (setup, 10^6 MD5s) is outside the timed loop.
#include <benchmark/benchmark.h>

#include <memory>

#include "models/keys/key_space.h"
#include "models/producers/producer.h"
#include "models/stream/stream.h"
#include "models/traffic/arrivals.h"
#include "models/traffic/samplers.h"
#include "sim/simulation.h"

namespace shardsim {
namespace {

ProducerSpec WritePathProducer() {
  ProducerSpec p;
  p.name = "bench";
  p.instances = 100;
  p.records_per_sec = 100'000;
  p.arrival.process = ArrivalProcess::kPoisson;
  p.record_size.dist = SizeDist::kFixed;
  p.record_size.size_bytes = 200;
  p.keys.dist = KeyDist::kZipf;
  p.keys.count = 1'000'000;
  p.keys.zipf_exponent = 0.7;
  p.keys.format = "device-{i}";
  p.api.type = ApiType::kPutRecords;
  p.api.linger = Millis(100);
  p.api.max_in_flight_calls = 4;
  return p;
}

void BM_WritePath(benchmark::State& state) {
  const SimDuration run = Seconds(10);  // 10^6 records per iteration
  StreamSpec stream_spec;
  stream_spec.shards = 100;
  const ProducerSpec spec = WritePathProducer();
  auto profile = RateProfile::FromSpec(spec, run);
  std::string error;
  Stream probe(stream_spec, Seconds(1));
  auto keys = KeySpace::Create(spec.keys, probe.shard_map(), &error);
  if (!profile.ok() || !keys.has_value()) {
    state.SkipWithError("setup failed");
    return;
  }
  uint64_t records = 0;
  for (auto _ : state) {
    Stream stream(stream_spec, Seconds(1));
    Simulation sim({.seed = 7});
    auto& group = sim.Emplace<ProducerGroup>(spec, *profile.value, *keys,
                                             *SizeSampler::FromSpec(spec.record_size).value, stream,
                                             SimTime::Zero() + run);
    sim.RunUntil(SimTime::Zero() + run);
    sim.Finish();
    stream.Finish(SimTime::Zero() + run);
    records += group.Result().records_produced;
  }
  state.SetItemsProcessed(static_cast<int64_t>(records));
}
BENCHMARK(BM_WritePath)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

}  // namespace
}  // namespace shardsim
