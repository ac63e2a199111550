// Summaries over replications. Pure functions, thread-safe.
#pragma once

#include <vector>

#include "models/result/size_result.h"

namespace shardsim {

// The mean of `xs` and its 95 % confidence half-width from Student's t with n - 1 degrees of
// freedom (0 for fewer than two values).
MeanCi MeanAndCi(const std::vector<double>& xs);

}  // namespace shardsim
