// Scenario spec: plain structs that the loader (models/spec/loader/scenario_loader.h) fills from a
// scenario JSON file, with every default applied and every range and cross-field rule checked by
// Validate (models/spec/validate.h), so models can trust them. Fields not used by the selected
// variant (e.g. zipf_exponent with dist uniform) keep their defaults. Units are in the names; AWS
// defaults cite reference/aws-streaming-facts.md. Value types with field-wise ==,
// thread-compatible. The format is documented in scenarios/scenario.schema.json and
// scenarios/FORMAT.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/time.h"

namespace shardsim {

inline constexpr int64_t kKiB = int64_t{1} << 10;
inline constexpr int64_t kMiB = int64_t{1} << 20;
// The format's limits that data files (size distributions, arrival traces) must keep too, as the
// JSON fields do: the largest record Kinesis accepts (fact sheet 1: MaxRecordSizeInKiB up to
// 10 MiB) and the largest record rate of a producer group.
inline constexpr int64_t kLargestRecordBytes = 10 * kMiB;
inline constexpr double kLargestGroupRecordsPerSec = 1e8;

// ---------------------------------------------------------------- distributions

enum class LatencyDist { kFixed, kUniform, kExponential, kLognormal };

// A random duration: call latencies, propagation delays, destination writes.
struct LatencySpec {
  LatencyDist dist = LatencyDist::kFixed;
  SimDuration value;        // fixed
  SimDuration min, max;     // uniform over [min, max]; min <= max
  SimDuration mean;         // exponential; > 0
  SimDuration median, p99;  // lognormal; 0 < median < p99

  static LatencySpec Fixed(SimDuration v) {
    LatencySpec s;
    s.value = v;
    return s;
  }
  static LatencySpec Lognormal(SimDuration median_v, SimDuration p99_v) {
    LatencySpec s;
    s.dist = LatencyDist::kLognormal;
    s.median = median_v;
    s.p99 = p99_v;
    return s;
  }

  bool operator==(const LatencySpec&) const = default;
};

enum class SizeDist { kFixed, kUniform, kLognormal, kEmpirical };

// Size of a record's data blob in bytes (the partition key is extra and also counts toward the
// stream's limits; fact sheet section 1).
struct SizeSpec {
  SizeDist dist = SizeDist::kFixed;
  int64_t size_bytes = 0;    // fixed
  int64_t min_bytes = 0;     // uniform: inclusive lower bound
  int64_t max_bytes = 0;     // uniform: inclusive upper bound; lognormal: cap, 0 = none
  int64_t median_bytes = 0;  // lognormal; 0 < median < p99
  int64_t p99_bytes = 0;     // lognormal
  std::string file;          // empirical: CSV "size,weight" (sizes in bytes), resolved path

  bool operator==(const SizeSpec&) const = default;
};

// Processing time of one batch: per_batch + records * per_record + MiB * per_mib, then (for
// lognormal) multiplied by a lognormal factor with median 1 and 99th percentile p99_factor.
enum class ProcessingDist { kFixed, kLognormal };
struct ProcessingSpec {
  SimDuration per_batch;   // default 0s
  SimDuration per_record;  // default 0s
  SimDuration per_mib;     // per 2^20 bytes of record data, default 0s
  ProcessingDist distribution = ProcessingDist::kFixed;
  double p99_factor = 3.0;  // lognormal only; > 1

  bool operator==(const ProcessingSpec&) const = default;
};

// ---------------------------------------------------------------- producers

enum class ArrivalProcess { kConstant, kPoisson, kDiurnal, kSteps, kBursts, kTrace };
enum class TraceResolution { kSecond, kMinute };

struct RateStep {
  SimDuration at;              // from this time on (strictly increasing, < run duration)
  double records_per_sec = 0;  // the group's total rate

