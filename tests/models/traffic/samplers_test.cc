// Tests for SizeSampler, LatencySampler and ProcessingSampler: frequencies, CDF points and means
// against theory computed here (independently of the samplers), within 5 standard errors; the
// empirical size CSV and its error messages. Fixed seeds throughout.
#include "models/traffic/samplers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <numbers>
#include <string>
#include <vector>

#include "tests/support/sample_moments.h"

namespace shardsim {
namespace {

using ::testing::HasSubstr;

constexpr double kZ99 = 2.3263478740408408;  // standard normal 0.99 quantile

std::string WriteTempFile(const std::string& name, const std::string& contents) {
  std::string path =
      ::testing::TempDir() + "shardsim_samplers_" + std::to_string(::getpid()) + "_" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  return path;
}

double NormalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// An observed fraction of n draws against probability p: within 5 binomial standard errors.
void ExpectFraction(int64_t hits, int64_t n, double p) {
  const double se = std::sqrt(p * (1 - p) / static_cast<double>(n));
  EXPECT_NEAR(static_cast<double>(hits) / static_cast<double>(n), p, 5 * se + 1e-12);
}

using support::Moments;
const auto& Summarize = support::SampleMoments;

// `n` draws of `draw(rng)` from one Rng(seed), in order.
template <class T, class F>
std::vector<T> Draws(uint64_t seed, int64_t n, F draw) {
  Rng rng(seed);
  std::vector<T> out;
  out.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) out.push_back(draw(rng));
  return out;
}

template <class T, class P>
int64_t CountOf(const std::vector<T>& xs, P p) {
  return std::count_if(xs.begin(), xs.end(), p);
}

// The moments of the draws as `as` turns them into numbers.
template <class T, class F>
Moments SummarizeAs(const std::vector<T>& xs, F as) {
  std::vector<double> values;
  values.reserve(xs.size());
  for (const T& x : xs) values.push_back(as(x));
  return Summarize(values);
}

double AsDouble(int64_t x) { return static_cast<double>(x); }
double AsMillis(SimDuration d) { return d.millis(); }

SizeSampler MustBuild(const SizeSpec& spec) {
  Parsed<SizeSampler> s = SizeSampler::FromSpec(spec);
  EXPECT_TRUE(s.ok()) << s.error;
  return std::move(*s.value);
}

TEST(SizeSamplerTest, FixedAlwaysReturnsTheSize) {
  SizeSpec spec;
  spec.size_bytes = 700;
  const SizeSampler s = MustBuild(spec);
  Rng rng(1);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(s.Sample(rng), 700);
  EXPECT_EQ(s.MeanBytes(), 700.0);
  EXPECT_EQ(s.MaxBytes(), 700);
}

TEST(SizeSamplerTest, UniformHitsEveryValueInclusiveEqually) {
  SizeSpec spec;
  spec.dist = SizeDist::kUniform;
  spec.min_bytes = 100;
  spec.max_bytes = 109;
  const SizeSampler s = MustBuild(spec);
  EXPECT_EQ(s.MeanBytes(), 104.5);
  EXPECT_EQ(s.MaxBytes(), 109);
  Rng rng(2);
  constexpr int64_t kN = 200'000;
  std::map<int64_t, int64_t> counts;
  for (int64_t i = 0; i < kN; ++i) ++counts[s.Sample(rng)];
  ASSERT_EQ(counts.size(), 10u);
  EXPECT_EQ(counts.begin()->first, 100);
  EXPECT_EQ(counts.rbegin()->first, 109);
  for (const auto& [size, n] : counts) ExpectFraction(n, kN, 0.1);
}

TEST(SizeSamplerTest, LognormalMatchesMedianP99AndMean) {
  SizeSpec spec;
  spec.dist = SizeDist::kLognormal;
  spec.median_bytes = 700;
  spec.p99_bytes = 5000;
  const SizeSampler s = MustBuild(spec);
  const double mu = std::log(700.0);
  const double sigma = std::log(5000.0 / 700.0) / kZ99;
  const double mean = std::exp(mu + sigma * sigma / 2);
  EXPECT_NEAR(s.MeanBytes(), mean, 1e-9 * mean);
  EXPECT_EQ(s.MaxBytes(), std::numeric_limits<int64_t>::max());

  constexpr int64_t kN = 400'000;
  const auto xs = Draws<int64_t>(3, kN, [&](Rng& rng) { return s.Sample(rng); });
  // Samples round to the nearest byte: P(sample <= k) = P(X < k + 0.5).
  ExpectFraction(CountOf(xs, [](int64_t x) { return x <= 700; }), kN,
                 NormalCdf((std::log(700.5) - mu) / sigma));
  ExpectFraction(CountOf(xs, [](int64_t x) { return x <= 5000; }), kN,
                 NormalCdf((std::log(5000.5) - mu) / sigma));
  const double sd = mean * std::sqrt(std::expm1(sigma * sigma));
  EXPECT_NEAR(SummarizeAs(xs, AsDouble).mean, mean, 5 * sd / std::sqrt(static_cast<double>(kN)));
}

TEST(SizeSamplerTest, LognormalCapClampsAndTheMeanAccountsForIt) {
  SizeSpec spec;
  spec.dist = SizeDist::kLognormal;
  spec.median_bytes = 1000;
  spec.p99_bytes = 8000;
  spec.max_bytes = 2000;
  const SizeSampler s = MustBuild(spec);
  EXPECT_EQ(s.MaxBytes(), 2000);
  const double mu = std::log(1000.0);
  const double sigma = std::log(8.0) / kZ99;
  // E[min(X, 2000)] by Simpson's rule over z in [-10, 10] (the density beyond is < 1e-22).
  double capped_mean = 0;
  {
    constexpr int kPanels = 20'000;
    const double h = 20.0 / kPanels;
    auto f = [&](double z) {
      return std::min(std::exp(mu + sigma * z), 2000.0) * std::exp(-z * z / 2) /
             std::sqrt(2 * std::numbers::pi);
    };
    double sum = f(-10) + f(10);
    for (int i = 1; i < kPanels; ++i) sum += f(-10 + i * h) * (i % 2 ? 4 : 2);
    capped_mean = sum * h / 3;
  }
  EXPECT_NEAR(s.MeanBytes(), capped_mean, 1e-6 * capped_mean);

  constexpr int64_t kN = 300'000;
  const auto xs = Draws<int64_t>(4, kN, [&](Rng& rng) { return s.Sample(rng); });
  EXPECT_EQ(CountOf(xs, [](int64_t x) { return x > 2000; }), 0);
  ExpectFraction(CountOf(xs, [](int64_t x) { return x == 2000; }), kN,
                 1 - NormalCdf((std::log(1999.5) - mu) / sigma));
  const Moments m = SummarizeAs(xs, AsDouble);
  EXPECT_NEAR(m.mean, capped_mean, 5 * m.sd() / std::sqrt(static_cast<double>(kN)));
}

TEST(SizeSamplerTest, EmpiricalFrequenciesFollowWeights) {
  SizeSpec spec;
  spec.dist = SizeDist::kEmpirical;
  // Columns in any order; zero weights (also of the largest size) are never drawn.
  spec.file = WriteTempFile("sizes.csv", "Weight,Size\n1,100\n2.5,500\n0,1000\n0.5,4000\n0,9000\n");
  const SizeSampler s = MustBuild(spec);
  EXPECT_NEAR(s.MeanBytes(), (100 * 1 + 500 * 2.5 + 4000 * 0.5) / 4.0, 1e-9);
  EXPECT_EQ(s.MaxBytes(), 4000);
  Rng rng(5);
  constexpr int64_t kN = 200'000;
  std::map<int64_t, int64_t> counts;
  for (int64_t i = 0; i < kN; ++i) ++counts[s.Sample(rng)];
  EXPECT_EQ(counts.size(), 3u);
  ExpectFraction(counts[100], kN, 1 / 4.0);
  ExpectFraction(counts[500], kN, 2.5 / 4.0);
  ExpectFraction(counts[4000], kN, 0.5 / 4.0);
  EXPECT_EQ(counts.count(1000), 0u);
  EXPECT_EQ(counts.count(9000), 0u);
}

TEST(SizeSamplerTest, EmpiricalCsvErrorsNameFileAndLine) {
  struct Case {
    const char* csv;
    const char* message;
  };
  const Case cases[] = {
      {"100,1\n", ":1: header row required (e.g. \"size,weight\")"},
      {"size,weight\n10,1\n1.5,1\n",
       ":3: expected a whole number of bytes >= 0 in column \"size\", got \"1.5\""},
      {"size,weight\n-1,1\n", ":2: expected a whole number of bytes >= 0 in column \"size\""},
      {"size,weight\n10,x\n", ":2: expected a number >= 0 in column \"weight\", got \"x\""},
      {"size,weight\n10,0\n", ": the weights must have a positive, finite sum"},
      {"size,count\n10,1\n",
       ":1: expected the columns \"size\" and \"weight\" once each, got "
       "\"count\""},
      {"size\n10\n", ":1: missing column \"weight\""},
      {"size,weight\n", ": the weights must have a positive, finite sum"},
      // Regression: 4 GiB + 100 B became a 100 B record (32-bit truncation downstream).
      {"size,weight\n10,1\n4294967396,1\n",
       ":3: column \"size\" must be at most 10MiB (10485760 bytes, the largest record Kinesis "
       "accepts), got 4294967396"},
      {"size,weight\n10485761,1\n", ":2: column \"size\" must be at most 10MiB"},
  };
  int i = 0;
  for (const Case& c : cases) {
    SizeSpec spec;
    spec.dist = SizeDist::kEmpirical;
    spec.file = WriteTempFile("bad" + std::to_string(i++) + ".csv", c.csv);
    Parsed<SizeSampler> s = SizeSampler::FromSpec(spec);
    ASSERT_FALSE(s.ok()) << c.csv;
    EXPECT_THAT(s.error, HasSubstr(spec.file + c.message)) << c.csv;
  }
  SizeSpec missing;
  missing.dist = SizeDist::kEmpirical;
  missing.file = ::testing::TempDir() + "shardsim_no_such_dir/sizes.csv";
  EXPECT_THAT(SizeSampler::FromSpec(missing).error, HasSubstr("sizes.csv: cannot open file"));
}

TEST(SizeSamplerTest, EmpiricalAcceptsTheLargestRecord) {
  SizeSpec spec;
  spec.dist = SizeDist::kEmpirical;
  spec.file = WriteTempFile("largest.csv", "size,weight\n10485760,1\n");
  Parsed<SizeSampler> s = SizeSampler::FromSpec(spec);
  ASSERT_TRUE(s.ok()) << s.error;
  Rng rng(4);
  EXPECT_EQ(s.value->Sample(rng), 10485760);
}

TEST(SizeSamplerTest, InvalidSpecsAreErrors) {
  SizeSpec uniform;
  uniform.dist = SizeDist::kUniform;
  uniform.min_bytes = 10;
  uniform.max_bytes = 5;
  EXPECT_THAT(SizeSampler::FromSpec(uniform).error, HasSubstr("min_bytes <= max_bytes"));
  SizeSpec lognormal;
  lognormal.dist = SizeDist::kLognormal;
  lognormal.median_bytes = 0;
  lognormal.p99_bytes = 10;
  EXPECT_THAT(SizeSampler::FromSpec(lognormal).error, HasSubstr("median_bytes"));
}

TEST(LatencySamplerTest, FixedAndUniform) {
  const LatencySampler fixed(LatencySpec::Fixed(Millis(70)));
  Rng rng(6);
  EXPECT_EQ(fixed.Sample(rng), Millis(70));
  EXPECT_EQ(fixed.Mean(), Millis(70));

  LatencySpec spec;
  spec.dist = LatencyDist::kUniform;
  spec.min = Millis(10);
  spec.max = Millis(30);
  const LatencySampler uniform(spec);
  EXPECT_EQ(uniform.Mean(), Millis(20));
  constexpr int64_t kN = 200'000;
  int64_t below = 0;
  int64_t outside = 0;
  for (int64_t i = 0; i < kN; ++i) {
    const SimDuration d = uniform.Sample(rng);
    outside += d < Millis(10) || d > Millis(30);
    below += d <= Millis(15);
  }
  EXPECT_EQ(outside, 0);
  ExpectFraction(below, kN, (5e6 + 1) / (20e6 + 1));
}

TEST(LatencySamplerTest, ExponentialMeanAndTail) {
  LatencySpec spec;
  spec.dist = LatencyDist::kExponential;
  spec.mean = Millis(50);
  const LatencySampler s(spec);
  EXPECT_EQ(s.Mean(), Millis(50));
  constexpr int64_t kN = 300'000;
  const auto ds = Draws<SimDuration>(7, kN, [&](Rng& rng) { return s.Sample(rng); });
  EXPECT_NEAR(SummarizeAs(ds, AsMillis).mean, 50.0, 5 * 50.0 / std::sqrt(static_cast<double>(kN)));
  ExpectFraction(CountOf(ds, [](SimDuration d) { return d > Millis(50); }), kN, std::exp(-1.0));
  ExpectFraction(CountOf(ds, [](SimDuration d) { return d > Millis(150); }), kN, std::exp(-3.0));
}

TEST(LatencySamplerTest, LognormalMedianP99AndMean) {
  const LatencySampler s(LatencySpec::Lognormal(Millis(20), Millis(100)));
  const double sigma = std::log(5.0) / kZ99;
  const double mean_ms = 20.0 * std::exp(sigma * sigma / 2);
  EXPECT_NEAR(s.Mean().millis(), mean_ms, 1e-6);
  constexpr int64_t kN = 300'000;
  const auto ds = Draws<SimDuration>(8, kN, [&](Rng& rng) { return s.Sample(rng); });
  ExpectFraction(CountOf(ds, [](SimDuration d) { return d <= Millis(20); }), kN, 0.5);
  ExpectFraction(CountOf(ds, [](SimDuration d) { return d <= Millis(100); }), kN, 0.99);
  const double sd = mean_ms * std::sqrt(std::expm1(sigma * sigma));
  EXPECT_NEAR(SummarizeAs(ds, AsMillis).mean, mean_ms, 5 * sd / std::sqrt(static_cast<double>(kN)));
}

TEST(ProcessingSamplerTest, FixedIsTheExactFormulaAndDrawsNothing) {
  ProcessingSpec spec;
  spec.per_batch = Millis(5);
  spec.per_record = Micros(10);
  spec.per_mib = Millis(2);
  const ProcessingSampler s(spec);
  Rng rng(9);
  Rng copy = rng;
  EXPECT_EQ(s.Sample(rng, 100, 3 * kMiB), Millis(12));
  EXPECT_EQ(s.Sample(rng, 0, 0), Millis(5));
  // 1 byte = 2e6 / 2^20 ns = 1.907 ns, rounded to 2 ns; 3 bytes = 5.72 ns -> 6 ns.
  EXPECT_EQ(s.Sample(rng, 0, 1), Millis(5) + Nanos(2));
  EXPECT_EQ(s.Sample(rng, 0, 3), Millis(5) + Nanos(6));
  EXPECT_EQ(s.Mean(100, 3 * kMiB), Millis(12));
  EXPECT_EQ(rng.Next(), copy.Next());
}

TEST(ProcessingSamplerTest, LognormalFactorHasMedianOneAndGivenP99) {
  ProcessingSpec spec;
  spec.per_batch = Millis(10);
  spec.per_record = Micros(100);
  spec.distribution = ProcessingDist::kLognormal;
  spec.p99_factor = 3.0;
  const ProcessingSampler s(spec);
  const double base_ns = 10e6 + 500 * 100e3;  // 500 records: 60 ms
  const double sigma = std::log(3.0) / kZ99;
  EXPECT_NEAR(static_cast<double>(s.Mean(500, 0).nanos()), base_ns * std::exp(sigma * sigma / 2),
              1.0);
  constexpr int64_t kN = 300'000;
  const auto xs = Draws<double>(
      10, kN, [&](Rng& rng) { return static_cast<double>(s.Sample(rng, 500, 0).nanos()); });
  ExpectFraction(CountOf(xs, [&](double ns) { return ns <= base_ns; }), kN, 0.5);
  ExpectFraction(CountOf(xs, [&](double ns) { return ns <= 3 * base_ns; }), kN, 0.99);
  const double mean = base_ns * std::exp(sigma * sigma / 2);
  const double sd = mean * std::sqrt(std::expm1(sigma * sigma));
  EXPECT_NEAR(Summarize(xs).mean, mean, 5 * sd / std::sqrt(static_cast<double>(kN)));
}

}  // namespace
}  // namespace shardsim
