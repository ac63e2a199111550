// BM_ReadPath: the write path plus its readers -- 100 shards, 100k records/s of 200 B from 20
// producer instances (full 500-record PutRecords calls, uniform keys), one KCL application (4
// workers, default 1.5 s idle time, per-batch and per-record processing, checkpoints every 10 s)
// and one enhanced fan-out consumer (70 ms push, per-batch processing). Every record is stored in
// its shard's log, read twice with latency, propagation and iterator-age statistics, and released.
// Items = simulated records produced. Key hashing (setup, 10^6 MD5s) is outside the timed loop.
// Enhanced fan-out pushes each producer call's records to each shard it touched: 500-record calls
// over 100 shards make ~0.2 pushes per record; 100-record calls (100 instances) ~0.6, which costs
// about a third more time per record.
#include "bench/model_bench.h"

namespace shardsim {
namespace {

void BM_ReadPath(benchmark::State& state) {
  // 10^6 records per iteration.
  Scenario s = HundredShardLoad(Seconds(10), 20, DeviceKeys(KeyDist::kUniform));
  ConsumerSpec kcl = support::KclConsumer("kcl-app", 4);
  kcl.kcl.checkpoint.every = Seconds(10);
  kcl.processing.per_batch = Millis(2);
  kcl.processing.per_record = Micros(20);
  s.consumers.push_back(kcl);
  ConsumerSpec efo = support::EfoConsumer("efo-app");
  efo.processing.per_batch = Millis(1);
  efo.processing.per_record = Micros(10);
  s.consumers.push_back(efo);
  RunModelBench(state, s);
}
BENCHMARK(BM_ReadPath)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

}  // namespace
}  // namespace shardsim