  bool operator==(const RateStep&) const = default;
};

// When records are created. Profiles other than constant are non-homogeneous Poisson processes
// whose rate follows the profile.
struct ArrivalSpec {
  ArrivalProcess process = ArrivalProcess::kPoisson;
  // diurnal: rate(t) = rate * (1 + (peak_factor - 1) * cos(2*pi*(hour(t) - peak_hour) / period)),
  // hour(t) = start_hour + t in hours; the mean over a period is `rate`.
  double peak_factor = 1.5;  // peak / mean, in [1, 2]
  double peak_hour = 14.0;   // [0, 24)
  double start_hour = 0.0;   // wall-clock hour at t = 0, [0, 24)
  SimDuration period = Hours(24);
  std::vector<RateStep> steps;       // steps: `rate` applies before the first step
  SimDuration burst_on;              // bursts: on phase first, at burst_records_per_sec
  SimDuration burst_off;             // bursts: off phase at `rate`
  double burst_records_per_sec = 0;  // bursts
  std::string trace_file;            // trace: CSV with a `records` column, resolved path
  TraceResolution trace_resolution = TraceResolution::kSecond;
  bool trace_loop = false;  // trace: replay from the start when the trace ends

  bool operator==(const ArrivalSpec&) const = default;
};

// Longest partition key in Unicode characters (fact sheet 1). keys/hash_key.h has the same limit.
inline constexpr int64_t kPartitionKeyMaxChars = 256;

enum class KeyDist { kUniform, kZipf, kHotKey, kWeighted, kRandom, kExplicitHashKey };
// Random keys are UUID-like, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
inline constexpr int64_t kRandomKeyBytes = 36;

struct WeightedKey {
  std::string key;  // 1..256 characters
  double weight = 0;

  bool operator==(const WeightedKey&) const = default;
};

struct WeightedHashKey {
  std::string hash_key;  // decimal in [0, 2^128 - 1]: kept as text for the 128-bit routing code
  double weight = 0;

  bool operator==(const WeightedHashKey&) const = default;
};

// Partition keys. Key i of the key space is `format` with "{i}" replaced by i (0-based).
struct KeySpec {
  KeyDist dist = KeyDist::kUniform;
  int64_t count = 10'000;                  // key-space size, 1..10^8 (uniform, zipf, hot_key, EHK)
  std::string format = "key-{i}";          // (uniform, zipf, hot_key, explicit_hash_key)
  double zipf_exponent = 1.0;              // zipf: P(key i) ~ 1 / (i + 1)^exponent; > 0
  double hot_share = 0.0;                  // hot_key: share of records that use hot_key, (0, 1]
  std::string hot_key;                     // hot_key: the hot key; loader fills format with i = 0
  std::vector<WeightedKey> weighted_keys;  // weighted: non-empty, weights sum > 0
  // explicit_hash_key: records carry an ExplicitHashKey drawn from these (empty = uniform over
  // [0, 2^128)); partition keys still come from count/format (they count toward the size limit).
  std::vector<WeightedHashKey> hash_keys;

  bool operator==(const KeySpec&) const = default;
};

enum class ApiType { kPutRecord, kPutRecords, kKpl };

struct ApiSpec {
  ApiType type = ApiType::kPutRecords;
  // PutRecords: a batch is sent when it is full or `linger` after its first record.
  int64_t max_batch_records = 500;     // 1..500 (API limit)
  int64_t max_batch_bytes = 5 * kMiB;  // request limit incl. partition keys: 5 MiB
  SimDuration linger = Millis(50);
  // KPL (fact sheet section 8, default_config.properties).
  bool aggregation = true;
  int64_t aggregation_max_size_bytes = 51'200;
  int64_t aggregation_max_count = 4'294'967'295;
  int64_t collection_max_count = 500;
  int64_t collection_max_size_bytes = 5 * kMiB;
  SimDuration record_max_buffered_time = Millis(100);
  int64_t rate_limit_percent = 150;  // of the shard limit, per instance
  SimDuration record_ttl = Seconds(30);
  int64_t max_connections = 24;
  bool fail_if_throttled = false;
  // All types. The default latency is UNCONFIRMED (no AWS figure): lognormal 20ms / p99 100ms.
  LatencySpec call_latency = LatencySpec::Lognormal(Millis(20), Millis(100));
  int64_t max_in_flight_calls = 1;  // per instance; PutRecord and PutRecords only

