// Table-driven test of malformed scenarios (issue 14, "Bad input and faults"): each case is a
// small patch over a valid base scenario; `shardsim validate` and `shardsim run --out DIR` must
// both exit 2, name the offending JSON pointer and a phrase of the rule on stderr, not crash and
// not create DIR. Set SHARDSIM_MALFORMED_PRINT=1 to print every case's stderr.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#ifndef SHARDSIM_CLI
#error "SHARDSIM_CLI (path of the shardsim binary) must be defined"
#endif

namespace shardsim {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// A valid scenario with one producer to the stream, one Direct PUT producer, and one consumer of
// each type (producers/0 "p", producers/1 "dp"; consumers/0 polling, 1 kcl, 2 efo, 3 lambda,
// 4 firehose reading the stream, 5 firehose fed by Direct PUT).
const char* const kBase = R"({
  "name": "malformed-base",
  "seed": 1,
  "duration": "10s",
  "producers": [
    {"name": "p", "instances": 1, "rate": "100/s", "record_size": "1KiB",
     "arrival": {"process": "poisson"},
     "keys": {"dist": "uniform", "count": 10, "format": "k-{i}"},
     "api": {"type": "PutRecords", "linger": "50ms", "max_batch_records": 500},
     "retry": {"max_attempts": 3, "base_delay": "100ms", "max_delay": "1s"}},
    {"name": "dp", "rate": "10/s", "record_size": "1KiB", "api": {"type": "PutRecord"},
     "target": "direct"}
  ],
  "stream": {"name": "s", "shards": 2,
             "write_limits": {"bytes_per_s": "1MiB/s", "records_per_s": "1000/s"},
             "read_limits": {"get_records_per_s": 5}},
  "consumers": [
    {"name": "poll", "type": "polling", "poll_interval": "1s"},
    {"name": "kcl", "type": "kcl", "workers": 1},
    {"name": "efo", "type": "efo"},
    {"name": "lam", "type": "lambda", "batch_size": 100, "function": {"duration": "20ms"}},
    {"name": "fh", "type": "firehose", "buffering": {"size": "5MiB", "interval": "60s"}},
    {"name": "direct", "type": "firehose", "source": "direct_put"}
  ],
  "slos": {"p99_latency": "5s"},
  "pricing": {"overrides": {}},
  "analysis": {"hot_shard_threshold": 0.8}
})";

// One change to the base: set (or add) the value at a pointer, or remove it.
struct Edit {
  std::string pointer;
  Json value;
  bool remove = false;
};
Edit Set(std::string pointer, Json value) { return {std::move(pointer), std::move(value), false}; }
Edit Del(std::string pointer) { return {std::move(pointer), nullptr, true}; }

