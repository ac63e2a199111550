// What a consumer can process per shard, from its settings and the run's measurements: a Lambda
// mapping's throughput formula with its binding term, and the fewest shards each consumer needs
// (so a sizing finding never suggests fewer). Internal to analysis/. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "models/result/run_result.h"
#include "models/spec/scenario.h"

namespace shardsim {

// Fact sheet 6: a mapping's ParallelizationFactor is 1..10 and its BatchSize at most 10,000.
inline constexpr int64_t kMaxParallelizationFactor = 10;
inline constexpr int64_t kMaxBatchSize = 10'000;

// Fact sheet 6: each of a shard's parallelization_factor slots runs one batch at a time, so a
// shard completes PF x batch / duration(batch) records/s, with duration(batch) = per_batch +
// batch x (per_record + record MiB x per_mib) (times the lognormal factor's mean). A backlogged
// shard's batches are full; a batching window only holds a batch that is not full yet, so it adds
// latency but never caps a backlogged shard's throughput.
struct LambdaThroughput {
  double batch_records = 0;   // records per batch
  double duration_ms = 0;     // mean duration of such a batch
  double per_batch_ms = 0;    // of it, the fixed part of an invocation
  double per_records_ms = 0;  // of it, the part that grows with the batch
  int64_t parallelization_factor = 1;

  double SlotRecordsPerS() const;
  double ShardRecordsPerS() const;
  // Mean duration of one record's share of a batch (per record and per MiB), in ms.
  double PerRecordMs() const;
  // What a shard would complete with batches as large as they can be: PF / per-record time.
  double ShardLimitAnyBatchRecordsPerS() const;
  // The fixed per-invocation part is at least half of a batch's duration: larger batches help.
  bool PerBatchBinds() const { return per_batch_ms >= per_records_ms; }
  // Batch size that gives `records_per_s` per shard at this parallelization factor, or 0 when no
  // batch size can (per-record time alone is too slow).
  double BatchSizeFor(double records_per_s) const;
  // Parallelization factor that gives `records_per_s` per shard with these batches (may be > 10).
  int64_t ParallelizationFor(double records_per_s) const;
};

// Mean bytes per Kinesis record the stream stored (0 without records).
double MeanRecordBytes(const RunResult& r);

// The largest batch a mapping invokes: batch_size, or fewer when the 6 MB payload (records as
// base64 plus an envelope, as the model counts them) fills first.
double FullBatchRecords(const LambdaSpec& l, double record_bytes);

// Throughput of full batches from the function's settings.
LambdaThroughput LambdaAtFullBatches(const LambdaSpec& l, double record_bytes);

// Throughput of the batches the run invoked (mean batch, mean measured duration), split into the
// per-batch and per-record parts in the proportion the function's settings give.
LambdaThroughput LambdaAsMeasured(const LambdaSpec& l, const LambdaResult& r, double record_bytes);

// What raises a mapping's per-shard throughput to `needed_per_s`: a sentence naming the binding
// term of `t` (per-invocation overhead or per-record time), then the levers that move it and that
// the settings leave room for: parallelization_factor below 10, batch_size only when the overhead
// binds and batches are full, shards when neither reaches it, a faster function always.
// `stream_arrivals_per_s` sizes the shards.
std::string LambdaThroughputLevers(const LambdaSpec& l, const LambdaThroughput& t,
                                   double needed_per_s, double stream_arrivals_per_s,
                                   bool batches_full);

// The fewest shards one consumer needs to keep up with `records_per_s` and `bytes_per_s` at
// `target` utilisation of what it can do per shard, and why. 0 when nothing limits it per shard.
struct ShardFloor {
  int64_t shards = 0;
  std::string reason;  // "enricher: a shard's invocations complete about 455 records/s (...)"
};
// `polling_applications`: readers sharing each shard's 2 MiB/s of GetRecords throughput.
ShardFloor ConsumerShardFloor(const ConsumerSpec& c, const ReadLimitsSpec& limits,
                              int polling_applications, double records_per_s, double bytes_per_s,
                              double record_bytes, double target);

// The fewest shards the scenario's consumers need to keep up with the run's busiest second at
// `target` utilisation, and which consumer needs them (its reason); 0 without consumers that are
// limited per shard. Advice to run fewer shards (over_provisioned, cold_shards) never goes below.
ShardFloor ConsumersShardFloor(const Scenario& scenario, const RunResult& r, double target);

}  // namespace shardsim
