// Test support: the sample mean and the unbiased sample variance of draws, for the statistical
// tests of distributions and samplers. Header-only.
#pragma once

#include <cmath>
#include <vector>

namespace shardsim::support {

struct Moments {
  double mean = 0;
  double variance = 0;  // unbiased: over n - 1
  double sd() const { return std::sqrt(variance); }
};

// REQUIRES: at least two draws.
inline Moments SampleMoments(const std::vector<double>& xs) {
  double sum = 0;
  for (double x : xs) sum += x;
  const double mean = sum / static_cast<double>(xs.size());
  double squares = 0;
  for (double x : xs) squares += (x - mean) * (x - mean);
  return {mean, squares / static_cast<double>(xs.size() - 1)};
}

}  // namespace shardsim::support