  bool operator==(const ApiSpec&) const = default;
};

enum class Jitter { kNone, kFull, kEqual, kDecorrelated };

// SDK-style retries of throttled or failed records (PutRecord, PutRecords; not KPL).
struct RetrySpec {
  int64_t max_attempts = 4;  // first attempt included: the SDK's 3 retries (fact sheet 2)
  SimDuration base_delay = Millis(100);
  double multiplier = 2.0;
  SimDuration max_delay = Seconds(20);
  Jitter jitter = Jitter::kFull;
  std::optional<SimDuration> record_ttl;  // give up on a record this long after its creation
  // A call slower than this is abandoned and retried although the shard may have stored the
  // records: the source of producer-side duplicates.
  SimDuration call_timeout = Seconds(30);

  bool operator==(const RetrySpec&) const = default;
};

// What a scenario's "target" says to write to the stream (ProducerSpec::target holds "").
inline constexpr std::string_view kStreamTarget = "stream";

// How the instances of a group begin at t = 0. Real processes start at unrelated times, so their
// batching cycles (linger, RecordMaxBufferedTime, full batches) are out of phase: kRandom gives
// each instance's first batch a random fraction of a full one, as if it had been running before
// t = 0. kAligned starts every instance with an empty batch at t = 0: they flush in lock-step (a
// synchronised fleet restart).
enum class StartPhase { kRandom, kAligned };

struct ProducerSpec {
  std::string name;       // unique among producers
  int64_t instances = 1;  // producer processes sharing the load; 1..10^6
  StartPhase start_phase = StartPhase::kRandom;
  double records_per_sec = 0;  // the group's total; 0 with arrival trace (the trace has it)
  ArrivalSpec arrival;
  SizeSpec record_size;
  KeySpec keys;
  ApiSpec api;
  RetrySpec retry;
  std::string target;  // empty: the stream; else the name of a direct_put firehose consumer

  bool operator==(const ProducerSpec&) const = default;
};

// ---------------------------------------------------------------- stream

enum class StreamMode { kProvisioned, kOnDemand };
enum class WriteAdmission { kWindow, kTokenBucket };

struct WriteLimitsSpec {
  int64_t bytes_per_sec = kMiB;     // per shard, data + partition keys
  int64_t records_per_sec = 1'000;  // per shard
  // Which algorithm AWS uses is UNCONFIRMED (fact sheet 1): a fixed 1-second window, or a token
  // bucket refilled at the limits holding bucket_depth_sec seconds of capacity.
  WriteAdmission admission = WriteAdmission::kWindow;
  double bucket_depth_sec = 1.0;
  // Records larger than bytes_per_sec (max_record_size up to 10 MiB) are served from burst
  // capacity, a per-shard bucket refilled at bytes_per_sec that every stored byte draws on
  // (fact sheet 1, large-records.html: "a tank that refills at a steady rate", bursts to about
  // 10 MiB). Its size is UNCONFIRMED; used only when max_record_size > bytes_per_sec.
  int64_t burst_bytes = 10 * kMiB;

  bool operator==(const WriteLimitsSpec&) const = default;
};

struct ReadLimitsSpec {
  int64_t get_records_per_sec = 5;   // per shard, shared by all polling consumers
  int64_t bytes_per_sec = 2 * kMiB;  // per shard, shared by all polling consumers
  int64_t max_records_per_call = 10'000;
  int64_t max_bytes_per_call = 10 * kMiB;
  SimDuration penalty = Seconds(5);  // calls after a 10 MiB response are throttled this long

