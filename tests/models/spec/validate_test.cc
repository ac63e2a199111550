// Tests for models/spec/validate: Validate on structs built in code (a valid scenario passes;
// out-of-range and cross-field violations name their pointer, computed from indexes, and the
// loader's message), what a ValidationInput changes (skipped rules, spelling, written fields),
// the order of problems, and every example scenario validating clean after loading.
#include "models/spec/validate.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "models/spec/loader/scenario_loader.h"
#include "tests/support/example_files.h"

namespace shardsim {
namespace {

namespace fs = std::filesystem;

ProducerSpec Producer(const std::string& name) {
  ProducerSpec p;
  p.name = name;
  p.records_per_sec = 100;
  p.record_size.size_bytes = 100;
  return p;
}

ConsumerSpec Consumer(const std::string& name, ConsumerType type) {
  ConsumerSpec c;
  c.name = name;
  c.type = type;
  return c;
}

// Three producers on a 2-shard stream for 10 minutes; valid.
Scenario Base() {
  Scenario s;
  s.name = "t";
  s.duration = Minutes(10);
  s.producers = {Producer("a"), Producer("b"), Producer("c")};
  s.stream.shards = 2;
  return s;
}

std::string Show(const std::vector<Diagnostic>& problems) {
  std::string out;
  for (const Diagnostic& d : problems) out += FormatDiagnostic("s", d) + "\n";
  return out;
}

// A ValidationInput from lambdas; unset ones give the defaults.
class FakeInput : public ValidationInput {
 public:
  std::set<std::string> problems;
  std::set<std::string> written;
  std::function<std::optional<std::string>(std::string_view)> spelling;

