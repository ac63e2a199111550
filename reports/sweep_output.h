// A sweep's result as sweep.csv (one row per grid point: the axes' values, then the headline
// figures), sweep.json (the same with confidence half-widths and missed objectives) and the
// terminal table. Pure functions, thread-safe.
#pragma once

#include <string>

#include "models/result/sweep_result.h"

namespace shardsim {

inline constexpr int kSweepSchemaVersion = 1;

std::string SweepCsvText(const SweepResult& result);
std::string SweepJsonText(const SweepResult& result);
std::string SweepSummaryText(const SweepResult& result);

}  // namespace shardsim
