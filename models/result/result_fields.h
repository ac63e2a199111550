// The field tables of the result contract: for each result struct, Fields(v, x) names every JSON
// member of x in file order and hands visitor v the C++ member behind it. One table drives the
// result.json writer and reader (reports/result_json*.cc) and the test that holds them to
// reports/result.schema.json, so the three cannot drift. Header-only, no state; thread-safe.
//
// A visitor V provides (x may be const for a writer, non-const for a reader):
//   v.Field(name, member)                   always written
//   v.Optional(name, member, present)       written only when `present`; read when there
//   v.Group(name, fields)                   a nested JSON object made of members of x:
//   v.OptionalGroup(name, present, fields)    fields(g) is called with the visitor of that object
// The JSON type of a member follows its C++ type: bool -> boolean; std::string -> string;
// uint64_t -> integer >= 0; int, int64_t -> integer; double -> number, or null when not finite;
// Uint128 -> decimal string; an enum with ResultEnum<E> -> its name; a struct with
// kResultStructName -> object; std::optional<T> -> T; std::vector<T> -> array;
// HistogramBucket -> [lower, count]; std::vector<SeriesTable> -> array of CSV paths (the tables
// themselves are CSV files, not part of result.json).
#pragma once

#include <string_view>
#include <type_traits>

#include "models/result/histogram.h"
#include "models/result/run_result.h"

