// A size search's result as size.json (contract names: recommended_shards, aws_formula_shards,
// evaluated[] with shards, cost_per_month_usd, slo_met, replications) and as the terminal text
// `shardsim size` prints. Pure functions, thread-safe.
#pragma once

#include <string>

#include "models/result/size_result.h"

namespace shardsim {

inline constexpr int kSizeSchemaVersion = 1;

std::string SizeJsonText(const SizeResult& result);
std::string SizeSummaryText(const SizeResult& result);

// A mean and its 95 % confidence half-width, both times `scale`: "12.3ms ±0.4" (no "±" part
// when the half-width is 0).
std::string PlusMinus(const MeanCi& m, int decimals, double scale, const std::string& unit);

}  // namespace shardsim