  bool operator==(const ReadLimitsSpec&) const = default;
};

enum class ReshardAction { kSplit, kMerge, kUpdateShardCount, kUpdateStreamMode };
// What an operation does when it comes while the stream is UPDATING with another: Kinesis refuses
// it (ResourceInUseException); `wait` calls it again as soon as the stream is ACTIVE.
enum class IfUpdating { kRefuse, kWait };

// One SplitShard, MergeShards, UpdateShardCount (UNIFORM_SCALING) or UpdateStreamMode call on the
// stream's timeline (fact sheets 3, 5); also an operation of `shardsim shards --ops` (no time, no
// UpdateStreamMode). Whether Kinesis
// accepts it is decided when it is called, against the shards open then (models/stream/
// resharding.h); a refused call is reported, not an input error.
struct ReshardSpec {
  SimDuration at;  // when it is called; < run duration; operations in time order
  ReshardAction action = ReshardAction::kSplit;
  int64_t shard = -1;  // split, merge: index n of shardId-n (ShardToSplit / ShardToMerge)
  // split: NewStartingHashKey, decimal; "even" = (StartingHashKey + EndingHashKey) / 2 rounded
  // down, the "average" the AWS docs suggest, of the shard's range when the call is made.
  std::string new_starting_hash_key;
  int64_t adjacent_shard = -1;                 // merge: AdjacentShardToMerge
  int64_t target_shards = 0;                   // update_shard_count: TargetShardCount
  StreamMode mode = StreamMode::kProvisioned;  // update_stream_mode: StreamModeDetails
  // How long the stream stays UPDATING; the shards change at its end (an UpdateShardCount's
  // splits and merges spread over it; an UpdateStreamMode's new mode starts there). UNCONFIRMED:
  // AWS says "a few minutes" (fact sheet 3, 10) and gives no figure for a mode switch (5).
  SimDuration duration = Seconds(30);
  IfUpdating if_updating = IfUpdating::kRefuse;

  bool operator==(const ReshardSpec&) const = default;
};

// The limits Kinesis checks resharding calls against (fact sheet 3), configurable because AWS has
// changed them over the years and raises them on request.
struct ReshardLimitsSpec {
  int64_t update_shard_count_per_24h = 10;  // accepted calls per rolling 24 h per stream
  int64_t mode_switches_per_24h = 2;        // accepted UpdateStreamMode calls per rolling 24 h (5)
  int64_t max_shards = 10'000;              // UpdateShardCount: target and open shards per stream
  // Open shards of the account (this stream is taken as its only one); split children and an
  // UpdateShardCount's intermediate shards count. 20,000 in us-east-1, us-west-2 and eu-west-1
  // (KDS-Quotas-current); other regions have less (UNCONFIRMED which).
  int64_t account_shard_quota = 20'000;

  bool operator==(const ReshardLimitsSpec&) const = default;
};

// What an autoscaling policy watches: the stream's (or, for split_merge, each shard's) CloudWatch
// metric of fact sheet 10, summed over the period (iterator age: its maximum).
enum class ScalingMetric {
  kIncomingBytes,          // IncomingBytes, as a fraction of the open shards' write capacity
  kIncomingRecords,        // IncomingRecords, likewise
  kWriteThrottledRecords,  // WriteProvisionedThroughputExceeded, records per period
  kIteratorAge,            // GetRecords.IteratorAgeMilliseconds, maximum over the period (ms)
};
// How the policy acts (README "Autoscaling"): target tracking and step rules call
// UpdateShardCount; split_merge splits the hottest shard or merges the coldest adjacent pair.
enum class ScalingPolicy { kTargetTracking, kStep, kSplitMerge };
enum class ScalingComparison { kAbove, kBelow };

// One step rule: when the metric is above (below) `threshold` in datapoints_to_alarm of the
// evaluation periods, change the open shards by `change` or multiply them by `factor`.
struct ScalingStepSpec {
  ScalingComparison when = ScalingComparison::kAbove;
  // incoming_bytes / incoming_records: utilisation of the open shards (0.9 = 90 %);
  // write_throttled_records: records per period; iterator_age: milliseconds.
  double threshold = 0;
  int64_t change = 0;  // shards to add (negative: remove); 0 with factor set
  double factor = 0;   // > 0: multiply the open shards (rounded away from the current count)

