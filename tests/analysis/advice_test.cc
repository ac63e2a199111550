// Advice that fits its context, on hand-built results: each test builds a run whose numbers point
// at one cause and checks that the finding names that cause, points only to findings of the same
// run, and advises nothing the scenario's settings already rule out (a setting at its minimum or
// maximum, a lever that the binding term does not move).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "analysis/analyze.h"
#include "analysis/read_findings.h"
#include "analysis/slo_check.h"
#include "analysis/write_findings.h"
#include "models/keys/key_space.h"
#include "models/keys/shard_map.h"

namespace shardsim {
namespace {

constexpr double kKiB = 1024;

const Finding* Find(const RunResult& r, FindingKind kind) {
  const auto it = std::find_if(r.findings.begin(), r.findings.end(),
                               [&](const Finding& f) { return f.kind == kind; });
  return it == r.findings.end() ? nullptr : &*it;
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Every "see <kind>" in the findings' texts names a finding of the same result.
void ExpectReferencesExist(const RunResult& r) {
  for (const Finding& f : r.findings) {
    for (const std::string* text : {&f.evidence, &f.recommendation}) {
      for (int k = 0; k < kFindingKinds; ++k) {
        const auto kind = static_cast<FindingKind>(k);
        const std::string see = "see " + std::string(FindingKindName(kind));
        if (Has(*text, see) || Has(*text, "See " + std::string(FindingKindName(kind)))) {
          EXPECT_NE(Find(r, kind), nullptr)
              << FindingKindName(f.kind) << " points to " << FindingKindName(kind)
              << ", which this run does not have: " << *text;
        }
      }
    }
  }
}

ShardResult Shard(int index) {
  ShardResult s;
  s.index = index;
  s.shard_id =
      "shardId-" + std::string(12 - std::to_string(index).size(), '0') + std::to_string(index);
  return s;
}

// A 4-shard stream written by one PutRecords producer, 60 s.
struct WriteCase {
  Scenario scenario;
  ShardMap map = ShardMap::CreateStream(4);
  RunResult result;

  WriteCase() {
    scenario.stream.shards = 4;
    scenario.producers.resize(1);
    scenario.producers[0].name = "bus";
    result.duration_s = 60;
    for (int i = 0; i < 4; ++i) {
      result.shards.push_back(Shard(i));
      result.shards.back().expected_share = 0.25;
      result.shards.back().records_offered = 12'000;
    }
    result.producers.resize(1);
    result.producers[0].name = "bus";
    result.producers[0].records_produced = 48'000;
  }
  void Analyze(const std::vector<KeyUsage>& usage = {}) {
    AddWritePathFindings(scenario, map, usage, &result);
  }
};

// ---------------------------------------------------------------- 1: write_throttling's cause

TEST(AdviceTest, ThrottlingByAHotKeyNamesTheKeyAndNeverSaysRetriesAbsorbIt) {
  WriteCase w;
  ShardResult& s = w.result.shards[2];
  s.peak_demand_records_per_s = 2000;  // one key alone needs 1,800 records/s
  s.peak_demand_bytes_per_s = 800 * kKiB;
  s.top_keys = {{"tenant-acme", 1800, 0.9}};
  s.expected_share = 0.4;
  s.throttled_records = 50'000;
  s.throttled_by_records_limit = 50'000;
  s.records_offered = 80'000;
  w.result.peak_demand_records_per_s = 2600;  // 65 % of the stream: capacity suffices
  w.result.producers[0].records_dropped = 10'000;
  w.Analyze();
  ASSERT_NE(Find(w.result, FindingKind::kHotKey), nullptr);
  const Finding* t = Find(w.result, FindingKind::kWriteThrottling);
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(Has(t->recommendation, "hot_key")) << t->recommendation;
  EXPECT_TRUE(Has(t->recommendation, "tenant-acme")) << t->recommendation;
  EXPECT_FALSE(Has(t->recommendation, "absorb them")) << t->recommendation;
  EXPECT_FALSE(Has(t->recommendation, "no shard is hot")) << t->recommendation;
  EXPECT_TRUE(Has(t->recommendation, "10,000 records were dropped")) << t->recommendation;
  const Finding* d = Find(w.result, FindingKind::kRecordsDropped);
  ASSERT_NE(d, nullptr);
  // More write capacity cannot place a single key's records.
  EXPECT_FALSE(Has(d->recommendation, "Add write capacity")) << d->recommendation;
  EXPECT_TRUE(Has(d->recommendation, "hot_key")) << d->recommendation;
  ExpectReferencesExist(w.result);
}

TEST(AdviceTest, BurstThrottlingThatDroppedRecordsDoesNotClaimRetriesAbsorbedIt) {
  WriteCase w;
  for (ShardResult& s : w.result.shards) s.peak_demand_records_per_s = 500;
  w.result.shards[1].throttled_records = 300;
  w.result.shards[1].throttled_by_records_limit = 300;
  w.result.peak_demand_records_per_s = 2000;  // 50 %
  w.result.producers[0].records_dropped = 40;
  w.Analyze();
  const Finding* t = Find(w.result, FindingKind::kWriteThrottling);
  ASSERT_NE(t, nullptr);
  EXPECT_FALSE(Has(t->recommendation, "Retries with backoff absorb")) << t->recommendation;
  EXPECT_TRUE(Has(t->recommendation, "40 records were dropped")) << t->recommendation;
  ExpectReferencesExist(w.result);

  // Nothing dropped: then retries did absorb the bursts, and it says so.
  WriteCase kept;
  for (ShardResult& s : kept.result.shards) s.peak_demand_records_per_s = 500;
  kept.result.shards[1].throttled_records = 300;
  kept.result.peak_demand_records_per_s = 2000;
  kept.Analyze();
  const Finding* k = Find(kept.result, FindingKind::kWriteThrottling);
  ASSERT_NE(k, nullptr);
  EXPECT_TRUE(Has(k->recommendation, "absorbed")) << k->recommendation;
}

// ---------------------------------------------------------------- 3: only findings that exist

TEST(AdviceTest, MissedWriteObjectivesPointOnlyToFindingsOfTheRun) {
  WriteCase w;
  for (ShardResult& s : w.result.shards) {
    s.peak_demand_records_per_s = 880;  // keys even, every shard near its limit
    s.top_keys = {{"k-" + std::to_string(s.index), 10, 0.001}};
  }
  w.result.shards[0].throttled_records = 600;
  w.result.shards[0].throttled_by_records_limit = 600;
  w.result.peak_demand_records_per_s = 3000;  // 75 %: under the 80 % target, so bursts
  SloSpec slo;
  slo.max_write_throttle_fraction = 0.001;
  slo.max_shard_utilization = 0.8;
  w.scenario.slos = slo;
  w.Analyze();
  AddSloFindings(w.scenario, &w.result);
  EXPECT_EQ(Find(w.result, FindingKind::kHotShard), nullptr);
  int violations = 0;
  for (const Finding& f : w.result.findings) {
    if (f.kind != FindingKind::kSloViolated) continue;
    ++violations;
    EXPECT_FALSE(Has(f.recommendation, "hot_shard")) << f.recommendation;
    EXPECT_FALSE(Has(f.recommendation, "hot shard")) << f.recommendation;
  }
  EXPECT_EQ(violations, 2);
  ExpectReferencesExist(w.result);
}

TEST(AdviceTest, MissedIteratorAgeObjectiveWithoutALagFindingNamesNoneThatIsMissing) {
  Scenario s;
  s.stream.shards = 1;
  ConsumerSpec spec;
  spec.name = "reader";
  spec.type = ConsumerType::kPolling;
  s.consumers.push_back(spec);
  SloSpec slo;
  slo.max_iterator_age = Seconds(30);
  s.slos = slo;
  RunResult r;
  r.duration_s = 600;
  r.shards.push_back(Shard(0));
  ConsumerResult c;
  c.name = "reader";
  c.type = "polling";
  c.shards.push_back({});
  c.shards[0].shard_id = r.shards[0].shard_id;
  c.iterator_age_max_ms = 45'000;  // one peak, caught up by the end: no lag finding
  c.iterator_age_p99_ms = 20'000;
  r.consumers.push_back(c);
  AddReadPathFindings(s, &r);
  AddSloFindings(s, &r);
  const Finding* f = Find(r, FindingKind::kSloViolated);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Find(r, FindingKind::kIteratorAgeGrowing), nullptr);
  EXPECT_FALSE(Has(f->recommendation, "iterator_age_growing")) << f->recommendation;
  ExpectReferencesExist(r);
}

TEST(AdviceTest, ExpiredRecordsPointToOtherFindingsOnlyWhenThereAreSome) {
  Scenario s;
  s.stream.shards = 1;
  s.stream.retention = Hours(24);
  ConsumerSpec spec;
  spec.name = "reader";
  spec.type = ConsumerType::kPolling;
  s.consumers.push_back(spec);
  RunResult r;
  r.duration_s = 600;
  r.shards.push_back(Shard(0));
  ConsumerResult c;
  c.name = "reader";
  c.type = "polling";
  c.shards.push_back({});
  c.shards[0].shard_id = r.shards[0].shard_id;
  c.shards[0].records_expired = 50;
  c.records_expired = 50;  // a TRIM_HORIZON reader that started past the retention
  r.consumers.push_back(c);
  AddReadPathFindings(s, &r);
  const Finding* f = Find(r, FindingKind::kRecordsExpired);
  ASSERT_NE(f, nullptr);
  EXPECT_FALSE(Has(f->recommendation, "other findings")) << f->recommendation;
  ExpectReferencesExist(r);
}

}  // namespace
}  // namespace shardsim