  bool HasProblem(std::string_view pointer) const override {
    for (const std::string& p : problems) {
      if (pointer == p || pointer.starts_with(p + "/") ||
          std::string_view(p).starts_with(std::string(pointer) + "/")) {
        return true;
      }
    }
    return false;
  }
  std::optional<bool> Written(std::string_view pointer) const override {
    return written.count(std::string(pointer)) > 0;
  }
  std::optional<std::string> Spelling(std::string_view pointer) const override {
    return spelling ? spelling(pointer) : std::nullopt;
  }
};

TEST(ValidateTest, AScenarioBuiltInCodeWithDefaultsIsValid) {
  EXPECT_EQ(Show(Validate(Base())), "");
  Scenario s = Base();
  s.consumers = {Consumer("poll", ConsumerType::kPolling), Consumer("kcl", ConsumerType::kKcl),
                 Consumer("efo", ConsumerType::kEfo), Consumer("fn", ConsumerType::kLambda),
                 Consumer("fh", ConsumerType::kFirehose)};
  EXPECT_EQ(Show(Validate(s)), "");
}

TEST(ValidateTest, EveryExampleScenarioLoadsAndValidatesClean) {
  int examples = 0;
  for (const fs::path& path : ExampleScenarioFiles()) {
    const std::string name = path.filename().string();
    ++examples;
    const LoadResult r = LoadScenarioFile(path.string());
    ASSERT_TRUE(r.ok()) << name;
    EXPECT_EQ(Show(Validate(*r.scenario)), "") << name;
  }
  EXPECT_GE(examples, 3);
}

TEST(ValidateTest, AnOutOfRangeFieldIsNamedByItsIndexes) {
  Scenario s = Base();
  s.producers[2].retry.max_attempts = 0;
  const std::vector<Diagnostic> problems = Validate(s);
  ASSERT_EQ(problems.size(), 1u) << Show(problems);
  EXPECT_EQ(problems[0].pointer, "/producers/2/retry/max_attempts");
  EXPECT_EQ(problems[0].message, "must be between 1 and 100, got 0");
}

TEST(ValidateTest, QuotesValuesInCanonicalUnitsUnlessTheInputSpellsThem) {
  Scenario s = Base();
  s.duration = Hours(24 * 400);
  ASSERT_EQ(Validate(s).size(), 1u);
  EXPECT_EQ(FormatDiagnostic("s", Validate(s)[0]),
            "s: /duration: must be between 1s and 8760h, got \"9600h\"");
  FakeInput input;
  input.spelling = [](std::string_view p) -> std::optional<std::string> {
    if (p == "/duration") return "\"400d\"";
    return std::nullopt;
  };
  EXPECT_EQ(Validate(s, input)[0].message, "must be between 1s and 8760h, got \"400d\"");
}

struct RuleCase {
  const char* label;
  std::function<void(Scenario&)> mutate;
  std::string pointer;
  std::string message;
};

const std::vector<RuleCase>& RuleCases() {
  static const std::vector<RuleCase> cases = {
      {"whole seconds",
       [](Scenario& s) {
         s.consumers = {Consumer("fn", ConsumerType::kLambda)};
         s.consumers[0].lambda.batching_window = Millis(1500);
       },
       "/consumers/0/batching_window", "must be a whole number of seconds, got \"1500ms\""},
      {"range with a reason", [](Scenario& s) { s.producers[1].api.max_batch_bytes = 6 * kMiB; },
       "/producers/1/api/max_batch_bytes",
       "must be between 1B and 5MiB (the PutRecords request limit), got \"6MiB\""},
      {"open range",
       [](Scenario& s) {
         s.producers[0].keys.dist = KeyDist::kZipf;
         s.producers[0].keys.zipf_exponent = 0;
       },
       "/producers/0/keys/exponent", "must be greater than 0 and at most 10, got 0"},
      {"warmup not shorter than the run", [](Scenario& s) { s.warmup = s.duration; }, "/warmup",
       "warmup 10min must be shorter than the duration 10min"},
      // Regression: a 10,000-shard run at a 1 ms series interval kept 40,000 values a window in
      // memory and exhausted it; the series are bounded up front.
      {"series over their budget",
       [](Scenario& s) {
         s.stream.shards = 10'000;
         s.duration = Seconds(10);
         s.series_interval = Millis(1);
       },
       "/series_interval",
       "a series_interval of 1ms over 10s keeps 10000 windows x 40000 columns = 400000000 "
       "time-series values, more than series_max_values (20000000; each takes about 25 bytes of "
       "memory until the run ends); use a series_interval of at least 20ms, or raise "
       "series_max_values"},
      {"series budget counts consumer columns",
       [](Scenario& s) {
         s.series_max_values = 1'000;
         s.consumers = {Consumer("fn", ConsumerType::kLambda)};
       },
       "/series_interval",
       "a series_interval of 1s over 10min keeps 600 windows x 19 columns = 11400 time-series "
       "values, more than series_max_values (1000; each takes about 25 bytes of memory until the "
       "run ends); use a series_interval of at least 11539ms, or raise series_max_values"},
      {"series budget out of range", [](Scenario& s) { s.series_max_values = 999; },
       "/series_max_values",
       "must be between 1000 and 100000000000 (time-series values per run), got 999"},
      {"a time after the end of the run",
       [](Scenario& s) {
         s.consumers = {Consumer("c", ConsumerType::kPolling)};
         s.consumers[0].outages = {{Minutes(11), Minutes(12)}};
       },
       "/consumers/0/outages/0/from",
       "an outage at 11min is not before the end of the run (10min)"},
      {"steps out of order",
       [](Scenario& s) {
         s.producers[1].arrival.process = ArrivalProcess::kSteps;
         s.producers[1].arrival.steps = {{Minutes(2), 5}, {Minutes(1), 6}};
       },
       "/producers/1/arrival/steps/1/at",
       "steps must be in increasing time order: 1min is not after 2min"},
      {"uniform min above max",
       [](Scenario& s) {
         s.producers[0].api.call_latency.dist = LatencyDist::kUniform;
         s.producers[0].api.call_latency.min = Seconds(2);
         s.producers[0].api.call_latency.max = Seconds(1);
       },
       "/producers/0/api/call_latency/min", "min 2s is greater than max 1s"},
      {"operations out of time order",
       [](Scenario& s) {
         ReshardSpec a, b;
         a.at = Minutes(2);
         a.action = b.action = ReshardAction::kUpdateShardCount;
         a.target_shards = b.target_shards = 3;
         b.at = Minutes(1);
         s.stream.operations = {a, b};
       },
       "/stream/operations/1/at", "operations must be in time order: 1min is before 2min"},
      {"too many enhanced fan-out consumers",
       [](Scenario& s) {
         s.stream.max_efo_consumers = 1;
         s.consumers = {Consumer("a", ConsumerType::kEfo), Consumer("b", ConsumerType::kLambda)};
         s.consumers[1].lambda.source = LambdaSource::kEfo;
       },
       "/consumers/1", "more enhanced fan-out consumers than the stream's max_efo_consumers (1)"},
      {"a target that is no firehose",
       [](Scenario& s) {
         s.consumers = {Consumer("archive", ConsumerType::kFirehose)};
         s.consumers[0].firehose.source = FirehoseSource::kDirectPut;
         s.producers[0].target = "archive";
         s.producers[0].api.max_batch_bytes = 4 * kMiB;
         s.producers[1].target = "archiv";
       },
       "/producers/1/target",
       "no firehose consumer is named \"archiv\"; did you mean \"archive\"?"},
      {"a firehose batch over PutRecordBatch's limit",
       [](Scenario& s) {
         s.consumers = {Consumer("archive", ConsumerType::kFirehose)};
         s.consumers[0].firehose.source = FirehoseSource::kDirectPut;
         s.producers[0].target = "archive";  // the default 5 MiB batch
       },
       "/producers/0/api/max_batch_bytes",
       "must be at most 4MiB for a firehose (the PutRecordBatch limit), got 5MiB"},
      {"partition keys for a firehose",
       [](Scenario& s) {
         s.consumers = {Consumer("archive", ConsumerType::kFirehose)};
         s.consumers[0].firehose.source = FirehoseSource::kDirectPut;
         s.producers[0].target = "archive";
         s.producers[0].api.max_batch_bytes = 4 * kMiB;
         s.producers[0].keys.count = 7;  // keys other than the default: set on purpose
       },
       "/producers/0/keys",
       "does not apply to a producer writing to a firehose: Firehose records have no partition "
       "key"},
      {"record larger than the stream's max record size",
       [](Scenario& s) { s.producers[2].record_size.size_bytes = 2 * kMiB; },
       "/producers/2/record_size",
       "records of up to 2MiB exceed the stream's max_record_size 1MiB"},
      {"lambda payload impossible",
       [](Scenario& s) {
         s.stream.max_record_size_bytes = 10 * kMiB;
         s.producers[0].record_size.size_bytes = 5 * kMiB;
         s.consumers = {Consumer("fn", ConsumerType::kLambda)};
       },
       "/consumers/0",
       "producer \"a\" writes records of up to 5MiB, 6990508 bytes base64-encoded: no batch fits "
       "Lambda's 6MiB invocation payload"},
      {"too many time-series windows", [](Scenario& s) { s.duration = Seconds(2'000'000); },
       "/duration",
       "a series_interval of 1s over 2000000s makes more than 1000000 time-series windows; use a "
       "longer interval"},
      {"duplicate producer name", [](Scenario& s) { s.producers[2].name = s.producers[0].name; },
       "/producers/2/name", "duplicate producer name \"a\""},
      {"negative pricing override",
       [](Scenario& s) { s.pricing.emplace().overrides["kds_shard_hour"] = -1; },
       "/pricing/overrides/kds_shard_hour", "must be between 0 and 1000000000, got -1"},
      {"unknown price dimension, escaped in its pointer",
       [](Scenario& s) { s.pricing.emplace().overrides["a/b"] = 1; }, "/pricing/overrides/a~1b",
       "unknown price dimension \"a/b\" (README \"Cost\" lists them)"},
      {"misspelt price dimension",
       [](Scenario& s) { s.pricing.emplace().overrides["kds_shard_hours"] = 1; },
       "/pricing/overrides/kds_shard_hours",
       "unknown price dimension \"kds_shard_hours\", did you mean \"kds_shard_hour\"?"},
  };
  return cases;
}

TEST(ValidateTest, SeriesWithinTheirBudgetAreValid) {
  Scenario s = Base();
  s.stream.shards = 10'000;
  s.duration = Seconds(10);
  s.series_interval = Millis(20);  // 500 windows x 40,000 columns: exactly 20,000,000
  EXPECT_EQ(Show(Validate(s)), "");
  s.series_interval = Millis(1);
  s.series_max_values = 400'000'000;  // raised by the user
  EXPECT_EQ(Show(Validate(s)), "");
}

TEST(ValidateTest, EachViolationGetsItsPointerAndTheLoadersMessage) {
  for (const RuleCase& c : RuleCases()) {
    Scenario s = Base();
    c.mutate(s);
    const std::vector<Diagnostic> problems = Validate(s);
    ASSERT_EQ(problems.size(), 1u) << c.label << ":\n" << Show(problems);
    EXPECT_EQ(problems[0].pointer, c.pointer) << c.label;
    EXPECT_EQ(problems[0].message, c.message) << c.label;
  }
}

TEST(ValidateTest, TheWrittenFieldIsTheOneARuleNames) {
  Scenario s = Base();
  s.duration = Seconds(2'000'000);
  s.series_interval = Seconds(1);  // the default, so a guess says it was not set
  EXPECT_EQ(Validate(s)[0].pointer, "/duration");
  FakeInput input;
  input.written = {"/series_interval"};
  EXPECT_EQ(Validate(s, input)[0].pointer, "/series_interval");
  // max_delay below base_delay: the one written, max_delay if both are.
  Scenario r = Base();
  r.producers[0].retry.base_delay = Seconds(30);  // the default max_delay is 20s
  EXPECT_EQ(Validate(r)[0].pointer, "/producers/0/retry/base_delay");
  input.written = {"/producers/0/retry/base_delay", "/producers/0/retry/max_delay"};
  EXPECT_EQ(Validate(r, input)[0].pointer, "/producers/0/retry/max_delay");
}

TEST(ValidateTest, SkipsRulesWhoseInputsHadReadProblems) {
  Scenario s = Base();
  s.producers[0].instances = 0;  // out of range, but "not what the input says"
  s.producers[1].record_size.dist = SizeDist::kUniform;
  s.producers[1].record_size.min_bytes = 2000;       // max failed to read: 0
  s.producers[2].record_size.size_bytes = 2 * kMiB;  // too large for the stream
  FakeInput input;
  input.problems = {"/producers/0/instances", "/producers/1/record_size/max",
                    "/producers/2/keys/colour"};
  EXPECT_EQ(Show(Validate(s, input)), "");
  // Without the problems every rule speaks.
  EXPECT_EQ(Validate(s).size(), 3u) << Show(Validate(s));
}

TEST(ValidateTest, ARuleDependingOnAnInvalidValueIsSkipped) {
  Scenario s = Base();
  s.duration = SimDuration::Zero();  // invalid: times inside the run are not checked against it
  s.producers[0].arrival.process = ArrivalProcess::kSteps;
  s.producers[0].arrival.steps = {{Minutes(1), 5}};
  const std::vector<Diagnostic> problems = Validate(s);
  ASSERT_EQ(problems.size(), 1u) << Show(problems);
  EXPECT_EQ(problems[0].pointer, "/duration");
}

TEST(ValidateTest, ProblemsComeInTheOrderOfTheFormat) {
  Scenario s = Base();
  s.warmup = Hours(1);
  s.stream.shards = 0;
  s.producers[1].instances = 0;
  s.consumers = {Consumer("c", ConsumerType::kPolling)};
  s.consumers[0].polling.max_records = 0;
  s.analysis.top_keys = -1;
  std::vector<std::string> pointers;
  for (const Diagnostic& d : Validate(s)) pointers.push_back(d.pointer);
  EXPECT_EQ(pointers,
            (std::vector<std::string>{"/warmup", "/stream/shards", "/producers/1/instances",
                                      "/consumers/0/max_records", "/analysis/top_keys"}));
}

TEST(ValidateTest, KeyOfReplacesEveryIndexPlaceholder) {
  EXPECT_EQ(KeyOf("key-{i}", 7), "key-7");
  EXPECT_EQ(KeyOf("{i}-{i}", 12), "12-12");
  EXPECT_EQ(KeyOf("fixed", 3), "fixed");
}

// ---------------------------------------------------------------- the loader uses Validate

std::string LoadErrors(const std::string& text) {
  const LoadResult r = LoadScenarioText(text, "x.json", "");
  std::string out;
  for (const Diagnostic& d : r.errors) out += FormatDiagnostic(r.file, d) + "\n";
  return out;
}

const std::string kHead =
    R"("name": "t", "duration": "10min", "stream": {"shards": 2}, "producers": [)";

TEST(ScenarioLoaderValidateTest, TheLoaderQuotesTheDocumentsSpelling) {
  EXPECT_EQ(LoadErrors("{" + kHead + R"({"name": "p", "rate": "100/s", "record_size": "1KB"}],
                       "warmup": "600000ms"})"),
            "x.json: /warmup: warmup 10min must be shorter than the duration 10min\n");
  EXPECT_EQ(LoadErrors(R"({"name": "t", "stream": {"shards": 2, "retention": "720min"},
                         "producers": [{"name": "p", "rate": "1/s", "record_size": "1KB"}]})"),
            "x.json: /stream/retention: must be between 24h and 8760h, got \"720min\"\n");
}

