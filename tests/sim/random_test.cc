// Tests of sim/random.h against theory: moments within 5 standard errors, KS and chi-square
// statistics below their 0.999 critical values, exact pmfs computed here independently. Every
// test uses a fixed seed, so a failure is reproducible; the tolerances are sound for any seed.
#include "sim/random.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/special_functions/zeta.hpp>
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "sim/rng.h"
#include "tests/support/sample_moments.h"

namespace shardsim {
namespace {

constexpr double kSigmas = 5.0;
// Asymptotic Kolmogorov distribution: P(sqrt(n) * D > 1.9495) = 0.001.
constexpr double kKolmogorov999 = 1.9495;

Rng TestRng(std::string_view purpose) { return Rng(20240601, 0, StreamId("random_test", purpose)); }

using support::Moments;
using support::SampleMoments;

template <typename Dist>
std::vector<double> Draw(const Dist& dist, Rng& rng, int n) {
  std::vector<double> xs(n);
  for (double& x : xs) x = static_cast<double>(dist.Sample(rng));
  return xs;
}

// sqrt(n) * sup |F_n - F|.
double ScaledKolmogorovStatistic(std::vector<double> xs, const std::function<double(double)>& cdf) {
  std::sort(xs.begin(), xs.end());
  const double n = static_cast<double>(xs.size());
  double d = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const double f = cdf(xs[i]);
    d = std::max({d, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  return std::sqrt(n) * d;
}

double ChiSquare999(int degrees_of_freedom) {
  return boost::math::quantile(boost::math::chi_squared(degrees_of_freedom), 0.999);
}

double ChiSquare(const std::vector<double>& observed, const std::vector<double>& expected) {
  double chi2 = 0;
  for (size_t i = 0; i < observed.size(); ++i) {
    chi2 += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
  }
  return chi2;
}

double NormalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
double NormalDensity(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI); }

// Standard error of the empirical p-quantile: sqrt(p (1 - p) / n) / density at the quantile.
double QuantileStandardError(double p, double density, int n) {
  return std::sqrt(p * (1 - p) / n) / density;
}

double EmpiricalQuantile(std::vector<double> xs, double p) {
  const auto k = static_cast<size_t>(p * static_cast<double>(xs.size()));
  std::nth_element(xs.begin(), xs.begin() + static_cast<ptrdiff_t>(k), xs.end());
  return xs[k];
}

double Fraction(const std::vector<double>& xs, const std::function<bool(double)>& pred) {
  return static_cast<double>(std::count_if(xs.begin(), xs.end(), pred)) /
         static_cast<double>(xs.size());
}

// Frequency p_hat of an event of probability p in n trials is within kSigmas binomial SEs.
void ExpectFrequency(double p_hat, double p, int n) {
  EXPECT_NEAR(p_hat, p, kSigmas * std::sqrt(p * (1 - p) / n)) << "p = " << p;
}

double PoissonPmf(double mean, uint64_t k) {
  const double kd = static_cast<double>(k);
  return std::exp(kd * std::log(mean) - mean - std::lgamma(kd + 1));
}

TEST(UniformTest, MomentsAndBounds) {
  constexpr int kN = 200'000;
  const double a = -3;
  const double b = 5;
  Rng rng = TestRng("uniform");
  const std::vector<double> xs = Draw(Uniform(a, b), rng, kN);
  for (double x : xs) {
    ASSERT_GE(x, a);
    ASSERT_LT(x, b);
  }
  const double w = b - a;
  const Moments m = SampleMoments(xs);
  EXPECT_NEAR(m.mean, (a + b) / 2, kSigmas * w / std::sqrt(12.0 * kN));
  // Var(s^2) ~ (mu4 - sigma^4) / n with mu4 = w^4 / 80, sigma^2 = w^2 / 12.
  EXPECT_NEAR(m.variance, w * w / 12, kSigmas * w * w * std::sqrt((1.0 / 80 - 1.0 / 144) / kN));
}

TEST(ExponentialTest, MeanVarianceAndKolmogorovSmirnov) {
  constexpr int kN = 200'000;
  const double mean = 2.5;
  Rng rng = TestRng("exponential");
  const std::vector<double> xs = Draw(Exponential(mean), rng, kN);
  const Moments m = SampleMoments(xs);
  EXPECT_NEAR(m.mean, mean, kSigmas * mean / std::sqrt(kN));
  // mu4 = 9 mean^4, so Var(s^2) ~ 8 mean^4 / n.
  EXPECT_NEAR(m.variance, mean * mean, kSigmas * mean * mean * std::sqrt(8.0 / kN));
  EXPECT_LT(ScaledKolmogorovStatistic(xs, [&](double x) { return -std::expm1(-x / mean); }),
            kKolmogorov999);
  EXPECT_GE(*std::min_element(xs.begin(), xs.end()), 0.0);
}

TEST(ExponentialTest, FineBinsAndTailBeyondZigguratBaseMatchTheory) {
  // 1e6 draws into 200 equiprobable bins catch a wrong ziggurat layer or wedge; the tail beyond
  // 8 means (the ziggurat's tail starts at 7.7) checks the exact tail sampling.
  constexpr int kN = 1'000'000;
  constexpr int kBins = 200;
  Rng rng = TestRng("exponential-bins");
  const Exponential dist(1.0);
  std::vector<double> observed(kBins, 0.0);
  int beyond_8 = 0;
  for (int i = 0; i < kN; ++i) {
    const double x = dist.Sample(rng);
    const double cdf = -std::expm1(-x);
    observed[std::min(kBins - 1, static_cast<int>(cdf * kBins))] += 1;
    beyond_8 += x > 8.0;
  }
  EXPECT_LT(ChiSquare(observed, std::vector<double>(kBins, kN / double{kBins})),
            ChiSquare999(kBins - 1));
  ExpectFrequency(beyond_8 / double{kN}, std::exp(-8.0), kN);
}

TEST(ExponentialTest, TailBeyondZigguratBaseIsExponential) {
  // Only the tail algorithm draws beyond r = 7.697; by memorylessness X - 8 given X > 8 is Exp(1).
  // 1e7 draws leave ~3350 such samples: enough for a 9% error in the tail's scale to fail.
  constexpr int kN = 10'000'000;
  Rng rng = TestRng("exponential-tail");
  const Exponential dist(1.0);
  std::vector<double> excess;
  for (int i = 0; i < kN; ++i) {
    const double x = dist.Sample(rng);
    if (x > 8.0) excess.push_back(x - 8.0);
  }
  ExpectFrequency(static_cast<double>(excess.size()) / kN, std::exp(-8.0), kN);
  const auto n = static_cast<double>(excess.size());
  EXPECT_NEAR(SampleMoments(excess).mean, 1.0, kSigmas / std::sqrt(n));
  EXPECT_LT(ScaledKolmogorovStatistic(excess, [](double x) { return -std::expm1(-x); }),
            kKolmogorov999);
}

TEST(NormalTest, MeanVarianceKolmogorovSmirnovAndTails) {
  constexpr int kN = 1'000'000;
  const double mean = 10;
  const double sd = 3;
  Rng rng = TestRng("normal");
  const std::vector<double> xs = Draw(Normal(mean, sd), rng, kN);
  const Moments m = SampleMoments(xs);
  EXPECT_NEAR(m.mean, mean, kSigmas * sd / std::sqrt(kN));
  EXPECT_NEAR(m.variance, sd * sd, kSigmas * sd * sd * std::sqrt(2.0 / kN));
  EXPECT_LT(ScaledKolmogorovStatistic(xs, [&](double x) { return NormalCdf((x - mean) / sd); }),
            kKolmogorov999);
  // Beyond 3 sd, and beyond 3.8 sd where only the ziggurat's tail algorithm (r = 3.65) draws.
  ExpectFrequency(Fraction(xs, [&](double x) { return std::fabs(x - mean) > 3 * sd; }),
                  2 * NormalCdf(-3), kN);
  ExpectFrequency(Fraction(xs, [&](double x) { return std::fabs(x - mean) > 3.8 * sd; }),
                  2 * NormalCdf(-3.8), kN);
  ExpectFrequency(Fraction(xs, [&](double x) { return x - mean > 3.8 * sd; }), NormalCdf(-3.8), kN);
}

TEST(NormalTest, TailBeyondZigguratBaseMatchesConditionalNormal) {
  // Only the tail algorithm draws beyond r = 3.654. Given |X| > 3.8, |X| has the conditional
  // CDF 1 - Q(x) / Q(3.8) with Q the upper tail; 1e7 draws leave ~1450 such samples.
  constexpr int kN = 10'000'000;
  const double cut = 3.8;
  Rng rng = TestRng("normal-tail");
  std::vector<double> tail;
  int positive = 0;
  for (int i = 0; i < kN; ++i) {
    const double x = SampleStandardNormal(rng);
    if (std::fabs(x) > cut) {
      tail.push_back(std::fabs(x));
      positive += x > 0;
    }
  }
  const auto n = static_cast<int>(tail.size());
  ExpectFrequency(n / double{kN}, 2 * NormalCdf(-cut), kN);
  ExpectFrequency(positive / static_cast<double>(n), 0.5, n);
  const double q_cut = NormalCdf(-cut);
  // Conditional mean of |X| beyond the cut: phi(c) / Q(c); its sd from the conditional variance
  // 1 + c * phi(c) / Q(c) - (phi(c) / Q(c))^2.
  const double hazard = NormalDensity(cut) / q_cut;
  const double conditional_sd = std::sqrt(1 + cut * hazard - hazard * hazard);
  EXPECT_NEAR(SampleMoments(tail).mean, hazard, kSigmas * conditional_sd / std::sqrt(n));
  EXPECT_LT(ScaledKolmogorovStatistic(tail, [&](double x) { return 1 - NormalCdf(-x) / q_cut; }),
            kKolmogorov999);
}

TEST(LogNormalTest, FromMedianP99ReproducesMedianAndP99) {
  constexpr int kN = 200'000;
  const double median = 20;  // ms
  const double p99 = 200;
  const LogNormal dist = LogNormal::FromMedianP99(median, p99);
  EXPECT_NEAR(dist.median(), median, 1e-12 * median);
  EXPECT_NEAR(dist.Quantile(0.99), p99, 1e-9 * p99);
  EXPECT_NEAR(dist.Quantile(0.5), median, 1e-12 * median);
  Rng rng = TestRng("lognormal");
  const std::vector<double> xs = Draw(dist, rng, kN);
  // Compare in log space, where the quantiles are normal quantiles with known standard errors.
  const double sigma = std::log(p99 / median) / 2.3263478740408408;
  const double z_median = (std::log(EmpiricalQuantile(xs, 0.5)) - std::log(median)) / sigma;
  const double z_p99 = (std::log(EmpiricalQuantile(xs, 0.99)) - std::log(median)) / sigma;
  EXPECT_NEAR(z_median, 0.0, kSigmas * QuantileStandardError(0.5, NormalDensity(0), kN));
  EXPECT_NEAR(z_p99, 2.3263478740408408,
              kSigmas * QuantileStandardError(0.99, NormalDensity(2.3263478740408408), kN));
}

TEST(LogNormalTest, FromMeanCvReproducesMean) {
  constexpr int kN = 200'000;
  const double mean = 700;  // bytes
  const double cv = 0.5;
  const LogNormal dist = LogNormal::FromMeanCv(mean, cv);
  EXPECT_NEAR(dist.mean(), mean, 1e-12 * mean);
  Rng rng = TestRng("lognormal-cv");
  const Moments m = SampleMoments(Draw(dist, rng, kN));
  EXPECT_NEAR(m.mean, mean, kSigmas * cv * mean / std::sqrt(kN));
}

TEST(ParetoTest, MeanAndQuantileMatchTheory) {
  constexpr int kN = 200'000;
  const double scale = 2;
  const double shape = 5;  // finite fourth moment, so the mean's CLT tolerance is sound
  const Pareto dist(scale, shape);
  const double mean = scale * shape / (shape - 1);
  const double variance = scale * scale * shape / ((shape - 1) * (shape - 1) * (shape - 2));
  EXPECT_DOUBLE_EQ(dist.mean(), mean);
  const double q90 = scale * std::pow(0.1, -1 / shape);
  EXPECT_NEAR(dist.Quantile(0.9), q90, 1e-12 * q90);
  Rng rng = TestRng("pareto");
  const std::vector<double> xs = Draw(dist, rng, kN);
  EXPECT_GE(*std::min_element(xs.begin(), xs.end()), scale);
  EXPECT_NEAR(SampleMoments(xs).mean, mean, kSigmas * std::sqrt(variance / kN));
  const double density_q90 = shape * std::pow(scale, shape) / std::pow(q90, shape + 1);
  EXPECT_NEAR(EmpiricalQuantile(xs, 0.9), q90,
              kSigmas * QuantileStandardError(0.9, density_q90, kN));
}

class PoissonTest : public ::testing::TestWithParam<double> {};

TEST_P(PoissonTest, MeanVarianceModeAndPmfMatchTheory) {
  constexpr int kN = 200'000;
  const double lambda = GetParam();
  const Poisson dist(lambda);
  Rng rng = TestRng("poisson");
  const std::vector<double> xs = Draw(dist, rng, kN);
  const Moments m = SampleMoments(xs);
  EXPECT_NEAR(m.mean, lambda, kSigmas * std::sqrt(lambda / kN));
  // mu4 = lambda (1 + 3 lambda), so Var(s^2) ~ (lambda + 2 lambda^2) / n.
  EXPECT_NEAR(m.variance, lambda, kSigmas * std::sqrt((lambda + 2 * lambda * lambda) / kN));

  const auto mode = static_cast<uint64_t>(std::floor(lambda));
  const double p_mode = PoissonPmf(lambda, mode);
  EXPECT_NEAR(dist.Probability(mode), p_mode, 1e-10 * p_mode);
  ExpectFrequency(Fraction(xs, [&](double x) { return x == static_cast<double>(mode); }), p_mode,
                  kN);

  // Chi-square over every value with expected count >= 20, tails pooled into the end cells.
  std::vector<uint64_t> ks;
  std::vector<double> expected;
  double cdf = 0;
  for (uint64_t k = 0; cdf < 1 - 20.0 / kN; ++k) {
    const double p = PoissonPmf(lambda, k);
    cdf += p;
    if (kN * cdf < 20) continue;
    ks.push_back(k);
    expected.push_back(kN * (expected.empty() ? cdf : p));
  }
  expected.push_back(kN * (1 - cdf));
  std::vector<double> observed(expected.size(), 0.0);
  for (double x : xs) {
    const auto cell = std::lower_bound(ks.begin(), ks.end(), static_cast<uint64_t>(x)) - ks.begin();
    observed[static_cast<size_t>(cell)] += 1;
  }
  ASSERT_GE(expected.size(), 2u);
  EXPECT_LT(ChiSquare(observed, expected), ChiSquare999(static_cast<int>(expected.size()) - 1));
}

INSTANTIATE_TEST_SUITE_P(SmallAndLargeMeans, PoissonTest,
                         ::testing::Values(0.5, 4.0, 30.0, 1000.0));

TEST(PoissonTest, ZeroMeanAlwaysDrawsZero) {
  Rng rng = TestRng("poisson-zero");
  const Poisson dist(0);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(dist.Sample(rng), 0u);
  EXPECT_EQ(dist.Probability(0), 1.0);
}

class ZipfSmallTest : public ::testing::TestWithParam<double> {};

TEST_P(ZipfSmallTest, ChiSquareAgainstExactProbabilities) {
  // 1e6 draws: without the rejection step rank 2 would be 2% too likely (s = 1), a 6-sigma
  // excess at this size.
  constexpr int kN = 1'000'000;
  constexpr uint64_t kRanks = 10;
  const double s = GetParam();
  double harmonic = 0;
  for (uint64_t k = 1; k <= kRanks; ++k) harmonic += std::pow(static_cast<double>(k), -s);
  std::vector<double> expected;
  for (uint64_t k = 1; k <= kRanks; ++k) {
    const double p = std::pow(static_cast<double>(k), -s) / harmonic;
    EXPECT_NEAR(Zipf::Probability(kRanks, s, k), p, 1e-14);
    expected.push_back(kN * p);
  }
  const Zipf dist(kRanks, s);
  Rng rng = TestRng("zipf-small");
  std::vector<double> observed(kRanks, 0.0);
  for (int i = 0; i < kN; ++i) {
    const uint64_t k = dist.Sample(rng);
    ASSERT_GE(k, 1u);
    ASSERT_LE(k, kRanks);
    observed[k - 1] += 1;
  }
  EXPECT_LT(ChiSquare(observed, expected), ChiSquare999(kRanks - 1));
}

INSTANTIATE_TEST_SUITE_P(ExponentsAroundOne, ZipfSmallTest, ::testing::Values(0.8, 1.0, 1.2));

TEST(ZipfTest, GeneralizedHarmonicMatchesZetaMinusEulerMaclaurinTail) {
  // H(n, s) = zeta(s) - sum_{k>n} k^-s, the tail from Euler-Maclaurin (error ~ n^(-s-3)).
  for (const double s : {1.1, 1.5, 2.0}) {
    const uint64_t n = 100'000;
    const double nd = static_cast<double>(n);
    const double tail =
        std::pow(nd, 1 - s) / (s - 1) - std::pow(nd, -s) / 2 + s * std::pow(nd, -s - 1) / 12;
    const double expected = boost::math::zeta(s) - tail;
    EXPECT_NEAR(Zipf::GeneralizedHarmonic(n, s), expected, 1e-12 * expected) << "s = " << s;
  }
  // s = 1: H(n) = ln n + gamma + 1/(2n) - 1/(12 n^2).
  const double n = 1e6;
  EXPECT_NEAR(Zipf::GeneralizedHarmonic(1'000'000, 1.0),
              std::log(n) + 0.57721566490153286 + 1 / (2 * n) - 1 / (12 * n * n), 1e-12);
}

TEST(ZipfTest, TenMillionKeysHeadFrequenciesMatchExactProbabilities) {
  constexpr int kN = 1'000'000;
  constexpr uint64_t kKeys = 10'000'000;
  const double s = 1.1;
  const double harmonic = Zipf::GeneralizedHarmonic(kKeys, s);
  const Zipf dist(kKeys, s);
  Rng rng = TestRng("zipf-large");
  int rank1 = 0;
  int rank2 = 0;
  int rank10 = 0;
  for (int i = 0; i < kN; ++i) {
    const uint64_t k = dist.Sample(rng);
    ASSERT_GE(k, 1u);
    ASSERT_LE(k, kKeys);
    rank1 += k == 1;
    rank2 += k == 2;
    rank10 += k == 10;
  }
  ExpectFrequency(rank1 / double{kN}, 1 / harmonic, kN);
  ExpectFrequency(rank2 / double{kN}, std::pow(2.0, -s) / harmonic, kN);
  ExpectFrequency(rank10 / double{kN}, std::pow(10.0, -s) / harmonic, kN);
}

TEST(ZipfTest, ExponentBelowOneOverManyKeysMatchesHeadMass) {
  // s < 1 spreads mass into the far tail: P(rank <= 1000) for n = 1e6, s = 0.7 is ~ 0.12.
  constexpr int kN = 300'000;
  constexpr uint64_t kKeys = 1'000'000;
  const double s = 0.7;
  const double harmonic = Zipf::GeneralizedHarmonic(kKeys, s);
  double head = 0;
  for (uint64_t k = 1; k <= 1000; ++k) head += std::pow(static_cast<double>(k), -s) / harmonic;
  const Zipf dist(kKeys, s);
  Rng rng = TestRng("zipf-flat");
  int in_head = 0;
  for (int i = 0; i < kN; ++i) {
    const uint64_t k = dist.Sample(rng);
    ASSERT_GE(k, 1u);
    ASSERT_LE(k, kKeys);
    in_head += k <= 1000;
  }
  ExpectFrequency(in_head / double{kN}, head, kN);
}

TEST(ZipfTest, SingleRankAlwaysDrawsOne) {
  Rng rng = TestRng("zipf-one");
  const Zipf dist(1, 1.0);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(dist.Sample(rng), 1u);
}

TEST(DiscreteTest, FrequenciesMatchWeightsAndZeroWeightsNeverDrawn) {
  constexpr int kN = 200'000;
  const std::vector<double> weights = {0, 5, 0, 1, 3, 0, 0.5, 10, 0};
  const Discrete dist(weights);
  double total = 0;
  for (double w : weights) total += w;
  Rng rng = TestRng("discrete");
  std::vector<double> counts(weights.size(), 0.0);
  for (int i = 0; i < kN; ++i) {
    const uint64_t k = dist.Sample(rng);
    ASSERT_LT(k, weights.size());
    ASSERT_GT(weights[k], 0) << "drew zero-weight index " << k;
    counts[k] += 1;
  }
  std::vector<double> observed;
  std::vector<double> expected;
  for (size_t i = 0; i < weights.size(); ++i) {
    EXPECT_NEAR(dist.Probability(i), weights[i] / total, 1e-15);
    if (weights[i] == 0) continue;
    observed.push_back(counts[i]);
    expected.push_back(kN * weights[i] / total);
  }
  EXPECT_LT(ChiSquare(observed, expected), ChiSquare999(static_cast<int>(expected.size()) - 1));
}

TEST(DiscreteTest, ManyUnevenWeightsMatchChiSquare) {
  // 1000 weights spanning six orders of magnitude, a third of them zero.
  constexpr int kN = 1'000'000;
  constexpr int kWeights = 1000;
  Rng weight_rng = TestRng("discrete-weights");
  std::vector<double> weights(kWeights);
  for (int i = 0; i < kWeights; ++i) {
    weights[i] = i % 3 == 0 ? 0.0 : std::pow(10.0, 6 * weight_rng.NextDouble());
  }
  double total = 0;
  for (double w : weights) total += w;
  const Discrete dist(weights);
  Rng rng = TestRng("discrete-many");
  std::vector<double> counts(kWeights, 0.0);
  for (int i = 0; i < kN; ++i) counts[dist.Sample(rng)] += 1;
  // Cells with expected count >= 20 alone, the rest pooled into one cell.
  std::vector<double> observed(1, 0.0);
  std::vector<double> expected(1, 0.0);
  for (int i = 0; i < kWeights; ++i) {
    if (weights[i] == 0) {
      ASSERT_EQ(counts[i], 0) << "drew zero-weight index " << i;
      continue;
    }
    const double e = kN * weights[i] / total;
    if (e >= 20) {
      observed.push_back(counts[i]);
      expected.push_back(e);
    } else {
      observed[0] += counts[i];
      expected[0] += e;
    }
  }
  ASSERT_GE(expected[0], 20);
  EXPECT_LT(ChiSquare(observed, expected), ChiSquare999(static_cast<int>(expected.size()) - 1));
}

TEST(DiscreteTest, SingleWeightAlwaysDrawsIt) {
  Rng rng = TestRng("discrete-one");
  const Discrete dist({0, 0, 7, 0});
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(dist.Sample(rng), 2u);
}

TEST(RandomDeterminismTest, SameSeedSameSequenceOtherStreamOtherSequence) {
  Rng a(42, 0, StreamId("producer", "keys"));
  Rng b(42, 0, StreamId("producer", "keys"));
  Rng c(42, 0, StreamId("producer", "sizes"));
  const Exponential exp(1.0);
  const Normal normal(0, 1);
  const Poisson poisson(30);
  const Zipf zipf(1000, 1.1);
  int equal_to_other_stream = 0;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t x = a.Next();
    ASSERT_EQ(x, b.Next());
    equal_to_other_stream += x == c.Next();
    ASSERT_EQ(exp.Sample(a), exp.Sample(b));
    ASSERT_EQ(normal.Sample(a), normal.Sample(b));
    ASSERT_EQ(poisson.Sample(a), poisson.Sample(b));
    ASSERT_EQ(zipf.Sample(a), zipf.Sample(b));
  }
  EXPECT_EQ(equal_to_other_stream, 0);
}

TEST(RandomDeterminismTest, GoldenFirstDraws) {
  // Pins, not theory: computed once from this implementation so that any change of generator,
  // seeding or sampling algorithm shows up here. Update them only for a deliberate change.
  Rng rng(42, 0, StreamId("producer", "keys"));
  EXPECT_EQ(rng.Next(), 8188350579786302774u);
  EXPECT_EQ(rng.Next(), 11428668877046668608u);
  EXPECT_EQ(rng.Next(), 8351530811864880873u);
  Rng exp_rng(42, 0, StreamId("producer", "keys"));
  EXPECT_DOUBLE_EQ(Exponential(1.0).Sample(exp_rng), 1.2963964272443385);
}

TEST(RandomDeathTest, InvalidParametersAbort) {
  EXPECT_DEATH(Zipf(0, 1.0), "zipf needs");
  EXPECT_DEATH(Discrete({0.0, 0.0}), "positive sum");
  EXPECT_DEATH(Exponential(0.0), "mean must be positive");
}

}  // namespace
}  // namespace shardsim
