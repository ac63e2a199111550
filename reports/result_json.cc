// RunResult -> result.json. ordered_json keeps insertion order, and insertion follows the struct
// field order, so the key order is part of the code, not of a hash or sort. Pure, thread-safe.
#include "reports/result_json.h"

#include <cmath>

#include "reports/csv_writer.h"

namespace shardsim {
namespace {

using Json = nlohmann::ordered_json;

Json Number(double v) {
  if (!std::isfinite(v)) return nullptr;
  return v == 0 ? 0.0 : v;  // -0 -> 0
}

Json LatencyToJson(const LatencySummary& l) {
  Json j = Json::object();
  j["mean"] = Number(l.mean_ms);
  j["p50"] = Number(l.p50_ms);
  j["p90"] = Number(l.p90_ms);
  j["p99"] = Number(l.p99_ms);
  j["p999"] = Number(l.p999_ms);
  j["max"] = Number(l.max_ms);
  j["count"] = l.count;
  return j;
}

Json ConservationToJson(const Conservation& c) {
  Json j = Json::object();
  j["ok"] = c.ok;
  j["produced"] = c.produced;
  j["accepted"] = c.accepted;
  j["dropped"] = c.dropped;
  j["in_flight"] = c.in_flight;
  j["duplicates"] = c.duplicates;
  j["detail"] = c.detail;
  return j;
}

Json ProducerToJson(const ProducerResult& p) {
  Json j = Json::object();
  j["name"] = p.name;
  j["api"] = p.api;
  j["instances"] = p.instances;
  j["records_produced"] = p.records_produced;
  j["records_accepted"] = p.records_accepted;
  j["records_throttled"] = p.records_throttled;
  j["records_retried"] = p.records_retried;
  j["records_dropped"] = p.records_dropped;
  j["records_oversized"] = p.records_oversized;
  j["records_in_flight"] = p.records_in_flight;
  j["duplicates"] = p.duplicates;
  j["calls"] = p.calls;
  j["calls_timed_out"] = p.calls_timed_out;
  j["kinesis_records_sent"] = p.kinesis_records_sent;
  j["kinesis_records_accepted"] = p.kinesis_records_accepted;
  j["bytes_accepted"] = p.bytes_accepted;
  j["put_latency_ms"] = LatencyToJson(p.put_latency);
  j["record_latency_ms"] = LatencyToJson(p.record_latency);
  return j;
}

Json ShardToJson(const ShardResult& s) {
  Json j = Json::object();
  j["shard_id"] = s.shard_id;
  j["starting_hash_key"] = s.starting_hash_key;
  j["ending_hash_key"] = s.ending_hash_key;
  j["state"] = s.state;
  j["parent_shard_ids"] = s.parent_shard_ids;
  j["records_in"] = s.records_in;
  j["bytes_in"] = s.bytes_in;
  j["records_offered"] = s.records_offered;
  j["first_attempts"] = s.first_attempts;
  j["peak_records_per_s"] = Number(s.peak_records_per_s);
  j["peak_bytes_per_s"] = Number(s.peak_bytes_per_s);
  j["peak_offered_records_per_s"] = Number(s.peak_offered_records_per_s);
  j["peak_offered_bytes_per_s"] = Number(s.peak_offered_bytes_per_s);
  j["peak_demand_records_per_s"] = Number(s.peak_demand_records_per_s);
  j["peak_demand_bytes_per_s"] = Number(s.peak_demand_bytes_per_s);
  j["throttled_records"] = s.throttled_records;
  j["throttled_by_records_limit"] = s.throttled_by_records_limit;
  j["throttled_by_bytes_limit"] = s.throttled_by_bytes_limit;
  j["expected_share"] = Number(s.expected_share);
  Json keys = Json::array();
  for (const KeyShare& k : s.top_keys) {
    Json kj = Json::object();
    kj["key"] = k.key;
    kj["records"] = k.records;
    kj["share"] = Number(k.share);
    keys.push_back(std::move(kj));
  }
  j["top_keys"] = std::move(keys);
  return j;
}

Json ConsumerShardToJson(const ConsumerShardResult& s) {
  Json j = Json::object();
  j["shard_id"] = s.shard_id;
  j["records_processed"] = s.records_processed;
  j["records_expired"] = s.records_expired;
  j["read_throttles"] = s.read_throttles;
  j["iterator_age_max_ms"] = Number(s.iterator_age_max_ms);
  j["behind_at_end_ms"] = Number(s.behind_at_end_ms);
  if (s.owner >= 0) j["owner"] = s.owner;
  return j;
}

Json CountToJson(const CountSummary& c) {
  Json j = Json::object();
  j["mean"] = Number(c.mean);
  j["p50"] = Number(c.p50);
  j["p90"] = Number(c.p90);
  j["p99"] = Number(c.p99);
  j["max"] = Number(c.max);
  j["count"] = c.count;
  return j;
}

Json LambdaToJson(const LambdaResult& l) {
  Json j = Json::object();
  j["source"] = l.source;
  j["invocations"] = l.invocations;
  j["invocations_failed"] = l.invocations_failed;
  j["retries"] = l.retries;
  j["bisections"] = l.bisections;
  j["throttles"] = l.throttles;
  j["records_retried"] = l.records_retried;
  j["records_to_destination"] = l.records_to_destination;
  j["records_dropped"] = l.records_dropped;
  j["records_given_up_by_retries"] = l.records_given_up_by_retries;
  j["records_given_up_by_age"] = l.records_given_up_by_age;
  j["poison_records"] = l.poison_records;
  j["max_stall_ms"] = Number(l.max_stall_ms);
  j["max_stall_shard"] = l.max_stall_shard;
  j["concurrency_max"] = Number(l.concurrency_max);
  j["concurrency_mean"] = Number(l.concurrency_mean);
  j["duration_ms"] = LatencyToJson(l.duration);
  j["batch_records"] = CountToJson(l.batch_records);
  j["tumbling_windows"] = l.tumbling_windows;
  Json bill = Json::object();
  bill["requests"] = l.requests;
  bill["gb_seconds"] = Number(l.gb_seconds);
  bill["memory_mb"] = l.memory_mb;
  bill["architecture"] = l.architecture;
  j["billing"] = std::move(bill);
  return j;
}

Json FirehoseToJson(const FirehoseResult& f) {
  Json j = Json::object();
  j["source"] = f.source;
  j["records_in"] = f.records_in;
  j["records_delivered"] = f.records_delivered;
  j["records_transform_failed"] = f.records_transform_failed;
  j["records_backed_up"] = f.records_backed_up;
  j["records_buffered_at_end"] = f.records_buffered_at_end;
  j["objects_written"] = f.objects_written;
  j["flushes_by_size"] = f.flushes_by_size;
  j["flushes_by_interval"] = f.flushes_by_interval;
  j["bytes_delivered"] = f.bytes_delivered;
  j["object_bytes"] = CountToJson(f.object_bytes);
  j["delivery_latency_ms"] = LatencyToJson(f.delivery_latency);
  j["delivery_attempts_failed"] = f.delivery_attempts_failed;
  j["transform_invocations"] = f.transform_invocations;
  j["transform_failures"] = f.transform_failures;
  j["partitions"] = f.partitions;
  if (f.source == "direct_put") {
    Json q = Json::object();
    q["records"] = f.direct_put_throttled_by_records;
    q["bytes"] = f.direct_put_throttled_by_bytes;
    q["requests"] = f.direct_put_throttled_by_requests;
    j["direct_put_throttled_by"] = std::move(q);
  }
  Json bill = Json::object();
  bill["ingested_gb"] = Number(f.ingested_gb_billed);
  bill["format_conversion_gb"] = Number(f.format_conversion_gb);
  bill["dynamic_partitioning_gb"] = Number(f.dynamic_partitioning_gb);
  bill["s3_put_requests"] = f.s3_put_requests;
  j["billing"] = std::move(bill);
  return j;
}

Json ConsumerToJson(const ConsumerResult& c) {
  Json j = Json::object();
  j["name"] = c.name;
  j["type"] = c.type;
  j["starting_position"] = c.starting_position;
  j["records_available"] = c.records_available;
  j["records_processed"] = c.records_processed;
  j["records_reprocessed"] = c.records_reprocessed;
  j["records_unread"] = c.records_unread;
  j["records_expired"] = c.records_expired;
  j["records_failed"] = c.records_failed;
  j["records_skipped"] = c.records_skipped;
  j["bytes_read"] = c.bytes_read;
  j["get_records_calls"] = c.get_records_calls;
  j["read_throttles"] = c.read_throttles;
  j["read_throttles_by_call_rate"] = c.read_throttles_by_call_rate;
  j["read_throttles_by_bytes"] = c.read_throttles_by_bytes;
  j["read_throttles_by_penalty"] = c.read_throttles_by_penalty;
  j["subscribe_calls"] = c.subscribe_calls;
  j["deliveries"] = c.deliveries;
  j["mean_batch_records"] = Number(c.mean_batch_records);
  j["latency_ms"] = LatencyToJson(c.latency);
  j["propagation_ms"] = LatencyToJson(c.propagation);
  Json age = Json::object();
  age["max"] = Number(c.iterator_age_max_ms);
  age["p99"] = Number(c.iterator_age_p99_ms);
  age["growth"] = Number(c.iterator_age_growth);
  age["behind_at_end"] = Number(c.behind_at_end_ms);
  j["iterator_age_ms"] = std::move(age);
  if (c.type == "kcl") {
    j["workers"] = c.workers;
    j["idle_workers"] = c.idle_workers;
    j["unowned_shards"] = c.unowned_shards;
    j["checkpoints"] = c.checkpoints;
    j["lease_takeovers"] = c.lease_takeovers;
    j["lease_table_writes"] = c.lease_table_writes;
  }
  if (c.lambda) j["lambda"] = LambdaToJson(*c.lambda);
  if (c.firehose) j["firehose"] = FirehoseToJson(*c.firehose);
  Json shards = Json::array();
  for (const ConsumerShardResult& s : c.shards) shards.push_back(ConsumerShardToJson(s));
  j["shards"] = std::move(shards);
  return j;
}

Json FindingToJson(const Finding& f) {
  Json j = Json::object();
  j["kind"] = FindingKindName(f.kind);
  j["severity"] = SeverityName(f.severity);
  j["subject"] = f.subject;
  j["evidence"] = f.evidence;
  j["recommendation"] = f.recommendation;
  if (!f.new_starting_hash_key.empty()) j["new_starting_hash_key"] = f.new_starting_hash_key;
  return j;
}

Json AssumptionToJson(const Assumption& a) {
  Json j = Json::object();
  j["name"] = a.name;
  j["value"] = a.value;
  j["source"] = a.source;
  return j;
}

template <typename T, typename F>
Json ArrayOf(const std::vector<T>& items, F to_json) {
  Json a = Json::array();
  for (const T& item : items) a.push_back(to_json(item));
  return a;
}

}  // namespace

nlohmann::ordered_json ResultToJson(const RunResult& r) {
  Json j = Json::object();
  j["schema_version"] = r.schema_version;
  j["scenario"] = r.scenario;
  j["seed"] = r.seed;
  j["duration_s"] = Number(r.duration_s);
  j["stream_mode"] = r.stream_mode;
  j["open_shards"] = r.open_shards;
  j["write_limit_records_per_sec"] = Number(r.write_limit_records_per_sec);
  j["write_limit_bytes_per_sec"] = Number(r.write_limit_bytes_per_sec);
  j["events_processed"] = r.events_processed;
  j["conservation"] = ConservationToJson(r.conservation);
  j["producers"] = ArrayOf(r.producers, ProducerToJson);
  j["shards"] = ArrayOf(r.shards, ShardToJson);
  // Only with consumers, so write-only results keep their exact bytes.
  if (!r.consumers.empty()) j["consumers"] = ArrayOf(r.consumers, ConsumerToJson);
  j["findings"] = ArrayOf(r.findings, FindingToJson);
  j["assumptions"] = ArrayOf(r.assumptions, AssumptionToJson);
  j["series_files"] = ArrayOf(r.series, [](const SeriesTable& t) { return Json(SeriesPath(t)); });
  return j;
}

std::string ResultJsonText(const RunResult& result) {
  return ResultToJson(result).dump(2, ' ', /*ensure_ascii=*/false,
                                   nlohmann::ordered_json::error_handler_t::replace) +
         "\n";
}

}  // namespace shardsim
