// Tests for models/scenario_loader: the example scenarios load cleanly; a table of bad inputs
// each yields its exact pointer and message; several problems are all reported in document
// order; malformed JSON gives line:column; every field of a kitchen-sink scenario lands in the
// right struct member; features and unsupported-feature diagnostics; the JSON Schema agrees
// with the loader (same fields and variants per object type, and every schema default equals
// the loader's default); truncated and garbled files never crash the loader.
#include "models/spec/loader/scenario_loader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tests/support/example_files.h"

namespace shardsim {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kScenarioDir = std::string(SHARDSIM_SOURCE_DIR) + "/scenarios";

// The smallest valid scenario; tests patch it.
json Base() {
  return json::parse(R"({
    "name": "t",
    "duration": "10min",
    "producers": [{"name": "p", "rate": "100/s", "record_size": "100B"}],
    "stream": {"shards": 2}
  })");
}

LoadResult Load(const json& doc, const std::string& base_dir = "") {
  return LoadScenarioText(doc.dump(), "x.json", base_dir);
}

std::string Errors(const LoadResult& r) {
  std::string out;
  for (const Diagnostic& d : r.errors) out += FormatDiagnostic(r.file, d) + "\n";
  return out;
}

// A scratch directory with a CSV file, for file references.
class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("shardsim_loader_test_" + std::to_string(std::random_device{}()));
    fs::create_directories(path_ / "data");
    std::ofstream(path_ / "data" / "trace.csv") << "second,records\n0,10\n1,12\n";
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string str() const { return path_.string(); }

 private:
  fs::path path_;
};

// ---------------------------------------------------------------- examples

TEST(ScenarioLoaderTest, EveryExampleScenarioLoadsWithoutErrors) {
  int examples = 0;
  for (const fs::path& path : ExampleScenarioFiles()) {
    const std::string name = path.filename().string();
    ++examples;
    const LoadResult r = LoadScenarioFile(path.string());
    EXPECT_TRUE(r.ok()) << Errors(r);
    ASSERT_TRUE(r.scenario.has_value()) << name;
    EXPECT_EQ(json::parse(std::ifstream(path)).value("$schema", ""), "./scenario.schema.json")
        << name;
  }
  EXPECT_GE(examples, 3);
}

