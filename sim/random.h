// Random variate distributions over shardsim::Rng. Each algorithm is our own, so a seed gives the
// same numbers with any standard library (never std::*_distribution); only the last ulp of libm's
// log/exp may differ between platforms. Distributions are immutable value types: Sample() is const
// and all state lives in the Rng, so one distribution may be shared by threads that own their Rngs.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/rng.h"

namespace shardsim {

namespace internal {
// A 256-layer ziggurat: x[0] is the width of the base strip (rectangle plus tail), x[1] = r the
// tail start, x[256] = 0; f[i] = f(x[i]) with the unnormalised density f. Built once in random.cc.
struct Ziggurat {
  double x[257];
  double f[257];
};
Ziggurat MakeExponentialZiggurat();
Ziggurat MakeNormalZiggurat();
// The function-local statics make the tables immutable after a thread-safe first use; the inline
// wrappers keep the guard check (one predictable branch) out of a function call.
inline const Ziggurat& ExponentialZiggurat() {
  static const Ziggurat z = MakeExponentialZiggurat();
  return z;
}
inline const Ziggurat& NormalZiggurat() {
  static const Ziggurat z = MakeNormalZiggurat();
  return z;
}
double ExponentialZigguratSlow(Rng& rng, uint64_t layer, double x);
double NormalZigguratSlow(Rng& rng, uint64_t layer, double x);
}  // namespace internal

// Exp(1). Ziggurat (Marsaglia & Tsang 2000, 256 layers) with exact tail sampling by
// memorylessness. Cost: one Rng draw, a table load and a multiply 97.8% of the time.
inline double SampleStandardExponential(Rng& rng) {
  const internal::Ziggurat& z = internal::ExponentialZiggurat();
  const uint64_t bits = rng.Next();
  const uint64_t layer = bits & 0xff;  // bits 0..7 pick the layer, bits 11..63 the position
  const double x = static_cast<double>(bits >> 11) * 0x1.0p-53 * z.x[layer];
  if (x < z.x[layer + 1]) return x;
  return internal::ExponentialZigguratSlow(rng, layer, x);
}

// N(0, 1). Ziggurat (Marsaglia & Tsang 2000, 256 layers, symmetric) with Marsaglia's exact tail.
// Chosen over polar/Box-Muller: one Rng draw and no log/sqrt on the fast path (98.5%).
inline double SampleStandardNormal(Rng& rng) {
  const internal::Ziggurat& z = internal::NormalZiggurat();
  const uint64_t bits = rng.Next();
  const uint64_t layer = bits & 0xff;
  // u in [-1, 1) from bits 11..63; the sign rides along with the position.
  const double u = static_cast<double>(bits >> 11) * 0x1.0p-52 - 1.0;
  const double x = u * z.x[layer];
  if (std::fabs(x) < z.x[layer + 1]) return x;
  return internal::NormalZigguratSlow(rng, layer, x);
}

// Continuous uniform on [a, b). Cost: one Rng draw.
class Uniform {
 public:
  // REQUIRES: a <= b, both finite.
  Uniform(double a, double b);
  double Sample(Rng& rng) const { return a_ + width_ * rng.NextDouble(); }
  double a() const { return a_; }
  double b() const { return a_ + width_; }

 private:
  double a_;
  double width_;
};

// Exponential with the given mean (any time unit; the sample is in the same unit). Cost: one Rng
// draw and a multiply on the fast path (see SampleStandardExponential).
class Exponential {
 public:
  // REQUIRES: mean > 0, finite.
  explicit Exponential(double mean);
  double Sample(Rng& rng) const { return mean_ * SampleStandardExponential(rng); }
  double mean() const { return mean_; }

 private:
  double mean_;
};

// Normal with mean and standard deviation sd (same unit). Cost: as SampleStandardNormal.
class Normal {
 public:
  // REQUIRES: sd >= 0, both finite.
  Normal(double mean, double sd);
  double Sample(Rng& rng) const { return mean_ + sd_ * SampleStandardNormal(rng); }
  double mean() const { return mean_; }
  double sd() const { return sd_; }

 private:
  double mean_;
  double sd_;
};

// Log-normal: exp(mu + sigma * Z), Z ~ N(0, 1). mu and sigma are of the logarithm; samples are in
// the unit of the named constructors' arguments. Cost: one normal draw and one exp.
class LogNormal {
 public:
  static constexpr double kZ99 = 2.3263478740408408;  // standard normal 0.99 quantile

