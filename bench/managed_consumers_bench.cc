// BM_ManagedConsumers: the write path plus the two managed consumers -- 100 shards, 100k
// records/s of 200 B from 20 producer instances (full 500-record PutRecords calls, uniform keys),
// one Lambda event-source mapping (polling, batch 100, parallelization factor 2, 10 ms + 50 us
// per record, 1% errors with 2 retries, bisection and an SQS destination) and one Firehose
// reading the stream (5 MiB / 60 s buffers, gzip, S3 write latency). Every record is stored,
// read by both, batched, invoked or buffered and delivered. Items = simulated records produced.
// Key hashing (setup, 10^6 MD5s) is outside the timed loop.
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

Scenario ManagedScenario(SimDuration run) {
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
  ConsumerSpec lambda;
  lambda.name = "lambda";
  lambda.type = ConsumerType::kLambda;
  lambda.lambda.batch_size = 100;
  lambda.lambda.parallelization_factor = 2;
  lambda.lambda.function.duration.per_batch = Millis(10);
  lambda.lambda.function.duration.per_record = Micros(50);
  lambda.lambda.function.error_rate = 0.01;
  lambda.lambda.maximum_retry_attempts = 2;
  lambda.lambda.bisect_batch_on_function_error = true;
  lambda.lambda.on_failure_destination = OnFailureDestination::kSqs;
  s.consumers.push_back(lambda);
  ConsumerSpec firehose;
  firehose.name = "firehose";
  firehose.type = ConsumerType::kFirehose;
  firehose.firehose.buffering.size_bytes = 5 * kMiB;
  firehose.firehose.buffering.interval = Seconds(60);
  firehose.firehose.compression.codec = CompressionCodec::kGzip;
  firehose.firehose.compression.ratio = 0.3;
  s.consumers.push_back(firehose);
  return s;
}

void BM_ManagedConsumers(benchmark::State& state) {
  const SimDuration run = Seconds(10);  // 10^6 records per iteration
  const Scenario scenario = ManagedScenario(run);
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
BENCHMARK(BM_ManagedConsumers)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

}  // namespace
}  // namespace shardsim