  bool operator==(const ScalingStepSpec&) const = default;
};

// Autoscaling of a provisioned stream as the car-telemetry design does it: a CloudWatch alarm on
// a one-minute metric invokes a Lambda function that reshards. The delays are UNCONFIRMED (AWS
// publishes none), hence configurable and listed in the result's assumptions.
struct AutoscalingSpec {
  bool enabled = false;
  ScalingPolicy policy = ScalingPolicy::kTargetTracking;
  ScalingMetric metric = ScalingMetric::kIncomingBytes;
  // target_tracking: target = ceil(metric / (target_utilization x one shard's capacity));
  // split_merge: a shard above it is split.
  double target_utilization = 0.7;     // metric / capacity, (0, 1]
  SimDuration period = Minutes(1);     // metric period, whole minutes
  int64_t evaluation_periods = 3;      // N: the alarm looks at the last N periods
  int64_t datapoints_to_alarm = 0;     // M of N breaching to fire; 0: all N
  SimDuration cooldown = Minutes(15);  // after an action completed (or was refused)
  int64_t min_shards = 1;
  int64_t max_shards = 10'000;
  SimDuration action_delay = Minutes(1);       // Lambda decision to the resharding call
  SimDuration publication_delay = Minutes(1);  // CloudWatch: minute end to readable
  SimDuration invocation_delay = Seconds(0);   // alarm to the Lambda function running
  SimDuration reshard_duration = Seconds(30);  // the call's UPDATING time (as operations')
  // target_tracking: also scale in when fewer shards hold the metric at the target; split_merge:
  // also merge cold pairs; step: ignored (step rules say it).
  bool scale_in = true;
  double merge_utilization = 0.35;     // split_merge: merge a pair below this of one shard
  std::vector<ScalingStepSpec> steps;  // step only, first matching rule acts

  bool operator==(const AutoscalingSpec&) const = default;
};

// On-demand capacity mode (fact sheet 5), simulated on the shard lifecycle: the stream starts
// with stream.shards (4: 4 MB/s, 4,000 records/s), every shard keeps the per-shard write limits,
// and the service splits a shard evenly once a minute's incoming traffic is above a threshold.
struct OnDemandSpec {
  // A shard whose incoming traffic over a minute averages above either threshold is split
  // (fact sheet 5: 500 KB/s; the records figure, 500 records/s, is UNCONFIRMED).
  double split_threshold_bytes_per_sec = 500'000;
  double split_threshold_records_per_sec = 500;
  SimDuration split_delay = Minutes(15);  // detection to split taking effect ("within 15 minutes")
  // The stream's write maximum: splits stop at floor(max / per-shard bytes limit) open shards
  // (fact sheet 5: 200 MB/s by default, 10 GB/s in us-east-1, us-west-2, eu-west-1).
  double max_write_bytes_per_sec = 200'000'000;
  // Scale-down is UNCONFIRMED (a secondary source: "gradual, over a 24-hour period"): when on, two
  // adjacent shards whose combined traffic stays below the merge thresholds for merge_after are
  // merged (split_delay after the decision). Off by default.
  bool scale_down = false;
  double merge_threshold_bytes_per_sec = 250'000;
  double merge_threshold_records_per_sec = 250;
  SimDuration merge_after = Hours(24);

  bool operator==(const OnDemandSpec&) const = default;
};

struct StreamSpec {
  std::string name = "stream";
  StreamMode mode = StreamMode::kProvisioned;
  int64_t shards = 4;                    // initial open shards; required when provisioned
  SimDuration retention = Hours(24);     // 24h..8760h
  int64_t max_record_size_bytes = kMiB;  // data + partition key; 1 MiB..10 MiB, whole KiB
  WriteLimitsSpec write_limits;
  ReadLimitsSpec read_limits;
  // Put to visible for polling consumers. Absent: the stream model's default (fact sheet 2:
  // about 200 ms average with one polling consumer, about 1,000 ms with five).
  std::optional<LatencySpec> propagation_delay;
  int64_t max_efo_consumers = 20;
  // In time order. On a stream that starts on_demand, a resharding call must come after an
  // update_stream_mode to provisioned (else Kinesis could never accept it).
  std::vector<ReshardSpec> operations;
  ReshardLimitsSpec reshard_limits;
  AutoscalingSpec autoscaling;       // provisioned only (its calls are refused while on-demand)
  OnDemandSpec on_demand;            // while the stream is on-demand (from the start or a switch)
  bool enhanced_monitoring = false;  // shard-level CloudWatch metrics (billed)

