// Billing quantities a run counted, and what they cost: result types (no behaviour). The models
// count quantities in the units of models/spec/price_dimensions.h; analysis/cost prices them with
// a price file, so a result can be priced again with another file without simulating.
#pragma once

#include <string>
#include <vector>

namespace shardsim {

// One billed quantity over the whole run, e.g. {"kds_shard_hour", 0.67, "shard-hour", ""}.
struct BillingQuantity {
  std::string dimension;  // a price dimension name (models/spec/price_dimensions.h)
  double quantity = 0;    // over the run, in `unit`
  std::string unit;
  std::string subject;  // what it is for when several things bill it: a consumer's name, or ""
};

// One priced line: the run's quantity, the effective unit price after tiers, the amount for the
// run and projected to a month of 730 hours.
struct CostItem {
  std::string dimension;
  std::string subject;
  double quantity = 0;  // over the run
  std::string unit;
  double unit_price_usd = 0;  // effective over the monthly quantity (tiers applied)
  double amount_usd = 0;      // for the run
  double per_month_usd = 0;   // the run's rate projected to 730 hours
  std::string source;         // where the price comes from (price file entry or override)
};

struct CostResult {
  bool priced = false;     // false: no price table was available
  std::string price_file;  // as given, or "built-in"
  std::string region;
  std::string currency;  // "USD"
  std::string date;      // of the prices
  double run_hours = 0;
  double total_usd = 0;            // for the run
  double total_per_month_usd = 0;  // projected to 730 hours
  std::vector<CostItem> items;     // in price-dimension order, then subject
  std::vector<std::string> notes;  // e.g. dimensions with a quantity but no price
};

}  // namespace shardsim