TEST(ScenarioLoaderTest, CarTelemetryExampleHasTheQuickStartNumbers) {
  const LoadResult r = LoadScenarioFile(kScenarioDir + "/car-telemetry.json");
  ASSERT_TRUE(r.ok()) << Errors(r);
  const Scenario& s = *r.scenario;
  ASSERT_EQ(s.producers.size(), 1u);
  const ProducerSpec& p = s.producers[0];
  EXPECT_DOUBLE_EQ(p.records_per_sec, 6000.0);
  EXPECT_EQ(p.record_size.dist, SizeDist::kLognormal);
  EXPECT_EQ(p.record_size.median_bytes, 700);
  EXPECT_EQ(p.keys.dist, KeyDist::kZipf);
  EXPECT_EQ(p.keys.count, 200'000);
  EXPECT_EQ(p.keys.format, "device-{i}");
  EXPECT_EQ(p.api.type, ApiType::kPutRecords);
  EXPECT_EQ(s.stream.shards, 8);
  ASSERT_EQ(s.consumers.size(), 2u);
  EXPECT_EQ(s.consumers[0].type, ConsumerType::kLambda);
  EXPECT_EQ(s.consumers[1].type, ConsumerType::kFirehose);
  EXPECT_LE(s.duration, Minutes(10));  // examples must run fast
  std::set<std::string> features;
  for (const FeatureUse& f : r.features) features.insert(f.feature);
  EXPECT_EQ(features, (std::set<std::string>{"producers", "consumer.lambda", "consumer.firehose"}));
}

// ---------------------------------------------------------------- one bad input, one error

struct BadCase {
  const char* label;
  std::function<void(json&)> mutate;
  std::string pointer;
  std::string message;
};

json Consumer(const std::string& type) {
  json c = {{"name", "c"}, {"type", type}};
  if (type == "lambda") c["function"] = {{"duration", {{"per_batch", "10ms"}}}};
  return c;
}

const std::vector<BadCase>& BadCases() {
  static const std::vector<BadCase> cases = {
      {"bare number for a rate", [](json& d) { d["producers"][0]["rate"] = 250; },
       "/producers/0/rate", "expected a rate like \"5000/s\", got 250 (add a unit)"},
      {"bad rate text", [](json& d) { d["producers"][0]["rate"] = "fast"; }, "/producers/0/rate",
       "expected a rate like \"5000/s\", got \"fast\""},
      {"bare number for a duration", [](json& d) { d["duration"] = 250; }, "/duration",
       "expected a duration like \"250ms\", got 250 (add a unit)"},
      {"bare number for a size", [](json& d) { d["producers"][0]["record_size"] = 700; },
       "/producers/0/record_size",
       "expected a size like \"700B\" or \"5MiB\", got 700 (add a unit)"},
      {"wrong type for an integer", [](json& d) { d["stream"]["shards"] = "4"; }, "/stream/shards",
       "expected an integer, got \"4\""},
      {"fractional integer", [](json& d) { d["stream"]["shards"] = 2.5; }, "/stream/shards",
       "expected an integer, got 2.5"},
      {"integer out of range",
       [](json& d) {
         d["producers"][0]["api"] = {{"max_batch_records", 900}};
       },
       "/producers/0/api/max_batch_records",
       "must be between 1 and 500 (the PutRecords limit), got 900"},
      {"duration out of range", [](json& d) { d["stream"]["retention"] = "12h"; },
       "/stream/retention", "must be between 24h and 8760h, got \"12h\""},
      {"retention not whole hours", [](json& d) { d["stream"]["retention"] = "24.5h"; },
       "/stream/retention", "must be a whole number of hours, got \"24.5h\""},
      {"batch bytes over 5 MiB",
       [](json& d) {
         d["producers"][0]["api"] = {{"max_batch_bytes", "6MiB"}};
       },
       "/producers/0/api/max_batch_bytes",
       "must be between 1B and 5MiB (the PutRecords request limit), got \"6MiB\""},
      {"unknown field with a close name", [](json& d) { d["producers"][0]["rte"] = "1/s"; },
       "/producers/0/rte", "unknown field \"rte\", did you mean \"rate\"?"},
      {"unknown field, transposed letters", [](json& d) { d["stream"]["sahrds"] = 2; },
       "/stream/sahrds", "unknown field \"sahrds\", did you mean \"shards\"?"},
      {"unknown field, dash for underscore",
       [](json& d) { d["stream"]["max-record-size"] = "1MiB"; }, "/stream/max-record-size",
       "unknown field \"max-record-size\", did you mean \"max_record_size\"?"},
      {"unknown field far from every name", [](json& d) { d["colour"] = "red"; }, "/colour",
       "unknown field \"colour\""},
      {"bad enum with a suggestion",
       [](json& d) {
         d["producers"][0]["arrival"] = {{"process", "posson"}};
       },
       "/producers/0/arrival/process",
       "expected one of \"constant\", \"poisson\", \"diurnal\", \"steps\", \"bursts\" or "
       "\"trace\", got \"posson\"; did you mean \"poisson\"?"},
      {"field of another variant",
       [](json& d) {
         d["producers"][0]["keys"] = {{"exponent", 1.2}};
       },
       "/producers/0/keys/exponent",
       "\"exponent\" applies only to dist \"zipf\", not \"uniform\" (the default dist)"},
      {"KPL options on a PutRecord producer",
       [](json& d) {
         d["producers"][0]["api"] = {{"type", "PutRecord"}, {"aggregation", false}};
       },
       "/producers/0/api/aggregation",
       "\"aggregation\" applies only to type \"KPL\", not \"PutRecord\""},
      {"retry with the KPL",
       [](json& d) {
         d["producers"][0]["api"] = {{"type", "KPL"}};
         d["producers"][0]["retry"] = json::object();
       },
       "/producers/0/retry",
       "does not apply to api type \"KPL\": the KPL retries by itself until api.record_ttl"},
      {"missing required field", [](json& d) { d["producers"][0].erase("record_size"); },
       "/producers/0/record_size", "missing required field \"record_size\""},
      {"provisioned stream without shards", [](json& d) { d["stream"].erase("shards"); },
       "/stream/shards", "provisioned mode requires \"shards\""},
      {"duplicate producer name", [](json& d) { d["producers"].push_back(d["producers"][0]); },
       "/producers/1/name", "duplicate producer name \"p\""},
      {"duplicate consumer name",
       [](json& d) {
         d["consumers"] = {Consumer("polling"), Consumer("efo")};
       },
       "/consumers/1/name", "duplicate consumer name \"c\""},
      {"uniform min above max",
       [](json& d) {
         d["producers"][0]["record_size"] = {{"dist", "uniform"}, {"min", "2KB"}, {"max", "1KB"}};
       },
       "/producers/0/record_size/min", "min 2KB is greater than max 1KB"},
      {"latency min above max",
       [](json& d) {
         d["producers"][0]["api"] = {
             {"call_latency", {{"dist", "uniform"}, {"min", "2s"}, {"max", "1s"}}}};
       },
       "/producers/0/api/call_latency/min", "min 2s is greater than max 1s"},
      {"lognormal p99 below median",
       [](json& d) {
         d["producers"][0]["record_size"] = {
             {"dist", "lognormal"}, {"median", "1KB"}, {"p99", "1KB"}};
       },
       "/producers/0/record_size/p99", "p99 1KB must be greater than the median 1KB"},
      {"zipf exponent zero",
       [](json& d) {
         d["producers"][0]["keys"] = {{"dist", "zipf"}, {"exponent", 0}};
       },
       "/producers/0/keys/exponent", "must be greater than 0 and at most 10, got 0"},
      {"weights summing to zero",
       [](json& d) {
         d["producers"][0]["keys"] = {
             {"dist", "weighted"},
             {"keys", {{{"key", "a"}, {"weight", 0}}, {{"key", "b"}, {"weight", 0}}}}};
       },
       "/producers/0/keys/keys", "the weights sum to 0; at least one must be positive"},
      {"duplicate weighted key",
       [](json& d) {
         d["producers"][0]["keys"] = {
             {"dist", "weighted"},
             {"keys", {{{"key", "a"}, {"weight", 1}}, {{"key", "a"}, {"weight", 2}}}}};
       },
       "/producers/0/keys/keys/1/key", "duplicate key \"a\""},
      {"key format without index",
       [](json& d) {
         d["producers"][0]["keys"] = {{"format", "device"}};
       },
       "/producers/0/keys/format",
       "format \"device\" has no \"{i}\": all 10000 keys would be the same"},
      {"partition key too long",
       [](json& d) {
         d["producers"][0]["keys"] = {{"count", 100000}, {"format", std::string(252, 'k') + "{i}"}};
       },
       "/producers/0/keys/format",
       "key \"" + std::string(60, 'k') +
           "...\" is longer than the 256 characters a partition key may have"},
      {"hash key above 2^128-1",
       [](json& d) {
         d["producers"][0]["keys"] = {
             {"dist", "explicit_hash_key"},
             {"hash_keys",
              {{{"hash_key", "340282366920938463463374607431768211456"}, {"weight", 1}}}}};
       },
       "/producers/0/keys/hash_keys/0/hash_key",
       "must be at most 2^128-1 = 340282366920938463463374607431768211455, got "
       "\"340282366920938463463374607431768211456\""},
      {"hash key with leading zero",
       [](json& d) {
         d["stream"]["operations"] = {{{"at", "1min"},
                                       {"op", "split"},
                                       {"shard", "shardId-000000000000"},
                                       {"new_starting_hash_key", "0123"}}};
       },
       "/stream/operations/0/new_starting_hash_key",
       "expected a decimal hash key (digits, no sign or leading zeros) in [0, 2^128-1], got "
       "\"0123\""},
      {"split point neither even nor a hash key",
       [](json& d) {
         d["stream"]["operations"] = {{{"at", "1min"},
                                       {"op", "split"},
                                       {"shard", "shardId-000000000000"},
                                       {"new_starting_hash_key", "middle"}}};
       },
       "/stream/operations/0/new_starting_hash_key",
       "expected \"even\" or a decimal hash key (digits, no sign or leading zeros) in [0, "
       "2^128-1], got \"middle\""},
      {"split without its key",
       [](json& d) {
         d["stream"]["operations"] = {
             {{"at", "1min"}, {"op", "split"}, {"shard", "shardId-000000000000"}}};
       },
       "/stream/operations/0/new_starting_hash_key",
       "missing required field \"new_starting_hash_key\""},
      {"shard named by index",
       [](json& d) {
         d["stream"]["operations"] = {
             {{"at", "1min"}, {"op", "split"}, {"shard", 0}, {"new_starting_hash_key", "even"}}};
       },
       "/stream/operations/0/shard", "expected a string, got 0"},
      {"shard id without its zeros",
       [](json& d) {
         d["stream"]["operations"] = {{{"at", "1min"},
                                       {"op", "merge"},
                                       {"shard", "shardId-000000000000"},
                                       {"adjacent", "shardId-1"}}};
       },
       "/stream/operations/0/adjacent",
       "expected a shard id like \"shardId-000000000003\", got \"shardId-1\""},
      {"operation after the run's end",
       [](json& d) {
         d["stream"]["operations"] = {{{"at", "10min"},
                                       {"op", "split"},
                                       {"shard", "shardId-000000000000"},
                                       {"new_starting_hash_key", "even"}}};
       },
       "/stream/operations/0/at", "an operation at 10min is not before the end of the run (10min)"},
      {"operations out of time order",
       [](json& d) {
         d["stream"]["operations"] = {
             {{"at", "2min"}, {"op", "update_shard_count"}, {"target", 3}},
             {{"at", "1min"}, {"op", "update_shard_count"}, {"target", 4}}};
       },
       "/stream/operations/1/at", "operations must be in time order: 1min is before 2min"},
      {"merge of a shard with itself",
       [](json& d) {
         d["stream"]["operations"] = {{{"at", "1min"},
                                       {"op", "merge"},
                                       {"shard", "shardId-000000000001"},
                                       {"adjacent", "shardId-000000000001"}}};
       },
       "/stream/operations/0/adjacent", "a shard cannot be merged with itself"},
      {"update_shard_count to zero",
       [](json& d) {
         d["stream"]["operations"] = {
             {{"at", "1min"}, {"op", "update_shard_count"}, {"target", 0}}};
       },
       "/stream/operations/0/target", "must be between 1 and 1000000, got 0"},
      {"a reshard limit of zero",
       [](json& d) {
         d["stream"]["reshard_limits"] = {{"update_shard_count_per_24h", 0}};
       },
       "/stream/reshard_limits/update_shard_count_per_24h", "must be between 1 and 1000000, got 0"},
      {"operations on an on-demand stream",
       [](json& d) {
         d["stream"] = {
             {"mode", "on_demand"},
             {"operations", {{{"at", "1min"}, {"op", "update_shard_count"}, {"target", 3}}}}};
       },
       "/stream/operations/0/op",
       "Kinesis refuses resharding an on-demand stream: this stream starts on_demand, so "
       "update_shard_count needs an update_stream_mode to provisioned before it"},
      {"a mode switch to an unknown mode",
       [](json& d) {
         d["stream"] = {{"mode", "provisioned"},
                        {"shards", 2},
                        {"operations",
                         {{{"at", "1min"}, {"op", "update_stream_mode"}, {"mode", "sideways"}}}}};
       },
       "/stream/operations/0/mode",
       "expected one of \"provisioned\" or \"on_demand\", got \"sideways\""},
      {"producer targeting an unknown firehose",
       [](json& d) {
         json f = Consumer("firehose");
         f["name"] = "archive";
         f["source"] = "direct_put";
         d["consumers"] = json::array({f});
         d["producers"].push_back(
             {{"name", "q"}, {"rate", "1/s"}, {"record_size", "1KB"}, {"target", "archiv"}});
         d["producers"][0]["target"] = "archive";
       },
       "/producers/1/target",
       "no firehose consumer is named \"archiv\"; did you mean \"archive\"?"},
      {"producer targeting a firehose that reads the stream",
       [](json& d) {
         d["consumers"] = json::array({Consumer("firehose")});
         d["producers"][0]["target"] = "c";
       },
       "/producers/0/target",
       "firehose \"c\" reads from the stream; set its \"source\" to \"direct_put\" to write to it "
       "directly"},
      {"direct_put firehose nobody writes to",
       [](json& d) {
         json f = Consumer("firehose");
         f["source"] = "direct_put";
         d["consumers"] = json::array({f});
       },
       "/consumers/0/source",
       "no producer writes to this direct_put firehose (set a producer's \"target\" to \"c\")"},
      {"record larger than the stream's max record size",
       [](json& d) { d["producers"][0]["record_size"] = "2MiB"; }, "/producers/0/record_size",
       "records of up to 2MiB exceed the stream's max_record_size 1MiB"},
      {"lambda payload impossible",
       [](json& d) {
         d["stream"]["max_record_size"] = "10MiB";
         d["producers"][0]["record_size"] = "5MiB";
         d["consumers"] = json::array({Consumer("lambda")});
       },
       "/consumers/0",
       "producer \"p\" writes records of up to 5MiB, 6990508 bytes base64-encoded: no batch fits "
       "Lambda's 6MiB invocation payload"},
      {"lambda parallelization with KPL aggregation",
       [](json& d) {
         d["producers"][0]["api"] = {{"type", "KPL"}};
         json l = Consumer("lambda");
         l["parallelization_factor"] = 2;
         d["consumers"] = json::array({l});
       },
       "/consumers/0/parallelization_factor",
       "does not work with KPL-aggregated records (fact sheet 6); a producer here uses KPL "
       "aggregation"},
      {"lambda invocation longer than the maximum timeout",
       [](json& d) {
         json l = Consumer("lambda");
         l["function"] = {{"duration", {{"per_batch", "16min"}}}};
         d["consumers"] = json::array({l});
       },
       "/consumers/0/function/duration/per_batch",
       "a Lambda invocation runs at most 15min (the maximum function timeout), got 16min"},
      {"lambda duration written as a plain duration, too long",
       [](json& d) {
         json l = Consumer("lambda");
         l["function"] = {{"duration", "16min"}};
         d["consumers"] = json::array({l});
       },
       "/consumers/0/function/duration",
       "a Lambda invocation runs at most 15min (the maximum function timeout), got 16min"},
      {"lambda duration as a bare number",
       [](json& d) {
         json l = Consumer("lambda");
         l["function"] = {{"duration", 200}};
         d["consumers"] = json::array({l});
       },
       "/consumers/0/function/duration",
       "expected a duration like \"250ms\", got 200 (add a unit)"},
      {"transform duration written as a plain duration, out of range",
       [](json& d) {
         json f = Consumer("firehose");
         f["transform"] = {{"enabled", true}, {"duration", "2h"}};
         d["consumers"] = json::array({f});
       },
       "/consumers/0/transform/duration", "must be between 0s and 1h, got \"2h\""},
      {"firehose transform longer than five minutes",
       [](json& d) {
         json f = Consumer("firehose");
         f["transform"] = {{"enabled", true}, {"duration", {{"per_batch", "6min"}}}};
         d["consumers"] = json::array({f});
       },
       "/consumers/0/transform/duration/per_batch",
       "a Firehose transform invocation runs at most 5min, got 6min"},
      {"lambda batching window not whole seconds",
       [](json& d) {
         json l = Consumer("lambda");
         l["batching_window"] = "1.5s";
         d["consumers"] = json::array({l});
       },
       "/consumers/0/batching_window", "must be a whole number of seconds, got \"1.5s\""},
      {"format conversion with a small buffer",
       [](json& d) {
         json f = Consumer("firehose");
         f["format_conversion"] = {{"enabled", true}};
         f["buffering"] = {{"size", "5MiB"}};
         d["consumers"] = json::array({f});
       },
       "/consumers/0/buffering/size",
       "format conversion needs a buffer size of at least 64MiB, got 5MiB"},
      {"too many enhanced fan-out consumers",
       [](json& d) {
         d["stream"]["max_efo_consumers"] = 1;
         json a = Consumer("efo");
         json b = Consumer("lambda");
         b["name"] = "b";
         b["source"] = "efo";
         d["consumers"] = {a, b};
       },
       "/consumers/1", "more enhanced fan-out consumers than the stream's max_efo_consumers (1)"},
      {"KCL idle time below the minimum",
       [](json& d) {
         json k = Consumer("kcl");
         k["idle_time_between_reads"] = "100ms";
         d["consumers"] = json::array({k});
       },
       "/consumers/0/idle_time_between_reads",
       "must be between 200ms and 1h (the KCL minimum is 200ms), got \"100ms\""},
      {"worker failure of a worker that does not exist",
       [](json& d) {
         json k = Consumer("kcl");
         k["workers"] = 2;
         k["worker_failures"] = {{{"worker", 2}, {"at", "1min"}}};
         d["consumers"] = json::array({k});
       },
       "/consumers/0/worker_failures/0/worker", "there are 2 workers, numbered from 0; got 2"},
      {"overlapping outages",
       [](json& d) {
         json k = Consumer("polling");
         k["outages"] = {{{"from", "1min"}, {"to", "3min"}}, {{"from", "2min"}, {"to", "4min"}}};
         d["consumers"] = json::array({k});
       },
       "/consumers/0/outages/1/from",
       "outages must be in time order without overlap: 2min is before the end of the previous one "
       "(3min)"},
      {"steps out of order",
       [](json& d) {
         d["producers"][0]["arrival"] = {
             {"process", "steps"},
             {"steps", {{{"at", "2min"}, {"rate", "5/s"}}, {{"at", "1min"}, {"rate", "6/s"}}}}};
       },
       "/producers/0/arrival/steps/1/at",
       "steps must be in increasing time order: 1min is not after 2min"},
      {"rate with a trace arrival",
       [](json& d) {
         d["producers"][0]["arrival"] = {{"process", "trace"}, {"file", "data/trace.csv"}};
       },
       "/producers/0/rate",
       "must not be set with arrival process \"trace\": the trace file gives the rate"},
      {"warmup not shorter than the run", [](json& d) { d["warmup"] = "10min"; }, "/warmup",
       "warmup 10min must be shorter than the duration 10min"},
      {"token bucket that cannot hold a record",
       [](json& d) {
         d["stream"]["write_limits"] = {{"admission", "token_bucket"}, {"bucket_depth", 0.5}};
       },
       "/stream/write_limits/bucket_depth",
       "a bucket of 0.5 s at 1MiB/s holds less than one record of max_record_size 1MiB"},
      {"burst capacity that cannot hold a large record",
       [](json& d) {
         d["stream"]["max_record_size"] = "8MiB";
         d["stream"]["write_limits"] = {{"burst", "4MiB"}};
       },
       "/stream/write_limits/burst",
       "a burst of 4MiB holds less than one record of max_record_size 8MiB (records over the "
       "bytes limit are served from burst capacity)"},
      {"a record rate limit that is not whole",
       [](json& d) {
         d["stream"]["write_limits"] = {{"records_per_s", "1000.5/s"}};
       },
       "/stream/write_limits/records_per_s", "must be a whole number per second, got \"1000.5/s\""},
      {"region that is not one", [](json& d) { d["region"] = "Virginia"; }, "/region",
       "expected an AWS region like \"us-east-1\", got \"Virginia\""},
      {"negative seed", [](json& d) { d["seed"] = -1; }, "/seed", "must be at least 0, got -1"},
      {"name with a space", [](json& d) { d["producers"][0]["name"] = "my producer"; },
       "/producers/0/name",
       "must be 1 to 128 characters from a-z, A-Z, 0-9, \"_\", \".\" and \"-\", got \"my "
       "producer\""},
      {"empty producers", [](json& d) { d["producers"] = json::array(); }, "/producers",
       "must not be empty"},
      {"object expected", [](json& d) { d["stream"] = "big"; }, "/stream",
       "expected an object, got \"big\""},
      {"missing trace file",
       [](json& d) {
         d["producers"][0].erase("rate");
         d["producers"][0]["arrival"] = {{"process", "trace"}, {"file", "data/missing.csv"}};
       },
       "/producers/0/arrival/file", "file \"data/missing.csv\" not found (looked for"},
      {"direct_put limits on a firehose reading the stream",
       [](json& d) {
         json f = Consumer("firehose");
         f["direct_put_limits"] = {{"records_per_s", "1000/s"}};
         d["consumers"] = json::array({f});
       },
       "/consumers/0/direct_put_limits",
       "applies only to source \"direct_put\": Direct PUT quotas do not apply when a firehose "
       "reads from the stream"},
      {"compression ratio without a codec",
       [](json& d) {
         json f = Consumer("firehose");
         f["compression"] = {{"ratio", 0.5}};
         d["consumers"] = json::array({f});
       },
       "/consumers/0/compression/ratio",
       "\"ratio\" applies only to codec \"gzip\", \"zip\", \"snappy\" or \"hadoop_snappy\", not "
       "\"none\" (the default codec)"},
  };
  return cases;
}

TEST(ScenarioLoaderTest, EachBadInputGetsItsPointerAndMessage) {
  TempDir dir;
  for (const BadCase& c : BadCases()) {
    json doc = Base();
    c.mutate(doc);
    const LoadResult r = Load(doc, dir.str());
    EXPECT_FALSE(r.ok()) << c.label;
    EXPECT_FALSE(r.scenario.has_value()) << c.label;
    ASSERT_EQ(r.errors.size(), 1u) << c.label << ":\n" << Errors(r);
    EXPECT_EQ(r.errors[0].pointer, c.pointer) << c.label;
    // A message ending in "(looked for" names a machine-dependent path after it.
    if (c.message.ends_with("(looked for")) {
      EXPECT_TRUE(r.errors[0].message.starts_with(c.message)) << c.label << ": " << Errors(r);
    } else {
      EXPECT_EQ(r.errors[0].message, c.message) << c.label;
    }
  }
}

TEST(ScenarioLoaderTest, FormatsDiagnosticsWithFileAndPointer) {
  json doc = Base();
  doc["producers"][0]["rate"] = "fast";
  const LoadResult r = LoadScenarioText(doc.dump(), "scenarios/x.json", "");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(FormatDiagnostic(r.file, r.errors[0]),
            "scenarios/x.json: /producers/0/rate: expected a rate like \"5000/s\", got \"fast\"");
  EXPECT_EQ(FormatDiagnostic("f.json", Diagnostic{"", "no such file", 0, 0}),
            "f.json: no such file");
  EXPECT_EQ(FormatDiagnostic("f.json", Diagnostic{"", "bad", 3, 7}), "f.json:3:7: bad");
}

TEST(ScenarioLoaderTest, ReportsEveryProblemInDocumentOrder) {
  // Errors deliberately placed out of the order the loader reads them in.
  const std::string text = R"({
    "name": "t",
    "consumers": [{"name": "c", "type": "pollling"}],
    "producers": [
      {"name": "p", "rate": 5, "record_size": "1KB", "keys": {"dist": "zipf", "exponent": -1}},
      {"name": "q", "rate": "5/s", "record_size": "1 parsec"}
    ],
    "stream": {"shards": 0, "retention": "1d", "sahrds": 3},
    "seed": "one"
  })";
  const LoadResult r = LoadScenarioText(text, "x.json", "");
  const std::vector<std::string> expected = {"/consumers/0/type",
                                             "/producers/0/rate",
                                             "/producers/0/keys/exponent",
                                             "/producers/1/record_size",
                                             "/stream/shards",
                                             "/stream/sahrds",
                                             "/seed"};
  std::vector<std::string> pointers;
  for (const Diagnostic& d : r.errors) pointers.push_back(d.pointer);
  EXPECT_EQ(pointers, expected) << Errors(r);
  EXPECT_FALSE(r.scenario.has_value());
}

