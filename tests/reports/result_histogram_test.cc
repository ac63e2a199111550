// SparseHistogram (models/result/histogram.h) against the LogHistogram it is taken from
// (sim/stats.h): same bucket scheme, same quantiles, CDF points and mean for the same samples, and
// merging two runs' histograms equals the histogram of their samples together.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "models/result/histogram.h"
#include "models/result/summarize.h"
#include "sim/stats.h"

namespace shardsim {
namespace {

constexpr size_t kAllBuckets = LogHistogram::BucketIndex(~uint64_t{0}) + 1;

// Samples of several shapes: small exact values, latencies around a millisecond with a long tail,
// and the extremes of uint64.
std::vector<uint64_t> Samples(uint32_t seed, size_t n) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> latency(14.0, 1.5);  // ~1.2 ms median, in ns
  std::vector<uint64_t> out;
  for (size_t i = 0; i < n; ++i) {
    switch (rng() % 8) {
      case 0:
        out.push_back(rng() % 300);
        break;
      case 1:
        out.push_back(rng() >> (rng() % 64));
        break;
      default:
        out.push_back(static_cast<uint64_t>(latency(rng)));
    }
  }
  out.push_back(0);
  out.push_back(std::numeric_limits<uint64_t>::max());
  return out;
}

LogHistogram Histogram(const std::vector<uint64_t>& samples) {
  LogHistogram h;
  for (uint64_t v : samples) h.Record(v);
  return h;
}

TEST(SparseHistogramTest, BucketSchemeIsLogHistograms) {
  EXPECT_EQ(HistogramBucketIndex(~uint64_t{0}) + 1, kAllBuckets);
  for (size_t i = 0; i < kAllBuckets; ++i) {
    ASSERT_EQ(HistogramBucketLow(i), LogHistogram::BucketLow(i)) << i;
    ASSERT_EQ(HistogramBucketWidth(i), LogHistogram::BucketWidth(i)) << i;
    const uint64_t low = HistogramBucketLow(i);
    ASSERT_TRUE(IsHistogramBucketEdge(low)) << i;
    ASSERT_EQ(HistogramBucketHigh(low), low + LogHistogram::BucketWidth(i) - 1) << i;
  }
  for (uint64_t v : Samples(1, 10'000)) {
    ASSERT_EQ(HistogramBucketIndex(v), LogHistogram::BucketIndex(v)) << v;
  }
  EXPECT_FALSE(IsHistogramBucketEdge(257));
  EXPECT_TRUE(IsHistogramBucketEdge(258));
}

TEST(SparseHistogramTest, KeepsTheNonEmptyBucketsAndExactMoments) {
  const std::vector<uint64_t> samples = Samples(2, 5'000);
  const LogHistogram h = Histogram(samples);
  const SparseHistogram s = ToSparseHistogram(h, "ns");
  EXPECT_EQ(s.unit, "ns");
  EXPECT_EQ(Count(s), h.Count());
  EXPECT_EQ(s.min, h.Min());
  EXPECT_EQ(s.max, h.Max());
  EXPECT_TRUE(s.sum == h.Sum());
  EXPECT_EQ(Mean(s), h.Mean());
  uint64_t total = 0;
  for (size_t i = 0; i < s.buckets.size(); ++i) {
    EXPECT_GT(s.buckets[i].count, 0u);
    if (i > 0) {
      EXPECT_LT(s.buckets[i - 1].lower, s.buckets[i].lower);
    }
    total += s.buckets[i].count;
  }
  EXPECT_EQ(total, s.count);
  EXPECT_FALSE(HistogramProblem(s).has_value());
  EXPECT_LT(s.buckets.size(), h.bucket_count());  // sparse
}

TEST(SparseHistogramTest, QuantilesCdfAndMeanEqualLogHistograms) {
  for (uint32_t seed : {3u, 4u, 5u}) {
    for (size_t n : {size_t{1}, size_t{2}, size_t{10}, size_t{999}, size_t{20'000}}) {
      const LogHistogram h = Histogram(Samples(seed, n));
      const SparseHistogram s = ToSparseHistogram(h, "ns");
      for (double p : {0.0, 1e-9, 0.001, 0.25, 0.5, 0.9, 0.99, 0.999, 0.9999, 1.0}) {
        ASSERT_EQ(Quantile(s, p), h.Quantile(p)) << "seed " << seed << " n " << n << " p " << p;
      }
      for (size_t points : {size_t{1}, size_t{7}, size_t{100}, size_t{100'000}}) {
        ASSERT_EQ(CdfPoints(s, points), h.CdfPoints(points)) << seed << " " << n << " " << points;
      }
      EXPECT_EQ(Mean(s), h.Mean());
    }
  }
}

TEST(SparseHistogramTest, MergingTwoRunsEqualsTheHistogramOfAllTheirSamples) {
  const std::vector<uint64_t> a = Samples(6, 3'000);
  const std::vector<uint64_t> b = Samples(7, 5'000);
  std::vector<uint64_t> both = a;
  both.insert(both.end(), b.begin(), b.end());
  const SparseHistogram sa = ToSparseHistogram(Histogram(a), "ns");
  const SparseHistogram sb = ToSparseHistogram(Histogram(b), "ns");
  const LogHistogram all = Histogram(both);
  const std::optional<SparseHistogram> merged = Merge(sa, sb);
  ASSERT_TRUE(merged.has_value());
  EXPECT_EQ(*merged, ToSparseHistogram(all, "ns"));
  EXPECT_EQ(*Merge(sb, sa), *merged);
  for (double p : {0.5, 0.99, 0.999}) EXPECT_EQ(Quantile(*merged, p), all.Quantile(p));
  EXPECT_EQ(CdfPoints(*merged, 50), all.CdfPoints(50));
  EXPECT_FALSE(HistogramProblem(*merged).has_value());
}

TEST(SparseHistogramTest, MergeWithEmptyAndUnits) {
  const SparseHistogram s = ToSparseHistogram(Histogram(Samples(8, 100)), "ns");
  const SparseHistogram empty = ToSparseHistogram(LogHistogram(), "ns");
  EXPECT_FALSE(HistogramProblem(empty).has_value());
  EXPECT_EQ(*Merge(s, empty), s);
  EXPECT_EQ(*Merge(empty, s), s);
  EXPECT_EQ(*Merge(SparseHistogram{}, s), s);  // a fresh accumulator takes the unit
  SparseHistogram bytes = s;
  bytes.unit = "bytes";
  EXPECT_FALSE(Merge(s, bytes).has_value());
  // Folding replications one by one.
  SparseHistogram pooled;
  LogHistogram direct;
  for (uint32_t seed = 10; seed < 15; ++seed) {
    const LogHistogram h = Histogram(Samples(seed, 700));
    direct.Merge(h);
    pooled = *Merge(pooled, ToSparseHistogram(h, "ns"));
  }
  EXPECT_EQ(pooled, ToSparseHistogram(direct, "ns"));
}

TEST(SparseHistogramTest, EmptyHistogramAnswersZero) {
  const SparseHistogram empty;
  EXPECT_EQ(Count(empty), 0u);
  EXPECT_EQ(Mean(empty), 0.0);
  EXPECT_EQ(Quantile(empty, 0.5), 0u);
  EXPECT_TRUE(CdfPoints(empty, 10).empty());
  const SparseHistogram s = ToSparseHistogram(Histogram({5, 6, 7}), "ns");
  EXPECT_TRUE(CdfPoints(s, 0).empty());
  EXPECT_EQ(Quantile(s, -1.0), 5u);  // p is clamped to [0, 1]
  EXPECT_EQ(Quantile(s, 2.0), 7u);
  EXPECT_EQ(Quantile(s, std::numeric_limits<double>::quiet_NaN()), 5u);
}

}  // namespace
}  // namespace shardsim
