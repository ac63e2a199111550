// Distribution constructors, ziggurat tables and slow paths. See random.h. The ziggurat tables are
// built on first use into function-local statics and never written again; everything else here is
// a pure function of its arguments and the Rng.
#include "sim/random.h"

#include <algorithm>
#include <boost/math/special_functions/erf.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>

#include "sim/check.h"

namespace shardsim {
namespace {

// Keep double arithmetic in double: the default policy promotes to long double, whose width
// differs between platforms.
using MathPolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

constexpr int kLayers = 256;

// Ziggurat constants for 256 layers: r is where the tail starts and v the common area of every
// layer (base strip = r * f(r) + tail area). Solved by bisection in long double so that the
// recursion closes at the top (x[255] * (1 - f(x[255])) = v). Marsaglia & Tsang's published
// normal v (0.00492867323399) is only good to ~1e-9 relative, hence our own digits.
constexpr double kExpR = 7.69711747013104971224;
constexpr double kExpV = 0.00394965982258155722645;
constexpr double kNormR = 3.6541528853610087714;
constexpr double kNormV = 0.00492867323397465535082;

template <typename F, typename FInverse>
internal::Ziggurat MakeZiggurat(double r, double v, F f, FInverse f_inverse) {
  internal::Ziggurat z;
  z.x[0] = v / f(r);
  z.x[1] = r;
  for (int i = 2; i < kLayers; ++i) z.x[i] = f_inverse(v / z.x[i - 1] + f(z.x[i - 1]));
  z.x[kLayers] = 0.0;
  for (int i = 0; i < kLayers; ++i) z.f[i] = f(z.x[i]);
  z.f[kLayers] = 1.0;
  for (int i = 0; i < kLayers; ++i) {
    SHARDSIM_CHECK(z.x[i] > z.x[i + 1] && z.f[i] < z.f[i + 1], "ziggurat layers must nest");
  }
  return z;
}

double ExpDensity(double x) { return std::exp(-x); }
double NormalDensity(double x) { return std::exp(-0.5 * x * x); }

bool IsFinite(double x) { return std::isfinite(x); }

}  // namespace

namespace internal {

Ziggurat MakeExponentialZiggurat() {
  return MakeZiggurat(kExpR, kExpV, ExpDensity, [](double y) { return -std::log(y); });
}

Ziggurat MakeNormalZiggurat() {
  return MakeZiggurat(kNormR, kNormV, NormalDensity,
                      [](double y) { return std::sqrt(-2.0 * std::log(y)); });
}

double ExponentialZigguratSlow(Rng& rng, uint64_t layer, double x) {
  const Ziggurat& z = ExponentialZiggurat();
  for (;;) {
    // Beyond r the exponential is memoryless: the tail is r + Exp(1), exactly.
    if (layer == 0) return kExpR + SampleStandardExponential(rng);
    // Wedge between x[layer + 1] and x[layer]: accept under the density.
    const double y = z.f[layer] + (z.f[layer + 1] - z.f[layer]) * rng.NextDouble();
    if (y < ExpDensity(x)) return x;
    const uint64_t bits = rng.Next();
    layer = bits & 0xff;
    x = static_cast<double>(bits >> 11) * 0x1.0p-53 * z.x[layer];
    if (x < z.x[layer + 1]) return x;
  }
}

double NormalZigguratSlow(Rng& rng, uint64_t layer, double x) {
  const Ziggurat& z = NormalZiggurat();
  for (;;) {
    if (layer == 0) {
      // Marsaglia (1964) tail: exact for |X| > r, sign taken from the base-strip draw.
      double t;
      double y;
      do {
        t = std::log(rng.NextDoubleOpenZero()) / kNormR;
        y = std::log(rng.NextDoubleOpenZero());
      } while (-2.0 * y < t * t);
      return x < 0 ? t - kNormR : kNormR - t;
    }
    const double y = z.f[layer] + (z.f[layer + 1] - z.f[layer]) * rng.NextDouble();
    if (y < NormalDensity(x)) return x;
    const uint64_t bits = rng.Next();
    layer = bits & 0xff;
    x = (static_cast<double>(bits >> 11) * 0x1.0p-52 - 1.0) * z.x[layer];
    if (std::fabs(x) < z.x[layer + 1]) return x;
  }
}

}  // namespace internal

Uniform::Uniform(double a, double b) : a_(a), width_(b - a) {
  SHARDSIM_CHECK(IsFinite(a) && IsFinite(b) && a <= b && IsFinite(width_), "need finite a <= b");
}

Exponential::Exponential(double mean) : mean_(mean) {
  SHARDSIM_CHECK(IsFinite(mean) && mean > 0, "exponential mean must be positive");
}

Normal::Normal(double mean, double sd) : mean_(mean), sd_(sd) {
  SHARDSIM_CHECK(IsFinite(mean) && IsFinite(sd) && sd >= 0, "normal needs finite mean, sd >= 0");
}

LogNormal::LogNormal(double mu, double sigma) : mu_(mu), sigma_(sigma) {
  SHARDSIM_CHECK(IsFinite(mu) && IsFinite(sigma) && sigma >= 0,
                 "log-normal needs finite mu, sigma >= 0");
}

LogNormal LogNormal::FromMedianP99(double median, double p99) {
  SHARDSIM_CHECK(IsFinite(median) && IsFinite(p99) && median > 0 && p99 >= median,
                 "log-normal needs 0 < median <= p99");
  return LogNormal(std::log(median), std::log(p99 / median) / kZ99);
}

LogNormal LogNormal::FromMeanCv(double mean, double cv) {
  SHARDSIM_CHECK(IsFinite(mean) && IsFinite(cv) && mean > 0 && cv >= 0,
                 "log-normal needs mean > 0, cv >= 0");
  // cv^2 = exp(sigma^2) - 1 and mean = exp(mu + sigma^2 / 2).
  const double sigma2 = std::log1p(cv * cv);
  return LogNormal(std::log(mean) - 0.5 * sigma2, std::sqrt(sigma2));
}

double LogNormal::Sample(Rng& rng) const {
  return std::exp(mu_ + sigma_ * SampleStandardNormal(rng));
}

double LogNormal::median() const { return std::exp(mu_); }

double LogNormal::mean() const { return std::exp(mu_ + 0.5 * sigma_ * sigma_); }

double LogNormal::Quantile(double p) const {
  SHARDSIM_CHECK(p > 0 && p < 1, "quantile needs 0 < p < 1");
  const double z = -std::sqrt(2.0) * boost::math::erfc_inv(2.0 * p, MathPolicy());
  return std::exp(mu_ + sigma_ * z);
}

Pareto::Pareto(double scale, double shape) : scale_(scale), shape_(shape) {
  SHARDSIM_CHECK(IsFinite(scale) && IsFinite(shape) && scale > 0 && shape > 0,
                 "pareto needs scale > 0, shape > 0");
}

// U^(-1/shape) with U uniform equals exp(E / shape) with E = -ln U ~ Exp(1).
double Pareto::Sample(Rng& rng) const {
  return scale_ * std::exp(SampleStandardExponential(rng) / shape_);
}

double Pareto::mean() const {
  if (shape_ <= 1) return std::numeric_limits<double>::infinity();
  return scale_ * shape_ / (shape_ - 1);
}

double Pareto::Quantile(double p) const {
  SHARDSIM_CHECK(p >= 0 && p < 1, "quantile needs 0 <= p < 1");
  return scale_ * std::exp(-std::log1p(-p) / shape_);
}

Poisson::Poisson(double mean)
    : mean_(mean),
      exp_minus_mean_(std::exp(-mean)),
      log_mean_(0),
      b_(0),
      a_(0),
      log_inv_alpha_(0),
      vr_(0) {
  SHARDSIM_CHECK(IsFinite(mean) && mean >= 0 && mean < 0x1.0p52, "poisson needs 0 <= mean < 2^52");
  if (mean_ >= kInversionBelowMean) {
    const double sqrt_mean = std::sqrt(mean_);
    log_mean_ = std::log(mean_);
    b_ = 0.931 + 2.53 * sqrt_mean;
    a_ = -0.059 + 0.02483 * b_;
    log_inv_alpha_ = std::log(1.1239 + 1.1328 / (b_ - 3.4));
    vr_ = 0.9277 - 3.6224 / (b_ - 2);
  }
}

uint64_t Poisson::Sample(Rng& rng) const {
  if (mean_ < kInversionBelowMean) {
    // Walk the CDF upwards. Once the terms no longer change the sum in double precision the
    // remaining mass is below 2^-53 and the walk stops.
    const double u = rng.NextDouble();
    uint64_t k = 0;
    double p = exp_minus_mean_;
    double cdf = p;
    while (u >= cdf) {
      ++k;
      p *= mean_ / static_cast<double>(k);
      const double next = cdf + p;
      if (next == cdf) break;
      cdf = next;
    }
    return k;
  }
  // PTRS: transformed rejection with squeeze (Hormann 1993).
  for (;;) {
    const double u = rng.NextDouble() - 0.5;
    const double v = rng.NextDouble();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2 * a_ / us + b_) * u + mean_ + 0.43);
    if (us >= 0.07 && v <= vr_) return static_cast<uint64_t>(k);
    if (k < 0 || (us < 0.013 && v > us)) continue;
    // log(0) = -inf when v == 0 accepts, as it must (the hat is above the pmf everywhere).
    if (std::log(v) + log_inv_alpha_ - std::log(a_ / (us * us) + b_) <=
        -mean_ + k * log_mean_ - boost::math::lgamma(k + 1, MathPolicy())) {
      return static_cast<uint64_t>(k);
    }
  }
}