TEST(ScenarioLoaderTest, MalformedJsonReportsLineAndColumn) {
  const std::string text = "{\n  \"name\": \"t\",\n  \"seed\": ,\n}";
  const LoadResult r = LoadScenarioText(text, "x.json", "");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(FormatDiagnostic(r.file, r.errors[0]),
            "x.json:3:11: syntax error while parsing value - unexpected ','; expected '[', '{', "
            "or a literal");
  // Column counts bytes from 1; the offending byte of a trailing comma is the brace after it.
  const LoadResult trailing = LoadScenarioText("{\"a\": 1,}", "x.json", "");
  ASSERT_EQ(trailing.errors.size(), 1u);
  EXPECT_EQ(trailing.errors[0].line, 1);
  EXPECT_EQ(trailing.errors[0].column, 9);
  const LoadResult empty = LoadScenarioText("", "x.json", "");
  ASSERT_EQ(empty.errors.size(), 1u);
  EXPECT_EQ(empty.errors[0].line, 1);
  EXPECT_EQ(empty.errors[0].column, 1);
  const LoadResult comment = LoadScenarioText("{\"name\": \"t\"} // c", "x.json", "");
  EXPECT_FALSE(comment.ok());
}

TEST(ScenarioLoaderTest, DuplicateKeysAreErrors) {
  const std::string text =
      R"({"name": "t", "producers": [{"name": "p", "rate": "1/s", "record_size": "1KB",
          "rate": "2/s"}], "stream": {"shards": 1}, "name": "u"})";
  const LoadResult r = LoadScenarioText(text, "x.json", "");
  ASSERT_EQ(r.errors.size(), 2u) << Errors(r);
  EXPECT_EQ(r.errors[0].pointer, "/name");
  EXPECT_EQ(r.errors[0].message, "duplicate key \"name\": each key may appear only once");
  EXPECT_EQ(r.errors[1].pointer, "/producers/0/rate");
  // Duplicates nested inside a duplicate's value must not confuse the builder.
  const LoadResult nested =
      LoadScenarioText(R"({"a": 1, "a": {"b": 1, "b": {"c": [1, {"d": 1, "d": 2}]}}})", "x", "");
  std::vector<std::string> duplicates;
  for (const Diagnostic& d : nested.errors) {
    if (d.message.starts_with("duplicate key")) duplicates.push_back(d.pointer);
  }
  EXPECT_EQ(duplicates, (std::vector<std::string>{"/a", "/a/b", "/a/b/c/1/d"})) << Errors(nested);
}