struct Case {
  std::string name;
  std::vector<Edit> edits;
  std::string pointer;  // expected in stderr as "FILE: POINTER: "
  std::string phrase;   // expected in stderr, a phrase of the rule
  std::vector<std::pair<std::string, std::string>> files = {};  // data files next to the scenario
  std::string raw = {};  // if set, the scenario text itself (JSON-level problems)
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

Json Parse(const std::string& text) { return Json::parse(text); }
const Json kHuge = Parse("1e300");
const Json kTwo64 = Parse("18446744073709551616");

std::vector<Case> Cases() {
  const std::string p = "/producers/0";
  const std::string dp = "/producers/1";
  const std::string st = "/stream";
  const std::string wl = "/stream/write_limits";
  const std::string poll = "/consumers/0";
  const std::string kcl = "/consumers/1";
  const std::string efo = "/consumers/2";
  const std::string lam = "/consumers/3";
  const std::string fh = "/consumers/4";
  const std::string direct = "/consumers/5";
  return {
      // --- scenario (top level) ---
      {"name_wrong_type", {Set("/name", 5)}, "/name", "expected a string"},
      {"name_missing", {Del("/name")}, "/name", "missing required field \"name\""},
      {"name_empty", {Set("/name", "")}, "/name", "must not be empty"},
      {"unknown_top_field",
       {Set("/durration", "10s")},
       "/durration",
       "unknown field \"durration\", did you mean \"duration\""},
      {"description_wrong_type", {Set("/description", 5)}, "/description", "expected a string"},
      {"seed_negative", {Set("/seed", -1)}, "/seed", "must be at least 0"},
      {"seed_two_pow_64", {Set("/seed", kTwo64)}, "/seed", "expected an integer"},
      {"seed_huge", {Set("/seed", kHuge)}, "/seed", "expected an integer"},
      {"seed_string", {Set("/seed", "1")}, "/seed", "expected an integer, got \"1\""},
      {"duration_parsecs",
       {Set("/duration", "10parsecs")},
       "/duration",
       "unknown unit \"parsecs\""},
      {"duration_bare_number", {Set("/duration", 10)}, "/duration", "(add a unit)"},
      {"duration_negative", {Set("/duration", "-5s")}, "/duration", "must not be negative"},
      {"duration_too_long",
       {Set("/duration", "400d")},
       "/duration",
       "must be between 1s and 8760h"},
      {"duration_zero", {Set("/duration", "0s")}, "/duration", "must be between 1s and 8760h"},
      {"duration_huge", {Set("/duration", "1e300s")}, "/duration", "expected a duration"},
      {"warmup_not_shorter",
       {Set("/warmup", "10s")},
       "/warmup",
       "must be shorter than the duration"},
      {"series_interval_too_fine",
       {Set("/series_interval", "0.5ms")},
       "/series_interval",
       "must be between 1ms and 24h"},
      {"series_max_values_small",
       {Set("/series_max_values", 10)},
       "/series_max_values",
       "must be between 1000 and 100000000000"},
      {"region_bad", {Set("/region", "mars")}, "/region", "expected an AWS region"},
      {"producers_empty", {Set("/producers", Json::array())}, "/producers", "must not be empty"},
      {"producers_missing",
       {Del("/producers")},
       "/producers",
       "missing required field \"producers\""},
      {"producers_wrong_type",
       {Set("/producers", Json::object())},
       "/producers",
       "expected an array"},
      {"consumers_wrong_type", {Set("/consumers", "x")}, "/consumers", "expected an array"},
      // --- producer ---
      {"producer_unknown_field", {Set(p + "/rat", "1/s")}, p + "/rat", "did you mean \"rate\""},
      {"producer_name_missing", {Del(p + "/name")}, p + "/name", "missing required field \"name\""},
      {"producer_name_invalid",
       {Set(p + "/name", "bad name!")},
       p + "/name",
       "must be 1 to 128 characters"},
      {"producer_duplicate_name",
       {Set(dp + "/name", "p")},
       dp + "/name",
       "duplicate producer name"},
      {"instances_zero",
       {Set(p + "/instances", 0)},
       p + "/instances",
       "must be between 1 and 1000000"},
      {"instances_negative",
       {Set(p + "/instances", -1)},
       p + "/instances",
       "must be between 1 and 1000000"},
      {"instances_huge", {Set(p + "/instances", kHuge)}, p + "/instances", "expected an integer"},
      {"instances_two_pow_64",
       {Set(p + "/instances", kTwo64)},
       p + "/instances",
       "expected an integer"},
      {"instances_string", {Set(p + "/instances", "4")}, p + "/instances", "expected an integer"},
      {"instances_fraction", {Set(p + "/instances", 1.5)}, p + "/instances", "expected an integer"},
      {"rate_bad_unit", {Set(p + "/rate", "5MB/h")}, p + "/rate", "that is a byte rate"},
      {"rate_zero", {Set(p + "/rate", "0/s")}, p + "/rate", "must be greater than 0/s"},
      {"rate_too_high", {Set(p + "/rate", "200M/s")}, p + "/rate", "at most 100000000/s"},
      {"rate_missing", {Del(p + "/rate")}, p + "/rate", "missing required field \"rate\""},
      {"rate_bare_number", {Set(p + "/rate", 100)}, p + "/rate", "(add a unit)"},
      {"rate_negative", {Set(p + "/rate", "-1/s")}, p + "/rate", "must not be negative"},
      {"start_phase_bad",
       {Set(p + "/start_phase", "sideways")},
       p + "/start_phase",
       "expected one of \"random\" or \"aligned\""},
      {"target_dangling",
       {Set(dp + "/target", "nope")},
       dp + "/target",
       "no firehose consumer is named \"nope\""},
      {"target_not_firehose", {Set(dp + "/target", "poll")}, dp + "/target", "is not a firehose"},
      {"target_firehose_reads_stream",
       {Set(dp + "/target", "fh")},
       dp + "/target",
       "reads from the stream"},
      {"direct_put_with_keys",
       {Set(dp + "/keys", Json{{"count", 5}})},
       dp + "/keys",
       "Firehose records have no partition key"},
      {"direct_put_record_too_large",
       {Set(dp + "/record_size", "1001KiB")},
       dp + "/record_size",
       "1000KiB record limit"},
      {"direct_put_batch_too_large",
       {Set(dp + "/api", Json{{"type", "PutRecords"}, {"max_batch_bytes", "5MiB"}})},
       dp + "/api/max_batch_bytes",
       "the PutRecordBatch limit"},
      // --- record_size ---
      {"record_size_too_large",
       {Set(p + "/record_size", "11MiB")},
       p + "/record_size",
       "must be between 0B and 10MiB"},
      {"record_size_parsecs",
       {Set(p + "/record_size", "10parsecs")},
       p + "/record_size",
       "unknown unit \"parsecs\""},
      {"record_size_missing",
       {Del(p + "/record_size")},
       p + "/record_size",
       "missing required field \"record_size\""},
      {"record_size_bad_dist",
       {Set(p + "/record_size", Json{{"dist", "gaussian"}})},
       p + "/record_size/dist",
       "expected one of \"fixed\""},
      {"record_size_min_over_max",
       {Set(p + "/record_size", Json{{"dist", "uniform"}, {"min", "2KiB"}, {"max", "1KiB"}})},
       p + "/record_size/min",
       "is greater than max"},
      {"record_size_p99_below_median",
       {Set(p + "/record_size", Json{{"dist", "lognormal"}, {"median", "2KiB"}, {"p99", "1KiB"}})},
       p + "/record_size/p99",
       "must be greater than the median"},
      {"record_size_wrong_variant_field",
       {Set(p + "/record_size",
            Json{{"dist", "uniform"}, {"min", "1B"}, {"max", "2B"}, {"median", "1B"}})},
       p + "/record_size/median",
       "applies only to dist \"lognormal\""},
      {"record_size_over_stream_limit",
       {Set(p + "/record_size", "2MiB")},
       p + "/record_size",
       "exceed the stream's max_record_size"},
      {"record_size_negative",
       {Set(p + "/record_size", "-1B")},
       p + "/record_size",
       "must not be negative"},
      {"empirical_missing_csv",
       {Set(p + "/record_size", Json{{"dist", "empirical"}, {"file", "missing.csv"}})},
       p + "/record_size/file",
       "not found"},
      {"empirical_bad_header",
       {Set(p + "/record_size", Json{{"dist", "empirical"}, {"file", "sizes.csv"}})},
       p + "/record_size/file",
       "expected the columns \"size\" and \"weight\"",
       {{"sizes.csv", "bytes,weight\n100,1\n"}}},
      {"empirical_non_numeric",
       {Set(p + "/record_size", Json{{"dist", "empirical"}, {"file", "sizes.csv"}})},
       p + "/record_size/file",
       "expected a whole number of bytes",
       {{"sizes.csv", "size,weight\nlots,1\n"}}},
      {"empirical_negative_weight",
       {Set(p + "/record_size", Json{{"dist", "empirical"}, {"file", "sizes.csv"}})},
       p + "/record_size/file",
       "expected a number >= 0 in column \"weight\"",
       {{"sizes.csv", "size,weight\n100,-1\n"}}},
      // --- keys ---
      {"keys_bad_dist",
       {Set(p + "/keys/dist", "zipfian")},
       p + "/keys/dist",
       "expected one of \"uniform\""},
      {"keys_count_zero",
       {Set(p + "/keys/count", 0)},
       p + "/keys/count",
       "must be between 1 and 100000000"},
      {"keys_count_too_big",
       {Set(p + "/keys/count", 1000000000)},
       p + "/keys/count",
       "must be between 1 and 100000000"},
      {"keys_format_no_placeholder",
       {Set(p + "/keys/format", "fixed")},
       p + "/keys/format",
       "has no \"{i}\""},
      {"keys_unknown_field", {Set(p + "/keys/cnt", 5)}, p + "/keys/cnt", "unknown field \"cnt\""},
      {"keys_hot_key_without_share",
       {Set(p + "/keys", Json{{"dist", "hot_key"}})},
       p + "/keys/hot_share",
       "missing required field \"hot_share\""},
      {"keys_hot_share_over_one",
       {Set(p + "/keys", Json{{"dist", "hot_key"}, {"hot_share", 1.5}})},
       p + "/keys/hot_share",
       "must be greater than 0 and at most 1"},
      {"keys_zipf_exponent_zero",
       {Set(p + "/keys", Json{{"dist", "zipf"}, {"exponent", 0}})},
       p + "/keys/exponent",
       "must be greater than 0 and at most 10"},
      {"keys_weighted_duplicate",
       {Set(p + "/keys", Json{{"dist", "weighted"},
                              {"keys", Json::array({Json{{"key", "a"}, {"weight", 1}},
                                                    Json{{"key", "a"}, {"weight", 2}}})}})},
       p + "/keys/keys/1/key",
       "duplicate key \"a\""},
      {"keys_weighted_empty",
       {Set(p + "/keys", Json{{"dist", "weighted"}, {"keys", Json::array()}})},
       p + "/keys/keys",
       "must not be empty"},
      {"keys_weighted_negative_weight",
       {Set(p + "/keys", Json{{"dist", "weighted"},
                              {"keys", Json::array({Json{{"key", "a"}, {"weight", -1}}})}})},
       p + "/keys/keys/0/weight",
       "must be between 0 and"},
      {"keys_hash_key_too_big",
       {Set(p + "/keys",
            Json{{"dist", "explicit_hash_key"},
                 {"hash_keys",
                  Json::array({Json{{"hash_key", "340282366920938463463374607431768211456"},
                                    {"weight", 1}}})}})},
       p + "/keys/hash_keys/0/hash_key",
       "must be at most 2^128-1"},
      // --- api ---
      {"api_bad_type",
       {Set(p + "/api/type", "PutRecordz")},
       p + "/api/type",
       "did you mean \"PutRecord\""},
      {"api_batch_records_over",
       {Set(p + "/api/max_batch_records", 501)},
       p + "/api/max_batch_records",
       "the PutRecords limit"},
      {"api_batch_records_zero",
       {Set(p + "/api/max_batch_records", 0)},
       p + "/api/max_batch_records",
       "the PutRecords limit"},
      {"api_batch_bytes_over",
       {Set(p + "/api/max_batch_bytes", "6MiB")},
       p + "/api/max_batch_bytes",
       "the PutRecords request limit"},
      {"api_linger_too_long",
       {Set(p + "/api/linger", "2min")},
       p + "/api/linger",
       "must be between 0s and 1min"},
      {"api_unknown_field",
       {Set(p + "/api/lingr", "1s")},
       p + "/api/lingr",
       "did you mean \"linger\""},
      {"api_wrong_variant_field",
       {Set(p + "/api", Json{{"type", "PutRecord"}, {"linger", "10ms"}})},
       p + "/api/linger",
       "applies only to type \"PutRecords\""},
      {"api_kpl_with_retry",
       {Set(p + "/api", Json{{"type", "KPL"}})},
       p + "/retry",
       "the KPL retries by itself"},
      {"api_kpl_aggregation_too_small",
       {Del(p + "/retry"), Set(p + "/api", Json{{"type", "KPL"}, {"aggregation_max_size", "32B"}})},
       p + "/api/aggregation_max_size",
       "must be between 64B and 10MiB"},
      {"api_in_flight_zero",
       {Set(p + "/api/max_in_flight_calls", 0)},
       p + "/api/max_in_flight_calls",
       "must be between 1 and 10000"},
      {"api_latency_missing_p99",
       {Set(p + "/api/call_latency", Json{{"dist", "lognormal"}, {"median", "20ms"}})},
       p + "/api/call_latency/p99",
       "missing required field \"p99\""},
      {"api_latency_huge",
       {Set(p + "/api/call_latency", "1e300s")},
       p + "/api/call_latency",
       "expected a duration"},
      // --- retry ---
      {"retry_attempts_zero",
       {Set(p + "/retry/max_attempts", 0)},
       p + "/retry/max_attempts",
       "must be between 1 and 100"},
      {"retry_attempts_over",
       {Set(p + "/retry/max_attempts", 101)},
       p + "/retry/max_attempts",
       "must be between 1 and 100"},
      {"retry_multiplier_below_one",
       {Set(p + "/retry/multiplier", 0.5)},
       p + "/retry/multiplier",
       "must be between 1 and 100"},
      {"retry_max_below_base",
       {Set(p + "/retry/max_delay", "10ms")},
       p + "/retry/max_delay",
       "is less than base_delay"},
      {"retry_bad_jitter",
       {Set(p + "/retry/jitter", "lots")},
       p + "/retry/jitter",
       "expected one of \"none\""},
      {"retry_unknown_field",
       {Set(p + "/retry/attempts", 3)},
       p + "/retry/attempts",
       "unknown field \"attempts\""},
      {"retry_timeout_zero",
       {Set(p + "/retry/call_timeout", "0s")},
       p + "/retry/call_timeout",
       "must be greater than 0s"},
      // --- arrival ---
      {"arrival_bad_process",
       {Set(p + "/arrival/process", "weibull")},
       p + "/arrival/process",
       "expected one of \"constant\""},
      {"arrival_unknown_field",
       {Set(p + "/arrival/proces", "poisson")},
       p + "/arrival/proces",
       "did you mean \"process\""},
      {"arrival_peak_factor_over",
       {Set(p + "/arrival", Json{{"process", "diurnal"}, {"peak_factor", 3}})},
       p + "/arrival/peak_factor",
       "must be between 1 and 2"},
      {"arrival_peak_hour_24",
       {Set(p + "/arrival", Json{{"process", "diurnal"}, {"peak_hour", 24}})},
       p + "/arrival/peak_hour",
       "less than 24"},
      {"arrival_bursts_missing_on",
       {Set(p + "/arrival", Json{{"process", "bursts"}, {"off", "5s"}, {"burst_rate", "10/s"}})},
       p + "/arrival/on",
       "missing required field \"on\""},
      {"arrival_steps_out_of_order",
       {Set(p + "/arrival", Json{{"process", "steps"},
                                 {"steps", Json::array({Json{{"at", "5s"}, {"rate", "10/s"}},
                                                        Json{{"at", "2s"}, {"rate", "20/s"}}})}})},
       p + "/arrival/steps/1/at",
       "increasing time order"},
      {"arrival_step_after_run",
       {Set(p + "/arrival", Json{{"process", "steps"},
                                 {"steps", Json::array({Json{{"at", "20s"}, {"rate", "10/s"}}})}})},
       p + "/arrival/steps/0/at",
       "not before the end of the run"},
      {"arrival_trace_with_rate",
       {Set(p + "/arrival", Json{{"process", "trace"}, {"file", "trace.csv"}})},
       p + "/rate",
       "the trace file gives the rate",
       {{"trace.csv", "records\n5\n"}}},
      {"arrival_trace_missing_csv",
       {Del(p + "/rate"), Set(p + "/arrival", Json{{"process", "trace"}, {"file", "missing.csv"}})},
       p + "/arrival/file",
       "not found"},
      {"arrival_trace_bad_header",
       {Del(p + "/rate"), Set(p + "/arrival", Json{{"process", "trace"}, {"file", "trace.csv"}})},
       p + "/arrival/file",
       "unknown column \"count\"",
       {{"trace.csv", "count\n5\n"}}},
      {"arrival_trace_non_numeric",
       {Del(p + "/rate"), Set(p + "/arrival", Json{{"process", "trace"}, {"file", "trace.csv"}})},
       p + "/arrival/file",
       "expected a number in column \"records\"",
       {{"trace.csv", "records\nmany\n"}}},
      {"arrival_trace_empty_file",
       {Del(p + "/rate"), Set(p + "/arrival", Json{{"process", "trace"}, {"file", "trace.csv"}})},
       p + "/arrival/file",
       "empty file",
       {{"trace.csv", ""}}},
      {"arrival_trace_huge_count",
       {Del(p + "/rate"), Set(p + "/arrival", Json{{"process", "trace"}, {"file", "trace.csv"}})},
       p + "/arrival/file",
       "must be at most 100000000 per row",
       {{"trace.csv", "records\n1e300\n"}}},
      // --- stream ---
      {"stream_wrong_type", {Set(st, 5)}, st, "expected an object"},
      {"stream_shards_zero",
       {Set(st + "/shards", 0)},
       st + "/shards",
       "must be between 1 and 10000"},
      {"stream_shards_over",
       {Set(st + "/shards", 10001)},
       st + "/shards",
       "must be between 1 and 10000"},
      {"stream_shards_huge", {Set(st + "/shards", kHuge)}, st + "/shards", "expected an integer"},
      {"stream_shards_missing",
       {Del(st + "/shards")},
       st + "/shards",
       "provisioned mode requires \"shards\""},
      {"stream_retention_short",
       {Set(st + "/retention", "1h")},
       st + "/retention",
       "must be between 24h and 8760h"},
      {"stream_retention_fraction",
       {Set(st + "/retention", "25.5h")},
       st + "/retention",
       "whole number of hours"},
      {"stream_max_record_size_over",
       {Set(st + "/max_record_size", "20MiB")},
       st + "/max_record_size",
       "must be between 1MiB and 10MiB"},
      {"stream_unknown_field", {Set(st + "/shard", 2)}, st + "/shard", "did you mean \"shards\""},
      {"stream_bad_mode",
       {Set(st + "/mode", "serverless")},
       st + "/mode",
       "expected one of \"provisioned\" or \"on_demand\""},
      {"stream_name_invalid",
       {Set(st + "/name", "my stream")},
       st + "/name",
       "must be 1 to 128 characters"},
      {"stream_efo_consumers_zero",
       {Set(st + "/max_efo_consumers", 0)},
       st + "/max_efo_consumers",
       "must be between 1 and 50"},
      {"stream_too_many_efo_consumers",
       {Set(st + "/max_efo_consumers", 1), Set(lam + "/source", "efo")},
       lam,
       "max_efo_consumers"},
      {"stream_missing_with_stream_producer",
       {Del(st)},
       "/stream",
       "missing required field \"stream\""},
      // --- stream operations ---
      {"operations_out_of_order",
       {Set(st + "/operations",
            Json::array({Json{{"at", "5s"}, {"op", "update_shard_count"}, {"target", 4}},
                         Json{{"at", "2s"}, {"op", "update_shard_count"}, {"target", 2}}}))},
       st + "/operations/1/at",
       "must be in time order"},
      {"operations_after_run",
       {Set(st + "/operations",
            Json::array({Json{{"at", "1h"}, {"op", "update_shard_count"}, {"target", 4}}}))},
       st + "/operations/0/at",
       "not before the end of the run"},
      {"operations_merge_same_shard",
       {Set(st + "/operations", Json::array({Json{{"at", "1s"},
                                                  {"op", "merge"},
                                                  {"shard", "shardId-000000000000"},
                                                  {"adjacent", "shardId-000000000000"}}}))},
       st + "/operations/0/adjacent",
       "cannot be merged with itself"},
      {"operations_bad_shard_id",
       {Set(st + "/operations", Json::array({Json{{"at", "1s"},
                                                  {"op", "split"},
                                                  {"shard", "shard-3"},
                                                  {"new_starting_hash_key", "even"}}}))},
       st + "/operations/0/shard",
       "expected a shard id"},
      {"operations_bad_op",
       {Set(st + "/operations", Json::array({Json{{"at", "1s"}, {"op", "explode"}}}))},
       st + "/operations/0/op",
       "expected one of \"split\""},
      {"operations_target_zero",
       {Set(st + "/operations",
            Json::array({Json{{"at", "1s"}, {"op", "update_shard_count"}, {"target", 0}}}))},
       st + "/operations/0/target",
       "must be between 1 and 1000000"},
      {"operations_on_demand",
       {Set(st + "/mode", "on_demand"),
        Set(st + "/operations",
            Json::array({Json{{"at", "1s"}, {"op", "update_shard_count"}, {"target", 4}}}))},
       st + "/operations/0/op",
       "Kinesis refuses resharding an on-demand stream"},
      {"update_stream_mode_without_mode",
       {Set(st + "/operations", Json::array({Json{{"at", "1s"}, {"op", "update_stream_mode"}}}))},
       st + "/operations/0/mode",
       "required"},
      // --- on_demand ---
      {"on_demand_split_threshold_at_the_limit",
       {Set(st + "/mode", "on_demand"),
        Set(st + "/on_demand", Json{{"split_threshold", "1MiB/s"}})},
       st + "/on_demand/split_threshold",
       "must be below the shard write limit write_limits.bytes_per_s 1MiB/s"},
      {"on_demand_split_threshold_records_over_the_limit",
       {Set(st + "/mode", "on_demand"),
        Set(st + "/on_demand", Json{{"split_threshold_records", "1500/s"}})},
       st + "/on_demand/split_threshold_records",
       "must be below the shard write limit write_limits.records_per_s"},
      {"on_demand_split_threshold_zero",
       {Set(st + "/mode", "on_demand"), Set(st + "/on_demand", Json{{"split_threshold", "0B/s"}})},
       st + "/on_demand/split_threshold",
       "must be"},
      {"on_demand_max_write_below_the_start",
       {Set(st + "/mode", "on_demand"),
        Set(st + "/on_demand", Json{{"max_write_throughput", "1MiB/s"}})},
       st + "/on_demand/max_write_throughput",
       "must be at least the starting capacity, 2 shards x 1MiB/s"},
      {"on_demand_merge_threshold_not_below_split",
       {Set(st + "/mode", "on_demand"),
        Set(st + "/on_demand", Json{{"scale_down", true}, {"merge_threshold", "600KB/s"}})},
       st + "/on_demand/merge_threshold",
       "must be below split_threshold 500KB/s (the merged shard would be split again)"},
      {"on_demand_merge_threshold_records_not_below_split",
       {Set(st + "/mode", "on_demand"),
        Set(st + "/on_demand", Json{{"merge_threshold_records", "500/s"}})},
       st + "/on_demand/merge_threshold_records",
       "must be below split_threshold_records 500/s"},
      {"on_demand_merge_after_too_short",
       {Set(st + "/mode", "on_demand"), Set(st + "/on_demand", Json{{"merge_after", "30s"}})},
       st + "/on_demand/merge_after",
       "must be"},
      {"on_demand_scale_down_not_boolean",
       {Set(st + "/mode", "on_demand"), Set(st + "/on_demand", Json{{"scale_down", "yes"}})},
       st + "/on_demand/scale_down",
       "expected"},
      {"on_demand_field_on_provisioned",
       {Set(st + "/on_demand", Json{{"split_delay", "5min"}})},
       st + "/on_demand",
       "applies only to mode \"on_demand\""},
      // --- write_limits / read_limits ---
      {"write_limits_bytes_zero",
       {Set(wl + "/bytes_per_s", "0B/s")},
       wl + "/bytes_per_s",
       "must be between 1B/s and 1TiB/s"},
      {"write_limits_bytes_bad_unit",
       {Set(wl + "/bytes_per_s", "5MB/fortnight")},
       wl + "/bytes_per_s",
       "unknown time unit \"fortnight\""},
      {"write_limits_records_fraction",
       {Set(wl + "/records_per_s", "1.5/s")},
       wl + "/records_per_s",
       "whole number per second"},
      {"write_limits_bad_admission",
       {Set(wl + "/admission", "leaky")},
       wl + "/admission",
       "expected one of \"window\" or \"token_bucket\""},
      {"write_limits_depth_with_window",
       {Set(wl + "/bucket_depth", 2)},
       wl + "/bucket_depth",
       "applies only to admission \"token_bucket\""},
      {"write_limits_burst_zero",
       {Set(wl + "/burst", "0B")},
       wl + "/burst",
       "must be between 1B and 1TiB"},
      {"write_limits_unknown_field",
       {Set(wl + "/bytes", "1MiB/s")},
       wl + "/bytes",
       "unknown field \"bytes\""},
      {"write_limits_bucket_too_small",
       {Set(wl + "/admission", "token_bucket"), Set(wl + "/bucket_depth", 0.1)},
       wl + "/bucket_depth",
       "holds less than one record"},
      {"read_limits_calls_zero",
       {Set(st + "/read_limits/get_records_per_s", 0)},
       st + "/read_limits/get_records_per_s",
       "must be between 1 and 1000"},
      // --- consumers ---
      {"consumer_type_missing",
       {Del(poll + "/type")},
       poll + "/type",
       "missing required field \"type\""},
      {"consumer_bad_type",
       {Set(poll + "/type", "kafka")},
       poll + "/type",
       "expected one of \"polling\""},
      {"consumer_duplicate_name",
       {Set(kcl + "/name", "poll")},
       kcl + "/name",
       "duplicate consumer name"},
      {"consumer_wrong_type", {Set(poll, "polling")}, poll, "expected an object"},
      {"polling_interval_too_long",
       {Set(poll + "/poll_interval", "2h")},
       poll + "/poll_interval",
       "must be between 0s and 1h"},
      {"polling_lambda_field",
       {Set(poll + "/batch_size", 10)},
       poll + "/batch_size",
       "applies only to type \"lambda\""},
      {"polling_max_records_over",
       {Set(poll + "/max_records", 10001)},
       poll + "/max_records",
       "the GetRecords Limit"},
      {"polling_outages_overlap",
       {Set(poll + "/outages",
            Json::array({Json{{"from", "1s"}, {"to", "5s"}}, Json{{"from", "3s"}, {"to", "6s"}}}))},
       poll + "/outages/1/from",
       "without overlap"},
      {"polling_at_timestamp_missing",
       {Set(poll + "/starting_position", Json{{"type", "AT_TIMESTAMP"}})},
       poll + "/starting_position/timestamp",
       "missing required field \"timestamp\""},
      {"kcl_workers_zero",
       {Set(kcl + "/workers", 0)},
       kcl + "/workers",
       "must be between 1 and 10000"},
      {"kcl_worker_failure_index",
       {Set(kcl + "/worker_failures", Json::array({Json{{"worker", 5}, {"at", "1s"}}}))},
       kcl + "/worker_failures/0/worker",
       "numbered from 0"},
      {"kcl_idle_time_short",
       {Set(kcl + "/idle_time_between_reads", "100ms")},
       kcl + "/idle_time_between_reads",
       "the KCL minimum is 200ms"},
      {"kcl_unknown_field", {Set(kcl + "/worker", 1)}, kcl + "/worker", "did you mean \"workers\""},
      {"efo_subscription_zero",
       {Set(efo + "/subscription_lifetime", "0s")},
       efo + "/subscription_lifetime",
       "must be greater than 0s"},
      {"efo_poll_interval",
       {Set(efo + "/poll_interval", "1s")},
       efo + "/poll_interval",
       "applies only to type \"polling\""},
      // --- lambda ---
      {"lambda_function_missing",
       {Del(lam + "/function")},
       lam + "/function",
       "missing required field \"function\""},
      {"lambda_batch_size_over",
       {Set(lam + "/batch_size", 10001)},
       lam + "/batch_size",
       "must be between 1 and 10000"},
      {"lambda_parallelization_over",
       {Set(lam + "/parallelization_factor", 11)},
       lam + "/parallelization_factor",
       "must be between 1 and 10"},
      {"lambda_window_fraction",
       {Set(lam + "/batching_window", "1.5s")},
       lam + "/batching_window",
       "whole number of seconds"},
      {"lambda_memory_small",
       {Set(lam + "/function/memory_mb", 64)},
       lam + "/function/memory_mb",
       "must be between 128 and 10240"},
      {"lambda_retry_attempts_negative",
       {Set(lam + "/maximum_retry_attempts", -2)},
       lam + "/maximum_retry_attempts",
       "must be between -1 and 10000"},
      {"lambda_record_age_short",
       {Set(lam + "/maximum_record_age", "30s")},
       lam + "/maximum_record_age",
       "must be between 1min and 168h"},
      {"lambda_bad_source",
       {Set(lam + "/source", "kafka")},
       lam + "/source",
       "expected one of \"polling\" or \"efo\""},
      {"lambda_function_unknown_field",
       {Set(lam + "/function/memory", 128)},
       lam + "/function/memory",
       "unknown field \"memory\""},
      {"lambda_error_rate_over",
       {Set(lam + "/function/error_rate", 2)},
       lam + "/function/error_rate",
       "must be between 0 and 1"},
      {"lambda_poison_after_run",
       {Set(lam + "/function/poison_records", Json::array({Json{{"at", "1h"}}}))},
       lam + "/function/poison_records/0/at",
       "not before the end of the run"},
      {"lambda_duration_bare_number",
       {Set(lam + "/function/duration", 20)},
       lam + "/function/duration",
       "(add a unit)"},
      {"lambda_parallel_with_kpl_aggregation",
       {Del(p + "/retry"), Set(p + "/api", Json{{"type", "KPL"}}),
        Set(lam + "/parallelization_factor", 2)},
       lam + "/parallelization_factor",
       "KPL-aggregated records"},
      // --- firehose ---
      {"firehose_buffer_too_large",
       {Set(fh + "/buffering/size", "256MiB")},
       fh + "/buffering/size",
       "must be between 1MiB and 128MiB"},
      {"firehose_interval_too_long",
       {Set(fh + "/buffering/interval", "1000s")},
       fh + "/buffering/interval",
       "must be between 0s and 15min"},
      {"firehose_conversion_small_buffer",
       {Set(fh + "/format_conversion", Json{{"enabled", true}})},
       fh + "/buffering/size",
       "format conversion needs a buffer size of at least 64MiB"},
      {"firehose_bad_codec",
       {Set(fh + "/compression", Json{{"codec", "brotli"}})},
       fh + "/compression/codec",
       "expected one of \"none\""},
      {"firehose_ratio_zero",
       {Set(fh + "/compression", Json{{"codec", "gzip"}, {"ratio", 0}})},
       fh + "/compression/ratio",
       "must be greater than 0 and at most 1"},
      {"firehose_partitions_over",
       {Set(fh + "/dynamic_partitioning", Json{{"enabled", true}, {"partitions", 6000}})},
       fh + "/dynamic_partitioning/partitions",
       "must be between 1 and 5000"},
      {"firehose_bad_destination",
       {Set(fh + "/destination", Json{{"type", "redshift"}})},
       fh + "/destination/type",
       "expected one of \"s3\""},
      {"firehose_direct_put_limits_on_stream_source",
       {Set(fh + "/direct_put_limits", Json{{"records_per_s", "10/s"}})},
       fh + "/direct_put_limits",
       "applies only to source \"direct_put\""},
      {"firehose_transform_without_duration",
       {Set(fh + "/transform", Json{{"enabled", true}})},
       fh + "/transform/duration",
       "missing required field \"duration\""},
      {"firehose_direct_put_without_producer",
       {Del(dp + "/target")},
       direct + "/source",
       "no producer writes to this direct_put firehose"},
      {"firehose_unknown_field",
       {Set(fh + "/bufering", Json::object())},
       fh + "/bufering",
       "did you mean \"buffering\""},
      {"firehose_lambda_field",
       {Set(fh + "/batch_size", 10)},
       fh + "/batch_size",
       "applies only to type \"lambda\""},
      // --- slos, pricing, analysis ---
      {"slos_latency_zero",
       {Set("/slos/p99_latency", "0s")},
       "/slos/p99_latency",
       "must be greater than 0s"},
      {"slos_throttle_fraction_over",
       {Set("/slos/max_write_throttle_fraction", 2)},
       "/slos/max_write_throttle_fraction",
       "must be between 0 and 1"},
      {"slos_unknown_field", {Set("/slos/p99", "1s")}, "/slos/p99", "unknown field \"p99\""},
      {"slos_cost_negative",
       {Set("/slos/max_monthly_cost_usd", -1)},
       "/slos/max_monthly_cost_usd",
       "must be between 0 and 1000000000000"},
      {"pricing_missing_file",
       {Set("/pricing/file", "missing-prices.json")},
       "/pricing/file",
       "not found"},
      {"pricing_broken_file",
       {Set("/pricing/file", "prices.json")},
       "/pricing/file",
       "syntax error",
       {{"prices.json", "{\"region\": "}}},
      {"pricing_file_missing_field",
       {Set("/pricing/file", "prices.json")},
       "/pricing/file",
       "missing required field \"region\"",
       {{"prices.json", "{\"currency\": \"USD\", \"date\": \"2024-07-01\", \"prices\": {}}"}}},
      {"slos_cost_without_prices",
       {Set("/region", "eu-west-1"), Set("/slos/max_monthly_cost_usd", 100)},
       "/slos/max_monthly_cost_usd",
       "a cost objective needs prices"},
      {"pricing_override_string",
       {Set("/pricing/overrides/kds_shard_hour", "cheap")},
       "/pricing/overrides/kds_shard_hour",
       "expected a number"},
      {"pricing_unknown_field",
       {Set("/pricing/fil", "x.json")},
       "/pricing/fil",
       "did you mean \"file\""},
      {"analysis_threshold_zero",
       {Set("/analysis/hot_shard_threshold", 0)},
       "/analysis/hot_shard_threshold",
       "must be greater than 0 and at most 1"},
      {"analysis_top_keys_negative",
       {Set("/analysis/top_keys", -1)},
       "/analysis/top_keys",
       "must be between 0 and 10000"},
      {"analysis_top_keys_huge",
       {Set("/analysis/top_keys", kTwo64)},
       "/analysis/top_keys",
       "expected an integer"},
      {"analysis_unknown_field",
       {Set("/analysis/top_key", 3)},
       "/analysis/top_key",
       "did you mean \"top_keys\""},
      // --- JSON-level ---
      {"duplicate_key",
       {},
       "/seed",
       "duplicate key \"seed\"",
       {},
       R"({"name": "d", "seed": 1, "seed": 2,
        "producers": [{"name": "p", "rate": "1/s", "record_size": "1B"}], "stream": {"shards": 1}})"},
      {"top_level_array", {}, "", "expected an object, got an array", {}, "[]"},
  };
}