  bool operator==(const StreamSpec&) const = default;
};

// ---------------------------------------------------------------- consumers

enum class ConsumerType { kPolling, kKcl, kEfo, kLambda, kFirehose };
enum class StartingPositionType { kLatest, kTrimHorizon, kAtTimestamp };

struct StartingPosition {
  StartingPositionType type = StartingPositionType::kLatest;
  SimDuration timestamp;  // AT_TIMESTAMP: simulated time offset

  bool operator==(const StartingPosition&) const = default;
};

struct OutageSpec {  // the consumer reads and processes nothing in [from, to)
  SimDuration from;
  SimDuration to;

  bool operator==(const OutageSpec&) const = default;
};

struct PollingSpec {  // a plain GetRecords loop, one reader per shard
  SimDuration poll_interval = Seconds(1);
  int64_t max_records = 10'000;  // GetRecords Limit, 1..10000
  LatencySpec call_latency = LatencySpec::Lognormal(Millis(20), Millis(100));  // UNCONFIRMED

  bool operator==(const PollingSpec&) const = default;
};

// Checkpoint after every_records records or every `every`, whichever first; both unset (0) =
// after every processed batch.
struct CheckpointSpec {
  int64_t every_records = 0;
  SimDuration every;

  bool operator==(const CheckpointSpec&) const = default;
};

struct WorkerFailure {  // the worker stops for good; its leases expire after failover_time
  int64_t worker = 0;   // 0-based, < workers
  SimDuration at;

  bool operator==(const WorkerFailure&) const = default;
};

struct KclSpec {  // KCL 2.x/3.x with polling retrieval (fact sheet 2)
  int64_t workers = 1;
  int64_t max_leases_per_worker = 2'147'483'647;       // KCL default Integer.MAX_VALUE
  SimDuration idle_time_between_reads = Millis(1500);  // >= 200ms (KCL 2.5.4+)
  int64_t max_records = 10'000;
  CheckpointSpec checkpoint;
  SimDuration failover_time = Seconds(10);
  std::vector<WorkerFailure> worker_failures;
  LatencySpec call_latency = LatencySpec::Lognormal(Millis(20), Millis(100));  // UNCONFIRMED

  bool operator==(const KclSpec&) const = default;
};

struct EfoSpec {  // SubscribeToShard, 2 MiB/s per shard for this consumer
  // Fact sheet 2 gives only the ~70 ms average; its distribution is UNCONFIRMED.
  LatencySpec propagation_delay = LatencySpec::Fixed(Millis(70));
  SimDuration subscription_lifetime = Minutes(5);

  bool operator==(const EfoSpec&) const = default;
};

enum class LambdaSource { kPolling, kEfo };
enum class LambdaArchitecture { kX86_64, kArm64 };
enum class OnFailureDestination { kNone, kSqs, kSns, kS3 };

struct PoisonRecord {  // the first record produced at or after `at` (with `key`, if set)
  SimDuration at;      // always fails the function
  std::string key;     // empty = any key

  bool operator==(const PoisonRecord&) const = default;
};

struct LambdaFunctionSpec {
  ProcessingSpec duration;  // invocation duration for a batch
  int64_t memory_mb = 128;  // 128..10240
  LambdaArchitecture architecture = LambdaArchitecture::kX86_64;
  std::optional<int64_t> concurrency_limit;  // reserved concurrency; absent = unreserved
  double error_rate = 0.0;                   // probability that an invocation fails, [0, 1]
  std::vector<PoisonRecord> poison_records;

