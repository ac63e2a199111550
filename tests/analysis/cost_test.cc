// Cost arithmetic against hand computations: flat prices, prices per million, tiers applied to
// the monthly total of a dimension, projection to 730 hours, unpriced quantities as notes.
#include <gtest/gtest.h>

#include "analysis/cost/cost_model.h"

namespace shardsim {
namespace {

PriceTable Table() {
  PriceTable t;
  t.file = "test-prices.json";
  t.region = "us-east-1";
  t.currency = "USD";
  t.prices[static_cast<size_t>(PriceDimension::kKdsShardHour)] =
      Price{{{std::nullopt, 0.015}}, "a"};
  t.prices[static_cast<size_t>(PriceDimension::kKdsPutPayloadUnit)] =
      Price{{{std::nullopt, 0.014 / 1e6}}, "b"};
  t.prices[static_cast<size_t>(PriceDimension::kLambdaGbSecondX86)] =
      Price{{{6e9, 0.0000166667}, {15e9, 0.000015}, {std::nullopt, 0.0000133334}}, "c"};
  return t;
}

TEST(CostTest, FlatPricesProjectToAMonthOf730Hours) {
  // 4 shards for a 2-hour run: 8 shard-hours, 4 x 730 = 2,920 a month at $0.015 = $43.80.
  const CostResult r = PriceRun({{"kds_shard_hour", 8, "shard-hour", ""}}, 2, Table());
  ASSERT_EQ(r.items.size(), 1u);
  EXPECT_NEAR(r.items[0].amount_usd, 8 * 0.015, 1e-12);
  EXPECT_NEAR(r.items[0].per_month_usd, 43.8, 1e-9);
  EXPECT_NEAR(r.total_per_month_usd, 43.8, 1e-9);
  EXPECT_NEAR(r.items[0].unit_price_usd, 0.015, 1e-15);
}

TEST(CostTest, PayloadUnitsArePricedPerMillion) {
  // 36 million units in a 730-hour run: 36 x $0.014 = $0.504.
  const CostResult r = PriceRun({{"kds_put_payload_unit", 36e6, "payload unit", ""}}, 730, Table());
  EXPECT_NEAR(r.total_per_month_usd, 0.504, 1e-12);
}

TEST(CostTest, TiersApplyToTheDimensionsMonthlyTotalAcrossSubjects) {
  // Two functions of 3.5e9 GB-s a month each: 7e9 in all, 6e9 at the first tier and 1e9 at the
  // second: 100,000.2 + 15,000 = $115,000.2, shared in proportion to each one's quantity.
  const double run_hours = 73;  // a tenth of a month
  const CostResult r = PriceRun({{"lambda_gb_second_x86", 3.5e8, "GB-second", "b-fn"},
                                 {"lambda_gb_second_x86", 3.5e8, "GB-second", "a-fn"}},
                                run_hours, Table());
  ASSERT_EQ(r.items.size(), 2u);
  EXPECT_EQ(r.items[0].subject, "a-fn");  // by subject within a dimension
  EXPECT_NEAR(r.total_per_month_usd, 115000.2, 1e-6);
  EXPECT_NEAR(r.items[0].per_month_usd, 57500.1, 1e-6);
  EXPECT_NEAR(r.total_usd, 11500.02, 1e-6);
  // Past the second tier.
  EXPECT_NEAR(MonthlyAmount(*Table()[PriceDimension::kLambdaGbSecondX86], 20e9),
              6e9 * 0.0000166667 + 9e9 * 0.000015 + 5e9 * 0.0000133334, 1e-6);
}

TEST(CostTest, QuantitiesWithoutAPriceBecomeNotes) {
  const CostResult r =
      PriceRun({{"kds_efo_gb", 5, "GB", ""}, {"kds_shard_hurs", 1, "x", ""}}, 1, Table());
  EXPECT_TRUE(r.items.empty());
  EXPECT_EQ(r.total_usd, 0);
  ASSERT_EQ(r.notes.size(), 2u);
  EXPECT_NE(r.notes[0].find("kds_efo_gb has no price"), std::string::npos);
  EXPECT_NE(r.notes[1].find("unknown price dimension \"kds_shard_hurs\""), std::string::npos);
}

}  // namespace
}  // namespace shardsim