// Regression: a record of exactly max_record_size passed validation, and the run then dropped
// every record as oversized because the limit counts the partition key too.
TEST(ScenarioLoaderValidateTest, RecordsThatOnlyTheirPartitionKeyMakesOversizedAreRefused) {
  EXPECT_EQ(LoadErrors("{" + kHead + R"({"name": "p", "rate": "1/s", "record_size": "1MiB"}]})"),
            "x.json: /producers/0/record_size: every record (1MiB) plus its partition key (at "
            "least 5B) exceeds the stream's max_record_size 1MiB, which counts data and key: all "
            "would be dropped as oversized\n");
  EXPECT_EQ(LoadErrors("{" + kHead + R"({"name": "p", "rate": "1/s", "record_size":
                       {"dist": "lognormal", "median": "1048570B", "p99": "2MiB", "max": "2MiB"},
                       "keys": {"dist": "random"}}]})"),
            "x.json: /producers/0/record_size: records of up to 2MiB exceed the stream's "
            "max_record_size 1MiB\n");
  EXPECT_EQ(LoadErrors("{" + kHead + R"({"name": "p", "rate": "1/s", "record_size":
                       {"dist": "lognormal", "median": "1048570B", "p99": "1048575B"},
                       "keys": {"dist": "random"}}]})"),
            "x.json: /producers/0/record_size: half the records (the median, 1048570B) plus its "
            "partition key (at least 36B) exceeds the stream's max_record_size 1MiB, which counts "
            "data and key: they would be dropped as oversized\n");
  // Some records fit: the smallest (1MiB - 2B) with the shortest key, "k0".
  EXPECT_EQ(LoadErrors("{" + kHead + R"({"name": "p", "rate": "1/s", "record_size":
                       {"dist": "uniform", "min": "1048574B", "max": "1MiB"},
                       "keys": {"count": 100, "format": "k{i}"}}]})"),
            "");
  // A weighted key of weight 0 is never drawn, so the 2-byte key is the shortest.
  EXPECT_EQ(LoadErrors("{" + kHead + R"({"name": "p", "rate": "1/s", "record_size": "1048575B",
                       "keys": {"dist": "weighted", "keys": [{"key": "a", "weight": 0},
                       {"key": "bb", "weight": 1}]}}]})"),
            "x.json: /producers/0/record_size: every record (1048575B) plus its partition key (at "
            "least 2B) exceeds the stream's max_record_size 1MiB, which counts data and key: all "
            "would be dropped as oversized\n");
}

