// Replication statistics. See stats.h.
#include "planner/stats.h"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>

namespace shardsim {

MeanCi MeanAndCi(const std::vector<double>& xs) {
  MeanCi m;
  if (xs.empty()) return m;
  double sum = 0;
  for (double x : xs) sum += x;
  m.mean = sum / static_cast<double>(xs.size());
  if (xs.size() < 2) return m;
  double ss = 0;
  for (double x : xs) ss += (x - m.mean) * (x - m.mean);
  const double n = static_cast<double>(xs.size());
  const double sd = std::sqrt(ss / (n - 1));
  const boost::math::students_t t(n - 1);
  m.half_width = boost::math::quantile(boost::math::complement(t, 0.025)) * sd / std::sqrt(n);
  return m;
}

}  // namespace shardsim