TEST(ScenarioLoaderTest, ResolvesDataFilesAgainstTheScenarioDirectory) {
  TempDir dir;
  json doc = Base();
  doc["producers"][0].erase("rate");
  doc["producers"][0]["arrival"] = {
      {"process", "trace"}, {"file", "data/trace.csv"}, {"resolution", "1min"}, {"loop", true}};
  const std::string path = dir.str() + "/s.json";
  std::ofstream(path) << doc.dump();
  const LoadResult r = LoadScenarioFile(path);
  ASSERT_TRUE(r.ok()) << Errors(r);
  const ArrivalSpec& a = r.scenario->producers[0].arrival;
  EXPECT_EQ(a.process, ArrivalProcess::kTrace);
  EXPECT_EQ(fs::path(a.trace_file), fs::path(dir.str()) / "data" / "trace.csv");
  EXPECT_EQ(a.trace_resolution, TraceResolution::kMinute);
  EXPECT_TRUE(a.trace_loop);
  EXPECT_DOUBLE_EQ(r.scenario->producers[0].records_per_sec, 0.0);
  // The same text from another directory does not find the file.
  EXPECT_FALSE(LoadScenarioText(doc.dump(), "x.json", kScenarioDir).ok());
}

TEST(ScenarioLoaderTest, RecognisesTheSchemaGivenAsAScenario) {
  const LoadResult r = LoadScenarioFile(kScenarioDir + "/scenario.schema.json");
  ASSERT_EQ(r.errors.size(), 1u) << Errors(r);
  EXPECT_EQ(r.errors[0].message, "this is a JSON Schema (it has \"$defs\"), not a scenario");
}

TEST(ScenarioLoaderTest, ReportsProblemsWithTheFileItself) {
  const LoadResult missing = LoadScenarioFile("/nonexistent/dir/x.json");
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_EQ(FormatDiagnostic(missing.file, missing.errors[0]),
            "/nonexistent/dir/x.json: no such file");
  const LoadResult dir = LoadScenarioFile(kScenarioDir);
  ASSERT_EQ(dir.errors.size(), 1u);
  EXPECT_EQ(dir.errors[0].message, "not a regular file");
}

// Regression: FORMAT.md promised 1,000,000 weighted keys, but a 16MiB file limit let only about
// 450,000 short ones through. The limit is 64MiB, and FORMAT.md says so.
TEST(ScenarioLoaderTest, ReadsScenarioFilesUpTo64MiB) {
  TempDir dir;
  const std::string text = Base().dump();
  const std::string path = dir.str() + "/big.json";
  std::ofstream(path) << text << std::string(64 * kMiB - text.size(), ' ');
  const LoadResult big = LoadScenarioFile(path);
  EXPECT_TRUE(big.ok()) << Errors(big);
  std::ofstream(path, std::ios::app) << ' ';
  const LoadResult too_big = LoadScenarioFile(path);
  ASSERT_EQ(too_big.errors.size(), 1u);
  EXPECT_EQ(too_big.errors[0].message, "the file is 67108865B; a scenario may be at most 64MiB");
}

// ---------------------------------------------------------------- kitchen sink

