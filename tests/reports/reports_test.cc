// Tests for reports/: result.json contract and determinism, CSV text, the run summary, and the
// all-or-nothing OutputDir. Expected values are written out by hand from the inputs.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "models/result/run_result.h"
#include "reports/csv_writer.h"
#include "reports/output_dir.h"
#include "reports/result_json.h"
#include "reports/summary.h"
#include "tests/reports/temp_dir_test.h"

namespace shardsim {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr double kMiB = 1024.0 * 1024.0;

ShardResult MakeShard(const std::string& id, double peak_records, double peak_offered_records,
                      double peak_offered_bytes, uint64_t throttled, const std::string& top_key,
                      double top_share) {
  ShardResult s;
  s.shard_id = id;
  s.starting_hash_key = "0";
  s.ending_hash_key = "85070591730234615865843651857942052863";
  s.records_in = 1000;
  s.bytes_in = 700'000;
  s.records_offered = 1000 + throttled;
  s.peak_records_per_s = peak_records;
  s.peak_bytes_per_s = std::min(peak_offered_bytes, kMiB);
  s.peak_offered_records_per_s = peak_offered_records;
  s.peak_offered_bytes_per_s = peak_offered_bytes;
  s.throttled_records = throttled;
  s.throttled_by_records_limit = throttled / 2;
  s.throttled_by_bytes_limit = throttled - throttled / 2;
  s.expected_share = 0.25;
  s.top_keys = {{top_key, 600, top_share}, {"other-key", 10, 0.01}};
  return s;
}

// Four shards whose peak utilisations are, by hand: s0 40% (records), s1 142% (records),
// s2 150% (bytes: 1.5 MiB/s over 1 MiB/s), s3 90% (records).
RunResult SampleResult() {
  RunResult r;
  r.scenario = "car-telemetry";
  r.seed = 42;
  r.duration_s = 600;
  r.stream_mode = "PROVISIONED";
  r.open_shards = 4;
  r.events_processed = 1'234'567;
  r.conservation = {true, 600'000, 599'990, 10, 0, 2, ""};

  ProducerResult p;
  p.name = "devices";
  p.api = "PutRecords";
  p.instances = 200;
  p.records_produced = 600'000;
  p.records_accepted = 599'990;
  p.records_throttled = 1'234;
  p.records_retried = 1'240;
  p.records_dropped = 10;
  p.records_oversized = 3;
  p.records_in_flight = 0;
  p.duplicates = 2;
  p.calls = 12'000;
  p.calls_timed_out = 1;
  p.kinesis_records_sent = 601'230;
  p.bytes_accepted = 419'993'000;
  p.put_latency = {12'000, 20.5, 18.25, 30.0, 41.3, 90.125, 250.0};
  p.record_latency = {599'990, 120.5, 100.0, 200.0, 400.0, 800.0, 1200.0};
  r.producers.push_back(p);

  r.shards.push_back(MakeShard("shardId-000000000000", 400, 400, 200 * 1024, 0, "dev-a", 0.1));
  r.shards.push_back(
      MakeShard("shardId-000000000001", 1000, 1420, 700 * 1024, 12'345, "device-17", 0.312));
  r.shards.push_back(
      MakeShard("shardId-000000000002", 300, 300, 1.5 * kMiB, 77, "big-payloads", 0.5));
  r.shards.push_back(MakeShard("shardId-000000000003", 900, 900, 100 * 1024, 0, "dev-c", 0.2));
  r.shards[1].state = "CLOSED";
  r.shards[1].parent_shard_ids = {"shardId-000000000009"};

  r.findings.push_back({FindingKind::kHotKey,
                        Severity::kWarning,
                        "device-17",
                        "31% of shard 1's records",
                        "salt it",
                        "",
                        -1,
                        -1,
                        -1,
                        {}});
  r.findings.push_back({FindingKind::kHotShard,
                        Severity::kCritical,
                        "shardId-000000000001",
                        "peak 1420/s offered against 1000/s",
                        "split the shard",
                        "42535295865117307932921825928971026432",
                        1,
                        -1,
                        -1,
                        {}});
  r.assumptions.push_back({"write_limit_bytes_per_sec", "1MiB/s", "fact sheet section 1"});
  r.series.push_back({"shards", {"t_s", "records"}, {{0, 1}, {1, 2}}});
  r.series.push_back({"consumer lambda/one", {"t_s"}, {{0}}});
  return r;
}

std::vector<std::string> Keys(const Json& j) {
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  return keys;
}

// ---------------------------------------------------------------------------------------------
// result.json

TEST(ResultJsonTest, TopLevelKeysFollowStructOrder) {
  const Json j = ResultToJson(SampleResult());
  EXPECT_EQ(Keys(j),
            (std::vector<std::string>{
                "schema_version", "scenario", "seed", "duration_s", "stream_mode", "open_shards",
                "write_limit_records_per_sec", "write_limit_bytes_per_sec", "events_processed",
                "conservation", "producers", "shards", "findings", "assumptions", "series_files"}));
}

TEST(ResultJsonTest, RunFieldsHaveRightValuesAndTypes) {
  const Json j = ResultToJson(SampleResult());
  EXPECT_TRUE(j["schema_version"].is_number_integer());
  EXPECT_EQ(j["schema_version"].get<int>(), kResultSchemaVersion);
  EXPECT_EQ(j["scenario"], "car-telemetry");
  EXPECT_TRUE(j["seed"].is_number_unsigned());
  EXPECT_EQ(j["seed"].get<uint64_t>(), 42u);
  EXPECT_EQ(j["duration_s"].get<double>(), 600.0);
  EXPECT_EQ(j["stream_mode"], "PROVISIONED");
  EXPECT_EQ(j["open_shards"].get<int>(), 4);
  EXPECT_EQ(j["write_limit_records_per_sec"].get<double>(), 1000.0);
  EXPECT_EQ(j["write_limit_bytes_per_sec"].get<double>(), 1048576.0);
  EXPECT_EQ(j["events_processed"].get<uint64_t>(), 1'234'567u);

  const Json& c = j["conservation"];
  EXPECT_EQ(Keys(c), (std::vector<std::string>{"ok", "produced", "accepted", "dropped", "in_flight",
                                               "duplicates", "detail"}));
  EXPECT_TRUE(c["ok"].is_boolean());
  EXPECT_TRUE(c["ok"].get<bool>());
  EXPECT_EQ(c["produced"].get<uint64_t>(), 600'000u);
  EXPECT_EQ(c["accepted"].get<uint64_t>(), 599'990u);
  EXPECT_EQ(c["dropped"].get<uint64_t>(), 10u);
  EXPECT_EQ(c["duplicates"].get<uint64_t>(), 2u);
}

TEST(ResultJsonTest, ProducerFieldsHaveRightValuesAndTypes) {
  const Json j = ResultToJson(SampleResult());
  ASSERT_TRUE(j["producers"].is_array());
  ASSERT_EQ(j["producers"].size(), 1u);
  const Json& p = j["producers"][0];
  EXPECT_EQ(p["name"], "devices");
  EXPECT_EQ(p["api"], "PutRecords");
  EXPECT_EQ(p["instances"].get<int64_t>(), 200);
  const std::pair<const char*, uint64_t> counts[] = {{"records_produced", 600'000},
                                                     {"records_accepted", 599'990},
                                                     {"records_throttled", 1'234},
                                                     {"records_retried", 1'240},
                                                     {"records_dropped", 10},
                                                     {"records_oversized", 3},
                                                     {"records_in_flight", 0},
                                                     {"duplicates", 2},
                                                     {"calls", 12'000},
                                                     {"calls_timed_out", 1},
                                                     {"kinesis_records_sent", 601'230},
                                                     {"bytes_accepted", 419'993'000}};
  for (const auto& [key, value] : counts) {
    ASSERT_TRUE(p.contains(key)) << key;
    EXPECT_TRUE(p[key].is_number_unsigned()) << key;
    EXPECT_EQ(p[key].get<uint64_t>(), value) << key;
  }
  const Json& put = p["put_latency_ms"];
  EXPECT_EQ(Keys(put),
            (std::vector<std::string>{"mean", "p50", "p90", "p99", "p999", "max", "count"}));
  EXPECT_EQ(put["mean"].get<double>(), 20.5);
  EXPECT_EQ(put["p50"].get<double>(), 18.25);
  EXPECT_EQ(put["p90"].get<double>(), 30.0);
  EXPECT_EQ(put["p99"].get<double>(), 41.3);
  EXPECT_EQ(put["p999"].get<double>(), 90.125);
  EXPECT_EQ(put["max"].get<double>(), 250.0);
  EXPECT_TRUE(put["count"].is_number_unsigned());
  EXPECT_EQ(put["count"].get<uint64_t>(), 12'000u);
  EXPECT_EQ(p["record_latency_ms"]["p99"].get<double>(), 400.0);
  EXPECT_EQ(p["record_latency_ms"]["count"].get<uint64_t>(), 599'990u);
}

TEST(ResultJsonTest, ShardFieldsHaveRightValuesAndTypes) {
  const Json j = ResultToJson(SampleResult());
  ASSERT_EQ(j["shards"].size(), 4u);
  const Json& s = j["shards"][1];
  EXPECT_EQ(s["shard_id"], "shardId-000000000001");
  // 128-bit hash keys do not fit a JSON number exactly: decimal strings.
  EXPECT_TRUE(s["starting_hash_key"].is_string());
  EXPECT_EQ(s["ending_hash_key"], "85070591730234615865843651857942052863");
  EXPECT_EQ(s["state"], "CLOSED");
  EXPECT_EQ(s["parent_shard_ids"], Json::array({"shardId-000000000009"}));
  EXPECT_EQ(s["records_in"].get<uint64_t>(), 1000u);
  EXPECT_EQ(s["bytes_in"].get<uint64_t>(), 700'000u);
  EXPECT_EQ(s["records_offered"].get<uint64_t>(), 13'345u);
  EXPECT_TRUE(s["peak_records_per_s"].is_number_float());
  EXPECT_EQ(s["peak_records_per_s"].get<double>(), 1000.0);
  EXPECT_EQ(s["peak_bytes_per_s"].get<double>(), 700.0 * 1024);
  EXPECT_EQ(s["peak_offered_records_per_s"].get<double>(), 1420.0);
  EXPECT_EQ(s["peak_offered_bytes_per_s"].get<double>(), 700.0 * 1024);
  EXPECT_EQ(s["throttled_records"].get<uint64_t>(), 12'345u);
  EXPECT_EQ(s["throttled_by_records_limit"].get<uint64_t>(), 6'172u);
  EXPECT_EQ(s["throttled_by_bytes_limit"].get<uint64_t>(), 6'173u);
  EXPECT_EQ(s["expected_share"].get<double>(), 0.25);
  ASSERT_EQ(s["top_keys"].size(), 2u);
  EXPECT_EQ(Keys(s["top_keys"][0]), (std::vector<std::string>{"key", "records", "share"}));
  EXPECT_EQ(s["top_keys"][0]["key"], "device-17");
  EXPECT_EQ(s["top_keys"][0]["records"].get<uint64_t>(), 600u);
  EXPECT_EQ(s["top_keys"][0]["share"].get<double>(), 0.312);
}

TEST(ResultJsonTest, FindingsCarrySplitKeyOnlyWhenSet) {
  const Json j = ResultToJson(SampleResult());
  ASSERT_EQ(j["findings"].size(), 2u);
  EXPECT_EQ(Keys(j["findings"][0]), (std::vector<std::string>{"kind", "severity", "subject",
                                                              "evidence", "recommendation"}));
  const Json& hot = j["findings"][1];
  EXPECT_EQ(hot["kind"], "hot_shard");
  EXPECT_EQ(hot["severity"], "critical");
  EXPECT_EQ(hot["subject"], "shardId-000000000001");
  EXPECT_EQ(hot["recommendation"], "split the shard");
  EXPECT_EQ(hot["new_starting_hash_key"], "42535295865117307932921825928971026432");
  ASSERT_EQ(j["assumptions"].size(), 1u);
  EXPECT_EQ(Keys(j["assumptions"][0]), (std::vector<std::string>{"name", "value", "source"}));
  EXPECT_EQ(j["assumptions"][0]["source"], "fact sheet section 1");
}

TEST(ResultJsonTest, SeriesAppearAsFilePathsNotData) {
  const Json j = ResultToJson(SampleResult());
  EXPECT_FALSE(j.contains("series"));
  EXPECT_EQ(j["series_files"],
            Json::array({"series/shards.csv", "series/consumer_lambda_one.csv"}));
}

TEST(ResultJsonTest, IdenticalInputGivesIdenticalBytes) {
  const RunResult a = SampleResult();
  const RunResult b = SampleResult();
  const std::string text = ResultJsonText(a);
  EXPECT_EQ(text, ResultJsonText(a));
  EXPECT_EQ(text, ResultJsonText(b));
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.substr(0, 22), "{\n  \"schema_version\": ");
}

TEST(ResultJsonTest, NegativeZeroPrintsAsZeroAndNonFiniteAsNull) {
  RunResult r = SampleResult();
  r.duration_s = -0.0;
  r.shards[0].expected_share = std::numeric_limits<double>::quiet_NaN();
  r.shards[0].peak_bytes_per_s = std::numeric_limits<double>::infinity();
  r.shards[0].peak_records_per_s = -std::numeric_limits<double>::infinity();
  const std::string text = ResultJsonText(r);
  EXPECT_NE(text.find("\"duration_s\": 0.0,"), std::string::npos);
  EXPECT_EQ(text.find(": -0"), std::string::npos);
  const Json back = Json::parse(text);
  EXPECT_FALSE(std::signbit(back["duration_s"].get<double>()));
  EXPECT_TRUE(back["shards"][0]["expected_share"].is_null());
  EXPECT_TRUE(back["shards"][0]["peak_bytes_per_s"].is_null());
  EXPECT_TRUE(back["shards"][0]["peak_records_per_s"].is_null());
}

TEST(ResultJsonTest, ExtremeDoublesRoundTripExactly) {
  const double values[] = {std::numeric_limits<double>::max(),
                           std::numeric_limits<double>::min(),
                           std::numeric_limits<double>::denorm_min(),
                           -std::numeric_limits<double>::max(),
                           1e300,
                           1e-300,
                           0.1,
                           1.0 / 3.0,
                           123456789.123456789,
                           9007199254740993.0};
  for (double v : values) {
    RunResult r;
    r.duration_s = v;
    const Json back = Json::parse(ResultJsonText(r));
    EXPECT_EQ(back["duration_s"].get<double>(), v) << v;
  }
  std::mt19937_64 bits(7);  // raw engine output is portable; distributions are not needed
  for (int i = 0; i < 2000; ++i) {
    uint64_t b = bits();
    double v;
    std::memcpy(&v, &b, sizeof v);
    if (!std::isfinite(v)) continue;
    RunResult r;
    r.duration_s = v;
    const double back = Json::parse(ResultJsonText(r))["duration_s"].get<double>();
    EXPECT_EQ(back, v == 0 ? 0.0 : v) << b;
  }
}

TEST(ResultJsonTest, InvalidUtf8IsReplacedNotThrown) {
  RunResult r;
  r.shards.push_back({});
  r.shards[0].top_keys.push_back({std::string("k\xff\xfe"), 1, 1.0});
  std::string text;
  ASSERT_NO_THROW(text = ResultJsonText(r));
  EXPECT_EQ(Json::parse(text)["shards"][0]["top_keys"][0]["key"], "k\xEF\xBF\xBD\xEF\xBF\xBD");
}

// ---------------------------------------------------------------------------------------------
// CSV

TEST(CsvTest, WritesExactTextForSmallTable) {
  const SeriesTable t{"shards",
                      {"t_s", "records", "bytes"},
                      {{0, 1000, 1048576},
                       {1, 0.1, -0.0},
                       {2.5, 1e-7, std::numeric_limits<double>::quiet_NaN()},
                       {3, -12.75, 1e21}}};
  EXPECT_EQ(SeriesToCsv(t),
            "t_s,records,bytes\n"
            "0,1000,1048576\n"
            "1,0.1,0\n"
            "2.5,1e-07,\n"
            "3,-12.75,1e+21\n");
}

TEST(CsvTest, HeaderOnlyTableHasOneLine) {
  EXPECT_EQ(SeriesToCsv({"empty", {"t_s"}, {}}), "t_s\n");
}

TEST(CsvTest, QuotesColumnNamesThatNeedIt) {
  EXPECT_EQ(SeriesToCsv({"x", {"a,b", "say \"hi\"", "plain"}, {{1, 2, 3}}}),
            "\"a,b\",\"say \"\"hi\"\"\",plain\n1,2,3\n");
}

TEST(CsvTest, NumbersRoundTripThroughText) {
  std::mt19937_64 bits(11);
  SeriesTable t{"r", {"v"}, {}};
  std::vector<double> values;
  while (values.size() < 2000) {
    const uint64_t b = bits();
    double v;
    std::memcpy(&v, &b, sizeof v);
    if (std::isfinite(v)) values.push_back(v);
  }
  for (double v : values) t.rows.push_back({v});
  std::istringstream in(SeriesToCsv(t));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "v");
  for (double v : values) {
    ASSERT_TRUE(std::getline(in, line));
    double back = 0;
    const auto r = std::from_chars(line.data(), line.data() + line.size(), back);
    ASSERT_EQ(r.ptr, line.data() + line.size()) << line;
    EXPECT_EQ(back, v == 0 ? 0.0 : v) << line;
  }
  EXPECT_FALSE(std::getline(in, line));
}

TEST(CsvTest, SeriesPathStaysInsideSeriesFolder) {
  EXPECT_EQ(SeriesPath({"shards", {}, {}}), "series/shards.csv");
  EXPECT_EQ(SeriesPath({"../etc/passwd", {}, {}}), "series/_._etc_passwd.csv");
  EXPECT_EQ(SeriesPath({"..", {}, {}}), "series/_..csv");
  EXPECT_EQ(SeriesPath({"", {}, {}}), "series/_.csv");
  EXPECT_EQ(SeriesPath({"lambda-1.iterator_age", {}, {}}), "series/lambda-1.iterator_age.csv");
}

// ---------------------------------------------------------------------------------------------
// Summary

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

int Columns(const std::string& s) {
  int w = 0;
  for (char c : s) w += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return w;
}

const std::string* LineWith(const std::vector<std::string>& lines, const std::string& needle) {
  for (const std::string& l : lines) {
    if (l.find(needle) != std::string::npos) return &l;
  }
  return nullptr;
}

TEST(SummaryTest, HeaderNamesScenarioDurationAndShards) {
  const std::vector<std::string> lines = Lines(SummaryText(SampleResult()));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(
      lines[0],
      "car-telemetry: 10min simulated, seed 42, PROVISIONED, 4 open shards, 1,234,567 events");
}

TEST(SummaryTest, ProducerRowShowsCountsAndP99) {
  const std::vector<std::string> lines = Lines(SummaryText(SampleResult()));
  const std::string* header = LineWith(lines, "produced");
  const std::string* row = LineWith(lines, "  devices");
  ASSERT_NE(header, nullptr);
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(*header,
            "  name     api         produced  accepted  throttled  dropped  duplicates  put p99");
  EXPECT_EQ(*row,
            "  devices  PutRecords   600,000   599,990      1,234       10           2   41.3ms");
}

TEST(SummaryTest, HottestShardsRankByTighterLimitAndShowTopKey) {
  const std::string text = SummaryText(SampleResult());
  const std::vector<std::string> lines = Lines(text);
  const std::string* s2 = LineWith(lines, "shardId-000000000002");
  const std::string* s1 = LineWith(lines, "shardId-000000000001  ");
  const std::string* s3 = LineWith(lines, "shardId-000000000003");
  ASSERT_NE(s2, nullptr);
  ASSERT_NE(s1, nullptr);
  ASSERT_NE(s3, nullptr);
  EXPECT_LT(s2, s1);  // 150% before 142% before 90%
  EXPECT_LT(s1, s3);
  // s0 peaks at 40%: not among the top three.
  EXPECT_EQ(text.find("shardId-000000000000"), std::string::npos);
  EXPECT_NE(s2->find("150%  bytes"), std::string::npos) << *s2;
  EXPECT_NE(s2->find("1.50MiB/s"), std::string::npos) << *s2;
  EXPECT_NE(s2->find("big-payloads 50.0%"), std::string::npos) << *s2;
  EXPECT_NE(s1->find("142%  records"), std::string::npos) << *s1;
  EXPECT_NE(s1->find("1,420"), std::string::npos) << *s1;
  EXPECT_NE(s1->find("12,345"), std::string::npos) << *s1;
  EXPECT_NE(s1->find("device-17 31.2%"), std::string::npos) << *s1;
  EXPECT_NE(s3->find("90%  records"), std::string::npos) << *s3;
  EXPECT_NE(text.find("vs 1000/s and 1MiB/s per shard"), std::string::npos);
}

TEST(SummaryTest, ConservationAndFindingsCriticalFirst) {
  const std::vector<std::string> lines = Lines(SummaryText(SampleResult()));
  EXPECT_NE(LineWith(lines, "Conservation: ok"), nullptr);
  EXPECT_NE(LineWith(lines,
                     "produced 600,000  accepted 599,990  dropped 10  in flight 0  "
                     "duplicates 2"),
            nullptr);
  // Each finding: "  SEVERITY KIND: SUBJECT", then evidence and "-> recommendation", indented.
  const std::string* critical = LineWith(lines, "  critical hot_shard: shardId-000000000001");
  const std::string* warning = LineWith(lines, "  warning ");
  ASSERT_NE(critical, nullptr);
  ASSERT_NE(warning, nullptr);
  EXPECT_NE(LineWith(lines, "      peak"), nullptr);
  EXPECT_NE(LineWith(lines, "      -> "), nullptr);
  EXPECT_LT(critical, warning);
  EXPECT_NE(LineWith(lines, "Findings (2)"), nullptr);

  RunResult bad = SampleResult();
  bad.conservation.ok = false;
  bad.conservation.detail = "produced != accepted + dropped + in_flight (600000 vs 599999)";
  EXPECT_NE(SummaryText(bad).find("Conservation: FAILED: produced != accepted"), std::string::npos);
}

TEST(SummaryTest, LongNamesAreCutToFitHundredColumns) {
  RunResult r = SampleResult();
  r.scenario = std::string(150, 's');
  r.producers[0].name = "a-very-long-producer-name-that-goes-on-and-on-and-on-forever-and-ever";
  r.shards[1].top_keys[0].key = "3f1c2a9e-4b7d-4e2a-9c1f-0123456789ab-and-a-much-longer-tail";
  r.findings[0].evidence = std::string(200, 'e') + "\xC3\xA9";  // ends in a 2-byte code point
  r.findings[0].subject = std::string(60, 'x');
  const std::string text = SummaryText(r);
  for (const std::string& line : Lines(text)) {
    EXPECT_LE(Columns(line), kSummaryWidthColumns) << line;
    EXPECT_TRUE(line.empty() || line.back() != ' ') << line;
  }
  EXPECT_NE(text.find("a-very-long"), std::string::npos);
  EXPECT_NE(text.find("..."), std::string::npos);
  EXPECT_NE(text.find("3f1c2a9e"), std::string::npos);
}

RunResult ManagedResult() {
  RunResult r = SampleResult();
  ConsumerResult l;
  l.name = "db-writer";
  l.type = "lambda";
  l.records_failed = 7;
  l.lambda.emplace();
  l.lambda->source = "polling";
  l.lambda->invocations = 1234;
  l.lambda->invocations_failed = 3;
  l.lambda->records_to_destination = 7;
  l.lambda->concurrency_max = 16;
  l.lambda->duration.p99_ms = 250;
  l.lambda->duration.count = 1234;
  l.lambda->batch_records = {1234, 42.5, 40, 80, 100, 100};
  l.lambda->max_stall_ms = 3000;
  l.lambda->requests = 1234;
  l.lambda->gb_seconds = 61.75;
  l.lambda->memory_mb = 512;
  l.lambda->architecture = "arm64";
  ConsumerResult f;
  f.name = "s3-archive";
  f.type = "firehose";
  f.firehose.emplace();
  f.firehose->source = "stream";
  f.firehose->records_delivered = 98765;
  f.firehose->objects_written = 12;
  f.firehose->object_bytes = {12, 3.0 * kMiB, 3.0 * kMiB, 4.0 * kMiB, 5.0 * kMiB, 5.0 * kMiB};
  f.firehose->delivery_latency = {98765, 30'000, 29'000, 55'000, 60'500, 60'900, 61'000};
  f.firehose->ingested_gb_billed = 0.5;
  f.firehose->s3_put_requests = 13;
  r.consumers = {l, f};
  return r;
}

TEST(ResultJsonTest, LambdaAndFirehoseSectionsOnlyOnTheirConsumers) {
  const Json j = ResultToJson(ManagedResult());
  const Json& l = j["consumers"][0];
  EXPECT_EQ(l["records_failed"], 7);
  ASSERT_TRUE(l.contains("lambda"));
  EXPECT_FALSE(l.contains("firehose"));
  EXPECT_EQ(l["lambda"]["invocations"], 1234);
  EXPECT_EQ(l["lambda"]["records_to_destination"], 7);
  EXPECT_EQ(l["lambda"]["batch_records"]["mean"], 42.5);
  EXPECT_EQ(l["lambda"]["duration_ms"]["p99"], 250.0);
  EXPECT_EQ(l["lambda"]["billing"]["gb_seconds"], 61.75);
  EXPECT_EQ(l["lambda"]["billing"]["requests"], 1234);
  EXPECT_EQ(l["lambda"]["billing"]["memory_mb"], 512);
  EXPECT_EQ(l["lambda"]["billing"]["architecture"], "arm64");
  const Json& f = j["consumers"][1];
  ASSERT_TRUE(f.contains("firehose"));
  EXPECT_FALSE(f.contains("lambda"));
  EXPECT_EQ(f["firehose"]["records_delivered"], 98765);
  EXPECT_EQ(f["firehose"]["object_bytes"]["max"], 5.0 * kMiB);
  EXPECT_EQ(f["firehose"]["delivery_latency_ms"]["p99"], 60'500.0);
  EXPECT_EQ(f["firehose"]["delivery_latency_ms"]["p999"], 60'900.0);
  EXPECT_EQ(f["firehose"]["billing"]["ingested_gb"], 0.5);
  EXPECT_EQ(f["firehose"]["billing"]["s3_put_requests"], 13);
}

TEST(SummaryTest, LambdaAndFirehoseTablesShowTheirFigures) {
  const std::string text = SummaryText(ManagedResult());
  const std::vector<std::string> lines = Lines(text);
  const std::string* lambda = LineWith(lines, "  db-writer   lambda ");
  ASSERT_NE(LineWith(lines, "  lambda     invokes"), nullptr) << text;
  ASSERT_NE(LineWith(lines, "firehose "), nullptr) << text;
  const std::string* row = nullptr;
  for (const std::string& line : lines) {
    if (line.rfind("  db-writer", 0) == 0 && line.find("1,234") != std::string::npos) row = &line;
  }
  ASSERT_NE(lambda, nullptr);
  ASSERT_NE(row, nullptr) << text;
  EXPECT_NE(row->find("250ms"), std::string::npos) << *row;
  EXPECT_NE(row->find("42.5"), std::string::npos) << *row;
  EXPECT_NE(row->find("61.8"), std::string::npos) << *row;  // GB-s to one decimal
  const std::string* fh = nullptr;
  for (const std::string& line : lines) {
    if (line.rfind("  s3-archive", 0) == 0 && line.find("98,765") != std::string::npos) fh = &line;
  }
  ASSERT_NE(fh, nullptr) << text;
  EXPECT_NE(fh->find("3.00MiB"), std::string::npos) << *fh;
  EXPECT_NE(fh->find("60.5s"), std::string::npos) << *fh;
  for (const std::string& line : lines) EXPECT_LE(Columns(line), kSummaryWidthColumns) << line;
}

TEST(SummaryTest, CutNamesKeepTheirEndsApart) {
  RunResult r = ManagedResult();
  r.consumers[0].name = "orders-enricher-with-a-rather-long-name-primary";
  r.consumers[1].name = "orders-enricher-with-a-rather-long-name-secondary";
  r.consumers[1].lambda = r.consumers[0].lambda;  // two Lambda rows in one table
  r.consumers[1].firehose.reset();
  const std::string text = SummaryText(r);
  for (const std::string& line : Lines(text)) EXPECT_LE(Columns(line), kSummaryWidthColumns);
  // The Lambda table is the widest: its name column is cut, in the middle.
  EXPECT_NE(text.find("orders-enric...ame-primary "), std::string::npos) << text;
  EXPECT_NE(text.find("orders-enric...e-secondary "), std::string::npos) << text;
}

TEST(SummaryTest, MostThrottledShardIsListedEvenOutsideTheThreeBusiest) {
  RunResult r = SampleResult();
  r.shards[0].throttled_records = 50'000;  // 40 % load: fourth by load, first by throttling
  const std::vector<std::string> lines = Lines(SummaryText(r));
  const std::string* s0 = LineWith(lines, "shardId-000000000000");
  const std::string* s3 = LineWith(lines, "shardId-000000000003");
  ASSERT_NE(s0, nullptr);
  ASSERT_NE(s3, nullptr);
  EXPECT_LT(s3, s0);  // still in load order, after the three busiest
  EXPECT_NE(s0->find("50,000"), std::string::npos) << *s0;
}

TEST(SummaryTest, ShareColumnsSayWhoseShareTheyAre) {
  RunResult r = SampleResult();
  r.shards[2].expected_share = 0.3;
  const std::vector<std::string> lines = Lines(SummaryText(r));
  const std::string* header = LineWith(lines, "  shard ");
  const std::string* s2 = LineWith(lines, "shardId-000000000002");
  ASSERT_NE(header, nullptr);
  ASSERT_NE(s2, nullptr);
  EXPECT_NE(header->find("stream share"), std::string::npos) << *header;
  EXPECT_NE(header->find("top key"), std::string::npos) << *header;
  EXPECT_EQ(header->find(" share  top key"), header->find("stream share  top key") + 6) << *header;
  EXPECT_NE(s2->find("30.0%  big-payloads 50.0%"), std::string::npos) << *s2;  // stream, key
}

TEST(SummaryTest, ShardIdsAreNeverCutAndCutNamesStayDistinguishable) {
  RunResult r = SampleResult();
  // Keys that differ only at the end, long enough to be cut: a cut at the end would merge them.
  r.shards[1].top_keys[0].key = "tenant-with-a-very-long-common-prefix-name-alpha";
  r.shards[2].top_keys[0].key = "tenant-with-a-very-long-common-prefix-name-omega";
  r.shards[3].top_keys[0].key = "tenant-with-a-very-long-common-prefix-name-gamma";
  const std::string text = SummaryText(r);
  for (const std::string& line : Lines(text)) EXPECT_LE(Columns(line), kSummaryWidthColumns);
  for (const char* id : {"shardId-000000000001", "shardId-000000000002", "shardId-000000000003"}) {
    EXPECT_NE(text.find(id), std::string::npos) << id;
  }
  EXPECT_NE(text.find("lpha 31.2%"), std::string::npos) << text;
  EXPECT_NE(text.find("mega 50.0%"), std::string::npos) << text;
  EXPECT_NE(text.find("amma 20.0%"), std::string::npos) << text;

  // Names that differ at the start keep their start: the end is cut.
  r.consumers = ManagedResult().consumers;
  r.consumers[0].name = "alpha-enricher-with-a-rather-long-name-that-goes-on";
  r.consumers[1].name = "omega-enricher-with-a-rather-long-name-that-goes-on";
  r.consumers[1].lambda = r.consumers[0].lambda;
  r.consumers[1].firehose.reset();
  const std::string cut = SummaryText(r);
  EXPECT_NE(cut.find("  alpha-enricher-with"), std::string::npos) << cut;
  EXPECT_NE(cut.find("  omega-enricher-with"), std::string::npos) << cut;
}

TEST(SummaryTest, ZeroAndSubMicrosecondDurationsReadAsSuch) {
  RunResult r = ManagedResult();
  r.consumers[0].lambda->max_stall_ms = 0;
  r.consumers[0].iterator_age_max_ms = 0.0004;
  const std::string text = SummaryText(r);
  EXPECT_EQ(text.find("0.000ms"), std::string::npos) << text;
  EXPECT_NE(text.find("<1us"), std::string::npos) << text;
  const std::vector<std::string> lines = Lines(text);
  const std::string* row = nullptr;
  for (const std::string& line : lines) {
    if (line.rfind("  db-writer", 0) == 0 && line.find("1,234") != std::string::npos) row = &line;
  }
  ASSERT_NE(row, nullptr) << text;
  EXPECT_NE(row->find(" 0ms "), std::string::npos) << *row;
}

TEST(SummaryTest, EmptyResultSaysNone) {
  RunResult r;
  const std::string text = SummaryText(r);
  EXPECT_NE(text.find("(unnamed scenario): 0s simulated"), std::string::npos);
  EXPECT_NE(text.find("Producers: none"), std::string::npos);
  EXPECT_NE(text.find("Hottest shards: none (no writes)"), std::string::npos);
  EXPECT_NE(text.find("Findings: none"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// OutputDir

class OutputDirTest : public testing_report::TempDirTest {
 protected:
  static std::string Read(const fs::path& p) {
    std::string text(fs::file_size(p), '\0');
    std::ifstream(p, std::ios::binary).read(text.data(), static_cast<std::streamsize>(text.size()));
    return text;
  }
  static void WriteFile(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
  }
};

TEST_F(OutputDirTest, CommitWritesEveryFileAndNoTempFiles) {
  OutputDir out;
  out.Add("result.json", "{}\n");
  out.Add("series/shards.csv", "t_s\n0\n");
  out.Add("series/deep/x.csv", "");
  const fs::path dir = root_ / "runs" / "today";
  EXPECT_FALSE(fs::exists(dir));  // nothing happens before Commit
  std::string error;
  ASSERT_TRUE(out.Commit(dir.string(), &error)) << error;
  EXPECT_EQ(error, "");
  EXPECT_EQ(Tree(dir),
            (std::set<std::string>{".shardsim-manifest", "result.json", "series/",
                                   "series/shards.csv", "series/deep/", "series/deep/x.csv"}));
  EXPECT_EQ(Read(dir / "result.json"), "{}\n");
  EXPECT_EQ(Read(dir / "series/shards.csv"), "t_s\n0\n");
  EXPECT_EQ(fs::file_size(dir / "series/deep/x.csv"), 0u);
}

TEST_F(OutputDirTest, CommitReplacesOlderFiles) {
  WriteFile(root_ / "result.json", "old and longer than the new one\n");
  WriteFile(root_ / "keep.txt", "unrelated");
  OutputDir out;
  out.Add("result.json", "new\n");
  std::string error;
  ASSERT_TRUE(out.Commit(root_.string(), &error)) << error;
  EXPECT_EQ(Read(root_ / "result.json"), "new\n");
  EXPECT_EQ(Tree(root_), (std::set<std::string>{".shardsim-manifest", "keep.txt", "result.json"}));
}

TEST_F(OutputDirTest, ParentIsRegularFileWritesNothingAndSaysWhy) {
  WriteFile(root_ / "file", "x");
  OutputDir out;
  out.Add("result.json", "{}");
  const std::string dir = (root_ / "file" / "out").string();
  std::string error;
  EXPECT_FALSE(out.Commit(dir, &error));
  EXPECT_EQ(error, "cannot create directory " + dir + ": Not a directory");
  EXPECT_EQ(Tree(root_), (std::set<std::string>{"file"}));
}

TEST_F(OutputDirTest, BlockedSubdirectoryRemovesDirectoriesItCreated) {
  // "a/" is created first (paths sort), then "series" turns out to be a regular file.
  const fs::path dir = root_ / "new" / "out";
  fs::create_directories(dir);
  WriteFile(dir / "series", "in the way");
  OutputDir out;
  out.Add("a/x.csv", "1\n");
  out.Add("result.json", "{}");
  out.Add("series/s.csv", "2\n");
  std::string error;
  EXPECT_FALSE(out.Commit(dir.string(), &error));
  EXPECT_EQ(error, "cannot create directory " + (dir / "series").string() + ": Not a directory");
  EXPECT_EQ(Tree(dir), (std::set<std::string>{"series"}));
}

TEST_F(OutputDirTest, TargetThatIsADirectoryWritesNothing) {
  fs::create_directories(root_ / "b.txt");
  OutputDir out;
  out.Add("a.txt", "a");
  out.Add("b.txt", "b");
  out.Add("c.txt", "c");
  std::string error;
  EXPECT_FALSE(out.Commit(root_.string(), &error));
  EXPECT_EQ(error, "cannot write " + (root_ / "b.txt").string() + ": Is a directory");
  EXPECT_EQ(Tree(root_), (std::set<std::string>{"b.txt/"}));
}

TEST_F(OutputDirTest, FailureInFreshTreeLeavesNoDirectories) {
  // The whole output tree is new; the failure comes after mkdir of three levels.
  const fs::path dir = root_ / "x" / "y" / "z";
  OutputDir out;
  out.Add("ok.txt", "fine");
  out.Add("sub/file", "fine");
  out.Add("sub/file/below", "cannot: sub/file is a file in this same commit");
  std::string error;
  EXPECT_FALSE(out.Commit(dir.string(), &error));
  EXPECT_FALSE(error.empty());
  EXPECT_TRUE(Tree(root_).empty()) << *Tree(root_).begin();
}

}  // namespace
}  // namespace shardsim
