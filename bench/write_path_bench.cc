// BM_WritePath: the whole write path -- producer arrivals, Zipf(0.7) keys over 10^6 keys,
// PutRecords batching, exact per-record shard admission, retries -- at 100 shards and 100k
// records/s from 100 producer instances (the average shard runs at its 1,000 records/s limit, so
// hot shards throttle and retry: the benchmark includes that work).
// Items = simulated records produced. Key hashing (setup, 10^6 MD5s) is outside the timed loop.
#include "bench/model_bench.h"

namespace shardsim {
namespace {

void BM_WritePath(benchmark::State& state) {
  // 10^6 records per iteration.
  RunModelBench(state, HundredShardLoad(Seconds(10), 100, DeviceKeys(KeyDist::kZipf, 0.7)));
}
BENCHMARK(BM_WritePath)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

}  // namespace
}  // namespace shardsim