double Poisson::Probability(uint64_t k) const {
  if (mean_ == 0) return k == 0 ? 1.0 : 0.0;
  const double kd = static_cast<double>(k);
  return std::exp(kd * std::log(mean_) - mean_ - boost::math::lgamma(kd + 1, MathPolicy()));
}

namespace {
// log(1 + x) / x and (exp(x) - 1) / x, continuous through x = 0 so that s = 1 needs no special
// case (Apache Commons RNG's helper1/helper2).
double Log1pOverX(double x) {
  if (std::fabs(x) > 1e-8) return std::log1p(x) / x;
  return 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x));
}
double Expm1OverX(double x) {
  if (std::fabs(x) > 1e-8) return std::expm1(x) / x;
  return 1 + x * 0.5 * (1 + x * (1.0 / 3) * (1 + 0.25 * x));
}
}  // namespace

Zipf::Zipf(uint64_t n, double s) : n_(n), s_(s) {
  SHARDSIM_CHECK(n >= 1 && n <= (uint64_t{1} << 53), "zipf needs 1 <= n <= 2^53");
  SHARDSIM_CHECK(IsFinite(s) && s > 0, "zipf needs s > 0");
  h_integral_x1_ = HIntegral(1.5) - 1;
  h_integral_n_ = HIntegral(static_cast<double>(n) + 0.5);
  squeeze_ = 2 - HIntegralInverse(HIntegral(2.5) - H(2));
}