// Regression: a Firehose fed only by Direct PUT needed a dummy "stream" section.
TEST(ScenarioLoaderValidateTest, ADirectPutOnlyScenarioNeedsNoStream) {
  const std::string firehose =
      R"("consumers": [{"name": "f", "type": "firehose", "source": "direct_put"}])";
  const LoadResult ok = LoadScenarioText(
      R"({"name": "t", "producers": [{"name": "p", "rate": "1/s", "record_size": "1KB",
          "target": "f"}], )" +
          firehose + "}",
      "x.json", "");
  ASSERT_TRUE(ok.ok()) << (ok.errors.empty() ? "" : ok.errors[0].message);
  EXPECT_FALSE(ok.scenario->has_stream);
  EXPECT_EQ(LoadErrors(R"({"name": "t", "producers": [{"name": "p", "rate": "1/s",
                         "record_size": "1KB", "target": "f"}, {"name": "q", "rate": "1/s",
                         "record_size": "1KB"}], )" +
                       firehose + "}"),
            "x.json: /stream: missing required field \"stream\": producer \"q\" writes to it "
            "(only a scenario whose producers all write to direct_put firehoses has no stream)\n");
  EXPECT_EQ(LoadErrors(R"({"name": "t", "producers": [{"name": "p", "rate": "1/s",
                         "record_size": "1KB", "target": "f"}], "consumers": [{"name": "f",
                         "type": "firehose", "source": "direct_put"}, {"name": "k",
                         "type": "kcl"}]})"),
            "x.json: /stream: missing required field \"stream\": consumer \"k\" reads it (only a "
            "scenario whose producers all write to direct_put firehoses has no stream)\n");
  EXPECT_TRUE(LoadScenarioText("{" + kHead + R"({"name": "p", "rate": "1/s",
                               "record_size": "1KB"}]})",
                               "x.json", "")
                  .scenario->has_stream);
}

