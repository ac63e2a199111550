// RunResult: everything one simulation run reports, as plain structs (no behaviour). Models fill
// it at the end of a run; reports/ turns it into result.json, CSV and text. The JSON name of each
// member: models/result/result_fields.h; the file format: reports/result.schema.json.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/result/cost.h"
#include "models/result/histogram.h"

namespace shardsim {

inline constexpr int kResultSchemaVersion = 1;

// Quantiles of a latency distribution, in milliseconds. count = samples behind them.
struct LatencySummary {
  uint64_t count = 0;
  double mean_ms = 0;
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
  double p999_ms = 0;
  double max_ms = 0;
};

// Distribution of a count or a size (records per invocation, bytes per object).
struct CountSummary {
  uint64_t count = 0;
  double mean = 0;
  double p50 = 0;
  double p90 = 0;
  double p99 = 0;
  double max = 0;
};

struct ProducerResult {
  std::string name;
  std::string api;  // "PutRecord", "PutRecords" or "KPL"
  int64_t instances = 0;
  uint64_t records_produced = 0;   // user records created by the application
  uint64_t records_accepted = 0;   // unique user records stored by the stream
  uint64_t records_throttled = 0;  // record attempts refused by a shard limit
  uint64_t records_retried = 0;    // record attempts that were retries
  uint64_t records_dropped = 0;    // gave up: attempts exhausted, TTL expired or oversized
  uint64_t records_oversized = 0;  // of dropped: data + key over the stream's max record size
  uint64_t records_in_flight = 0;  // at the end of the run: buffered, backing off or in a call
  uint64_t duplicates = 0;         // extra stored copies created by retries after timeouts
  uint64_t calls = 0;              // API calls made (PutRecord / PutRecords)
  uint64_t calls_timed_out = 0;
  uint64_t kinesis_records_sent = 0;  // KPL: aggregated records; otherwise equal to user attempts
  uint64_t kinesis_records_accepted = 0;  // Kinesis records the stream stored (incl. duplicates)
  uint64_t bytes_accepted = 0;            // data + partition key bytes stored (aggregates for KPL)
  LatencySummary put_latency;             // per call, from send to response or timeout
  LatencySummary record_latency;          // per accepted record, from creation to acceptance
  // The distributions behind the summaries above, in ns: one run's samples, to pool and plot.
  SparseHistogram record_latency_histogram;
};

// One consumer's view of one shard.
struct ConsumerShardResult {
  std::string shard_id;
  uint64_t records_processed = 0;  // unique Kinesis records whose processing finished
  uint64_t records_expired = 0;    // lost to retention before this consumer processed them
  uint64_t read_throttles = 0;     // GetRecords calls refused (polling readers only)
  double iterator_age_max_ms = 0;  // over the measured part of the run
  double behind_at_end_ms = 0;     // end of run - arrival of the oldest record not yet read
  int64_t owner = -1;              // kcl: worker holding the lease at the end (-1: none)
  // A child shard (resharding): from its opening until this consumer had finished its parents
  // and could read it -- the wait that keeps per-key order (to the end of the run if it never
  // could); -1 for a shard without parents.
  double parent_wait_ms = -1;
};

// Lambda event-source mapping (consumer type "lambda"), fact sheet 6. Record counts are Kinesis
// records (batch_size counts them; a KPL aggregate is one) except batch_user_records: the function
// de-aggregates with the library and its per-record time applies per user record.
// ConsumerResult.records_processed = records in invocations that succeeded,
// ConsumerResult.records_failed = records given up on (retries exhausted or too old).
struct LambdaResult {
  std::string source;               // "polling" or "efo"
  uint64_t invocations = 0;         // function invocations: retries and bisected halves too
  uint64_t invocations_failed = 0;  // function errors: error_rate, poison records, item failures
  uint64_t retries = 0;             // re-invocations of a failed batch (MaximumRetryAttempts)
  uint64_t bisections = 0;          // failed batches split in two (not retry attempts)
  uint64_t throttles = 0;           // invocations refused by the concurrency limit
  uint64_t records_retried = 0;     // records sent again after a failure (duplicates)
  uint64_t records_to_destination = 0;  // given up; metadata sent to the on-failure destination
  uint64_t records_dropped = 0;         // given up with no on-failure destination (lost)
  uint64_t records_given_up_by_retries = 0;
  uint64_t records_given_up_by_age = 0;
  uint64_t poison_records = 0;      // poison records the mapping met
  double max_stall_ms = 0;          // longest time one shard slot was blocked by a failing batch
  std::string max_stall_shard;      // where it was
  double concurrency_max = 0;       // concurrent executions, highest
  double concurrency_mean = 0;      // time-weighted over the run
  LatencySummary duration;          // per invocation
  CountSummary batch_records;       // Kinesis records per invocation
  CountSummary batch_user_records;  // user records per invocation (KPL aggregates de-aggregated)
  uint64_t tumbling_windows = 0;    // windows closed (final invokes with isFinalInvokeForWindow)
  uint64_t requests = 0;            // billed requests (= invocations)
  int64_t memory_mb = 0;            // the function's memory size
  std::string architecture;         // "x86_64" or "arm64": GB-seconds are priced per architecture
  double gb_seconds = 0;            // billed: duration rounded up to 1 ms x memory (GB)
  // The distribution behind duration, ns.
  SparseHistogram duration_histogram;
};

// Firehose delivery stream (consumer type "firehose"), fact sheet 7. Record counts are Kinesis
// records the Firehose received (a KPL aggregate once) except user_records_delivered; bytes are
// the data it delivers: no partition keys, KPL aggregates de-aggregated (fact sheet 8).
// ConsumerResult.records_processed = records written to S3 in an object,
// ConsumerResult.records_failed = transform-failed + backed up after delivery retries.
struct FirehoseResult {
  std::string source;                     // "stream" or "direct_put"
  uint64_t records_in = 0;                // read from the stream or accepted by Direct PUT
  uint64_t bytes_in = 0;                  // their data (no partition keys, de-aggregated)
  uint64_t records_delivered = 0;         // written to S3
  uint64_t user_records_delivered = 0;    // user records written to S3 (aggregates de-aggregated)
  uint64_t records_transform_failed = 0;  // processing-failed after the transform's retries
  uint64_t records_backed_up = 0;         // delivery failed for retry_duration: to backup
  uint64_t records_buffered_at_end = 0;   // in a buffer, the transform or a delivery at the end
  uint64_t objects_written = 0;
  uint64_t flushes_by_size = 0;
  uint64_t flushes_by_interval = 0;
  uint64_t bytes_delivered = 0;     // object bytes, after compression / format conversion
  CountSummary object_bytes;        // per object written
  LatencySummary delivery_latency;  // arrival at the Firehose -> object written
  // The distribution behind delivery_latency, ns.
  SparseHistogram delivery_latency_histogram;
  uint64_t delivery_attempts_failed = 0;
  uint64_t transform_invocations = 0;
  uint64_t transform_failures = 0;
  uint64_t partitions = 0;  // dynamic partitioning: partition buffers used (1 without)
  // Direct PUT: record attempts refused, by the quota that refused them.
  uint64_t direct_put_throttled_by_records = 0;
  uint64_t direct_put_throttled_by_bytes = 0;
  uint64_t direct_put_throttled_by_requests = 0;  // records of requests refused as a whole
  // Billing quantities (fact sheets 7 and 9).
  double ingested_gb_billed = 0;  // each record's data rounded up to 5 KB (5,120 bytes)
  double format_conversion_gb = 0;
  double dynamic_partitioning_gb = 0;
  uint64_t s3_put_requests = 0;
};

// One outage of a consumer (its scenario's outages, back-to-back ones merged) and its recovery.
// Caught up: every shard that was read around it is back within 1 s of the iterator age it had in
// the minute before the outage (the worst shard's catch-up is the consumer's).
struct OutageResult {
  double from_s = 0;
  double to_s = 0;
  double iterator_age_before_ms = 0;  // highest in the minute before, worst shard
  double iterator_age_peak_ms = 0;    // highest from its end until caught up, worst shard
  bool caught_up = false;             // before the run's end and before the next outage
  // From the outage's end until caught up; NaN (null in result.json) when not caught up.
  double catch_up_s = 0;
};

// One consumer (polling, kcl, efo, lambda or firehose). Counts are Kinesis records as the stream
// stored them (a KPL aggregate counts once), except user_records_processed: the user records
// inside them, which every consumer's application processes after de-aggregating (fact sheet 8).
// Conservation: records_available = records_processed + records_failed + records_unread +
// records_expired, where available = stored at or after the starting position.
struct ConsumerResult {
  std::string name;
  std::string type;               // "polling", "kcl", "efo", "lambda", "firehose"
  std::string starting_position;  // "LATEST", "TRIM_HORIZON", "AT_TIMESTAMP"
  uint64_t records_available = 0;
  uint64_t records_processed = 0;       // unique records whose processing finished within the run
  uint64_t user_records_processed = 0;  // the user records inside them (= records_processed
                                        // without KPL aggregation)
  uint64_t records_reprocessed = 0;     // processed again after a lease takeover (duplicates)
  uint64_t records_unread = 0;          // at the end: unread, or read but not yet processed
  uint64_t records_expired = 0;         // lost to retention before being processed (data loss)
  uint64_t records_failed = 0;          // lambda, firehose: given up on (see their results)
  uint64_t records_skipped = 0;         // stored before the starting position
  uint64_t bytes_read = 0;              // returned by GetRecords calls or pushed by EFO events
  uint64_t get_records_calls = 0;       // admitted calls (polling, kcl)
  uint64_t read_throttles = 0;          // refused calls: ReadProvisionedThroughputExceeded
  uint64_t read_throttles_by_call_rate = 0;
  uint64_t read_throttles_by_bytes = 0;
  uint64_t read_throttles_by_penalty = 0;
  uint64_t subscribe_calls = 0;    // efo: SubscribeToShard, incl. renewals every 5 min
  uint64_t deliveries = 0;         // batches handed to processing (calls or events)
  double mean_batch_records = 0;   // records per non-empty delivery
  LatencySummary latency;          // creation at the producer -> processing done
  LatencySummary propagation;      // arrival at the shard -> delivery to the consumer
  double iterator_age_max_ms = 0;  // per call / event: now - arrival of its last record
  double iterator_age_p99_ms = 0;
  double iterator_age_growth = 0;     // slope over the second half of the run, ms per ms
  double behind_at_end_ms = 0;        // worst shard, end of run
  double parent_wait_max_ms = -1;     // longest parent_wait_ms of its shards; -1: no child shards
  std::vector<OutageResult> outages;  // in time order; empty without outages
  // The distributions behind latency and the iterator age figures above, ns.
  SparseHistogram latency_histogram;
  SparseHistogram iterator_age_histogram;
  // kcl
  int64_t workers = 0;
  int64_t idle_workers = 0;    // workers holding no lease at the end
  int64_t unowned_shards = 0;  // shards no live worker holds at the end
  uint64_t checkpoints = 0;
  uint64_t lease_takeovers = 0;
  uint64_t lease_table_writes = 0;  // lease takes, renewals and checkpoints (DynamoDB writes)
  std::optional<LambdaResult> lambda;
  std::optional<FirehoseResult> firehose;
  std::vector<ConsumerShardResult> shards;
};

struct KeyShare {
  std::string key;
  uint64_t records = 0;
  double share = 0;  // of the shard's records (first attempts)
};

struct ShardResult {
  int index = 0;  // n of shardId-n: the shard's index in the stream (never reused)
  std::string shard_id;
  std::string starting_hash_key;  // decimal
  std::string ending_hash_key;    // decimal
  std::string state = "OPEN";     // OPEN, CLOSED, or EXPIRED (closed longer than the retention)
  std::vector<std::string> parent_shard_ids;
  std::string parent_shard_id;           // ParentShardId; empty for CreateStream's shards
  std::string adjacent_parent_shard_id;  // AdjacentParentShardId: a merge child's second parent
  double opened_at_s = 0;                // when resharding created it (0 for CreateStream's)
  double closed_at_s = -1;               // when resharding closed it; -1: open
  uint64_t records_in = 0;               // Kinesis records accepted
  uint64_t bytes_in = 0;
  // Billing quantities (fact sheet 9): hours the shard was open in the run, PUT payload units of
  // its stored records (each 25 KiB chunk), and their bytes with each record rounded up to 1 KiB.
  double open_hours = 0;
  uint64_t put_payload_units = 0;
  uint64_t kib_rounded_in = 0;
  uint64_t records_offered = 0;   // accepted + throttled attempts, retries included
  uint64_t first_attempts = 0;    // records offered for the first time (demand)
  double peak_records_per_s = 0;  // accepted, highest one-second window
  double peak_bytes_per_s = 0;
  double peak_offered_records_per_s = 0;
  double peak_offered_bytes_per_s = 0;
  double peak_demand_records_per_s = 0;  // first attempts only, busiest creation second
  // The same in bytes; records over the bytes limit (served from burst capacity) count at their
  // mean rate over the measured run instead of in their second.
  double peak_demand_bytes_per_s = 0;
  uint64_t throttled_records = 0;
  uint64_t throttled_by_records_limit = 0;
  uint64_t throttled_by_bytes_limit = 0;
  double expected_share = 0;  // of the stream's traffic, from key weights and hash ranges
  std::vector<KeyShare> top_keys;
};

// One SplitShard, MergeShards or UpdateShardCount call of the run and what became of it.
struct OperationResult {
  int index = -1;      // position in the scenario's stream.operations; -1: made by the model
  std::string op;      // "split", "merge", "update_shard_count", "update_stream_mode"
  std::string status;  // "completed"; "refused"; at the end of the run "updating" or "waiting"
  // Who made the call: "scenario" (stream.operations), "autoscaler: <the alarm: metric, value,
  // threshold, periods>", "on_demand" (the service's own scaling).
  std::string cause;
  double requested_at_s = 0;   // when it was called
  double started_at_s = -1;    // accepted (later than requested after waiting); -1: never
  double completed_at_s = -1;  // its last step applied, the stream ACTIVE again; -1: not yet
  std::string error;           // refused: "<ExceptionName>: <message>", as Kinesis returns it
  std::string shard;           // split, merge: shard id
  std::string adjacent;        // merge
  std::string new_starting_hash_key;  // split: decimal (resolved from "even")
  int target = 0;                     // update_shard_count
  std::string mode;                   // update_stream_mode: "provisioned" or "on_demand"
  int open_shards_before = 0;         // when accepted
  int open_shards_after = 0;          // when completed
  int splits = 0;                     // pairwise steps done (an UpdateShardCount does several)
  int merges = 0;
  std::vector<std::string> closed_shards;  // parents it closed
  std::vector<std::string> opened_shards;  // children it opened
  // Write throttling around it (analysis, from the shard series): the throttling episode the
  // call answered -- throttled windows no more than a minute apart, in progress at the call or
  // ending in the minute before it -- from its first to its last throttled window (-1: none).
  double throttling_started_at_s = -1;
  double throttling_ended_at_s = -1;
  uint64_t throttled_before_completed = 0;  // records of the episode before it completed
  uint64_t throttled_after_completed = 0;   // and after
  // Highest iterator age of any consumer from the episode's start (else the call) to a minute
  // after the later of the episode's end and the completion; -1: no consumer series.
  double iterator_age_max_ms = -1;
};

// One stretch of the run in one capacity mode (fact sheet 5), present when the scenario switches
// modes (update_stream_mode): billing follows the mode, so the figures billed per mode are here.
struct ModePeriod {
  std::string mode;  // "provisioned" or "on_demand"
  double from_s = 0, to_s = 0;
  double shard_hours = 0;  // open shard-hours within the period
  uint64_t records_in = 0, bytes_in = 0;
  uint64_t kib_rounded_in = 0;                // on-demand ingest: each record rounded up to 1 KiB
  uint64_t put_payload_units = 0;             // provisioned: 25 KiB PUT payload units
  std::vector<uint64_t> consumer_bytes_read;  // by consumer, in scenario order
};

// What a finding is about. The JSON name of each is FindingKindName(kind) (README "Finding
// kinds"); the order here is the order of the names table.
enum class FindingKind {
  kHotShard,
  kHotKey,
  kWriteThrottling,
  kOverProvisioned,
  kProducerBacklog,
  kOversizedRecords,
  kRecordsDropped,
  kDuplicates,
  kReadThrottling,
  kIteratorAgeGrowing,
  kCatchingUp,
  kRecordsExpired,
  kRetentionRisk,
  kUnownedShards,
  kIdleWorkers,
  kReprocessedRecords,
  kLambdaShardStalled,
  kLambdaRecordsDiscarded,
  kLambdaConcurrencyThrottled,
  kLambdaReadContention,
  kFirehoseSmallObjects,
  kFirehoseDeliveryFailed,
  kDirectPutThrottling,
  kSloViolated,
  kFirehoseRecordRounding,
  kPutPayloadUnits,
  kEfoCost,
  kRetentionCost,
  kIdleShards,
  kReshardRefused,
  kResharded,
  kOnDemandCheaper,
  kProvisionedAlternative,
  kOnDemandThrottled,
  kAutoscalerTooLate,
  kSplitCannotHelp,
  kColdShards,
};
inline constexpr int kFindingKinds = static_cast<int>(FindingKind::kColdShards) + 1;

// Most severe first.
enum class Severity { kCritical, kWarning, kInfo };

std::string_view FindingKindName(FindingKind kind);
std::string_view SeverityName(Severity severity);
// The kind or severity with that JSON name, or nullopt.
std::optional<FindingKind> FindingKindFromName(std::string_view name);
std::optional<Severity> SeverityFromName(std::string_view name);

// One number behind a finding's evidence, e.g. {"utilization", 0.83} or {"shards_needed", 13}.
struct FindingFigure {
  std::string name;  // snake_case with the unit in the name where it has one (_per_s, _ms)
  double value = 0;
};

struct Finding {
  FindingKind kind = FindingKind::kHotShard;
  Severity severity = Severity::kInfo;
  std::string subject;   // what it is about: a shard id, a producer, the stream
  std::string evidence;  // the numbers that show it
  std::string recommendation;
  std::string new_starting_hash_key;  // hot_shard: where a SplitShard balances the traffic
  // What the finding concerns, by index (-1: not one of these): the shard (ShardResult::index),
  // the producer or the consumer (position in the scenario and in the result's arrays).
  int shard = -1;
  int producer = -1;
  int consumer = -1;
  std::vector<FindingFigure> figures;  // the numbers behind the evidence, as data
};

struct Conservation {
  bool ok = true;
  uint64_t produced = 0;
  uint64_t accepted = 0;
  uint64_t dropped = 0;
  uint64_t in_flight = 0;
  uint64_t duplicates = 0;
  std::string detail;  // which identity failed, if any
};

// What happened during the scenario's warm-up, [0, warmup): counted in the run's totals but not
// in its findings and objectives, which judge the rest of the run. Write figures cover the
// stream's producers and shards (not Direct PUT Firehoses).
struct WarmupResult {
  double duration_s = 0;
  uint64_t records_produced = 0;   // user records the stream's producers created
  uint64_t records_throttled = 0;  // record attempts the stream's shards refused
  uint64_t records_dropped = 0;    // user records the stream's producers gave up on
  uint64_t duplicates = 0;         // extra stored copies created by retries after timeouts
  uint64_t read_throttles = 0;     // GetRecords calls refused, all consumers
};

struct Assumption {
  std::string name;
  std::string value;
  std::string source;  // fact-sheet reference, or "UNCONFIRMED: configurable at <pointer>"
};

// One CSV time-series table: a header and rows of numbers, one row per window.
struct SeriesTable {
  std::string name;  // file stem, e.g. "shards" -> shards.csv
  std::vector<std::string> columns;
  std::vector<std::vector<double>> rows;
};

// Where a result came from, so a report can say how to reproduce it.
struct Provenance {
  std::string shardsim_version;
  std::string command_line;     // as typed, arguments joined by spaces
  std::string scenario_file;    // as given on the command line
  std::string scenario_sha256;  // of the scenario file's bytes, hex
};

// RunResult::stream_mode of a scenario without a stream (every producer writes to a Direct PUT
// Firehose): no shards, no shard series, write limits 0.
inline constexpr const char* kNoStreamMode = "NONE";

struct RunResult {
  int schema_version = kResultSchemaVersion;
  std::string scenario;
  uint64_t seed = 0;
  double duration_s = 0;
  std::string stream_mode;  // "PROVISIONED", "ON_DEMAND" or kNoStreamMode
  int open_shards = 0;
  // The fewest and most shards open at any instant, for runs whose shards change (resharding,
  // on-demand); 0 otherwise. The series "stream-open-shards" has them by minute.
  int min_open_shards = 0;
  int max_open_shards = 0;
  // Per-shard write limits the run enforced (fact sheet section 1); reports compute utilisation.
  double write_limit_records_per_sec = 1000;
  double write_limit_bytes_per_sec = 1024 * 1024;
  uint64_t events_processed = 0;
  // Busiest second of demand (first attempts by the second their records were created), summed
  // over the stream's shards; bytes of records over the bytes limit at their mean rate.
  double peak_demand_records_per_s = 0;
  double peak_demand_bytes_per_s = 0;
  Conservation conservation;
  std::optional<WarmupResult> warmup;  // when the scenario has a warm-up
  std::vector<ProducerResult> producers;
  std::vector<ShardResult> shards;
  std::vector<ConsumerResult> consumers;    // empty when the scenario has none
  std::vector<OperationResult> operations;  // the stream's resharding calls, in call order
  std::vector<ModePeriod> mode_periods;     // capacity modes over time; empty: no switch
  std::vector<Finding> findings;
  std::vector<Assumption> assumptions;
  std::vector<SeriesTable> series;
  // Billing quantities the models counted over the run (models/spec/price_dimensions.h), and
  // their price when a price table was applied.
  std::vector<BillingQuantity> billing;
  std::optional<CostResult> cost;
  std::optional<Provenance> provenance;  // set by the command line
};

// ---------------------------------------------------------------- names of the enums above

inline std::string_view FindingKindName(FindingKind kind) {
  static constexpr std::string_view kNames[kFindingKinds] = {
      "hot_shard",
      "hot_key",
      "write_throttling",
      "over_provisioned",
      "producer_backlog",
      "oversized_records",
      "records_dropped",
      "duplicates",
      "read_throttling",
      "iterator_age_growing",
      "catching_up",
      "records_expired",
      "retention_risk",
      "unowned_shards",
      "idle_workers",
      "reprocessed_records",
      "lambda_shard_stalled",
      "lambda_records_discarded",
      "lambda_concurrency_throttled",
      "lambda_read_contention",
      "firehose_small_objects",
      "firehose_delivery_failed",
      "direct_put_throttling",
      "slo_violated",
      "firehose_record_rounding",
      "put_payload_units",
      "efo_cost",
      "retention_cost",
      "idle_shards",
      "reshard_refused",
      "resharded",
      "on_demand_cheaper",
      "provisioned_alternative",
      "on_demand_throttled",
      "autoscaler_too_late",
      "split_cannot_help",
      "cold_shards",
  };
  return kNames[static_cast<int>(kind)];
}

inline std::string_view SeverityName(Severity severity) {
  static constexpr std::string_view kNames[] = {"critical", "warning", "info"};
  return kNames[static_cast<int>(severity)];
}

inline std::optional<FindingKind> FindingKindFromName(std::string_view name) {
  for (int i = 0; i < kFindingKinds; ++i) {
    if (FindingKindName(static_cast<FindingKind>(i)) == name) return static_cast<FindingKind>(i);
  }
  return std::nullopt;
}

inline std::optional<Severity> SeverityFromName(std::string_view name) {
  for (int i = 0; i < 3; ++i) {
    if (SeverityName(static_cast<Severity>(i)) == name) return static_cast<Severity>(i);
  }
  return std::nullopt;
}

}  // namespace shardsim
