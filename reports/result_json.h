// result.json: the machine-readable record of one run, built from RunResult. Keys appear in the
// order of the struct fields, numbers print deterministically, so identical results give
// byte-identical files. Pure functions, thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "models/result/run_result.h"

namespace shardsim {

// Schema (schema_version 1). Keys are the RunResult field names; units are in the names
// (_s seconds, _ms milliseconds, _per_s / _per_sec per second, bytes_ bytes) or stated here.
//
//   schema_version          int     bumped on any incompatible change
//   scenario                string  scenario name
//   seed                    uint    base seed; (scenario, seed) determines the run
//   duration_s              number  simulated time, seconds
//   stream_mode             string  "PROVISIONED" or "ON_DEMAND"
//   open_shards             int     open shards at the end of the run
//   write_limit_records_per_sec, write_limit_bytes_per_sec
//                           number  per-shard write limits the run enforced
//   events_processed        uint    discrete events the kernel ran
//   conservation            object  ok (bool), produced, accepted, dropped, in_flight,
//                                   duplicates (uint, user records), detail (string, which
//                                   identity failed; empty when ok)
//   producers[]             object  name, api ("PutRecord" | "PutRecords" | "KPL"), instances,
//                                   records_produced, records_accepted, records_throttled,
//                                   records_retried, records_dropped, records_oversized,
//                                   records_in_flight, duplicates, calls, calls_timed_out,
//                                   kinesis_records_sent (uint counts), bytes_accepted (bytes),
//                                   put_latency_ms (per call) and record_latency_ms (creation to
//                                   acceptance), each {mean, p50, p90, p99, p999, max: ms;
//                                   count: samples}
//   shards[]                object  shard_id, starting_hash_key, ending_hash_key (decimal
//                                   strings, 128-bit), state ("OPEN" | "CLOSED"),
//                                   parent_shard_ids[], records_in, bytes_in, records_offered,
//                                   peak_records_per_s, peak_bytes_per_s (accepted, busiest
//                                   one-second window), peak_offered_records_per_s,
//                                   peak_offered_bytes_per_s (accepted + throttled),
//                                   throttled_records, throttled_by_records_limit,
//                                   throttled_by_bytes_limit, expected_share (0..1 of stream
//                                   traffic), top_keys[] {key, records, share (0..1 of the
//                                   shard's offered records)}
//   consumers[]             object  present only when the scenario has consumers. name, type
//                                   ("polling" | "kcl" | "efo"), starting_position,
//                                   records_available (stored at or after the starting
//                                   position) = records_processed (unique) + records_unread +
//                                   records_expired; records_reprocessed (after lease
//                                   takeovers), records_skipped, bytes_read, get_records_calls,
//                                   read_throttles (+ _by_call_rate, _by_bytes, _by_penalty),
//                                   subscribe_calls, deliveries, mean_batch_records;
//                                   latency_ms (creation -> processed) and propagation_ms
//                                   (arrival -> delivered) as producers' latencies;
//                                   iterator_age_ms {max, p99, growth (ms per ms, second half),
//                                   behind_at_end}; kcl: workers, idle_workers, unowned_shards,
//                                   checkpoints, lease_takeovers, lease_table_writes; shards[]
//                                   {shard_id, records_processed, records_expired, read_throttles,
//                                   iterator_age_max_ms, behind_at_end_ms, owner (kcl)}.
//                                   Counts are Kinesis records as stored.
//   findings[]              object  kind, severity ("critical" | "warning" | "info"), subject,
//                                   evidence, recommendation, new_starting_hash_key (decimal;
//                                   present only when non-empty)
//   assumptions[]           object  name, value, source (fact-sheet reference or "UNCONFIRMED...")
//   series_files[]          string  CSV paths relative to result.json, e.g. "series/shards.csv"
//
// Numbers: integers print exactly; doubles in the shortest form that parses back to the same
// double. -0 prints as 0. NaN and +-inf have no JSON spelling and print as null ("undefined",
// e.g. a share of zero records) rather than aborting a finished run.
nlohmann::ordered_json ResultToJson(const RunResult& result);

// The canonical file text: ResultToJson indented by 2, one trailing "\n". Invalid UTF-8 in a
// string (e.g. a replayed partition key) becomes U+FFFD instead of throwing.
std::string ResultJsonText(const RunResult& result);

}  // namespace shardsim
