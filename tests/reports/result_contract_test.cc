// The result contract holds together: the field tables (models/result/result_fields.h), the
// writer (reports/result_json.cc), the reader (reports/result_json_reader.cc) and the schema
// (reports/result.schema.json). Write -> read -> write gives the same bytes for every example
// scenario and for a hand-built result that sets every optional member; the schema lists exactly
// the tables' members, in order, with their JSON types; bad input gets a pointer and a rule.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "models/result/result_fields.h"
#include "models/result/summarize.h"
#include "models/spec/loader/scenario_loader.h"
#include "planner/session.h"
#include "reports/result_json.h"
#include "reports/result_json_reader.h"
#include "reports/type_traits.h"
#include "sim/stats.h"

namespace shardsim {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kSource = SHARDSIM_SOURCE_DIR;

Json Schema() {
  return Json::parse(std::ifstream(std::string(kSource) + "/reports/result.schema.json"));
}

// ---------------------------------------------------------------- schema agreement

// Walks a field table and the schema object that describes it side by side.
class SchemaChecker {
 public:
  SchemaChecker(const Json& defs, const Json& object, std::string where,
                std::set<std::string>* defs_seen)
      : defs_(defs), object_(object), where_(std::move(where)), defs_seen_(defs_seen) {}

  template <class T>
  void Field(std::string_view name, T& /*member*/) {
    Add(name, true);
    if (const Json* p = Property(name)) CheckType<T>(*p, where_ + "." + std::string(name));
  }
  template <class T>
  void Optional(std::string_view name, T& /*member*/, bool /*present*/) {
    Add(name, false);
    if (const Json* p = Property(name)) CheckType<T>(*p, where_ + "." + std::string(name));
  }
  template <class F>
  void Group(std::string_view name, F&& fields) {
    CheckGroup(name, true, fields);
  }
  template <class F>
  void OptionalGroup(std::string_view name, bool /*present*/, F&& fields) {
    CheckGroup(name, false, fields);
  }

  // The schema object lists exactly the table's members, in table order, requires exactly the
  // unconditional ones and rejects others.
  void Finish() const {
    EXPECT_EQ(object_.value("type", ""), "object") << where_;
    EXPECT_EQ(object_.value("additionalProperties", true), false) << where_;
    EXPECT_TRUE(object_.contains("description")) << where_;
    std::vector<std::string> listed;
    for (const auto& [name, _] : object_["properties"].items()) listed.push_back(name);
    EXPECT_EQ(listed, names_) << where_ << ": properties differ from the field table";
    std::set<std::string> required;
    for (const Json& r : object_["required"]) required.insert(r.get<std::string>());
    EXPECT_EQ(required, required_) << where_ << ": required differs from the unconditional fields";
  }

  template <class T>
  void CheckType(const Json& p, const std::string& where) {
    if constexpr (std::is_same_v<T, double>) {
      EXPECT_EQ(p["type"], Json::array({"number", "null"})) << where;
    } else if constexpr (std::is_same_v<T, bool>) {
      EXPECT_EQ(p["type"], "boolean") << where;
    } else if constexpr (std::is_same_v<T, std::string>) {
      EXPECT_EQ(p["type"], "string") << where;
    } else if constexpr (std::is_integral_v<T>) {
      EXPECT_EQ(p["type"], "integer") << where;
      if constexpr (std::is_unsigned_v<T>) {
        EXPECT_EQ(p.value("minimum", -1), 0) << where << ": unsigned, so minimum 0";
      } else {
        EXPECT_LT(p.value("minimum", -1), 0) << where << ": signed";
      }
    } else if constexpr (std::is_same_v<T, Uint128>) {
      EXPECT_EQ(p["type"], "string") << where;
      EXPECT_EQ(p["pattern"], "^(0|[1-9][0-9]*)$") << where;
    } else if constexpr (std::is_enum_v<T>) {
      EXPECT_EQ(p["type"], "string") << where;
      Json names = Json::array();
      for (int i = 0; i < ResultEnum<T>::kCount; ++i) {
        names.push_back(ResultEnum<T>::Name(static_cast<T>(i)));
      }
      EXPECT_EQ(p["enum"], names) << where;
    } else if constexpr (ResultStruct<T>) {
      const std::string name(kResultStructName<T>);
      EXPECT_EQ(p.value("$ref", ""), "#/$defs/" + name) << where;
      if (!defs_seen_->insert(name).second) return;
      ASSERT_TRUE(defs_.contains(name)) << where << ": no $defs/" << name;
      SchemaChecker nested(defs_, defs_[name], "$defs/" + name, defs_seen_);
      T x{};
      Fields(nested, x);
      nested.Finish();
    } else if constexpr (kIsOptional<T>) {
      CheckType<typename T::value_type>(p, where);
    } else if constexpr (std::is_same_v<T, HistogramBucket>) {
      EXPECT_EQ(p["type"], "array") << where;
      ASSERT_EQ(p["prefixItems"].size(), 2u) << where;
      for (const Json& item : p["prefixItems"]) EXPECT_EQ(item["type"], "integer") << where;
      EXPECT_EQ(p["items"], false) << where;
    } else if constexpr (std::is_same_v<T, std::vector<SeriesTable>>) {
      EXPECT_EQ(p["type"], "array") << where;
      EXPECT_EQ(p["items"]["type"], "string") << where;
    } else if constexpr (kIsVector<T>) {
      EXPECT_EQ(p["type"], "array") << where;
      CheckType<typename T::value_type>(p["items"], where + "[]");
    } else {
      static_assert(!sizeof(T), "a member type the checker does not know");
    }
  }

