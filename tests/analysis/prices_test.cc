// Price files: the built-in us-east-1 table prices every dimension with a source; problems are
// reported at their pointers with the loader's wording; scenario overrides replace a price.
#include "analysis/cost/prices.h"

#include <gtest/gtest.h>

namespace shardsim {
namespace {

std::string Show(const PriceLoad& p) {
  std::string out;
  for (const Diagnostic& d : p.errors) out += FormatDiagnostic("p.json", d) + "\n";
  return out;
}

TEST(PricesTest, BuiltInTablePricesEveryDimensionWithItsSource) {
  const PriceLoad p = LoadPriceText(BuiltInPriceText(), "built-in");
  ASSERT_TRUE(p.table.has_value()) << Show(p);
  EXPECT_EQ(p.table->region, "us-east-1");
  EXPECT_EQ(p.table->date, "2024-07-01");
  for (const PriceDimensionInfo& d : kPriceDimensions) {
    ASSERT_TRUE((*p.table)[d.dimension].has_value()) << d.name;
    EXPECT_FALSE((*p.table)[d.dimension]->source.empty()) << d.name;
  }
  // $0.014 per million payload units; tiers of x86 GB-seconds.
  EXPECT_DOUBLE_EQ((*p.table)[PriceDimension::kKdsPutPayloadUnit]->tiers[0].usd_per_unit,
                   0.014 / 1e6);
  EXPECT_EQ((*p.table)[PriceDimension::kLambdaGbSecondX86]->tiers.size(), 3u);
  EXPECT_TRUE(BuiltInPrices("us-east-1").has_value());
  EXPECT_FALSE(BuiltInPrices("eu-west-1").has_value());
}

TEST(PricesTest, ProblemsAreReportedAtTheirPointers) {
  const PriceLoad p =
      LoadPriceText(R"({"region": "us-east-1", "currency": "EUR", "date": "2024-7-1",
    "prices": {
      "kds_shard_hours": {"usd": 0.015, "unit": "shard-hour", "source": "x"},
      "kds_efo_gb": {"usd": 0.013, "unit": "GiB", "source": "x"},
      "lambda_request": {"usd": 0.2, "tiers": [], "unit": "request", "source": "x"},
      "lambda_gb_second_x86": {"tiers": [{"up_to": 10, "usd": 1}, {"up_to": 5, "usd": 2}],
                               "unit": "GB-second", "source": "x"}}})",
                    "p.json");
  EXPECT_FALSE(p.table.has_value());
  EXPECT_EQ(
      Show(p),
      "p.json: /currency: only \"USD\" prices are supported, got \"EUR\"\n"
      "p.json: /date: expected a date like \"2024-07-01\", got \"2024-7-1\"\n"
      "p.json: /prices/kds_shard_hours: unknown field \"kds_shard_hours\", did you mean "
      "\"kds_shard_hour\"?\n"
      "p.json: /prices/kds_efo_gb/unit: the unit of kds_efo_gb is \"GB\", got \"GiB\"\n"
      "p.json: /prices/lambda_request: give either \"usd\" (a flat price) or \"tiers\", not "
      "both\n"
      "p.json: /prices/lambda_gb_second_x86/tiers/1: the last tier must leave out \"up_to\": it "
      "covers everything above the others\n"
      "p.json: /prices/lambda_gb_second_x86/tiers/1/up_to: must be greater than the previous "
      "tier's up_to\n");
}

TEST(PricesTest, OverridesReplaceAPriceWithAFlatOne) {
  PriceTable t = *BuiltInPrices("us-east-1");
  ApplyPriceOverrides({{"kds_shard_hour", 0.02}}, &t);
  ASSERT_EQ(t[PriceDimension::kKdsShardHour]->tiers.size(), 1u);
  EXPECT_DOUBLE_EQ(t[PriceDimension::kKdsShardHour]->tiers[0].usd_per_unit, 0.02);
  EXPECT_NE(t[PriceDimension::kKdsShardHour]->source.find("override"), std::string::npos);
}

}  // namespace
}  // namespace shardsim