  bool operator==(const LambdaFunctionSpec&) const = default;
};

// Lambda event-source mapping (fact sheet 6).
struct LambdaSpec {
  LambdaSource source = LambdaSource::kPolling;
  int64_t batch_size = 100;            // 1..10000
  SimDuration batching_window;         // whole seconds, 0..300s
  int64_t parallelization_factor = 1;  // 1..10
  LambdaFunctionSpec function;
  int64_t maximum_retry_attempts = -1;  // -1 = until the record expires
  bool bisect_batch_on_function_error = false;
  std::optional<SimDuration> maximum_record_age;  // 60s..604800s; absent = -1 (no limit)
  bool report_batch_item_failures = false;
  OnFailureDestination on_failure_destination = OnFailureDestination::kNone;
  SimDuration tumbling_window;  // whole seconds, 0..900s; 0 = none

  bool operator==(const LambdaSpec&) const = default;
};

enum class FirehoseSource { kStream, kDirectPut };
enum class CompressionCodec { kNone, kGzip, kZip, kSnappy, kHadoopSnappy };
enum class OutputFormat { kParquet, kOrc };
enum class DestinationType { kS3 };

struct FirehoseBufferingSpec {          // whichever is reached first; sizes before compression
  int64_t size_bytes = 5 * kMiB;        // 1..128 MiB; 128 MiB default with format conversion
  SimDuration interval = Seconds(300);  // whole seconds, 0..900s

  bool operator==(const FirehoseBufferingSpec&) const = default;
};

struct FirehoseTransformSpec {  // Lambda data transformation
  bool enabled = false;
  int64_t buffer_size_bytes = 1'000'000;  // 0.2..3 MB
  SimDuration buffer_interval = Seconds(60);
  ProcessingSpec duration;
  double error_rate = 0.0;
  int64_t retries = 3;

  bool operator==(const FirehoseTransformSpec&) const = default;
};

struct CompressionSpec {
  CompressionCodec codec = CompressionCodec::kNone;
  double ratio = 1.0;  // compressed / uncompressed bytes, (0, 1]; per-codec default

  bool operator==(const CompressionSpec&) const = default;
};

struct DynamicPartitioningSpec {
  bool enabled = false;
  int64_t partitions = 1;  // active partitions the records spread over; 500 by default quota

  bool operator==(const DynamicPartitioningSpec&) const = default;
};

struct FormatConversionSpec {
  bool enabled = false;
  OutputFormat output = OutputFormat::kParquet;

  bool operator==(const FormatConversionSpec&) const = default;
};

struct DestinationSpec {
  DestinationType type = DestinationType::kS3;
  LatencySpec write_latency = LatencySpec::Lognormal(Millis(100), Seconds(1));  // UNCONFIRMED
  double error_rate = 0.0;                 // probability that a delivery attempt fails
  SimDuration retry_duration = Hours(24);  // S3: 24h, then data is lost

  bool operator==(const DestinationSpec&) const = default;
};

// Firehose record and PutRecordBatch limits (fact sheet 7), fixed.
inline constexpr int64_t kFirehoseMaxRecordBytes = 1'024'000;  // 1,000 KiB before base64
inline constexpr int64_t kFirehoseBatchBytes = 4 * kMiB;
inline constexpr int64_t kFirehoseBatchRecords = 500;

struct DirectPutLimitsSpec {  // per Firehose stream; region defaults (fact sheet 7)
  int64_t records_per_sec = 500'000;
  int64_t requests_per_sec = 2'000;
  int64_t bytes_per_sec = 5 * kMiB;

  bool operator==(const DirectPutLimitsSpec&) const = default;
};

struct FirehoseSpec {
  FirehoseSource source = FirehoseSource::kStream;
  FirehoseBufferingSpec buffering;
  FirehoseTransformSpec transform;
  CompressionSpec compression;
  DynamicPartitioningSpec dynamic_partitioning;
  FormatConversionSpec format_conversion;
  DestinationSpec destination;
  DirectPutLimitsSpec direct_put_limits;  // direct_put only