  // REQUIRES: sigma >= 0, both finite.
  LogNormal(double mu, double sigma);
  // Median and 99th percentile, e.g. of a latency in ms. REQUIRES: 0 < median <= p99.
  static LogNormal FromMedianP99(double median, double p99);
  // Mean and coefficient of variation (sd / mean). REQUIRES: mean > 0, cv >= 0.
  static LogNormal FromMeanCv(double mean, double cv);

  double Sample(Rng& rng) const;
  double mu() const { return mu_; }
  double sigma() const { return sigma_; }
  double median() const;
  double mean() const;
  // REQUIRES: 0 < p < 1.
  double Quantile(double p) const;

 private:
  double mu_;
  double sigma_;
};

// Pareto (type I): P(X > x) = (scale / x)^shape for x >= scale. Sampled as
// scale * exp(E / shape) with E ~ Exp(1): one exponential draw and one exp, no pow.
class Pareto {
 public:
  // REQUIRES: scale > 0, shape > 0, both finite.
  Pareto(double scale, double shape);
  double Sample(Rng& rng) const;
  double scale() const { return scale_; }
  double shape() const { return shape_; }
  // +infinity when shape <= 1.
  double mean() const;
  // REQUIRES: 0 <= p < 1.
  double Quantile(double p) const;

 private:
  double scale_;
  double shape_;
};

// Poisson with the given mean (a count). Exact: sequential-search inversion for mean < 10
// (about mean + 1 multiply-adds per draw), PTRS transformed rejection (Hormann 1993) above
// (two Rng draws and ~1.1 iterations; a log-gamma on ~10% of them).
class Poisson {
 public:
  // REQUIRES: 0 <= mean < 2^52 (the inversion and the rejection both need exact integer doubles).
  explicit Poisson(double mean);
  uint64_t Sample(Rng& rng) const;
  double mean() const { return mean_; }
  // Exact pmf P(X = k), computed in log space.
  double Probability(uint64_t k) const;

 private:
  static constexpr double kInversionBelowMean = 10.0;
  double mean_;
  double exp_minus_mean_;  // inversion
  // PTRS constants (Hormann 1993, table 1 / algorithm PTRS).
  double log_mean_;
  double b_;
  double a_;
  double log_inv_alpha_;
  double vr_;
};

// Zipf over ranks 1..n (1-based): P(k) = k^-s / H(n, s). Any s > 0 (also s = 1 and s < 1) and n
// up to 2^53. Rejection-inversion (Hormann & Derflinger 1996, in the all-exponent form of Apache
// Commons RNG's RejectionInversionZipfSampler): O(1) expected per draw, no table; about one
// log1p + exp per draw plus a log + expm1 + exp when the cheap squeeze does not decide.
class Zipf {
 public:
  // REQUIRES: n >= 1, n <= 2^53, s > 0 and finite.
  Zipf(uint64_t n, double s);
  // Returns a rank in [1, n].
  uint64_t Sample(Rng& rng) const;
  uint64_t n() const { return n_; }
  double s() const { return s_; }

  // H(n, s) = sum_{k=1..n} k^-s by compensated summation, smallest terms first. O(n): call once
  // and reuse (e.g. hot-shard analysis: key k weighs k^-s / H(n, s)).
  static double GeneralizedHarmonic(uint64_t n, double s);
  // Exact P(rank = k). O(n) because of the normaliser. REQUIRES: 1 <= k <= n.
  static double Probability(uint64_t n, double s, uint64_t k);

 private:
  double HIntegral(double x) const;
  double H(double x) const;
  double HIntegralInverse(double x) const;

  uint64_t n_;
  double s_;
  double h_integral_x1_;
  double h_integral_n_;
  double squeeze_;
};

// Index in [0, weights.size()) with probability proportional to its weight. Vose's alias method:
// O(n) build, O(1) draw (two Rng draws, one cache line). Zero weights are never drawn.
class Discrete {
 public:
  // REQUIRES: weights non-empty, each finite and >= 0, sum > 0.
  explicit Discrete(const std::vector<double>& weights);
  uint64_t Sample(Rng& rng) const {
    const uint64_t i = rng.Below(columns_.size());
    return rng.NextDouble() < columns_[i].threshold ? i : columns_[i].alias;
  }
  uint64_t size() const { return columns_.size(); }
  // Normalised weight of index i. REQUIRES: i < size().
  double Probability(uint64_t i) const { return probabilities_[i]; }

 private:
  struct Column {
    double threshold;  // keep the column's own index when u < threshold, else take alias
    uint64_t alias;
  };
  std::vector<Column> columns_;
  std::vector<double> probabilities_;
};

}  // namespace shardsim