struct Outcome {
  bool exited = false;
  int code = -1;
  std::string err;
};

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string Quote(const fs::path& path) {
  std::string quoted = "'";
  quoted.append(path.string()).append("'");
  return quoted;
}

Outcome RunCli(const std::string& args, const fs::path& dir) {
  const fs::path err = dir / "stderr.txt";
  std::string command = "'";
  command.append(SHARDSIM_CLI).append("' ").append(args).append(" >/dev/null 2>");
  command.append(Quote(err));
  const int status = std::system(command.c_str());
  Outcome outcome;
  outcome.exited = status != -1 && WIFEXITED(status);
  outcome.code = outcome.exited ? WEXITSTATUS(status) : -1;
  outcome.err = ReadAll(err);
  return outcome;
}

class MalformedScenario : public ::testing::TestWithParam<Case> {};

// The process id keeps two suites on one machine (two build trees, or two checkouts) out of each
// other's directories: a shared name let one run delete or fill the other's case directory.
fs::path CaseDir(const std::string& name) {
  const fs::path dir = fs::path(::testing::TempDir()) /
                       ("shardsim_malformed_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(MalformedBase, BaseScenarioIsValid) {
  const fs::path dir = CaseDir("base");
  std::ofstream(dir / "scenario.json") << kBase;
  const Outcome outcome = RunCli("validate " + Quote(dir / "scenario.json"), dir);
  EXPECT_EQ(outcome.code, 0) << outcome.err;
  fs::remove_all(dir);
}

TEST_P(MalformedScenario, ExitsTwoNamesPointerAndRuleWritesNothing) {
  const Case& c = GetParam();
  const fs::path dir = CaseDir(c.name);
  std::string text = c.raw;
  if (text.empty()) {
    Json doc = Json::parse(kBase);
    for (const Edit& edit : c.edits) {
      const Json::json_pointer pointer(edit.pointer);
      if (edit.remove) {
        doc[pointer.parent_pointer()].erase(pointer.back());
      } else {
        doc[pointer] = edit.value;
      }
    }
    text = doc.dump(2);
  }
  const fs::path file = dir / "scenario.json";
  std::ofstream(file) << text;
  for (const auto& [name, content] : c.files) std::ofstream(dir / name) << content;
  const fs::path out = dir / "out";
  std::string prefix = file.string();
  prefix.append(": ").append(c.pointer);
  if (!c.pointer.empty()) prefix.append(": ");
  for (const std::string& args :
       {"validate " + Quote(file), "run " + Quote(file) + " -q --out " + Quote(out)}) {
    SCOPED_TRACE(args);
    const Outcome outcome = RunCli(args, dir);
    if (std::getenv("SHARDSIM_MALFORMED_PRINT") != nullptr) {
      std::printf("[%s] %s exit %d\n%s", c.name.c_str(), args.substr(0, 3).c_str(), outcome.code,
                  outcome.err.c_str());
    }
    EXPECT_TRUE(outcome.exited) << "killed by a signal\n" << outcome.err;
    EXPECT_EQ(outcome.code, 2) << outcome.err;
    EXPECT_NE(outcome.err.find(prefix), std::string::npos) << "no \"" << prefix << "\" in:\n"
                                                           << outcome.err;
    EXPECT_NE(outcome.err.find(c.phrase), std::string::npos) << "no \"" << c.phrase << "\" in:\n"
                                                             << outcome.err;
    EXPECT_EQ(outcome.err.find("internal"), std::string::npos) << outcome.err;
    EXPECT_FALSE(fs::exists(out)) << out << " was created";
  }
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Table, MalformedScenario, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& param_info) {
                           return param_info.param.name;
                         });

TEST(MalformedTable, HasAtLeastHundredCases) { EXPECT_GE(Cases().size(), 100U); }

}  // namespace
}  // namespace shardsim