TEST(ScenarioLoaderTest, EveryFieldLandsInItsStructMember) {
  TempDir dir;
  std::ofstream(dir.str() + "/data/sizes.csv") << "size,weight\n100,1\n";
  std::ofstream(dir.str() + "/data/prices.json") << "{}";
  const std::string text = R"({
    "$schema": "./scenario.schema.json",
    "name": "sink", "description": "all fields", "seed": 18446744073709551615,
    "duration": "1h", "warmup": "1min", "series_interval": "10s", "region": "eu-central-1",
    "producers": [
      {"name": "a", "instances": 3, "rate": "1.5k/s",
       "arrival": {"process": "diurnal", "peak_factor": 1.25, "peak_hour": 9.5,
                   "start_hour": 8, "period": "12h"},
       "record_size": {"dist": "lognormal", "median": "1KiB", "p99": "4KiB", "max": "16KiB"},
       "keys": {"dist": "hot_key", "hot_share": 0.25, "count": 50, "format": "u{i}"},
       "api": {"type": "PutRecords", "max_batch_records": 100, "max_batch_bytes": "1MiB",
               "linger": "20ms", "call_latency": {"dist": "exponential", "mean": "7ms"},
               "max_in_flight_calls": 4},
       "retry": {"max_attempts": 6, "base_delay": "50ms", "multiplier": 3, "max_delay": "5s",
                 "jitter": "decorrelated", "record_ttl": "2min", "call_timeout": "9s"}},
      {"name": "b", "rate": "0/s",
       "arrival": {"process": "steps", "steps": [{"at": "5min", "rate": "200/s"},
                                                  {"at": "10min", "rate": "100/min"}]},
       "record_size": {"dist": "uniform", "min": "100B", "max": "1KB"},
       "keys": {"dist": "weighted", "keys": [{"key": "x", "weight": 2}, {"key": "y", "weight": 1}]},
       "api": {"type": "KPL", "aggregation": false, "aggregation_max_size": "64KiB",
               "aggregation_max_count": 100, "collection_max_count": 50,
               "collection_max_size": "1MiB", "record_max_buffered_time": "250ms",
               "rate_limit_percent": 100, "record_ttl": "1min", "max_connections": 8,
               "fail_if_throttled": true, "call_latency": "15ms"}},
      {"name": "c", "rate": "10/s",
       "arrival": {"process": "bursts", "on": "5s", "off": "55s", "burst_rate": "500/s"},
       "record_size": {"dist": "empirical", "file": "data/sizes.csv"},
       "keys": {"dist": "explicit_hash_key", "count": 7, "hash_keys": [
                 {"hash_key": "340282366920938463463374607431768211455", "weight": 1},
                 {"hash_key": "0", "weight": 3}]},
       "api": {"type": "PutRecord"}},
      {"name": "d", "rate": "5/s", "arrival": {"process": "constant"}, "record_size": "2KB",
       "target": "fh-direct"},
      {"name": "e", "rate": "5/s", "record_size": "2KB", "keys": {"dist": "zipf", "exponent": 1.5},
       "target": "stream"},
      {"name": "f", "rate": "5/s", "record_size": "2KB", "keys": {"dist": "random"}}
    ],
    "stream": {"name": "s.1", "mode": "provisioned", "shards": 3, "retention": "168h",
      "max_record_size": "2MiB",
      "write_limits": {"bytes_per_s": "2MiB/s", "records_per_s": "2k/s",
                       "admission": "token_bucket", "bucket_depth": 2.5},
      "read_limits": {"get_records_per_s": 10, "bytes_per_s": "4MiB/s",
                      "max_records_per_call": 5000, "max_bytes_per_call": "5MiB",
                      "penalty": "2s"},
      "propagation_delay": {"dist": "lognormal", "median": "200ms", "p99": "1s"},
      "max_efo_consumers": 5,
      "operations": [
        {"at": "1min", "op": "split", "shard": "shardId-000000000001",
         "new_starting_hash_key": "170141183460469231731687303715884105728", "duration": "10s"},
        {"at": "2min", "op": "merge", "shard": "shardId-000000000003",
         "adjacent": "shardId-000000000004", "if_updating": "wait"},
        {"at": "3min", "op": "update_shard_count", "target": 6},
        {"at": "4min", "op": "split", "shard": "shardId-000000000002",
         "new_starting_hash_key": "even"}],
      "reshard_limits": {"update_shard_count_per_24h": 2, "max_shards": 500,
                         "account_shard_quota": 1000},
      "autoscaling": {"enabled": true, "metric": "incoming_records",
                      "target_utilization": 0.6, "period": "5min", "evaluation_periods": 2,
                      "cooldown": "30min", "min_shards": 2, "max_shards": 40,
                      "action_delay": "30s"},
      "enhanced_monitoring": true},
    "consumers": [
      {"name": "poll", "type": "polling",
       "starting_position": {"type": "AT_TIMESTAMP", "timestamp": "30s"},
       "processing": {"per_batch": "1ms", "per_record": "2us", "per_mib": "3ms",
                      "distribution": "lognormal", "p99_factor": 4},
       "outages": [{"from": "1min", "to": "2min"}, {"from": "2min", "to": "3min"}],
       "poll_interval": "250ms", "max_records": 1000, "call_latency": "5ms"},
      {"name": "kcl", "type": "kcl", "starting_position": {"type": "TRIM_HORIZON"},
       "workers": 4, "max_leases_per_worker": 3, "idle_time_between_reads": "200ms",
       "max_records": 2000, "checkpoint": {"every_records": 1000, "every": "30s"},
       "failover_time": "20s", "worker_failures": [{"worker": 3, "at": "10min"}],
       "call_latency": {"dist": "fixed", "value": "9ms"}},
      {"name": "efo", "type": "efo", "propagation_delay": {"dist": "uniform", "min": "50ms",
       "max": "90ms"}, "subscription_lifetime": "4min"},
      {"name": "fn", "type": "lambda", "source": "efo", "batch_size": 500,
       "batching_window": "5s", "parallelization_factor": 4,
       "function": {"duration": {"per_batch": "20ms"}, "memory_mb": 1024,
                    "architecture": "arm64", "concurrency_limit": 50, "error_rate": 0.01,
                    "poison_records": [{"at": "7min", "key": "x"}, {"at": "8min"}]},
       "maximum_retry_attempts": 2, "bisect_batch_on_function_error": true,
       "maximum_record_age": "3600s", "report_batch_item_failures": true,
       "on_failure_destination": "s3", "tumbling_window": "60s"},
      {"name": "fh", "type": "firehose",
       "buffering": {"size": "64MiB", "interval": "0s"},
       "transform": {"enabled": true, "buffer_size": "3MB", "buffer_interval": "120s",
                     "duration": {"per_record": "1ms"}, "error_rate": 0.5, "retries": 0},
       "compression": {"codec": "snappy"},
       "dynamic_partitioning": {"enabled": true, "partitions": 20},
       "format_conversion": {"enabled": true, "output": "orc"},
       "destination": {"type": "s3", "write_latency": "80ms", "error_rate": 0.1,
                       "retry_duration": "1h"}},
      {"name": "fh-direct", "type": "firehose", "source": "direct_put",
       "compression": {"codec": "gzip", "ratio": 0.2},
       "direct_put_limits": {"records_per_s": "1000/s", "requests_per_s": "100/s"}}
    ],
    "slos": {"max_iterator_age": "1min", "p99_latency": "2s",
             "max_write_throttle_fraction": 0.01, "max_monthly_cost_usd": 1500.5,
             "max_shard_utilization": 0.9},
    "pricing": {"file": "data/prices.json", "overrides": {"kds_shard_hour": 0.02, "kds_put_payload_unit": 0}},
    "analysis": {"hot_shard_threshold": 0.7, "stream_utilization_threshold": 0.3,
                 "top_keys": 3}
  })";
  const LoadResult r = LoadScenarioText(text, "sink.json", dir.str());
  ASSERT_TRUE(r.ok()) << Errors(r);
  const Scenario& s = *r.scenario;
  EXPECT_EQ(s.name, "sink");
  EXPECT_EQ(s.description, "all fields");
  EXPECT_EQ(s.seed, 18446744073709551615ULL);
  EXPECT_EQ(s.duration, Hours(1));
  EXPECT_EQ(s.warmup, Minutes(1));
  EXPECT_EQ(s.series_interval, Seconds(10));
  EXPECT_EQ(s.region, "eu-central-1");

  ASSERT_EQ(s.producers.size(), 6u);
  const ProducerSpec& a = s.producers[0];
  EXPECT_EQ(a.instances, 3);
  EXPECT_DOUBLE_EQ(a.records_per_sec, 1500.0);
  EXPECT_EQ(a.arrival.process, ArrivalProcess::kDiurnal);
  EXPECT_DOUBLE_EQ(a.arrival.peak_factor, 1.25);
  EXPECT_DOUBLE_EQ(a.arrival.peak_hour, 9.5);
  EXPECT_DOUBLE_EQ(a.arrival.start_hour, 8.0);
  EXPECT_EQ(a.arrival.period, Hours(12));
  EXPECT_EQ(a.record_size.dist, SizeDist::kLognormal);
  EXPECT_EQ(a.record_size.median_bytes, 1024);
  EXPECT_EQ(a.record_size.p99_bytes, 4096);
  EXPECT_EQ(a.record_size.max_bytes, 16384);
  EXPECT_EQ(a.keys.dist, KeyDist::kHotKey);
  EXPECT_DOUBLE_EQ(a.keys.hot_share, 0.25);
  EXPECT_EQ(a.keys.hot_key, "u0");  // key 0 of the format
  EXPECT_EQ(a.keys.count, 50);
  EXPECT_EQ(a.keys.format, "u{i}");
  EXPECT_EQ(a.api.type, ApiType::kPutRecords);
  EXPECT_EQ(a.api.max_batch_records, 100);
  EXPECT_EQ(a.api.max_batch_bytes, kMiB);
  EXPECT_EQ(a.api.linger, Millis(20));
  EXPECT_EQ(a.api.call_latency.dist, LatencyDist::kExponential);
  EXPECT_EQ(a.api.call_latency.mean, Millis(7));
  EXPECT_EQ(a.api.max_in_flight_calls, 4);
  EXPECT_EQ(a.retry.max_attempts, 6);
  EXPECT_EQ(a.retry.base_delay, Millis(50));
  EXPECT_DOUBLE_EQ(a.retry.multiplier, 3.0);
  EXPECT_EQ(a.retry.max_delay, Seconds(5));
  EXPECT_EQ(a.retry.jitter, Jitter::kDecorrelated);
  EXPECT_EQ(a.retry.record_ttl, Minutes(2));
  EXPECT_EQ(a.retry.call_timeout, Seconds(9));
  EXPECT_EQ(a.target, "");

  const ProducerSpec& b = s.producers[1];
  EXPECT_EQ(b.arrival.process, ArrivalProcess::kSteps);
  ASSERT_EQ(b.arrival.steps.size(), 2u);
  EXPECT_EQ(b.arrival.steps[1].at, Minutes(10));
  EXPECT_DOUBLE_EQ(b.arrival.steps[1].records_per_sec, 100.0 / 60.0);
  EXPECT_EQ(b.record_size.dist, SizeDist::kUniform);
  EXPECT_EQ(b.record_size.min_bytes, 100);
  EXPECT_EQ(b.record_size.max_bytes, 1000);
  EXPECT_EQ(b.keys.dist, KeyDist::kWeighted);
  ASSERT_EQ(b.keys.weighted_keys.size(), 2u);
  EXPECT_EQ(b.keys.weighted_keys[1].key, "y");
  EXPECT_DOUBLE_EQ(b.keys.weighted_keys[0].weight, 2.0);
  EXPECT_EQ(b.api.type, ApiType::kKpl);
  EXPECT_FALSE(b.api.aggregation);
  EXPECT_EQ(b.api.aggregation_max_size_bytes, 65536);
  EXPECT_EQ(b.api.aggregation_max_count, 100);
  EXPECT_EQ(b.api.collection_max_count, 50);
  EXPECT_EQ(b.api.collection_max_size_bytes, kMiB);
  EXPECT_EQ(b.api.record_max_buffered_time, Millis(250));
  EXPECT_EQ(b.api.rate_limit_percent, 100);
  EXPECT_EQ(b.api.record_ttl, Minutes(1));
  EXPECT_EQ(b.api.max_connections, 8);
  EXPECT_TRUE(b.api.fail_if_throttled);
  EXPECT_EQ(b.api.call_latency, LatencySpec::Fixed(Millis(15)));

  const ProducerSpec& c = s.producers[2];
  EXPECT_EQ(c.arrival.process, ArrivalProcess::kBursts);
  EXPECT_EQ(c.arrival.burst_on, Seconds(5));
  EXPECT_EQ(c.arrival.burst_off, Seconds(55));
  EXPECT_DOUBLE_EQ(c.arrival.burst_records_per_sec, 500.0);
  EXPECT_EQ(c.record_size.dist, SizeDist::kEmpirical);
  EXPECT_EQ(fs::path(c.record_size.file), fs::path(dir.str()) / "data" / "sizes.csv");
  EXPECT_EQ(c.keys.dist, KeyDist::kExplicitHashKey);
  EXPECT_EQ(c.keys.count, 7);
  ASSERT_EQ(c.keys.hash_keys.size(), 2u);
  EXPECT_EQ(c.keys.hash_keys[0].hash_key, "340282366920938463463374607431768211455");
  EXPECT_DOUBLE_EQ(c.keys.hash_keys[1].weight, 3.0);
  EXPECT_EQ(c.api.type, ApiType::kPutRecord);

  const ProducerSpec& d = s.producers[3];
  EXPECT_EQ(d.arrival.process, ArrivalProcess::kConstant);
  EXPECT_EQ(d.target, "fh-direct");
  EXPECT_EQ(d.api.max_batch_bytes, 4 * kMiB);  // PutRecordBatch's limit is the default here
  EXPECT_EQ(s.producers[4].target, "");        // "stream"
  EXPECT_DOUBLE_EQ(s.producers[4].keys.zipf_exponent, 1.5);
  EXPECT_EQ(s.producers[5].keys.dist, KeyDist::kRandom);

  const StreamSpec& st = s.stream;
  EXPECT_EQ(st.name, "s.1");
  EXPECT_EQ(st.mode, StreamMode::kProvisioned);
  EXPECT_EQ(st.shards, 3);
  EXPECT_EQ(st.retention, Hours(168));
  EXPECT_EQ(st.max_record_size_bytes, 2 * kMiB);
  EXPECT_EQ(st.write_limits.bytes_per_sec, 2 * kMiB);
  EXPECT_EQ(st.write_limits.records_per_sec, 2000);
  EXPECT_EQ(st.write_limits.admission, WriteAdmission::kTokenBucket);
  EXPECT_DOUBLE_EQ(st.write_limits.bucket_depth_sec, 2.5);
  EXPECT_EQ(st.read_limits.get_records_per_sec, 10);
  EXPECT_EQ(st.read_limits.bytes_per_sec, 4 * kMiB);
  EXPECT_EQ(st.read_limits.max_records_per_call, 5000);
  EXPECT_EQ(st.read_limits.max_bytes_per_call, 5 * kMiB);
  EXPECT_EQ(st.read_limits.penalty, Seconds(2));
  ASSERT_TRUE(st.propagation_delay.has_value());
  EXPECT_EQ(*st.propagation_delay, LatencySpec::Lognormal(Millis(200), Seconds(1)));
  EXPECT_EQ(st.max_efo_consumers, 5);
  ASSERT_EQ(st.operations.size(), 4u);
  EXPECT_EQ(st.operations[0].at, Minutes(1));
  EXPECT_EQ(st.operations[0].action, ReshardAction::kSplit);
  EXPECT_EQ(st.operations[0].shard, 1);
  EXPECT_EQ(st.operations[0].new_starting_hash_key, "170141183460469231731687303715884105728");
  EXPECT_EQ(st.operations[0].duration, Seconds(10));
  EXPECT_EQ(st.operations[0].if_updating, IfUpdating::kRefuse);
  EXPECT_EQ(st.operations[1].action, ReshardAction::kMerge);
  EXPECT_EQ(st.operations[1].shard, 3);
  EXPECT_EQ(st.operations[1].adjacent_shard, 4);
  EXPECT_EQ(st.operations[1].duration, Seconds(30));
  EXPECT_EQ(st.operations[1].if_updating, IfUpdating::kWait);
  EXPECT_EQ(st.operations[2].action, ReshardAction::kUpdateShardCount);
  EXPECT_EQ(st.operations[2].target_shards, 6);
  EXPECT_EQ(st.operations[3].new_starting_hash_key, "even");
  EXPECT_EQ(st.reshard_limits.update_shard_count_per_24h, 2);
  EXPECT_EQ(st.reshard_limits.max_shards, 500);
  EXPECT_EQ(st.reshard_limits.account_shard_quota, 1000);
  EXPECT_TRUE(st.autoscaling.enabled);
  EXPECT_EQ(st.autoscaling.metric, ScalingMetric::kIncomingRecords);
  EXPECT_DOUBLE_EQ(st.autoscaling.target_utilization, 0.6);
  EXPECT_EQ(st.autoscaling.period, Minutes(5));
  EXPECT_EQ(st.autoscaling.evaluation_periods, 2);
  EXPECT_EQ(st.autoscaling.cooldown, Minutes(30));
  EXPECT_EQ(st.autoscaling.min_shards, 2);
  EXPECT_EQ(st.autoscaling.max_shards, 40);
  EXPECT_EQ(st.autoscaling.action_delay, Seconds(30));
  EXPECT_TRUE(st.enhanced_monitoring);

  ASSERT_EQ(s.consumers.size(), 6u);
  const ConsumerSpec& poll = s.consumers[0];
  EXPECT_EQ(poll.type, ConsumerType::kPolling);
  EXPECT_EQ(poll.starting_position.type, StartingPositionType::kAtTimestamp);
  EXPECT_EQ(poll.starting_position.timestamp, Seconds(30));
  EXPECT_EQ(poll.processing.per_batch, Millis(1));
  EXPECT_EQ(poll.processing.per_record, Micros(2));
  EXPECT_EQ(poll.processing.per_mib, Millis(3));
  EXPECT_EQ(poll.processing.distribution, ProcessingDist::kLognormal);
  EXPECT_DOUBLE_EQ(poll.processing.p99_factor, 4.0);
  ASSERT_EQ(poll.outages.size(), 2u);
  EXPECT_EQ(poll.outages[1].from, Minutes(2));
  EXPECT_EQ(poll.outages[1].to, Minutes(3));
  EXPECT_EQ(poll.polling.poll_interval, Millis(250));
  EXPECT_EQ(poll.polling.max_records, 1000);
  EXPECT_EQ(poll.polling.call_latency, LatencySpec::Fixed(Millis(5)));

  const ConsumerSpec& kcl = s.consumers[1];
  EXPECT_EQ(kcl.starting_position.type, StartingPositionType::kTrimHorizon);
  EXPECT_EQ(kcl.kcl.workers, 4);
  EXPECT_EQ(kcl.kcl.max_leases_per_worker, 3);
  EXPECT_EQ(kcl.kcl.idle_time_between_reads, Millis(200));
  EXPECT_EQ(kcl.kcl.max_records, 2000);
  EXPECT_EQ(kcl.kcl.checkpoint.every_records, 1000);
  EXPECT_EQ(kcl.kcl.checkpoint.every, Seconds(30));
  EXPECT_EQ(kcl.kcl.failover_time, Seconds(20));
  ASSERT_EQ(kcl.kcl.worker_failures.size(), 1u);
  EXPECT_EQ(kcl.kcl.worker_failures[0].worker, 3);
  EXPECT_EQ(kcl.kcl.worker_failures[0].at, Minutes(10));
  EXPECT_EQ(kcl.kcl.call_latency, LatencySpec::Fixed(Millis(9)));

  const ConsumerSpec& efo = s.consumers[2];
  EXPECT_EQ(efo.efo.propagation_delay.dist, LatencyDist::kUniform);
  EXPECT_EQ(efo.efo.propagation_delay.min, Millis(50));
  EXPECT_EQ(efo.efo.propagation_delay.max, Millis(90));
  EXPECT_EQ(efo.efo.subscription_lifetime, Minutes(4));

  const LambdaSpec& fn = s.consumers[3].lambda;
  EXPECT_EQ(fn.source, LambdaSource::kEfo);
  EXPECT_EQ(fn.batch_size, 500);
  EXPECT_EQ(fn.batching_window, Seconds(5));
  EXPECT_EQ(fn.parallelization_factor, 4);
  EXPECT_EQ(fn.function.duration.per_batch, Millis(20));
  EXPECT_EQ(fn.function.memory_mb, 1024);
  EXPECT_EQ(fn.function.architecture, LambdaArchitecture::kArm64);
  EXPECT_EQ(fn.function.concurrency_limit, 50);
  EXPECT_DOUBLE_EQ(fn.function.error_rate, 0.01);
  ASSERT_EQ(fn.function.poison_records.size(), 2u);
  EXPECT_EQ(fn.function.poison_records[0].key, "x");
  EXPECT_EQ(fn.function.poison_records[1].at, Minutes(8));
  EXPECT_EQ(fn.maximum_retry_attempts, 2);
  EXPECT_TRUE(fn.bisect_batch_on_function_error);
  EXPECT_EQ(fn.maximum_record_age, Hours(1));
  EXPECT_TRUE(fn.report_batch_item_failures);
  EXPECT_EQ(fn.on_failure_destination, OnFailureDestination::kS3);
  EXPECT_EQ(fn.tumbling_window, Minutes(1));

  const FirehoseSpec& fh = s.consumers[4].firehose;
  EXPECT_EQ(fh.source, FirehoseSource::kStream);
  EXPECT_EQ(fh.buffering.size_bytes, 64 * kMiB);
  EXPECT_EQ(fh.buffering.interval, SimDuration::Zero());
  EXPECT_TRUE(fh.transform.enabled);
  EXPECT_EQ(fh.transform.buffer_size_bytes, 3'000'000);
  EXPECT_EQ(fh.transform.buffer_interval, Minutes(2));
  EXPECT_EQ(fh.transform.duration.per_record, Millis(1));
  EXPECT_DOUBLE_EQ(fh.transform.error_rate, 0.5);
  EXPECT_EQ(fh.transform.retries, 0);
  EXPECT_EQ(fh.compression.codec, CompressionCodec::kSnappy);
  EXPECT_DOUBLE_EQ(fh.compression.ratio, 0.5);  // snappy's default
  EXPECT_TRUE(fh.dynamic_partitioning.enabled);
  EXPECT_EQ(fh.dynamic_partitioning.partitions, 20);
  EXPECT_TRUE(fh.format_conversion.enabled);
  EXPECT_EQ(fh.format_conversion.output, OutputFormat::kOrc);
  EXPECT_EQ(fh.destination.write_latency, LatencySpec::Fixed(Millis(80)));
  EXPECT_DOUBLE_EQ(fh.destination.error_rate, 0.1);
  EXPECT_EQ(fh.destination.retry_duration, Hours(1));
  // Outside the three big regions the Direct PUT defaults are 100k/s, 1000/s, 1 MiB/s.
  EXPECT_EQ(fh.direct_put_limits.bytes_per_sec, kMiB);

  const FirehoseSpec& direct = s.consumers[5].firehose;
  EXPECT_EQ(direct.source, FirehoseSource::kDirectPut);
  EXPECT_DOUBLE_EQ(direct.compression.ratio, 0.2);
  EXPECT_EQ(direct.direct_put_limits.records_per_sec, 1000);
  EXPECT_EQ(direct.direct_put_limits.requests_per_sec, 100);
  EXPECT_EQ(direct.direct_put_limits.bytes_per_sec, kMiB);
  EXPECT_EQ(direct.buffering.size_bytes, 5 * kMiB);

  ASSERT_TRUE(s.slos.has_value());
  EXPECT_EQ(s.slos->max_iterator_age, Minutes(1));
  EXPECT_EQ(s.slos->p99_latency, Seconds(2));
  EXPECT_EQ(s.slos->max_write_throttle_fraction, 0.01);
  EXPECT_EQ(s.slos->max_monthly_cost_usd, 1500.5);
  EXPECT_EQ(s.slos->max_shard_utilization, 0.9);
  ASSERT_TRUE(s.pricing.has_value());
  EXPECT_EQ(fs::path(s.pricing->file), fs::path(dir.str()) / "data" / "prices.json");
  EXPECT_EQ(s.pricing->overrides, (std::map<std::string, double>{{"kds_put_payload_unit", 0.0},
                                                                 {"kds_shard_hour", 0.02}}));
  EXPECT_DOUBLE_EQ(s.analysis.hot_shard_threshold, 0.7);
  EXPECT_DOUBLE_EQ(s.analysis.stream_utilization_threshold, 0.3);
  EXPECT_EQ(s.analysis.top_keys, 3);

  // Every feature but on-demand appears, each where the scenario asks for it.
  std::set<std::string> features;
  for (const FeatureUse& f : r.features) features.insert(f.feature);
  std::set<std::string> all(AllFeatures().begin(), AllFeatures().end());
  all.erase("stream.on_demand");
  all.erase("arrival.trace");
  EXPECT_EQ(features, all);
  const auto find = [&r](std::string_view feature) {
    for (const FeatureUse& f : r.features) {
      if (f.feature == feature) return f.pointer;
    }
    return std::string("absent");
  };
  EXPECT_EQ(find("api.kpl"), "/producers/1/api");
  EXPECT_EQ(find("arrival.trace"), "absent");  // covered below
  EXPECT_EQ(find("keys.explicit_hash_key"), "/producers/2/keys");
  EXPECT_EQ(find("stream.resharding"), "/stream/operations");
  EXPECT_EQ(find("stream.autoscaling"), "/stream/autoscaling");
  EXPECT_EQ(find("consumer.outages"), "/consumers/0/outages");
  EXPECT_EQ(find("consumer.worker_failures"), "/consumers/1/worker_failures");
  EXPECT_EQ(find("firehose.direct_put"), "/consumers/5/source");
  EXPECT_EQ(find("slos"), "/slos");
  EXPECT_EQ(find("pricing"), "/pricing");
}