 private:
  void Add(std::string_view name, bool required) {
    EXPECT_EQ(std::count(names_.begin(), names_.end(), name), 0) << where_ << ": twice " << name;
    names_.emplace_back(name);
    if (required) required_.emplace(name);
  }
  const Json* Property(std::string_view name) const {
    const Json& props = object_["properties"];
    const auto it = props.find(std::string(name));
    if (it == props.end()) {
      ADD_FAILURE() << where_ << ": the schema has no property " << name;
      return nullptr;
    }
    EXPECT_TRUE(it->contains("description")) << where_ << "." << name << " has no description";
    return &*it;
  }
  template <class F>
  void CheckGroup(std::string_view name, bool required, F& fields) {
    Add(name, required);
    if (const Json* p = Property(name)) {
      SchemaChecker group(defs_, *p, where_ + "." + std::string(name), defs_seen_);
      fields(group);
      group.Finish();
    }
  }

  const Json& defs_;
  const Json& object_;
  std::string where_;
  std::set<std::string>* defs_seen_;
  std::vector<std::string> names_;
  std::set<std::string> required_;
};

TEST(ResultSchemaTest, ListsExactlyTheFieldTablesMembersWithTheirTypes) {
  const Json schema = Schema();
  EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(schema["$ref"], "#/$defs/result");
  const Json& defs = schema["$defs"];
  std::set<std::string> seen;
  SchemaChecker root(defs, Json::object(), "(root)", &seen);
  root.CheckType<RunResult>(Json{{"$ref", "#/$defs/result"}, {"description", "root"}}, "result");
  std::set<std::string> all;
  for (const auto& [name, _] : defs.items()) all.insert(name);
  EXPECT_EQ(seen, all) << "$defs that no table uses, or tables without a $defs entry";
  EXPECT_EQ(defs["result"]["properties"]["schema_version"]["const"], kResultSchemaVersion);
}

// ---------------------------------------------------------------- round trips

std::string RoundTrip(const std::string& text) {
  const ResultRead read = ReadResultJson(text);
  EXPECT_TRUE(read.ok()) << (read.errors.empty() ? "" : FormatDiagnostic("text", read.errors[0]));
  return read.ok() ? ResultJsonText(*read.result) : "";
}

std::vector<std::pair<std::string, RunResult>> ExampleResults() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(kSource) + "/scenarios")) {
    if (entry.path().extension() == ".json" && entry.path().filename() != "scenario.schema.json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<std::pair<std::string, RunResult>> results;
  for (const auto& file : files) {
    const LoadResult loaded = LoadScenarioFile(file.string());
    EXPECT_TRUE(loaded.ok()) << file;
    if (!loaded.ok() || !UnsupportedFeatures(loaded, ImplementedFeatures()).empty()) continue;
    RunOptions options;
    options.duration = Minutes(2);  // past the examples' warm-ups, so histograms have samples
    RunOutcome run = RunScenario(*loaded.scenario, options);
    EXPECT_TRUE(run.result.has_value()) << file;
    if (run.result) results.emplace_back(file.stem().string(), std::move(*run.result));
  }
  return results;
}

const std::vector<std::pair<std::string, RunResult>>& Examples() {
  static const auto* const examples =
      new std::vector<std::pair<std::string, RunResult>>(ExampleResults());
  return *examples;
}

TEST(ResultRoundTripTest, EveryExampleReadsBackToTheSameBytes) {
  ASSERT_GE(Examples().size(), 5u);
  int with_histograms = 0;
  for (const auto& [name, result] : Examples()) {
    const std::string text = ResultJsonText(result);
    EXPECT_EQ(RoundTrip(text), text) << name;
    with_histograms += text.find("_histogram\"") != std::string::npos;
  }
  EXPECT_EQ(with_histograms, static_cast<int>(Examples().size()));
}

// The histograms are the distributions the summaries were computed from.
void ExpectSummarizes(const SparseHistogram& h, const LatencySummary& s, const std::string& where) {
  EXPECT_EQ(h.count, s.count) << where;
  if (h.count == 0) return;
  EXPECT_EQ(h.unit, "ns") << where;
  EXPECT_EQ(Mean(h) * 1e-6, s.mean_ms) << where;
  EXPECT_EQ(static_cast<double>(Quantile(h, 0.5)) * 1e-6, s.p50_ms) << where;
  EXPECT_EQ(static_cast<double>(Quantile(h, 0.99)) * 1e-6, s.p99_ms) << where;
  EXPECT_EQ(static_cast<double>(Quantile(h, 0.999)) * 1e-6, s.p999_ms) << where;
  EXPECT_EQ(static_cast<double>(h.max) * 1e-6, s.max_ms) << where;
  EXPECT_FALSE(HistogramProblem(h).has_value()) << where;
}

TEST(ResultRoundTripTest, HistogramsReproduceTheSummariesBesideThem) {
  for (const auto& [name, r] : Examples()) {
    for (const ProducerResult& p : r.producers) {
      ExpectSummarizes(p.record_latency_histogram, p.record_latency, name + " " + p.name);
    }
    for (const ConsumerResult& c : r.consumers) {
      const std::string where = name + " " + c.name;
      ExpectSummarizes(c.latency_histogram, c.latency, where);
      if (c.lambda) ExpectSummarizes(c.lambda->duration_histogram, c.lambda->duration, where);
      if (c.firehose) {
        ExpectSummarizes(c.firehose->delivery_latency_histogram, c.firehose->delivery_latency,
                         where);
      }
      const SparseHistogram& age = c.iterator_age_histogram;
      EXPECT_EQ(static_cast<double>(age.max) * 1e-6, c.iterator_age_max_ms) << where;
      EXPECT_EQ(static_cast<double>(Quantile(age, 0.99)) * 1e-6, c.iterator_age_p99_ms) << where;
    }
  }
}

SparseHistogram SomeHistogram(uint64_t scale) {
  LogHistogram h;
  for (uint64_t v : {uint64_t{0}, uint64_t{3}, uint64_t{255}, uint64_t{256}, uint64_t{1'000}}) {
    h.Record(v * scale, 2);
  }
  h.Record(~uint64_t{0}, 3);  // the sum passes 2^64: written as a decimal string
  return ToSparseHistogram(h, "ns");
}

LatencySummary SomeLatency(double base) {
  return {17, base, base + 1, base + 2, base + 3, base + 4, base + 5};
}

// A result that sets every member the writer may leave out, and awkward values.
RunResult EveryOptionalMember() {
  RunResult r;
  r.scenario = "every-optional-member \xE2\x9C\x93 \"quoted\"\n";
  r.seed = ~uint64_t{0};
  r.duration_s = 0.1;
  r.stream_mode = "ON_DEMAND";
  r.open_shards = 2;
  r.min_open_shards = 2;
  r.max_open_shards = 3;
  r.write_limit_records_per_sec = std::numeric_limits<double>::quiet_NaN();
  r.write_limit_bytes_per_sec = 1e300;
  r.events_processed = 12;
  r.peak_demand_records_per_s = 3;
  r.conservation = {false, 10, 8, 1, 1, 2, "produced != accepted"};
  r.warmup = WarmupResult{30, 900, 12, 3, 1, 4};

  ProducerResult p;
  p.name = "p";
  p.api = "KPL";
  p.instances = -1;
  p.records_produced = 5;
  p.put_latency = SomeLatency(-0.0);
  p.record_latency = SomeLatency(std::numeric_limits<double>::infinity());
  p.record_latency_histogram = SomeHistogram(1);
  r.producers = {p, ProducerResult{}};

  ShardResult s;
  s.index = 7;
  s.shard_id = "shardId-000000000007";
  s.starting_hash_key = "0";
  s.ending_hash_key = "340282366920938463463374607431768211455";
  s.state = "CLOSED";
  s.parent_shard_ids = {"shardId-000000000001", "shardId-000000000002"};
  s.parent_shard_id = "shardId-000000000001";
  s.adjacent_parent_shard_id = "shardId-000000000002";
  s.opened_at_s = 60.5;
  s.closed_at_s = 120;
  s.peak_records_per_s = 1e-7;
  s.expected_share = 0.3333333333333333;
  s.top_keys = {{"k\xFF", 3, 0.5}, {"", 0, -0.0}};
  r.shards = {s};

  ConsumerResult kcl;
  kcl.name = "kcl";
  kcl.type = "kcl";
  kcl.starting_position = "TRIM_HORIZON";
  kcl.workers = 3;
  kcl.idle_workers = 1;
  kcl.unowned_shards = 1;
  kcl.checkpoints = 4;
  kcl.lease_takeovers = 5;
  kcl.lease_table_writes = 6;
  kcl.outages = {
      OutageResult{600, 1800, 70, 1'200'000, true, 312.5},
      OutageResult{2400, 2700, 80, 300'000, false, std::numeric_limits<double>::quiet_NaN()}};
  kcl.latency = SomeLatency(2);
  kcl.latency_histogram = SomeHistogram(1'000);
  kcl.iterator_age_histogram = SomeHistogram(7);
  kcl.iterator_age_growth = -0.5;
  kcl.shards = {{"shardId-000000000007", 1, 2, 3, 4.5, 6.5, 0},
                {"shardId-000000000008", 0, 0, 0, 0, 0, -1, 1500.25}};
  kcl.parent_wait_max_ms = 1500.25;
  ConsumerResult lambda;
  lambda.name = "fn";
  lambda.type = "lambda";
  lambda.starting_position = "LATEST";
  LambdaResult lr;
  lr.source = "efo";
  lr.invocations = 9;
  lr.max_stall_shard = "shardId-000000000007";
  lr.duration = SomeLatency(120);
  lr.duration_histogram = SomeHistogram(1'000'000);
  lr.batch_records = {4, 1.5, 1, 2, 3, 4};
  lr.memory_mb = 1'769;
  lr.architecture = "arm64";
  lr.gb_seconds = 0.25;
  lambda.lambda = lr;
  ConsumerResult firehose;
  firehose.name = "fh";
  firehose.type = "firehose";
  FirehoseResult fr;
  fr.source = "direct_put";
  fr.records_in = 100;
  fr.object_bytes = {2, 1e6, 1e6, 1e6, 1e6, 1e6};
  fr.delivery_latency = SomeLatency(60'000);
  fr.delivery_latency_histogram = SomeHistogram(1'000'000'000);
  fr.direct_put_throttled_by_records = 1;
  fr.direct_put_throttled_by_bytes = 2;
  fr.direct_put_throttled_by_requests = 3;
  fr.ingested_gb_billed = 0.5;
  firehose.firehose = fr;
  ConsumerResult stream_firehose = firehose;
  stream_firehose.name = "fh2";
  stream_firehose.firehose->source = "stream";
  r.consumers = {kcl, lambda, firehose, stream_firehose};
  OperationResult split_op;
  split_op.index = 0;
  split_op.op = "split";
  split_op.status = "completed";
  split_op.requested_at_s = 60;
  split_op.started_at_s = 60;
  split_op.completed_at_s = 90;
  split_op.shard = "shardId-000000000001";
  split_op.new_starting_hash_key = "170141183460469231731687303715884105728";
  split_op.open_shards_before = 2;
  split_op.open_shards_after = 3;
  split_op.splits = 1;
  split_op.closed_shards = {"shardId-000000000001"};
  split_op.opened_shards = {"shardId-000000000002", "shardId-000000000003"};
  split_op.cause = "autoscaler: IncomingBytes 1.2e+08 above 70% of 2 shards";
  split_op.throttling_started_at_s = 30;
  split_op.throttling_ended_at_s = 100;
  split_op.throttled_before_completed = 1200;
  split_op.throttled_after_completed = 30;
  split_op.iterator_age_max_ms = 1500;
  OperationResult refused;
  refused.op = "merge";
  refused.status = "refused";
  refused.cause = "on_demand";
  refused.requested_at_s = 70;
  refused.error = "ResourceInUseException: Stream s not ACTIVE, instead in state UPDATING";
  refused.shard = "shardId-000000000000";
  refused.adjacent = "shardId-000000000002";
  OperationResult usc;
  usc.index = 2;
  usc.op = "update_shard_count";
  usc.status = "updating";
  usc.target = 6;
  OperationResult mode_switch;
  mode_switch.index = 3;
  mode_switch.op = "update_stream_mode";
  mode_switch.status = "completed";
  mode_switch.mode = "on_demand";
  r.operations = {split_op, refused, usc, mode_switch};
  ModePeriod provisioned{.mode = "provisioned",
                         .from_s = 0,
                         .to_s = 90,
                         .shard_hours = 0.05,
                         .records_in = 1000,
                         .bytes_in = 1'000'000,
                         .kib_rounded_in = 1000,
                         .put_payload_units = 1000,
                         .consumer_bytes_read = {900'000}};
  ModePeriod on_demand = provisioned;
  on_demand.mode = "on_demand";
  on_demand.from_s = 90;
  on_demand.to_s = 450;
  r.mode_periods = {provisioned, on_demand};

  Finding split;
  split.kind = FindingKind::kHotShard;
  split.severity = Severity::kCritical;
  split.subject = "shardId-000000000007";
  split.evidence = "peak 1,420/s";
  split.recommendation = "split";
  split.new_starting_hash_key = "170141183460469231731687303715884105728";
  split.shard = 7;
  split.producer = 0;
  split.consumer = 3;
  split.figures = {{"utilization", 1.42}, {"undefined", std::nan("")}, {"shards_needed", 13}};
  Finding plain;
  plain.kind = FindingKind::kSloViolated;
  plain.severity = Severity::kInfo;
  r.findings = {split, plain};
  r.assumptions = {{"read limit", "5/s", "fact sheet 3"}};
  r.series = {{"shardId-000000000007", {"time_s"}, {{0}}}, {"consumer-kcl", {}, {}}};
  r.billing = {{"kds_shard_hour", 0.5, "shard-hour", ""}, {"lambda_request", 120, "request", "fn"}};
  CostResult cost;
  cost.priced = true;
  cost.price_file = "scenarios/prices/aws-us-east-1.json";
  cost.region = "us-east-1";
  cost.currency = "USD";
  cost.date = "2024-07-01";
  cost.run_hours = 0.125;
  cost.total_usd = 0.0075;
  cost.total_per_month_usd = 43.8;
  cost.items = {{"kds_shard_hour", "", 0.5, "shard-hour", 0.015, 0.0075, 43.8, "fact sheet 9"},
                {"lambda_request", "fn", 120, "request", 2e-7, 2.4e-5, 0.14, "fact sheet 9"}};
  cost.notes = {"kds_efo_gb has no price"};
  r.cost = cost;
  r.provenance = Provenance{"0.1.0", "shardsim run s.json", "s.json", std::string(64, 'a')};
  return r;
}

// Every member name of the schema, over all objects.
void CollectNames(const Json& schema, std::set<std::string>* names) {
  if (schema.is_object()) {
    if (schema.contains("properties") && schema["properties"].is_object()) {
      for (const auto& [name, _] : schema["properties"].items()) names->insert(name);
    }
    for (const auto& [_, v] : schema.items()) CollectNames(v, names);
  } else if (schema.is_array()) {
    for (const Json& v : schema) CollectNames(v, names);
  }
}
void CollectKeys(const Json& j, std::set<std::string>* keys) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      keys->insert(k);
      CollectKeys(v, keys);
    }
  } else if (j.is_array()) {
    for (const Json& v : j) CollectKeys(v, keys);
  }
}

TEST(ResultRoundTripTest, EveryOptionalMemberReadsBackToTheSameBytes) {
  const RunResult r = EveryOptionalMember();
  const std::string text = ResultJsonText(r);
  EXPECT_EQ(RoundTrip(text), text);

  // The hand-built result leaves no member of the schema out.
  std::set<std::string> schema_names, keys;
  CollectNames(Schema(), &schema_names);
  CollectKeys(Json::parse(text), &keys);
  std::vector<std::string> missing;
  std::set_difference(schema_names.begin(), schema_names.end(), keys.begin(), keys.end(),
                      std::back_inserter(missing));
  EXPECT_TRUE(missing.empty()) << "not exercised: " << ::testing::PrintToString(missing);
}

TEST(ResultRoundTripTest, ReaderRestoresTheStructsWhereTheTextCarriesThem) {
  const RunResult r = EveryOptionalMember();
  const ResultRead read = ReadResultJson(ResultJsonText(r));
  ASSERT_TRUE(read.ok());
  const RunResult& b = *read.result;
  EXPECT_EQ(b.seed, r.seed);
  EXPECT_TRUE(std::isnan(b.write_limit_records_per_sec));  // null reads as NaN
  EXPECT_EQ(b.write_limit_bytes_per_sec, 1e300);
  EXPECT_EQ(b.producers[0].record_latency_histogram, r.producers[0].record_latency_histogram);
  EXPECT_GT(b.producers[0].record_latency_histogram.sum, Uint128{~uint64_t{0}});
  EXPECT_EQ(b.shards[0].index, 7);                          // from shard_id
  EXPECT_EQ(b.shards[0].top_keys[0].key, "k\xEF\xBF\xBD");  // invalid UTF-8 was replaced
  EXPECT_EQ(b.consumers[0].shards[0].owner, 0);
  EXPECT_EQ(b.consumers[0].shards[1].owner, -1);  // not written, default
  EXPECT_EQ(b.consumers[0].lease_table_writes, 6u);
  ASSERT_TRUE(b.warmup.has_value());
  EXPECT_EQ(b.warmup->records_throttled, 12u);
  ASSERT_EQ(b.consumers[0].outages.size(), 2u);
  EXPECT_EQ(b.consumers[0].outages[0].catch_up_s, 312.5);
  EXPECT_TRUE(b.consumers[0].outages[0].caught_up);
  EXPECT_TRUE(std::isnan(b.consumers[0].outages[1].catch_up_s));  // null reads as NaN
  EXPECT_EQ(b.consumers[1].lambda->duration_histogram, r.consumers[1].lambda->duration_histogram);
  EXPECT_EQ(b.consumers[1].lambda->gb_seconds, 0.25);
  EXPECT_EQ(b.consumers[2].firehose->direct_put_throttled_by_requests, 3u);
  EXPECT_FALSE(b.consumers[0].lambda.has_value());
  EXPECT_EQ(b.findings[0].kind, FindingKind::kHotShard);
  EXPECT_EQ(b.findings[0].severity, Severity::kCritical);
  EXPECT_EQ(b.findings[0].consumer, 3);
  ASSERT_EQ(b.findings[0].figures.size(), 3u);
  EXPECT_EQ(b.findings[0].figures[2].name, "shards_needed");
  EXPECT_EQ(b.findings[1].kind, FindingKind::kSloViolated);
  EXPECT_EQ(b.findings[1].shard, -1);
  // Series: the names only; the tables are the CSV files.
  ASSERT_EQ(b.series.size(), 2u);
  EXPECT_EQ(b.series[0].name, "shardId-000000000007");
  EXPECT_TRUE(b.series[0].rows.empty());
}

TEST(ResultRoundTripTest, BucketsTakeOneLineEach) {
  RunResult r;
  ProducerResult p;
  p.record_latency_histogram = SomeHistogram(1);
  r.producers = {p};
  const std::string text = ResultJsonText(r);
  EXPECT_NE(text.find("\n          [0, 2],\n          [3, 2],\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\n          [18374686479671623680, 3]\n        ]\n"), std::string::npos);
  EXPECT_EQ(Json::parse(text), ResultToJson(r));
}

// ---------------------------------------------------------------- errors

std::string Text() { return ResultJsonText(EveryOptionalMember()); }

// `text` with the JSON value at `pointer` replaced (or removed when `value` is discarded).
std::string With(const std::string& pointer, const Json& value) {
  Json j = Json::parse(Text());
  const Json::json_pointer at(pointer);
  if (value.is_discarded()) {
    j[at.parent_pointer()].erase(at.back());
  } else {
    j[at] = value;
  }
  return j.dump(1);
}

// The first error's "pointer: message".
std::string FirstError(const std::string& text) {
  const ResultRead read = ReadResultJson(text);
  EXPECT_FALSE(read.result.has_value());
  if (read.errors.empty()) return "(no error)";
  const Diagnostic& d = read.errors[0];
  if (d.line > 0) return std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message;
  return d.pointer + ": " + d.message;
}

TEST(ResultReaderTest, NamesThePointerAndTheRule) {
  const Json gone(Json::value_t::discarded);
  EXPECT_EQ(FirstError(With("/seed", -1)), "/seed: must be an integer in [0, 2^64)");
  EXPECT_EQ(FirstError(With("/open_shards", 1.5)),
            "/open_shards: must be an integer in [-2^31, 2^31)");
  EXPECT_EQ(FirstError(With("/open_shards", 3'000'000'000u)),
            "/open_shards: must be an integer in [-2^31, 2^31)");
  EXPECT_EQ(FirstError(With("/duration_s", "1")),
            "/duration_s: must be a number, or null for an undefined value");
  EXPECT_EQ(FirstError(With("/conservation/ok", 1)), "/conservation/ok: must be true or false");
  EXPECT_EQ(FirstError(With("/producers/0/name", 1)), "/producers/0/name: must be a string");
  EXPECT_EQ(FirstError(With("/producers", Json::object())), "/producers: must be an array");
  EXPECT_EQ(FirstError(With("/conservation", Json::array())), "/conservation: must be an object");
  EXPECT_EQ(FirstError(With("/shards/0/bytes_in", gone)),
            "/shards/0/bytes_in: missing: this member is required");
  EXPECT_EQ(FirstError(With("/consumers/1/lambda/billing/gb_seconds", gone)),
            "/consumers/1/lambda/billing/gb_seconds: missing: this member is required");
  EXPECT_EQ(FirstError(With("/consumers/0/iterator_age_ms/max~1p99", 1)),
            "/consumers/0/iterator_age_ms/max~1p99: unknown member: result.json schema_version 1 "
            "has no such field");
  EXPECT_EQ(FirstError(With("/findings/0/kind", "hot_shards")),
            "/findings/0/kind: must be one of: hot_shard, hot_key, write_throttling, "
            "over_provisioned, producer_backlog, oversized_records, records_dropped, duplicates, "
            "read_throttling, iterator_age_growing, catching_up, records_expired, "
            "retention_risk, unowned_shards, idle_workers, reprocessed_records, "
            "lambda_shard_stalled, lambda_records_discarded, lambda_concurrency_throttled, "
            "lambda_read_contention, firehose_small_objects, firehose_delivery_failed, "
            "direct_put_throttling, slo_violated, firehose_record_rounding, put_payload_units, "
            "efo_cost, retention_cost, idle_shards, reshard_refused, resharded, "
            "on_demand_cheaper, provisioned_alternative, on_demand_throttled, autoscaler_too_late, "
            "split_cannot_help, cold_shards");
  EXPECT_EQ(FirstError(With("/findings/1/severity", "fatal")),
            "/findings/1/severity: must be one of: critical, warning, info");
  EXPECT_EQ(FirstError(With("/shards/0/shard_id", "s7")),
            "/shards/0/shard_id: must be shardId-<index>, as Kinesis names shards");
  EXPECT_EQ(FirstError(With("/series_files/1", "../etc/passwd")),
            "/series_files/1: must be series/<name>.csv, the name of [A-Za-z0-9._-] not "
            "starting with '.'");
  EXPECT_EQ(FirstError(With("/series_files/0", "series/a b.csv")),
            "/series_files/0: must be series/<name>.csv, the name of [A-Za-z0-9._-] not "
            "starting with '.'");
}

TEST(ResultReaderTest, ChecksHistogramInvariants) {
  const std::string h = "/producers/0/record_latency_histogram";
  EXPECT_EQ(FirstError(With(h + "/sum", 5)),
            h + "/sum: must be a string of decimal digits without leading zeros, below 2^128");
  EXPECT_EQ(FirstError(With(h + "/sum", "0012")),
            h + "/sum: must be a string of decimal digits without leading zeros, below 2^128");
  EXPECT_EQ(FirstError(With(h + "/sum", "340282366920938463463374607431768211456")),
            h + "/sum: must be a string of decimal digits without leading zeros, below 2^128");
  EXPECT_EQ(FirstError(With(h + "/buckets/1", Json::array({3, 2, 1}))),
            h + "/buckets/1: must be a pair [lower edge, count]");
  EXPECT_EQ(FirstError(With(h + "/buckets/1", Json::array({257, 2}))),
            h + "/buckets/1/0: not a lower bucket edge of the log-bucket scheme");
  EXPECT_EQ(FirstError(With(h + "/buckets/1", Json::array({0, 2}))),
            h + "/buckets/1/0: bucket edges must ascend strictly");
  EXPECT_EQ(FirstError(With(h + "/buckets/1", Json::array({3, 0}))),
            h + "/buckets/1/1: only non-empty buckets are listed");
  EXPECT_EQ(FirstError(With(h + "/count", 1)),
            h + "/count: must equal the sum of the bucket counts");
  EXPECT_EQ(FirstError(With(h + "/min", 1)), h + "/min: must lie in the first bucket");
  EXPECT_EQ(FirstError(With(h + "/max", 1)), h + "/max: must lie in the last bucket");
  EXPECT_EQ(FirstError(With(h + "/sum", "340282366920938463463374607431768211455")),
            h + "/sum: must lie between count * min and count * max");
  EXPECT_EQ(FirstError(With(h + "/buckets", Json::array())),
            h + "/buckets: count > 0 but no buckets");
}

TEST(ResultReaderTest, RejectsMalformedJsonWithLineAndColumn) {
  // The rule is nlohmann's wording; the position is ours (1-based line and byte column).
  EXPECT_TRUE(FirstError("").starts_with("1:1: syntax error")) << FirstError("");
  EXPECT_TRUE(FirstError("{\n  \"seed\": 1,\n  x\n}").starts_with("3:3: syntax error"))
      << FirstError("{\n  \"seed\": 1,\n  x\n}");
  EXPECT_EQ(FirstError("[]"), ": must be an object");
  EXPECT_EQ(FirstError("{\"schema_version\": 2}"),
            "/schema_version: this build reads schema_version 1 only, found 2");
  EXPECT_EQ(FirstError("{\"schema_version\": 1, \"a\": {\"b\": 1, \"b\": 2}}"),
            "/a/b: duplicate key: each key may appear only once");
  std::string deepest;  // the 65th array
  for (int i = 0; i < 64; ++i) deepest += "/0";
  EXPECT_EQ(FirstError(std::string(100'000, '[') + std::string(100'000, ']')),
            deepest + ": nested more than 64 levels deep; result.json nests 7");
}

TEST(ResultReaderTest, CollectsSeveralErrorsAndCapsThem) {
  Json j = Json::parse(Text());
  j["seed"] = "x";
  j["scenario"] = 1;
  const ResultRead two = ReadResultJson(j.dump());
  ASSERT_EQ(two.errors.size(), 2u);
  EXPECT_EQ(two.errors[0].pointer, "/scenario");
  EXPECT_EQ(two.errors[1].pointer, "/seed");
  for (int i = 0; i < 200; ++i) j["extra" + std::to_string(i)] = i;
  EXPECT_EQ(ReadResultJson(j.dump()).errors.size(), 50u);
}

TEST(ResultReaderTest, NeverCrashesOnCutOrCorruptedText) {
  const std::string text = Text();
  for (size_t cut = 0; cut + 1 < text.size(); cut += 7) {  // all but the final "\n" is valid
    EXPECT_FALSE(ReadResultJson(std::string_view(text).substr(0, cut)).ok()) << cut;
  }
  for (size_t at = 0; at < text.size(); at += 17) {
    for (const char c : {'0', '"', '{', ']', '\xFF', '-', 'e'}) {
      std::string bad = text;
      bad[at] = c;
      const ResultRead read = ReadResultJson(bad);
      EXPECT_EQ(read.ok(), read.result.has_value());
      if (read.ok()) {
        EXPECT_NO_THROW(ResultJsonText(*read.result));
      }
    }
  }
}

TEST(ResultReaderTest, ReadsAFileAndSaysWhenItCannot) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "shardsim_reader";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "result.json") << Text();
  const ResultRead read = ReadResultFile((dir / "result.json").string());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(ResultJsonText(*read.result), Text());
  const ResultRead missing = ReadResultFile((dir / "missing.json").string());
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_EQ(FormatDiagnostic("missing.json", missing.errors[0]),
            "missing.json: cannot read the file");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace shardsim