TEST(ScenarioLoaderValidateTest, AFieldThatFailedToReadGetsNoSecondMessage) {
  // The weight is not a number: its sum is unknown, not 0.
  EXPECT_EQ(LoadErrors("{" + kHead + R"({"name": "p", "rate": "1/s", "record_size": "1KB",
                       "keys": {"dist": "weighted", "keys": [{"key": "a", "weight": "1"}]}}]})"),
            "x.json: /producers/0/keys/keys/0/weight: expected a number, got \"1\"\n");
  // The first step's time is invalid: the second is not compared with it.
  EXPECT_EQ(LoadErrors("{" + kHead + R"({"name": "p", "rate": "0/s", "record_size": "1KB",
                       "arrival": {"process": "steps", "steps": [{"at": "400d", "rate": "1/s"},
                       {"at": "0s", "rate": "2/s"}]}}]})"),
            "x.json: /producers/0/arrival/steps/0/at: must be between 0s and 8760h, got "
            "\"400d\"\n");
  // An operation whose "at" failed to read is not compared with the next one's.
  EXPECT_EQ(LoadErrors(R"({"name": "t", "producers": [{"name": "p", "rate": "1/s",
                         "record_size": "1KB"}], "stream": {"shards": 2, "operations": [
                         {"at": "soon", "op": "update_shard_count", "target": 3},
                         {"at": "1min", "op": "update_shard_count", "target": 2}]}})"),
            "x.json: /stream/operations/0/at: expected a duration like \"250ms\", got \"soon\"\n");
}