TEST(ScenarioLoaderTest, OnDemandStreamDefaultsToFourShards) {
  json doc = Base();
  doc["stream"] = {{"mode", "on_demand"},
                   {"on_demand", {{"split_threshold", "400KB/s"}, {"split_delay", "5min"}}}};
  const LoadResult r = Load(doc);
  ASSERT_TRUE(r.ok()) << Errors(r);
  EXPECT_EQ(r.scenario->stream.mode, StreamMode::kOnDemand);
  EXPECT_EQ(r.scenario->stream.shards, 4);
  EXPECT_DOUBLE_EQ(r.scenario->stream.on_demand.split_threshold_bytes_per_sec, 400'000.0);
  EXPECT_EQ(r.scenario->stream.on_demand.split_delay, Minutes(5));
  // The fields not given keep the fact sheet's defaults.
  EXPECT_DOUBLE_EQ(r.scenario->stream.on_demand.split_threshold_records_per_sec, 500.0);
  EXPECT_DOUBLE_EQ(r.scenario->stream.on_demand.max_write_bytes_per_sec, 200'000'000.0);
  EXPECT_FALSE(r.scenario->stream.on_demand.scale_down);
  EXPECT_EQ(r.scenario->stream.on_demand.merge_after, Hours(24));
  ASSERT_EQ(r.features.size(), 2u);
  EXPECT_EQ(r.features[1].pointer, "/stream/mode");
  EXPECT_EQ(r.features[1].feature, "stream.on_demand");
}

TEST(ScenarioLoaderTest, OnDemandScalingFieldsAreReadWithTheirUnits) {
  json doc = Base();
  doc["stream"] = {{"mode", "on_demand"},
                   {"shards", 2},
                   {"on_demand",
                    {{"split_threshold_records", "400/s"},
                     {"max_write_throughput", "10GB/s"},
                     {"scale_down", true},
                     {"merge_threshold", "100KB/s"},
                     {"merge_threshold_records", "50/s"},
                     {"merge_after", "6h"}}}};
  const LoadResult r = Load(doc);
  ASSERT_TRUE(r.ok()) << Errors(r);
  const OnDemandSpec& o = r.scenario->stream.on_demand;
  EXPECT_EQ(r.scenario->stream.shards, 2);
  EXPECT_DOUBLE_EQ(o.split_threshold_records_per_sec, 400.0);
  EXPECT_DOUBLE_EQ(o.max_write_bytes_per_sec, 10e9);
  EXPECT_TRUE(o.scale_down);
  EXPECT_DOUBLE_EQ(o.merge_threshold_bytes_per_sec, 100'000.0);
  EXPECT_DOUBLE_EQ(o.merge_threshold_records_per_sec, 50.0);
  EXPECT_EQ(o.merge_after, Hours(6));
}

// Regression: function.duration took only a processing object, unlike every latency field.
TEST(ScenarioLoaderTest, InvocationDurationsTakeAPlainDuration) {
  json doc = Base();
  json l = Consumer("lambda");
  l["function"] = {{"duration", "250ms"}};
  json f = Consumer("firehose");
  f["name"] = "f";
  f["transform"] = {{"enabled", true}, {"duration", "2s"}};
  doc["consumers"] = {l, f};
  const LoadResult r = Load(doc);
  ASSERT_TRUE(r.ok()) << Errors(r);
  ProcessingSpec lambda;
  lambda.per_batch = Millis(250);
  EXPECT_EQ(r.scenario->consumers[0].lambda.function.duration, lambda);
  ProcessingSpec transform;
  transform.per_batch = Seconds(2);
  EXPECT_EQ(r.scenario->consumers[1].firehose.transform.duration, transform);
}

TEST(ScenarioLoaderTest, FormatConversionRaisesTheDefaultBufferTo128MiB) {
  json doc = Base();
  json f = Consumer("firehose");
  f["format_conversion"] = {{"enabled", true}};
  doc["consumers"] = json::array({f});
  const LoadResult r = Load(doc);
  ASSERT_TRUE(r.ok()) << Errors(r);
  EXPECT_EQ(r.scenario->consumers[0].firehose.buffering.size_bytes, 128 * kMiB);
}

// ---------------------------------------------------------------- features

TEST(ScenarioLoaderTest, UnsupportedFeaturesNameEachUseNotImplemented) {
  TempDir dir;
  json doc = Base();
  doc["producers"][0].erase("rate");
  doc["producers"][0]["arrival"] = {{"process", "trace"}, {"file", "data/trace.csv"}};
  doc["consumers"] = {Consumer("polling"), Consumer("lambda")};
  doc["consumers"][1]["name"] = "fn";
  const LoadResult r = Load(doc, dir.str());
  ASSERT_TRUE(r.ok()) << Errors(r);
  const std::vector<Diagnostic> none =
      UnsupportedFeatures(r, {"producers", "arrival.trace", "consumer.polling", "consumer.lambda"});
  EXPECT_TRUE(none.empty());
  const std::vector<Diagnostic> two = UnsupportedFeatures(r, {"producers", "consumer.polling"});
  ASSERT_EQ(two.size(), 2u);
  // In document order: Base() is an nlohmann::json, whose keys dump sorted.
  EXPECT_EQ(FormatDiagnostic("x.json", two[0]),
            "x.json: /consumers/1: consumer.lambda is not supported yet");
  EXPECT_EQ(FormatDiagnostic("x.json", two[1]),
            "x.json: /producers/0/arrival: arrival.trace is not supported yet");
  EXPECT_EQ(UnsupportedFeatures(r, {}).size(), r.features.size());
}

// ---------------------------------------------------------------- the schema agrees

json Schema() { return json::parse(std::ifstream(kScenarioDir + "/scenario.schema.json")); }

// Variants per field as the schema's allOf encodes them:
// {"if": {"required": [F]}, "then": {"properties": {D: {"enum": [...]}}, ...}}.
std::map<std::string, std::vector<std::string>> SchemaVariants(const json& def,
                                                               const std::string& disc) {
  std::map<std::string, std::vector<std::string>> out;
  for (const json& rule : def.value("allOf", json::array())) {
    const json& cond = rule["if"];
    if (cond.size() != 1 || !cond.contains("required") || cond["required"].size() != 1) continue;
    const json& values = rule["then"]["properties"][disc]["enum"];
    out[cond["required"][0].get<std::string>()] = values.get<std::vector<std::string>>();
  }
  return out;
}

TEST(ScenarioSchemaTest, ObjectTypesAndFieldsMatchTheLoader) {
  const json schema = Schema();
  const json& defs = schema["$defs"];
  const std::map<std::string, ObjectTypeInfo> types = LoaderObjectTypes();
  EXPECT_EQ(schema["$ref"], "#/$defs/scenario");
  EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
  std::set<std::string> schema_objects;
  for (const auto& [name, def] : defs.items()) {
    if (def.value("type", "") == "object" && def.contains("properties")) {
      schema_objects.insert(name);
      EXPECT_EQ(def["additionalProperties"], false) << name;
    }
  }
  std::set<std::string> loader_objects;
  for (const auto& [name, info] : types) loader_objects.insert(name);
  EXPECT_EQ(schema_objects, loader_objects);

  for (const auto& [name, info] : types) {
    SCOPED_TRACE(name);
    if (!defs.contains(name)) continue;
    const json& def = defs[name];
    std::set<std::string> schema_fields, loader_fields;
    for (const auto& [field, _] : def["properties"].items()) schema_fields.insert(field);
    for (const auto& [field, _] : info.fields) loader_fields.insert(field);
    EXPECT_EQ(schema_fields, loader_fields);
    for (const auto& [field, prop] : def["properties"].items()) {
      EXPECT_GT(prop.value("description", "").size(), 5u) << field;
    }
    // Variants: identical per field, and the discriminator's enum names every variant.
    if (info.discriminator.empty()) {
      EXPECT_TRUE(SchemaVariants(def, "").empty());
      continue;
    }
    const std::map<std::string, std::vector<std::string>> schema_variants =
        SchemaVariants(def, info.discriminator);
    std::map<std::string, std::vector<std::string>> loader_variants;
    for (const auto& [field, variants] : info.fields) {
      if (!variants.empty()) loader_variants[field] = variants;
    }
    EXPECT_EQ(schema_variants, loader_variants);
    const std::vector<std::string> values =
        def["properties"][info.discriminator]["enum"].get<std::vector<std::string>>();
    for (const auto& [field, variants] : loader_variants) {
      for (const std::string& v : variants) {
        EXPECT_NE(std::find(values.begin(), values.end(), v), values.end()) << field << " " << v;
      }
    }
  }
}

// Prepares `doc` so that an object of `type` with discriminator value `variant` ("" = default)
// exists, and returns its pointer. Each object gets the fields its variant requires.
std::optional<std::string> Place(json& doc, const std::string& type, const std::string& variant,
                                 const std::string& data_file) {
  auto with = [&variant](json obj, const std::string& disc) {
    if (!variant.empty()) obj[disc] = variant;
    return obj;
  };
  json& p0 = doc["producers"][0];
  auto consumer = [&doc](const std::string& consumer_type) -> json& {
    doc["consumers"] = json::array({Consumer(consumer_type)});
    return doc["consumers"][0];
  };
  if (type == "scenario") return "";
  if (type == "producer") return "/producers/0";
  if (type == "arrival") {
    json a = with(json::object(), "process");
    if (variant == "steps") a["steps"] = {{{"at", "1s"}, {"rate", "1/s"}}};
    if (variant == "bursts") a.update({{"on", "1s"}, {"off", "1s"}, {"burst_rate", "1/s"}});
    if (variant == "trace") {
      a["file"] = data_file;
      p0.erase("rate");
    }
    p0["arrival"] = a;
    return "/producers/0/arrival";
  }
  if (type == "keys") {
    json k = with(json::object(), "dist");
    if (variant == "hot_key") k["hot_share"] = 0.5;
    if (variant == "weighted") k["keys"] = {{{"key", "a"}, {"weight", 1}}};
    p0["keys"] = k;
    return "/producers/0/keys";
  }
  if (type == "api") {
    p0["api"] = with(json::object(), "type");
    return "/producers/0/api";
  }
  if (type == "retry") {
    p0["retry"] = json::object();
    return "/producers/0/retry";
  }
  if (type == "stream") {
    doc["stream"] = with(json::object(), "mode");
    if (variant != "on_demand") doc["stream"]["shards"] = 2;
    return "/stream";
  }
  if (type == "write_limits") {
    doc["stream"]["write_limits"] = with(json::object(), "admission");
    return "/stream/write_limits";
  }
  if (type == "read_limits" || type == "autoscaling") {
    doc["stream"][type] = json::object();
    return "/stream/" + type;
  }
  if (type == "autoscaling_step") {
    doc["stream"]["autoscaling"] = {
        {"policy", "step"}, {"steps", {{{"when", "above"}, {"threshold", 0.9}, {"change", 1}}}}};
    return "/stream/autoscaling/steps/0";
  }
  if (type == "on_demand") {
    doc["stream"] = {{"mode", "on_demand"}, {"on_demand", json::object()}};
    return "/stream/on_demand";
  }
  if (type == "stream_operation") {
    json e = {{"at", "1min"}};
    e["op"] = variant.empty() ? "split" : variant;
    if (e["op"] != "update_shard_count") e["shard"] = "shardId-000000000000";
    if (e["op"] == "split") e["new_starting_hash_key"] = "even";
    if (e["op"] == "merge") e["adjacent"] = "shardId-000000000001";
    if (e["op"] == "update_shard_count") e["target"] = 3;
    doc["stream"]["operations"] = json::array({e});
    return "/stream/operations/0";
  }
  if (type == "reshard_limits") {
    doc["stream"][type] = json::object();
    return "/stream/" + type;
  }
  if (type == "consumer") {
    consumer(variant.empty() ? "polling" : variant);
    return "/consumers/0";
  }
  if (type == "processing") {
    consumer("polling")["processing"] = with(json::object(), "distribution");
    return "/consumers/0/processing";
  }
  if (type == "starting_position") {
    json sp = with(json::object(), "type");
    if (variant == "AT_TIMESTAMP") sp["timestamp"] = "0s";
    consumer("polling")["starting_position"] = sp;
    return "/consumers/0/starting_position";
  }
  if (type == "checkpoint") {
    consumer("kcl")["checkpoint"] = json::object();
    return "/consumers/0/checkpoint";
  }
  if (type == "lambda_function") {
    consumer("lambda");
    return "/consumers/0/function";
  }
  const std::map<std::string, std::string> firehose_parts = {
      {"firehose_buffering", "buffering"},
      {"firehose_transform", "transform"},
      {"compression", "compression"},
      {"dynamic_partitioning", "dynamic_partitioning"},
      {"format_conversion", "format_conversion"},
      {"destination", "destination"}};
  if (const auto it = firehose_parts.find(type); it != firehose_parts.end()) {
    consumer("firehose")[it->second] =
        type == "compression" ? with(json::object(), "codec") : json::object();
    return "/consumers/0/" + it->second;
  }
  if (type == "direct_put_limits") {
    json& f = consumer("firehose");
    f["source"] = "direct_put";
    f["direct_put_limits"] = json::object();
    p0["target"] = "c";
    p0.erase("keys");
    return "/consumers/0/direct_put_limits";
  }
  if (type == "slos" || type == "pricing" || type == "analysis") {
    doc[type] = json::object();
    return "/" + type;
  }
  return std::nullopt;  // types whose fields have no defaults
}

// Loading a field set to its schema default gives the same scenario as leaving it out.
TEST(ScenarioSchemaTest, EverySchemaDefaultIsTheLoadersDefault) {
  TempDir dir;
  const json defs = Schema()["$defs"];
  const std::map<std::string, ObjectTypeInfo> types = LoaderObjectTypes();
  // Defaults that depend on other fields: the schema states the common case.
  const std::set<std::string> contextual = {"stream.shards", "scenario.$schema"};
  int checked = 0;
  for (const auto& [type, info] : types) {
    for (const auto& [field, prop] : defs[type]["properties"].items()) {
      if (!prop.contains("default") || contextual.count(type + "." + field) > 0) continue;
      SCOPED_TRACE(type + "." + field);
      const std::vector<std::string>& variants = info.fields.at(field);
      const std::string variant = variants.empty() ? "" : variants[0];
      json doc = Base();
      const std::optional<std::string> pointer = Place(doc, type, variant, "data/trace.csv");
      ASSERT_TRUE(pointer.has_value()) << "no place for " << type;
      const LoadResult without = Load(doc, dir.str());
      ASSERT_TRUE(without.ok()) << Errors(without);
      doc[json::json_pointer(*pointer)][field] = prop["default"];
      const LoadResult with = Load(doc, dir.str());
      ASSERT_TRUE(with.ok()) << Errors(with);
      EXPECT_TRUE(*with.scenario == *without.scenario) << prop["default"].dump();
      ++checked;
    }
  }
  EXPECT_GT(checked, 100);
}

// ---------------------------------------------------------------- robustness

TEST(ScenarioLoaderTest, TruncatedAndGarbledFilesNeverCrash) {
  std::ifstream in(kScenarioDir + "/clickstream.json");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(text.size(), 500u);
  // No proper prefix is a whole document.
  for (size_t n = 0; n <= text.rfind('}'); n += 3) {
    const LoadResult r = LoadScenarioText(text.substr(0, n), "x.json", kScenarioDir);
    EXPECT_FALSE(r.ok()) << n;
    EXPECT_FALSE(r.scenario.has_value());
  }
  std::mt19937_64 rng(12345);
  const std::string alphabet = "{}[]\":,0123456789.-/eE tnfrsuabKMiB\\\x01\xff";
  for (int i = 0; i < 3000; ++i) {
    std::string garbled = text;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % garbled.size();
      switch (rng() % 3) {
        case 0:
          garbled[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          garbled.erase(at, 1 + rng() % 8);
          break;
        default:
          garbled.insert(at, 1, alphabet[rng() % alphabet.size()]);
      }
    }
    const LoadResult r = LoadScenarioText(garbled, "x.json", kScenarioDir);
    EXPECT_EQ(r.ok(), r.scenario.has_value());
    for (const Diagnostic& d : r.errors) EXPECT_FALSE(d.message.empty());
  }
}

TEST(ScenarioLoaderTest, CapsTheNumberOfErrorsReported) {
  json doc = Base();
  for (int i = 0; i < 500; ++i) doc["junk" + std::to_string(i)] = 1;
  const LoadResult r = Load(doc);
  ASSERT_EQ(r.errors.size(), 101u);
  EXPECT_EQ(r.errors.back().message, "... and 400 more errors not shown");
}

}  // namespace
}  // namespace shardsim
