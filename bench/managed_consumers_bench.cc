// BM_ManagedConsumers: the write path plus the two managed consumers -- 100 shards, 100k
// records/s of 200 B (bench/model_bench.h), one Lambda event-source mapping (polling, batch
// 100, parallelization factor 2, 10 ms + 50 us per record, 1% errors with 2 retries, bisection
// and an SQS destination) and one Firehose reading the stream (5 MiB / 60 s buffers, gzip, S3
// write latency). Every record is stored, read by both, batched, invoked or buffered and
// delivered. Items = simulated records produced.
#include "bench/model_bench.h"

namespace shardsim {
namespace {

void BM_ManagedConsumers(benchmark::State& state) {
  // 10^6 records per iteration.
  Scenario s = HundredShardLoad(Seconds(10), 20, DeviceKeys(KeyDist::kUniform));
  ConsumerSpec lambda = support::LambdaConsumer("lambda", Millis(10));
  lambda.lambda.batch_size = 100;
  lambda.lambda.parallelization_factor = 2;
  lambda.lambda.function.duration.per_record = Micros(50);
  lambda.lambda.function.error_rate = 0.01;
  lambda.lambda.maximum_retry_attempts = 2;
  lambda.lambda.bisect_batch_on_function_error = true;
  lambda.lambda.on_failure_destination = OnFailureDestination::kSqs;
  s.consumers.push_back(lambda);
  ConsumerSpec firehose = support::Consumer("firehose", ConsumerType::kFirehose);
  firehose.firehose.buffering.size_bytes = 5 * kMiB;
  firehose.firehose.buffering.interval = Seconds(60);
  firehose.firehose.compression.codec = CompressionCodec::kGzip;
  firehose.firehose.compression.ratio = 0.3;
  s.consumers.push_back(firehose);
  RunModelBench(state, s);
}
BENCHMARK(BM_ManagedConsumers)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

}  // namespace
}  // namespace shardsim
