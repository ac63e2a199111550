// Cost of a run: billing quantities x a price table (fact sheet 9), per dimension and projected
// to a month of 730 hours. Tiered prices (Lambda GB-seconds, Firehose ingestion) apply to the
// monthly quantity. Pure functions of (quantities, prices); thread-safe.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "models/result/cost.h"
#include "models/spec/price_dimensions.h"

namespace shardsim {

inline constexpr double kHoursPerMonth = 730;

struct PriceTier {
  std::optional<double> up_to;  // monthly quantity where the tier ends (cumulative); none = last
  double usd_per_unit = 0;
};

struct Price {
  std::vector<PriceTier> tiers;  // one tier for a flat price
  std::string source;
};

struct PriceTable {
  std::string file;  // where it was read from
  std::string region, currency, date, description;
  std::array<std::optional<Price>, kPriceDimensions.size()> prices;  // by PriceDimension

  const std::optional<Price>& operator[](PriceDimension d) const {
    return prices[static_cast<size_t>(d)];
  }
};

// The amount for `monthly_quantity` units under `price`'s tiers.
double MonthlyAmount(const Price& price, double monthly_quantity);

// Prices `quantities` (over a run of `run_hours`) with `table`. Quantities of unknown dimensions
// or without a price become notes, never silent zeros. REQUIRES: run_hours > 0.
CostResult PriceRun(const std::vector<BillingQuantity>& quantities, double run_hours,
                    const PriceTable& table);

}  // namespace shardsim