// The hat is h(x) = x^-s; HIntegral(x) = (x^(1-s) - 1) / (1 - s), which tends to log x at s = 1.
double Zipf::HIntegral(double x) const {
  const double log_x = std::log(x);
  return Expm1OverX((1 - s_) * log_x) * log_x;
}

double Zipf::H(double x) const { return std::exp(-s_ * std::log(x)); }

double Zipf::HIntegralInverse(double x) const {
  // t >= -1 in exact arithmetic; rounding can push it just below.
  const double t = std::max(x * (1 - s_), -1.0);
  return std::exp(Log1pOverX(t) * x);
}

uint64_t Zipf::Sample(Rng& rng) const {
  for (;;) {
    // u uniform in (h_integral_x1_, h_integral_n_]; rank 1 gets the extra mass below 1.5 so that
    // every rank's hat area is at least its pmf.
    const double u = h_integral_n_ + rng.NextDouble() * (h_integral_x1_ - h_integral_n_);
    const double x = HIntegralInverse(u);
    uint64_t k = static_cast<uint64_t>(x + 0.5);
    if (k < 1) k = 1;
    if (k > n_) k = n_;
    const double kd = static_cast<double>(k);
    // The squeeze k - x <= squeeze_ implies acceptance (Hormann & Derflinger, theorem 2), which
    // holds for every s > 0; it skips the exact test most of the time.
    if (kd - x <= squeeze_ || u >= HIntegral(kd + 0.5) - H(kd)) return k;
  }
}

