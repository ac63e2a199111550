// Billing quantities and cost levers of whole runs against hand computations: PUT payload units
// (25 KB per record, rounded up), on-demand ingest (1 KiB per record, rounded up), shard-hours,
// Firehose's 5 KB rounding, and each lever's monthly saving; the cost objective and the choice of
// prices (built-in, none for the region, overrides).
#include "analysis/cost/cost_findings.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "analysis/cost/prices.h"
#include "models/spec/loader/scenario_loader.h"
#include "tests/support/run_checks.h"
#include "tests/support/scenarios.h"

namespace shardsim {
namespace {

using support::FindingOf;
using support::FixedSizeProducer;
using support::RunOk;
using support::StreamScenario;

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

double BilledQuantity(const RunResult& r, const std::string& dimension) {
  double q = 0;
  for (const BillingQuantity& b : r.billing) q += b.dimension == dimension ? b.quantity : 0;
  return q;
}

double Figure(const Finding* f, const std::string& name) {
  if (f == nullptr) return NAN;
  for (const FindingFigure& x : f->figures) {
    if (x.name == name) return x.value;
  }
  return NAN;
}

Scenario Writer(double rate, int64_t bytes, int64_t shards, SimDuration duration,
                int64_t keys = 1000) {
  Scenario s = StreamScenario("cost", 7, shards, duration);
  s.producers.push_back(FixedSizeProducer("app", 4, rate, bytes, keys));
  return s;
}

TEST(BillingTest, PayloadUnitsAndKibRoundUpPerStoredRecord) {
  // 30,000-byte records (+ key): two 25 KiB payload units and ceil(size / 1 KiB) KiB each.
  const RunResult r = RunOk(Writer(40, 30'000, 2, Seconds(30)));
  uint64_t records = 0, bytes = 0, units = 0, kib = 0;
  for (const ShardResult& s : r.shards) {
    records += s.records_in;
    bytes += s.bytes_in;
    units += s.put_payload_units;
    kib += s.kib_rounded_in;
  }
  ASSERT_GT(records, 1000u);
  EXPECT_EQ(units, 2 * records);
  // Keys "key-0".."key-999" differ in length: check the rounding per shard total bounds.
  EXPECT_GE(kib, (bytes + 1023) / 1024);
  EXPECT_LE(kib, bytes / 1024 + records);
  EXPECT_EQ(kib, 30 * records);  // 30,000 + up to 7 key bytes: 29.3 KiB rounds up to 30
  EXPECT_DOUBLE_EQ(BilledQuantity(r, "kds_put_payload_unit"), static_cast<double>(units));
}

TEST(BillingTest, ShardHoursFromOpenShardsPricedOverAMonth) {
  // 4 shards for 30 minutes: 2 shard-hours; a month of 4 shards costs 4 x 730 x $0.015 = $43.80.
  const RunResult r = RunOk(Writer(100, 500, 4, Minutes(30)));
  EXPECT_NEAR(BilledQuantity(r, "kds_shard_hour"), 2.0, 1e-9);
  ASSERT_TRUE(r.cost && r.cost->priced);
  EXPECT_NEAR(MonthlyCostOf(*r.cost, PriceDimension::kKdsShardHour), 43.8, 1e-9);
  EXPECT_EQ(r.cost->price_file, "built-in");
}

TEST(CostFindingsTest, PayloadUnitsLeverSavesWhatAggregationWouldNotBill) {
  const RunResult r = RunOk(Writer(800, 200, 2, Minutes(2)));
  const Finding* f = FindingOf(r, "put_payload_units");
  ASSERT_NE(f, nullptr);
  uint64_t units = 0, bytes = 0;
  for (const ShardResult& s : r.shards) {
    units += s.put_payload_units;
    bytes += s.bytes_in;
  }
  const double aggregated = std::ceil(static_cast<double>(bytes) / (25 * 1024));
  const double cost = MonthlyCostOf(*r.cost, PriceDimension::kKdsPutPayloadUnit);
  EXPECT_DOUBLE_EQ(Figure(f, "aggregated_payload_units"), aggregated);
  EXPECT_NEAR(Figure(f, "saving_per_month_usd"),
              cost * (1 - aggregated / static_cast<double>(units)), 1e-9);
  // 800 records/s for a month: 2.1e9 units at $0.014 per million = $29.43.
  EXPECT_NEAR(cost, static_cast<double>(units) * 0.014e-6 * 730 * 30, 1e-9);
}

TEST(CostFindingsTest, NoPayloadUnitsLeverForLargeRecords) {
  const RunResult r = RunOk(Writer(40, 30'000, 2, Seconds(30)));
  EXPECT_EQ(FindingOf(r, "put_payload_units"), nullptr);
}

TEST(CostFindingsTest, EfoLeverUnlessLatencyNeedsIt) {
  Scenario s = Writer(400, 1000, 2, Minutes(1));
  s.consumers.push_back(support::EfoConsumer("push"));
  const RunResult r = RunOk(s);
  const Finding* f = FindingOf(r, "efo_cost", "push");
  ASSERT_NE(f, nullptr);
  const double efo = MonthlyCostOf(*r.cost, PriceDimension::kKdsEfoConsumerShardHour, "push") +
                     MonthlyCostOf(*r.cost, PriceDimension::kKdsEfoGb, "push");
  EXPECT_GT(efo, 0);
  EXPECT_NEAR(Figure(f, "saving_per_month_usd"), efo, 1e-9);  // shared reads cost nothing extra
  EXPECT_EQ(Figure(f, "shared_readers_after"), 1);

  s.slos.emplace().p99_latency = Millis(500);
  EXPECT_EQ(FindingOf(RunOk(s), "efo_cost"), nullptr);
}

TEST(CostFindingsTest, RetentionLeverPricesTheExtendedRetention) {
  Scenario s = Writer(100, 1000, 2, Minutes(1));
  s.stream.retention = Hours(48);
  const RunResult r = RunOk(s);
  const Finding* f = FindingOf(r, "retention_cost");
  ASSERT_NE(f, nullptr);
  // 2 shards x 730 h x $0.020.
  EXPECT_NEAR(Figure(f, "saving_per_month_usd"), 2 * 730 * 0.02, 1e-9);
}

TEST(CostFindingsTest, IdleShardsAndOverProvisionedCarryTheirSaving) {
  // One key on four shards: three receive nothing.
  const RunResult r = RunOk(Writer(50, 1000, 4, Minutes(1), /*keys=*/1));
  const Finding* idle = FindingOf(r, "idle_shards");
  ASSERT_NE(idle, nullptr);
  EXPECT_EQ(Figure(idle, "idle_shards"), 3);
  EXPECT_NEAR(Figure(idle, "saving_per_month_usd"), 3 * 730 * 0.015, 1e-9);
  const Finding* over = FindingOf(r, "over_provisioned");
  ASSERT_NE(over, nullptr);
  EXPECT_NEAR(Figure(over, "saving_per_month_usd"),
              (4 - Figure(over, "shards_needed")) * 730 * 0.015, 1e-9);
}

TEST(CostFindingsTest, FirehoseRoundingLeverOnTheSmallObjectsExample) {
  LoadResult loaded = LoadScenarioFile(std::string(SHARDSIM_SOURCE_DIR) +
                                       "/scenarios/firehose-direct-put-small-objects.json");
  ASSERT_TRUE(loaded.ok());
  RunOptions options;
  options.duration = Minutes(2);
  const RunResult r = RunOk(*loaded.scenario, options);
  const Finding* f = FindingOf(r, "firehose_record_rounding");
  ASSERT_NE(f, nullptr);
  const FirehoseResult& fh = *r.consumers.at(static_cast<size_t>(f->consumer)).firehose;
  // Each record is billed as 5 KB (5,120 bytes).
  EXPECT_NEAR(fh.ingested_gb_billed, static_cast<double>(fh.records_in) * 5120 / kGiB, 1e-9);
  const double mean = static_cast<double>(fh.bytes_in) / static_cast<double>(fh.records_in);
  const double k = std::ceil(5120 / mean);
  const double combined =
      static_cast<double>(fh.records_in) / k * std::ceil(k * mean / 5120) * 5120 / kGiB;
  const double cost = MonthlyCostOf(*r.cost, PriceDimension::kFirehoseIngestGb, f->subject);
  EXPECT_NEAR(Figure(f, "saving_per_month_usd"), cost * (1 - combined / fh.ingested_gb_billed),
              1e-9);
  EXPECT_GT(Figure(f, "saving_per_month_usd"), 0.5 * cost);
}

TEST(CostSloTest, ObjectiveAboveAndBelowTheProjectedCost) {
  Scenario s = Writer(100, 1000, 2, Minutes(1));
  s.slos.emplace().max_monthly_cost_usd = 1.0;
  const RunResult missed = RunOk(s);
  const Finding* f = FindingOf(missed, "slo_violated", "stream");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Figure(f, "objective_max_monthly_cost_usd"), 1.0);
  EXPECT_NEAR(Figure(f, "cost_per_month_usd"), missed.cost->total_per_month_usd, 1e-9);
  s.slos->max_monthly_cost_usd = 1e6;
  EXPECT_EQ(FindingOf(RunOk(s), "slo_violated"), nullptr);
}

TEST(ResolvePricesTest, RegionWithoutPricesIsUnpricedAndACostObjectiveIsAnError) {
  Scenario s = Writer(100, 1000, 2, Minutes(1));
  s.region = "eu-west-1";
  PriceChoice c = ResolvePrices(s, "");
  EXPECT_FALSE(c.table);
  EXPECT_TRUE(c.errors.empty());
  EXPECT_NE(c.note.find("no built-in prices for region \"eu-west-1\""), std::string::npos);
  const RunResult r = RunOk(s);
  ASSERT_TRUE(r.cost);
  EXPECT_FALSE(r.cost->priced);
  EXPECT_EQ(r.cost->notes.size(), 1u);

  s.slos.emplace().max_monthly_cost_usd = 100;
  c = ResolvePrices(s, "");
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].pointer, "/slos/max_monthly_cost_usd");
}

TEST(ResolvePricesTest, OverridesReplaceTheBuiltInPrice) {
  Scenario s = Writer(100, 1000, 2, Minutes(30));
  s.pricing.emplace().overrides["kds_shard_hour"] = 0.03;
  const RunResult r = RunOk(s);
  EXPECT_NEAR(MonthlyCostOf(*r.cost, PriceDimension::kKdsShardHour), 2 * 730 * 0.03, 1e-9);
}

TEST(ResolvePricesTest, APriceFileThatDoesNotReadIsAnInputError) {
  const Scenario s = Writer(100, 1000, 2, Minutes(1));
  RunOptions options;
  options.prices_file = "/nonexistent/prices.json";
  const RunOutcome o = RunScenario(s, options);
  EXPECT_FALSE(o.result);
  ASSERT_FALSE(o.input_errors.empty());
  EXPECT_EQ(o.input_errors_file, "/nonexistent/prices.json");
}

TEST(ResolvePricesTest, TheScenariosPriceFileIsReportedAtItsPointer) {
  Scenario s = Writer(100, 1000, 2, Minutes(1));
  s.pricing.emplace().file = "/nonexistent/prices.json";
  const PriceChoice c = ResolvePrices(s, "");
  EXPECT_FALSE(c.table);
  EXPECT_TRUE(c.error_file.empty());  // the scenario
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].pointer, "/pricing/file");
  EXPECT_EQ(c.errors[0].message.rfind("/nonexistent/prices.json", 0), 0u) << c.errors[0].message;
}

}  // namespace
}  // namespace shardsim
