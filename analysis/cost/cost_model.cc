// Billing quantities x prices. See cost_model.h.
#include "analysis/cost/cost_model.h"

#include <algorithm>
#include <array>

namespace shardsim {

double MonthlyAmount(const Price& price, double monthly_quantity) {
  double amount = 0, below = 0;
  for (const PriceTier& t : price.tiers) {
    if (monthly_quantity <= below) break;
    const double top = t.up_to ? std::min(*t.up_to, monthly_quantity) : monthly_quantity;
    if (top > below) amount += (top - below) * t.usd_per_unit;
    if (!t.up_to) break;
    below = *t.up_to;
  }
  return amount;
}

CostResult PriceRun(const std::vector<BillingQuantity>& quantities, double run_hours,
                    const PriceTable& table) {
  CostResult r;
  r.priced = true;
  r.price_file = table.file;
  r.region = table.region;
  r.currency = table.currency;
  r.date = table.date;
  r.run_hours = run_hours;
  const double scale = kHoursPerMonth / run_hours;
  // Tiers apply to a dimension's total monthly quantity (an account's usage), so several subjects
  // of one dimension share the effective unit price of their total.
  std::array<double, kPriceDimensions.size()> total{};
  for (const BillingQuantity& q : quantities) {
    if (q.quantity <= 0) continue;
    const std::optional<PriceDimension> d = PriceDimensionFromName(q.dimension);
    if (!d) {
      r.notes.push_back("unknown price dimension \"" + q.dimension + "\" (not priced)");
    } else if (!table[*d]) {
      r.notes.push_back(q.dimension + " has no price in " + table.file + " (not priced)");
    } else {
      total[static_cast<size_t>(*d)] += q.quantity;
    }
  }
  for (const PriceDimensionInfo& info : kPriceDimensions) {
    const size_t d = static_cast<size_t>(info.dimension);
    if (total[d] <= 0) continue;
    const Price& price = *table.prices[d];
    const double monthly_quantity = total[d] * scale;
    const double unit_price = MonthlyAmount(price, monthly_quantity) / monthly_quantity;
    std::vector<CostItem> items;
    for (const BillingQuantity& q : quantities) {
      if (q.quantity <= 0 || q.dimension != info.name) continue;
      CostItem item;
      item.dimension = q.dimension;
      item.subject = q.subject;
      item.quantity = q.quantity;
      item.unit = q.unit;
      item.unit_price_usd = unit_price;
      item.amount_usd = q.quantity * unit_price;
      item.per_month_usd = item.amount_usd * scale;
      item.source = price.source;
      items.push_back(std::move(item));
    }
    std::stable_sort(items.begin(), items.end(),
                     [](const CostItem& a, const CostItem& b) { return a.subject < b.subject; });
    for (CostItem& item : items) {
      r.total_usd += item.amount_usd;
      r.total_per_month_usd += item.per_month_usd;
      r.items.push_back(std::move(item));
    }
  }
  return r;
}

}  // namespace shardsim