namespace shardsim {

// The name of a result struct in the schema's $defs; empty for every other type.
template <class T>
inline constexpr std::string_view kResultStructName{};
template <>
inline constexpr std::string_view kResultStructName<LatencySummary> = "latency_summary";
template <>
inline constexpr std::string_view kResultStructName<CountSummary> = "count_summary";
template <>
inline constexpr std::string_view kResultStructName<SparseHistogram> = "histogram";
template <>
inline constexpr std::string_view kResultStructName<ProducerResult> = "producer";
template <>
inline constexpr std::string_view kResultStructName<ConsumerShardResult> = "consumer_shard";
template <>
inline constexpr std::string_view kResultStructName<LambdaResult> = "lambda";
template <>
inline constexpr std::string_view kResultStructName<FirehoseResult> = "firehose";
template <>
inline constexpr std::string_view kResultStructName<OutageResult> = "consumer_outage";
template <>
inline constexpr std::string_view kResultStructName<ConsumerResult> = "consumer";
template <>
inline constexpr std::string_view kResultStructName<KeyShare> = "key_share";
template <>
inline constexpr std::string_view kResultStructName<ShardResult> = "shard";
template <>
inline constexpr std::string_view kResultStructName<OperationResult> = "operation";
template <>
inline constexpr std::string_view kResultStructName<ModePeriod> = "mode_period";
template <>
inline constexpr std::string_view kResultStructName<FindingFigure> = "finding_figure";
template <>
inline constexpr std::string_view kResultStructName<Finding> = "finding";
template <>
inline constexpr std::string_view kResultStructName<Conservation> = "conservation";
template <>
inline constexpr std::string_view kResultStructName<WarmupResult> = "warmup";
template <>
inline constexpr std::string_view kResultStructName<Assumption> = "assumption";
template <>
inline constexpr std::string_view kResultStructName<BillingQuantity> = "billing_quantity";
template <>
inline constexpr std::string_view kResultStructName<CostItem> = "cost_item";
template <>
inline constexpr std::string_view kResultStructName<CostResult> = "cost";
template <>
inline constexpr std::string_view kResultStructName<Provenance> = "provenance";
template <>
inline constexpr std::string_view kResultStructName<RunResult> = "result";

template <class T>
concept ResultStruct = !kResultStructName<T>.empty();

// S is T or const T: lets one table serve the writer (const) and the reader.
template <class S, class T>
concept ResultRef = std::is_same_v<std::remove_const_t<S>, T>;

// Enums written as strings: their names, in enum order.
template <class E>
struct ResultEnum;
template <>
struct ResultEnum<FindingKind> {
  static constexpr int kCount = kFindingKinds;
  static std::string_view Name(FindingKind k) { return FindingKindName(k); }
};
template <>
struct ResultEnum<Severity> {
  static constexpr int kCount = 3;
  static std::string_view Name(Severity s) { return SeverityName(s); }
};

// ---------------------------------------------------------------- distributions

template <class V, ResultRef<LatencySummary> S>
void Fields(V& v, S& x) {  // milliseconds; count = samples
  v.Field("mean", x.mean_ms);
  v.Field("p50", x.p50_ms);
  v.Field("p90", x.p90_ms);
  v.Field("p99", x.p99_ms);
  v.Field("p999", x.p999_ms);
  v.Field("max", x.max_ms);
  v.Field("count", x.count);
}

template <class V, ResultRef<CountSummary> S>
void Fields(V& v, S& x) {
  v.Field("mean", x.mean);
  v.Field("p50", x.p50);
  v.Field("p90", x.p90);
  v.Field("p99", x.p99);
  v.Field("max", x.max);
  v.Field("count", x.count);
}

template <class V, ResultRef<SparseHistogram> S>
void Fields(V& v, S& x) {
  v.Field("unit", x.unit);
  v.Field("count", x.count);
  v.Field("min", x.min);
  v.Field("max", x.max);
  v.Field("sum", x.sum);
  v.Field("buckets", x.buckets);
}

// ---------------------------------------------------------------- the run's parts

template <class V, ResultRef<Conservation> S>
void Fields(V& v, S& x) {
  v.Field("ok", x.ok);
  v.Field("produced", x.produced);
  v.Field("accepted", x.accepted);
  v.Field("dropped", x.dropped);
  v.Field("in_flight", x.in_flight);
  v.Field("duplicates", x.duplicates);
  v.Field("detail", x.detail);
}

template <class V, ResultRef<WarmupResult> S>
void Fields(V& v, S& x) {
  v.Field("duration_s", x.duration_s);
  v.Field("records_produced", x.records_produced);
  v.Field("records_throttled", x.records_throttled);
  v.Field("records_dropped", x.records_dropped);
  v.Field("duplicates", x.duplicates);
  v.Field("read_throttles", x.read_throttles);
}

template <class V, ResultRef<ProducerResult> S>
void Fields(V& v, S& x) {
  v.Field("name", x.name);
  v.Field("api", x.api);
  v.Field("instances", x.instances);
  v.Field("records_produced", x.records_produced);
  v.Field("records_accepted", x.records_accepted);
  v.Field("records_throttled", x.records_throttled);
  v.Field("records_retried", x.records_retried);
  v.Field("records_dropped", x.records_dropped);
  v.Field("records_oversized", x.records_oversized);
  v.Field("records_in_flight", x.records_in_flight);
  v.Field("duplicates", x.duplicates);
  v.Field("calls", x.calls);
  v.Field("calls_timed_out", x.calls_timed_out);
  v.Field("kinesis_records_sent", x.kinesis_records_sent);
  v.Field("kinesis_records_accepted", x.kinesis_records_accepted);
  v.Field("bytes_accepted", x.bytes_accepted);
  v.Field("put_latency_ms", x.put_latency);
  v.Field("record_latency_ms", x.record_latency);
  v.Optional("record_latency_histogram", x.record_latency_histogram,
             x.record_latency_histogram.count > 0);
}

template <class V, ResultRef<KeyShare> S>
void Fields(V& v, S& x) {
  v.Field("key", x.key);
  v.Field("records", x.records);
  v.Field("share", x.share);
}

template <class V, ResultRef<ShardResult> S>
void Fields(V& v, S& x) {
  v.Field("shard_id", x.shard_id);
  v.Field("starting_hash_key", x.starting_hash_key);
  v.Field("ending_hash_key", x.ending_hash_key);
  v.Field("state", x.state);
  v.Field("parent_shard_ids", x.parent_shard_ids);
  v.Field("records_in", x.records_in);
  v.Field("bytes_in", x.bytes_in);
  v.Field("records_offered", x.records_offered);
  v.Field("first_attempts", x.first_attempts);
  v.Field("peak_records_per_s", x.peak_records_per_s);
  v.Field("peak_bytes_per_s", x.peak_bytes_per_s);
  v.Field("peak_offered_records_per_s", x.peak_offered_records_per_s);
  v.Field("peak_offered_bytes_per_s", x.peak_offered_bytes_per_s);
  v.Field("peak_demand_records_per_s", x.peak_demand_records_per_s);
  v.Field("peak_demand_bytes_per_s", x.peak_demand_bytes_per_s);
  v.Field("throttled_records", x.throttled_records);
  v.Field("throttled_by_records_limit", x.throttled_by_records_limit);
  v.Field("throttled_by_bytes_limit", x.throttled_by_bytes_limit);
  v.Field("expected_share", x.expected_share);
  v.Field("top_keys", x.top_keys);
  // Billing quantities; optional when reading, so results of earlier versions still read.
  v.Optional("open_hours", x.open_hours, true);
  v.Optional("put_payload_units", x.put_payload_units, true);
  v.Optional("kib_rounded_in", x.kib_rounded_in, true);
  // Lineage and lifetime, written for shards that resharding made or closed.
  v.Optional("parent_shard_id", x.parent_shard_id, !x.parent_shard_id.empty());
  v.Optional("adjacent_parent_shard_id", x.adjacent_parent_shard_id,
             !x.adjacent_parent_shard_id.empty());
  v.Optional("opened_at_s", x.opened_at_s, !x.parent_shard_id.empty());
  v.Optional("closed_at_s", x.closed_at_s, x.closed_at_s >= 0);
  // Not written: index (it is n of shard_id, shardId-n). The reader restores it from shard_id.
}

template <class V, ResultRef<ConsumerShardResult> S>
void Fields(V& v, S& x) {
  v.Field("shard_id", x.shard_id);
  v.Field("records_processed", x.records_processed);
  v.Field("records_expired", x.records_expired);
  v.Field("read_throttles", x.read_throttles);
  v.Field("iterator_age_max_ms", x.iterator_age_max_ms);
  v.Field("behind_at_end_ms", x.behind_at_end_ms);
  v.Optional("owner", x.owner, x.owner >= 0);
  v.Optional("parent_wait_ms", x.parent_wait_ms, x.parent_wait_ms >= 0);
}

template <class V, ResultRef<OutageResult> S>
void Fields(V& v, S& x) {
  v.Field("from_s", x.from_s);
  v.Field("to_s", x.to_s);
  v.Field("iterator_age_before_ms", x.iterator_age_before_ms);
  v.Field("iterator_age_peak_ms", x.iterator_age_peak_ms);
  v.Field("caught_up", x.caught_up);
  v.Field("catch_up_s", x.catch_up_s);
}

template <class V, ResultRef<LambdaResult> S>
void Fields(V& v, S& x) {
  v.Field("source", x.source);
  v.Field("invocations", x.invocations);
  v.Field("invocations_failed", x.invocations_failed);
  v.Field("retries", x.retries);
  v.Field("bisections", x.bisections);
  v.Field("throttles", x.throttles);
  v.Field("records_retried", x.records_retried);
  v.Field("records_to_destination", x.records_to_destination);
  v.Field("records_dropped", x.records_dropped);
  v.Field("records_given_up_by_retries", x.records_given_up_by_retries);
  v.Field("records_given_up_by_age", x.records_given_up_by_age);
  v.Field("poison_records", x.poison_records);
  v.Field("max_stall_ms", x.max_stall_ms);
  v.Field("max_stall_shard", x.max_stall_shard);
  v.Field("concurrency_max", x.concurrency_max);
  v.Field("concurrency_mean", x.concurrency_mean);
  v.Field("duration_ms", x.duration);
  v.Optional("duration_histogram", x.duration_histogram, x.duration_histogram.count > 0);
  v.Field("batch_records", x.batch_records);
  v.Optional("batch_user_records", x.batch_user_records, true);
  v.Field("tumbling_windows", x.tumbling_windows);
  v.Group("billing", [&x](auto& g) {
    g.Field("requests", x.requests);
    g.Field("gb_seconds", x.gb_seconds);
    g.Field("memory_mb", x.memory_mb);
    g.Field("architecture", x.architecture);
  });
}

template <class V, ResultRef<FirehoseResult> S>
void Fields(V& v, S& x) {
  v.Field("source", x.source);
  v.Field("records_in", x.records_in);
  v.Optional("bytes_in", x.bytes_in, true);  // optional when reading earlier results
  v.Field("records_delivered", x.records_delivered);
  v.Optional("user_records_delivered", x.user_records_delivered, true);
  v.Field("records_transform_failed", x.records_transform_failed);
  v.Field("records_backed_up", x.records_backed_up);
  v.Field("records_buffered_at_end", x.records_buffered_at_end);
  v.Field("objects_written", x.objects_written);
  v.Field("flushes_by_size", x.flushes_by_size);
  v.Field("flushes_by_interval", x.flushes_by_interval);
  v.Field("bytes_delivered", x.bytes_delivered);
  v.Field("object_bytes", x.object_bytes);
  v.Field("delivery_latency_ms", x.delivery_latency);
  v.Optional("delivery_latency_histogram", x.delivery_latency_histogram,
             x.delivery_latency_histogram.count > 0);
  v.Field("delivery_attempts_failed", x.delivery_attempts_failed);
  v.Field("transform_invocations", x.transform_invocations);
  v.Field("transform_failures", x.transform_failures);
  v.Field("partitions", x.partitions);
  v.OptionalGroup("direct_put_throttled_by", x.source == "direct_put", [&x](auto& g) {
    g.Field("records", x.direct_put_throttled_by_records);
    g.Field("bytes", x.direct_put_throttled_by_bytes);
    g.Field("requests", x.direct_put_throttled_by_requests);
  });
  v.Group("billing", [&x](auto& g) {
    g.Field("ingested_gb", x.ingested_gb_billed);
    g.Field("format_conversion_gb", x.format_conversion_gb);
    g.Field("dynamic_partitioning_gb", x.dynamic_partitioning_gb);
    g.Field("s3_put_requests", x.s3_put_requests);
  });
}

template <class V, ResultRef<ConsumerResult> S>
void Fields(V& v, S& x) {
  v.Field("name", x.name);
  v.Field("type", x.type);
  v.Field("starting_position", x.starting_position);
  v.Field("records_available", x.records_available);
  v.Field("records_processed", x.records_processed);
  // Optional when reading, so results of earlier versions still read.
  v.Optional("user_records_processed", x.user_records_processed, true);
  v.Field("records_reprocessed", x.records_reprocessed);
  v.Field("records_unread", x.records_unread);
  v.Field("records_expired", x.records_expired);
  v.Field("records_failed", x.records_failed);
  v.Field("records_skipped", x.records_skipped);
  v.Field("bytes_read", x.bytes_read);
  v.Field("get_records_calls", x.get_records_calls);
  v.Field("read_throttles", x.read_throttles);
  v.Field("read_throttles_by_call_rate", x.read_throttles_by_call_rate);
  v.Field("read_throttles_by_bytes", x.read_throttles_by_bytes);
  v.Field("read_throttles_by_penalty", x.read_throttles_by_penalty);
  v.Field("subscribe_calls", x.subscribe_calls);
  v.Field("deliveries", x.deliveries);
  v.Field("mean_batch_records", x.mean_batch_records);
  v.Field("latency_ms", x.latency);
  v.Optional("latency_histogram", x.latency_histogram, x.latency_histogram.count > 0);
  v.Field("propagation_ms", x.propagation);
  v.Group("iterator_age_ms", [&x](auto& g) {
    g.Field("max", x.iterator_age_max_ms);
    g.Field("p99", x.iterator_age_p99_ms);
    g.Field("growth", x.iterator_age_growth);
    g.Field("behind_at_end", x.behind_at_end_ms);
  });
  v.Optional("parent_wait_max_ms", x.parent_wait_max_ms, x.parent_wait_max_ms >= 0);
  v.Optional("iterator_age_histogram", x.iterator_age_histogram,
             x.iterator_age_histogram.count > 0);
  v.Optional("outages", x.outages, !x.outages.empty());
  const bool kcl = x.type == "kcl";
  v.Optional("workers", x.workers, kcl);
  v.Optional("idle_workers", x.idle_workers, kcl);
  v.Optional("unowned_shards", x.unowned_shards, kcl);
  v.Optional("checkpoints", x.checkpoints, kcl);
  v.Optional("lease_takeovers", x.lease_takeovers, kcl);
  v.Optional("lease_table_writes", x.lease_table_writes, kcl);
  v.Optional("lambda", x.lambda, x.lambda.has_value());
  v.Optional("firehose", x.firehose, x.firehose.has_value());
  v.Field("shards", x.shards);
}

template <class V, ResultRef<ModePeriod> S>
void Fields(V& v, S& x) {
  v.Field("mode", x.mode);
  v.Field("from_s", x.from_s);
  v.Field("to_s", x.to_s);
  v.Field("shard_hours", x.shard_hours);
  v.Field("records_in", x.records_in);
  v.Field("bytes_in", x.bytes_in);
  v.Field("kib_rounded_in", x.kib_rounded_in);
  v.Field("put_payload_units", x.put_payload_units);
  v.Field("consumer_bytes_read", x.consumer_bytes_read);
}

template <class V, ResultRef<OperationResult> S>
void Fields(V& v, S& x) {
  v.Optional("index", x.index, x.index >= 0);
  v.Field("op", x.op);
  v.Field("status", x.status);
  v.Optional("cause", x.cause, !x.cause.empty());
  v.Field("requested_at_s", x.requested_at_s);
  v.Optional("started_at_s", x.started_at_s, x.started_at_s >= 0);
  v.Optional("completed_at_s", x.completed_at_s, x.completed_at_s >= 0);
  v.Optional("error", x.error, !x.error.empty());
  v.Optional("shard", x.shard, !x.shard.empty());
  v.Optional("adjacent", x.adjacent, !x.adjacent.empty());
  v.Optional("new_starting_hash_key", x.new_starting_hash_key, !x.new_starting_hash_key.empty());
  v.Optional("target", x.target, x.op == "update_shard_count");
  v.Optional("mode", x.mode, !x.mode.empty());
  v.Field("open_shards_before", x.open_shards_before);
  v.Field("open_shards_after", x.open_shards_after);
  v.Field("splits", x.splits);
  v.Field("merges", x.merges);
  v.Field("closed_shards", x.closed_shards);
  v.Field("opened_shards", x.opened_shards);
  const bool episode = x.throttling_started_at_s >= 0;
  v.Optional("throttling_started_at_s", x.throttling_started_at_s, episode);
  v.Optional("throttling_ended_at_s", x.throttling_ended_at_s, episode);
  v.Optional("throttled_before_completed", x.throttled_before_completed, episode);
  v.Optional("throttled_after_completed", x.throttled_after_completed, episode);
  v.Optional("iterator_age_max_ms", x.iterator_age_max_ms, x.iterator_age_max_ms >= 0);
}

template <class V, ResultRef<FindingFigure> S>
void Fields(V& v, S& x) {
  v.Field("name", x.name);
  v.Field("value", x.value);
}

template <class V, ResultRef<Finding> S>
void Fields(V& v, S& x) {
  v.Field("kind", x.kind);
  v.Field("severity", x.severity);
  v.Field("subject", x.subject);
  v.Field("evidence", x.evidence);
  v.Field("recommendation", x.recommendation);
  v.Optional("new_starting_hash_key", x.new_starting_hash_key, !x.new_starting_hash_key.empty());
  v.Optional("shard", x.shard, x.shard >= 0);
  v.Optional("producer", x.producer, x.producer >= 0);
  v.Optional("consumer", x.consumer, x.consumer >= 0);
  v.Optional("figures", x.figures, !x.figures.empty());
}

template <class V, ResultRef<Assumption> S>
void Fields(V& v, S& x) {
  v.Field("name", x.name);
  v.Field("value", x.value);
  v.Field("source", x.source);
}

// ---------------------------------------------------------------- billing and cost

template <class V, ResultRef<BillingQuantity> S>
void Fields(V& v, S& x) {
  v.Field("dimension", x.dimension);
  v.Field("quantity", x.quantity);
  v.Field("unit", x.unit);
  v.Optional("subject", x.subject, !x.subject.empty());
}

template <class V, ResultRef<CostItem> S>
void Fields(V& v, S& x) {
  v.Field("dimension", x.dimension);
  v.Optional("subject", x.subject, !x.subject.empty());
  v.Field("quantity", x.quantity);
  v.Field("unit", x.unit);
  v.Field("unit_price_usd", x.unit_price_usd);
  v.Field("amount_usd", x.amount_usd);
  v.Field("per_month_usd", x.per_month_usd);
  v.Field("source", x.source);
}

template <class V, ResultRef<CostResult> S>
void Fields(V& v, S& x) {
  v.Field("priced", x.priced);
  v.Field("price_file", x.price_file);
  v.Field("region", x.region);
  v.Field("currency", x.currency);
  v.Field("date", x.date);
  v.Field("run_hours", x.run_hours);
  v.Field("total_usd", x.total_usd);
  v.Field("total_per_month_usd", x.total_per_month_usd);
  v.Field("items", x.items);
  v.Optional("notes", x.notes, !x.notes.empty());
}

template <class V, ResultRef<Provenance> S>
void Fields(V& v, S& x) {
  v.Field("shardsim_version", x.shardsim_version);
  v.Field("command_line", x.command_line);
  v.Field("scenario_file", x.scenario_file);
  v.Field("scenario_sha256", x.scenario_sha256);
}

template <class V, ResultRef<RunResult> S>
void Fields(V& v, S& x) {
  v.Field("schema_version", x.schema_version);
  v.Field("scenario", x.scenario);
  v.Field("seed", x.seed);
  v.Field("duration_s", x.duration_s);
  v.Field("stream_mode", x.stream_mode);
  v.Field("open_shards", x.open_shards);
  v.Optional("min_open_shards", x.min_open_shards, x.max_open_shards > 0);
  v.Optional("max_open_shards", x.max_open_shards, x.max_open_shards > 0);
  v.Field("write_limit_records_per_sec", x.write_limit_records_per_sec);
  v.Field("write_limit_bytes_per_sec", x.write_limit_bytes_per_sec);
  v.Field("events_processed", x.events_processed);
  v.Field("conservation", x.conservation);
  v.Optional("warmup", x.warmup, x.warmup.has_value());
  v.Field("producers", x.producers);
  v.Field("shards", x.shards);
  // Only with consumers, so write-only results keep their exact bytes.
  v.Optional("consumers", x.consumers, !x.consumers.empty());
  v.Optional("operations", x.operations, !x.operations.empty());
  v.Optional("mode_periods", x.mode_periods, !x.mode_periods.empty());
  v.Field("findings", x.findings);
  v.Field("assumptions", x.assumptions);
  v.Field("series_files", x.series);
  v.Optional("billing", x.billing, !x.billing.empty());
  v.Optional("cost", x.cost, x.cost.has_value());
  v.Optional("provenance", x.provenance, x.provenance.has_value());
}

}  // namespace shardsim