  bool operator==(const FirehoseSpec&) const = default;
};

// One consumer. Only the member matching `type` is meaningful; the others keep defaults.
struct ConsumerSpec {
  std::string name;  // unique among consumers
  ConsumerType type = ConsumerType::kPolling;
  StartingPosition starting_position;  // not firehose (which reads from LATEST)
  ProcessingSpec processing;           // polling, kcl, efo
  std::vector<OutageSpec> outages;     // polling, kcl, efo, lambda; in order, not overlapping
  PollingSpec polling;
  KclSpec kcl;
  EfoSpec efo;
  LambdaSpec lambda;
  FirehoseSpec firehose;

  bool operator==(const ConsumerSpec&) const = default;
};

// Readers that share each shard's GetRecords limits (5 calls/s, 2 MiB/s): pollers, KCL, Lambda
// mappings without enhanced fan-out and Firehose streams reading the stream.
inline bool SharesReadLimits(const ConsumerSpec& c) {
  switch (c.type) {
    case ConsumerType::kPolling:
    case ConsumerType::kKcl:
      return true;
    case ConsumerType::kEfo:
      return false;
    case ConsumerType::kLambda:
      return c.lambda.source == LambdaSource::kPolling;
    case ConsumerType::kFirehose:
      return c.firehose.source == FirehoseSource::kStream;
  }
  return false;
}

// Readers with an enhanced fan-out subscription of their own: efo consumers and Lambda mappings
// with source efo (they count toward max_efo_consumers and bill consumer-shard-hours).
inline bool ReadsWithEnhancedFanOut(const ConsumerSpec& c) {
  return c.type == ConsumerType::kEfo ||
         (c.type == ConsumerType::kLambda && c.lambda.source == LambdaSource::kEfo);
}

// ---------------------------------------------------------------- goals and analysis

struct SloSpec {                                      // each absent = not checked
  std::optional<SimDuration> max_iterator_age;        // per consumer, maximum over the run
  std::optional<SimDuration> p99_latency;             // create to processed, per consumer
  std::optional<double> max_write_throttle_fraction;  // throttled / attempted records
  std::optional<double> max_monthly_cost_usd;
  std::optional<double> max_shard_utilization;  // of a shard's write limit, busiest second

  bool operator==(const SloSpec&) const = default;
};

struct PricingSpec {
  std::string file;                         // resolved path; empty = built-in prices for region
  std::map<std::string, double> overrides;  // price dimension -> USD per its unit

  bool operator==(const PricingSpec&) const = default;
};

struct AnalysisSpec {
  double hot_shard_threshold = 0.8;           // fraction of a shard limit that flags it hot
  double stream_utilization_threshold = 0.5;  // below this the stream is over-provisioned
  int64_t top_keys = 10;                      // hottest keys listed per shard

  bool operator==(const AnalysisSpec&) const = default;
};

struct Scenario {
  std::string name;
  std::string description;
  uint64_t seed = 1;
  SimDuration duration = Minutes(10);
  SimDuration warmup;  // excluded from statistics; < duration
  SimDuration series_interval = Seconds(1);
  // Most time-series values (rows x columns over every series table) a run may keep: they live in
  // memory until the end (~25 B each), so this bounds a run's memory; 1,000..10^11.
  int64_t series_max_values = 20'000'000;
  std::string region = "us-east-1";
  std::vector<ProducerSpec> producers;  // at least one
  // No "stream" section: every producer writes to a Direct PUT Firehose and no consumer reads a
  // stream; `stream` then keeps its defaults and is not modelled.
  bool has_stream = true;
  StreamSpec stream;
  std::vector<ConsumerSpec> consumers;
  std::optional<SloSpec> slos;
  std::optional<PricingSpec> pricing;
  AnalysisSpec analysis;

  bool operator==(const Scenario&) const = default;
};

}  // namespace shardsim