double Zipf::GeneralizedHarmonic(uint64_t n, double s) {
  SHARDSIM_CHECK(n >= 1 && IsFinite(s) && s > 0, "harmonic number needs n >= 1, s > 0");
  // Neumaier summation from the smallest term: the relative error stays near 1 ulp for any n.
  double sum = 0;
  double compensation = 0;
  for (uint64_t k = n; k >= 1; --k) {
    const double term = std::pow(static_cast<double>(k), -s);
    const double t = sum + term;
    compensation += std::fabs(sum) >= term ? (sum - t) + term : (term - t) + sum;
    sum = t;
  }
  return sum + compensation;
}

double Zipf::Probability(uint64_t n, double s, uint64_t k) {
  SHARDSIM_CHECK(k >= 1 && k <= n, "rank out of range");
  return std::pow(static_cast<double>(k), -s) / GeneralizedHarmonic(n, s);
}

Discrete::Discrete(const std::vector<double>& weights) {
  const uint64_t n = weights.size();
  SHARDSIM_CHECK(n >= 1, "discrete needs at least one weight");
  double total = 0;
  for (double w : weights) {
    SHARDSIM_CHECK(IsFinite(w) && w >= 0, "discrete weights must be finite and >= 0");
    total += w;
  }
  SHARDSIM_CHECK(total > 0 && IsFinite(total), "discrete weights must have a positive sum");

  // Vose (1991). scaled[i] = n * p_i; columns below 1 are topped up from one above 1.
  probabilities_.reserve(n);
  columns_.reserve(n);
  std::vector<double> scaled;
  scaled.reserve(n);
  std::vector<uint64_t> small;
  std::vector<uint64_t> large;
  for (uint64_t i = 0; i < n; ++i) {
    probabilities_.push_back(weights[i] / total);
    scaled.push_back(probabilities_[i] * static_cast<double>(n));
    columns_.push_back(Column{1.0, i});
    if (scaled[i] >= 1.0) large.push_back(i);
  }
  // Zero weights go on top of the stack: they are paired while a column above 1 must still
  // exist, so rounding can never leave one with threshold 1 at the end.
  for (uint64_t i = 0; i < n; ++i) {
    if (scaled[i] < 1.0 && weights[i] > 0) small.push_back(i);
  }
  for (uint64_t i = 0; i < n; ++i) {
    if (weights[i] == 0) small.push_back(i);
  }
  while (!small.empty() && !large.empty()) {
    const uint64_t s = small.back();
    small.pop_back();
    const uint64_t l = large.back();
    columns_[s] = Column{scaled[s], l};
    scaled[l] = (scaled[l] + scaled[s]) - 1.0;
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // What is left is 1 up to rounding: those columns keep their own index (threshold 1.0).
  for (uint64_t i = 0; i < n; ++i) {
    SHARDSIM_CHECK(weights[i] > 0 || columns_[i].threshold == 0.0, "zero weight must never draw");
  }
}

}  // namespace shardsim