TEST(ScenarioLoaderValidateTest, BothBoundsOfADistributionAreReadWhenTheFirstIsBad) {
  // Regression: a bad "min" left "max" unread, reported as applying only to "uniform", not
  // "uniform".
  EXPECT_EQ(LoadErrors("{" + kHead + R"({"name": "p", "rate": "1/s", "record_size": "1KB",
                       "api": {"call_latency": {"dist": "uniform", "min": "5parsec",
                       "max": "1s"}}}]})"),
            "x.json: /producers/0/api/call_latency/min: expected a duration like \"250ms\", got "
            "\"5parsec\" (unknown unit \"parsec\"; use ns, us, ms, s, min, h or d)\n");
  EXPECT_EQ(
      LoadErrors("{" + kHead + R"({"name": "p", "rate": "1/s", "record_size": {"dist":
                       "uniform", "min": 5}}]})"),
      // A field the document lacks sorts first within its object.
      "x.json: /producers/0/record_size/max: missing required field \"max\"\n"
      "x.json: /producers/0/record_size/min: expected a size like \"700B\" or \"5MiB\", got 5 "
      "(add a unit)\n");
}

TEST(ScenarioLoaderValidateTest, OtherProblemsInTheSameObjectAreStillReported) {
  // An unknown field next to the bounds does not hide the bounds' rule, and the first of two
  // duplicate keys is still checked.
  EXPECT_EQ(LoadErrors("{" + kHead + R"({"name": "p", "rate": "1/s", "record_size": "1KB",
                       "api": {"call_latency": {"dist": "uniform", "min": "2s", "max": "1s",
                       "foo": 1}}}]})"),
            "x.json: /producers/0/api/call_latency/min: min 2s is greater than max 1s\n"
            "x.json: /producers/0/api/call_latency/foo: unknown field \"foo\"\n");
  EXPECT_EQ(LoadErrors("{" + kHead + R"({"name": "p", "rate": "0/s", "rate": "2/s",
                       "record_size": "1KB"}]})"),
            "x.json: /producers/0/rate: duplicate key \"rate\": each key may appear only once\n"
            "x.json: /producers/0/rate: must be greater than 0/s and at most 100000000/s, got "
            "\"0/s\"\n");
}

}  // namespace
}  // namespace shardsim
