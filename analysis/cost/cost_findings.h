// Cost findings: the levers on a priced run's bill, each with the monthly saving computed from the
// run's own quantities and the price table (fact sheet 9):
//   firehose_record_rounding  Firehose bills each record rounded up to 5 KB: combine small records;
//   put_payload_units         each stored record costs ceil(size / 25 KB) PUT payload units:
//                             aggregate small records;
//   efo_cost                  an enhanced fan-out consumer whose reads would fit the shared
//                             GetRecords limits beside the other shared readers;
//   retention_cost            retention beyond 24 h while every consumer stays far inside it;
//   idle_shards               open shards that received no records (no key maps to them).
// over_provisioned (a write finding) gains the monthly saving of the shard count it suggests.
// Each finding carries the figures `saving_per_month_usd` and `cost_per_month_usd` (what the lever
// acts on). Pure functions of (scenario, priced result, prices); thread-safe.
#pragma once

#include "analysis/cost/cost_model.h"
#include "models/result/run_result.h"
#include "models/spec/scenario.h"

namespace shardsim {

// Appends the cost findings to result->findings. REQUIRES: result->cost priced with `prices`, and
// the write and read findings already in result->findings (idle_shards reads over_provisioned).
void AddCostFindings(const Scenario& scenario, const PriceTable& prices, RunResult* result);

// The monthly cost of `dimension` in a priced result (for `subject` only when it is not empty).
double MonthlyCostOf(const CostResult& cost, PriceDimension dimension,
                     std::string_view subject = {});

}  // namespace shardsim
