// Tests for the streaming statistics and the metrics registry: histogram quantiles against exact
// order statistics of the same samples, gauge means against hand-computed integrals, window
// boundaries of time series, and the registry's identity and ordering guarantees.
#include "sim/stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/metrics.h"
#include "sim/rng.h"

namespace shardsim {
namespace {

constexpr double kProbes[] = {0.01, 0.5, 0.9, 0.99, 0.999};

// Nearest-rank order statistic of sorted samples: the ceil(p * n)-th smallest (at least the first).
uint64_t ExactQuantile(const std::vector<uint64_t>& sorted, double p) {
  const double r = std::ceil(p * static_cast<double>(sorted.size()));
  const size_t rank = std::clamp<size_t>(r < 1.0 ? 1 : static_cast<size_t>(r), 1, sorted.size());
  return sorted[rank - 1];
}

double RelativeError(uint64_t estimate, uint64_t exact) {
  if (exact == 0) return estimate == 0 ? 0.0 : 1.0;
  return std::fabs(static_cast<double>(estimate) - static_cast<double>(exact)) /
         static_cast<double>(exact);
}

// Records the samples and checks every statistic the histogram promises against the exact ones.
void ExpectMatchesExact(const std::vector<uint64_t>& samples) {
  LogHistogram h;
  Uint128 sum = 0;
  for (uint64_t v : samples) {
    h.Record(v);
    sum += v;
  }
  std::vector<uint64_t> sorted = samples;
  std::sort(sorted.begin(), sorted.end());

  EXPECT_EQ(h.Count(), samples.size());
  EXPECT_TRUE(h.Sum() == sum);
  EXPECT_EQ(h.Min(), sorted.front());
  EXPECT_EQ(h.Max(), sorted.back());
  EXPECT_EQ(h.Quantile(0.0), sorted.front());
  EXPECT_EQ(h.Quantile(1.0), sorted.back());
  const double mean = static_cast<double>(sum) / static_cast<double>(samples.size());
  EXPECT_NEAR(h.Mean(), mean, mean * 1e-15);

  ASSERT_LE(LogHistogram::kMaxRelativeError, 0.01);
  for (double p : kProbes) {
    const uint64_t exact = ExactQuantile(sorted, p);
    const uint64_t estimate = h.Quantile(p);
    EXPECT_LE(RelativeError(estimate, exact), LogHistogram::kMaxRelativeError)
        << "p=" << p << " exact=" << exact << " estimate=" << estimate;
  }
}

TEST(LogHistogramTest, BucketsTileTheWholeRangeWithBoundedWidth) {
  // Every bucket is contiguous with the next, maps its own edges back to itself, and is narrow
  // enough (width <= low / 128) for the midpoint bound; the last one ends at 2^64 - 1.
  const size_t buckets = LogHistogram::BucketIndex(~uint64_t{0}) + 1;
  EXPECT_EQ(buckets, 58u * 128u);
  uint64_t expected_low = 0;
  for (size_t i = 0; i < buckets; ++i) {
    const uint64_t low = LogHistogram::BucketLow(i);
    const uint64_t width = LogHistogram::BucketWidth(i);
    ASSERT_EQ(low, expected_low) << "bucket " << i;
    ASSERT_EQ(LogHistogram::BucketIndex(low), i);
    ASSERT_EQ(LogHistogram::BucketIndex(low + (width - 1)), i);
    if (low >= 256) {
      ASSERT_LE(width * 128, low) << "bucket " << i;
    } else {
      ASSERT_EQ(width, 1u);
    }
    expected_low = low + width;  // wraps to 0 after the last bucket
  }
  EXPECT_EQ(expected_low, 0u);
}

TEST(LogHistogramTest, SmallValuesAreExact) {
  LogHistogram h;
  for (uint64_t v = 0; v < 256; ++v) h.Record(v, v + 1);  // value v appears v + 1 times
  std::vector<uint64_t> sorted;
  for (uint64_t v = 0; v < 256; ++v) sorted.insert(sorted.end(), v + 1, v);
  for (size_t rank = 1; rank <= sorted.size(); rank += 7) {
    const double p = (static_cast<double>(rank) - 0.5) / static_cast<double>(sorted.size());
    ASSERT_EQ(h.Quantile(p), ExactQuantile(sorted, p)) << "rank " << rank;
  }
}

TEST(LogHistogramTest, QuantileOfAnyValueIsWithinTheStatedBound) {
  // With samples {0, v, 2^64-1} the median is v's bucket estimate, unclamped: the worst case.
  Rng rng(7);
  for (int k = 0; k < 100000; ++k) {
    const int bits = static_cast<int>(rng.Below(64)) + 1;
    const uint64_t v = (rng.Next() >> (64 - bits)) | 1;
    LogHistogram h;
    h.Record(0);
    h.Record(v);
    h.Record(~uint64_t{0});
    ASSERT_LT(RelativeError(h.Quantile(0.5), v), LogHistogram::kMaxRelativeError) << v;
  }
}

TEST(LogHistogramTest, UniformQuantilesMatchExactOrderStatistics) {
  Rng rng(11);
  std::vector<uint64_t> samples(200000);
  for (auto& v : samples) v = rng.Below(1'000'000'000);
  ExpectMatchesExact(samples);
}

TEST(LogHistogramTest, ExponentialQuantilesMatchExactOrderStatistics) {
  Rng rng(12);
  std::vector<uint64_t> samples(200000);
  for (auto& v : samples) {
    v = static_cast<uint64_t>(-5e6 * std::log(rng.NextDoubleOpenZero()));  // mean 5 ms in ns
  }
  ExpectMatchesExact(samples);
}

TEST(LogHistogramTest, HeavyTailedQuantilesMatchExactOrderStatistics) {
  // Log-uniform over 1e0..1e12: every octave in that span is populated.
  Rng rng(13);
  std::vector<uint64_t> samples(200000);
  for (auto& v : samples) v = static_cast<uint64_t>(std::exp(rng.NextDouble() * std::log(1e12)));
  ExpectMatchesExact(samples);
}

TEST(LogHistogramTest, HugeSumsKeepAnExactMean) {
  // Sum 2^66 + 3: beyond uint64 and beyond what a double holds exactly.
  LogHistogram h;
  const uint64_t big = uint64_t{1} << 63;
  h.Record(big, 8);
  h.Record(3);
  EXPECT_TRUE(h.Sum() == (static_cast<Uint128>(1) << 66) + 3);
  EXPECT_EQ(h.Count(), 9u);
  EXPECT_DOUBLE_EQ(h.Mean(), std::ldexp(1.0, 66) / 9.0);
}

TEST(LogHistogramTest, EmptyHistogramReportsZeros) {
  LogHistogram h;
  EXPECT_EQ(h.Count(), 0u);
  EXPECT_EQ(h.Min(), 0u);
  EXPECT_EQ(h.Max(), 0u);
  EXPECT_EQ(h.Mean(), 0.0);
  EXPECT_EQ(h.Quantile(0.5), 0u);
  EXPECT_TRUE(h.CdfPoints(10).empty());
  EXPECT_EQ(h.bucket_count(), 0u);
}

TEST(LogHistogramTest, WeightedRecordEqualsRepeatedRecord) {
  LogHistogram weighted;
  LogHistogram repeated;
  weighted.Record(123456, 5);
  weighted.Record(7, 0);  // records nothing, not even a min
  for (int i = 0; i < 5; ++i) repeated.Record(123456);
  EXPECT_TRUE(weighted == repeated);
  EXPECT_EQ(weighted.Min(), 123456u);
}

TEST(LogHistogramTest, MergeEqualsRecordingEverythingIntoOne) {
  Rng rng(21);
  LogHistogram a;
  LogHistogram b;
  LogHistogram all;
  for (int i = 0; i < 50000; ++i) {
    const uint64_t small = rng.Below(5000);
    const uint64_t large = static_cast<uint64_t>(std::exp(rng.NextDouble() * std::log(1e11)));
    a.Record(small);
    b.Record(large);
    all.Record(small);
    all.Record(large);
  }
  a.Merge(b);
  EXPECT_TRUE(a == all);
  EXPECT_EQ(a.Count(), all.Count());
  EXPECT_TRUE(a.Sum() == all.Sum());
  EXPECT_EQ(a.Min(), all.Min());
  EXPECT_EQ(a.Max(), all.Max());
  for (double p : {0.0, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0}) {
    EXPECT_EQ(a.Quantile(p), all.Quantile(p)) << p;
  }
  LogHistogram empty;
  a.Merge(empty);
  EXPECT_TRUE(a == all);
}

TEST(LogHistogramTest, ResetForgetsSamplesAndKeepsMemory) {
  LogHistogram h;
  h.Record(1'000'000);
  const size_t buckets = h.bucket_count();
  h.Reset();
  EXPECT_TRUE(h == LogHistogram());
  EXPECT_EQ(h.bucket_count(), buckets);
  h.Record(42);
  EXPECT_EQ(h.Quantile(0.5), 42u);
  EXPECT_EQ(h.Max(), 42u);
}

TEST(LogHistogramTest, MemoryDoesNotGrowWithSampleCount) {
  Rng rng(31);
  LogHistogram h;
  for (int i = 0; i < 1000; ++i) h.Record(rng.Below(1'000'000'000));
  const size_t buckets = h.bucket_count();
  const size_t bytes = h.MemoryBytes();
  // 1e9 < 2^30: two exact rows for 0..255, then one row per octave 2^8..2^29 -> 24 rows of 128.
  EXPECT_EQ(buckets, 24u * 128u);
  for (int i = 0; i < 1'000'000; ++i) h.Record(rng.Below(1'000'000'000));
  EXPECT_EQ(h.bucket_count(), buckets);
  EXPECT_EQ(h.MemoryBytes(), bytes);
  EXPECT_EQ(h.Count(), 1'001'000u);
}

TEST(LogHistogramTest, CdfPointsAreExactEmpiricalCdfValues) {
  Rng rng(41);
  std::vector<uint64_t> samples(20000);
  LogHistogram h;
  for (auto& v : samples) {
    v = static_cast<uint64_t>(-2e6 * std::log(rng.NextDoubleOpenZero()));
    h.Record(v);
  }
  std::sort(samples.begin(), samples.end());
  const size_t n = 50;
  const auto points = h.CdfPoints(n);
  ASSERT_FALSE(points.empty());
  ASSERT_LE(points.size(), n);
  EXPECT_GE(points.size(), n - 2);  // smooth data: nearly every target lands in its own bucket
  for (size_t i = 0; i < points.size(); ++i) {
    const auto [x, fraction] = points[i];
    const size_t at_or_below =
        static_cast<size_t>(std::upper_bound(samples.begin(), samples.end(), x) - samples.begin());
    EXPECT_EQ(fraction, static_cast<double>(at_or_below) / static_cast<double>(samples.size()));
    if (i > 0) {
      EXPECT_GT(x, points[i - 1].first);
      EXPECT_GT(fraction, points[i - 1].second);
    }
  }
  // Every target i/n is crossed by some point within one bucket of it.
  for (size_t k = 1; k <= n; ++k) {
    const double target = static_cast<double>(k) / static_cast<double>(n);
    EXPECT_TRUE(std::any_of(points.begin(), points.end(),
                            [&](const auto& pt) { return pt.second >= target - 1e-12; }));
  }
  EXPECT_EQ(points.back().first, samples.back());
  EXPECT_EQ(points.back().second, 1.0);
}

TEST(LogHistogramDeathTest, QuantileOutsideUnitIntervalAborts) {
  LogHistogram h;
  h.Record(1);
  EXPECT_DEATH(h.Quantile(1.5), "quantile outside");
}

TEST(TimeWeightedGaugeTest, MeanIsTheHandComputedIntegral) {
  TimeWeightedGauge g;
  g.Set(SimTime::Seconds(2), 3.0);
  g.Set(SimTime::Seconds(5), 1.0);
  g.Add(SimTime::Seconds(9), 3.0);  // level 4 from 9 s
  // (0*2 + 3*3 + 1*4 + 4*1) / 10 = 1.7
  EXPECT_DOUBLE_EQ(g.Mean(SimTime::Seconds(10)), 1.7);
  // Until the last update: (0*2 + 3*3 + 1*4) / 9
  EXPECT_DOUBLE_EQ(g.Mean(SimTime::Seconds(9)), 13.0 / 9.0);
  EXPECT_EQ(g.Current(), 4.0);
  EXPECT_EQ(g.Max(), 4.0);
  EXPECT_EQ(g.Min(), 0.0);
}

TEST(TimeWeightedGaugeTest, GivenStartTimeAndInitialValueCountFromThere) {
  TimeWeightedGauge g(SimTime::Seconds(10), 5.0);
  EXPECT_EQ(g.Mean(SimTime::Seconds(10)), 5.0);
  g.Set(SimTime::Seconds(12), 2.0);
  // (5*2 + 2*8) / 10
  EXPECT_DOUBLE_EQ(g.Mean(SimTime::Seconds(20)), 2.6);
  EXPECT_EQ(g.Min(), 2.0);
  EXPECT_EQ(g.Max(), 5.0);
}

TEST(TimeWeightedGaugeTest, SameInstantUpdatesWeighNothing) {
  TimeWeightedGauge g;
  g.Set(SimTime::Millis(500), 100.0);
  g.Set(SimTime::Millis(500), 1.0);
  EXPECT_DOUBLE_EQ(g.Mean(SimTime::Seconds(1)), 0.5);
  EXPECT_EQ(g.Max(), 100.0);
}

TEST(TimeWeightedGaugeTest, RestartDropsWarmUp) {
  TimeWeightedGauge g;
  g.Set(SimTime::Seconds(1), 100.0);
  g.Set(SimTime::Seconds(2), 2.0);
  g.Restart(SimTime::Seconds(4));
  g.Set(SimTime::Seconds(5), 6.0);
  // (2*1 + 6*1) / 2
  EXPECT_DOUBLE_EQ(g.Mean(SimTime::Seconds(6)), 4.0);
  EXPECT_EQ(g.Max(), 6.0);
  EXPECT_EQ(g.Min(), 2.0);
}

TEST(TimeWeightedGaugeDeathTest, TimeGoingBackwardsAborts) {
  TimeWeightedGauge g;
  g.Set(SimTime::Seconds(2), 1.0);
  EXPECT_DEATH(g.Set(SimTime::Seconds(1), 1.0), "backwards");
}

TEST(TimeSeriesTest, SamplesGoToTheWindowContainingTheirTime) {
  TimeSeries s(Seconds(1));
  s.Add(SimTime::Zero(), 1.0);
  s.Add(SimTime::FromNanos(999'999'999), 2.0);  // last nanosecond of window 0
  s.Add(SimTime::Seconds(1), 5.0);              // exactly t = width: window 1
  s.Add(SimTime::Millis(3200), 7.0);
  s.Add(SimTime::Millis(3900), -1.0);
  ASSERT_EQ(s.window_count(), 4u);
  EXPECT_EQ(s.Sum(0), 3.0);
  EXPECT_EQ(s.Count(0), 2u);
  EXPECT_EQ(s.Max(0), 2.0);
  EXPECT_EQ(s.Mean(0), 1.5);
  EXPECT_EQ(s.Sum(1), 5.0);
  EXPECT_EQ(s.Count(1), 1u);
  EXPECT_EQ(s.Count(2), 0u);
  EXPECT_EQ(s.Sum(2), 0.0);
  EXPECT_EQ(s.Max(2), 0.0);
  EXPECT_EQ(s.Last(2), 5.0);  // carried from window 1
  EXPECT_EQ(s.Sum(3), 6.0);
  EXPECT_EQ(s.Max(3), 7.0);
  EXPECT_EQ(s.Last(3), -1.0);
  EXPECT_EQ(s.WindowStart(3), SimTime::Seconds(3));
}

TEST(TimeSeriesTest, RateDividesByTheWindowWidthInSeconds) {
  TimeSeries s(Millis(250));
  for (int i = 0; i < 10; ++i) s.Add(SimTime::Millis(100), 1000.0);  // 10 kB in window 0
  s.Add(SimTime::Millis(600), 50.0);                                 // window 2
  EXPECT_EQ(s.width(), Millis(250));
  EXPECT_DOUBLE_EQ(s.Rate(0), 40000.0);
  EXPECT_DOUBLE_EQ(s.Rate(1), 0.0);
  EXPECT_DOUBLE_EQ(s.Rate(2), 200.0);
}

TEST(TimeSeriesTest, ExtendToCoversTheRunEnd) {
  TimeSeries s(Seconds(1));
  s.ExtendTo(SimTime::Zero());
  EXPECT_EQ(s.window_count(), 0u);
  s.Add(SimTime::Millis(1500), 3.0);
  s.ExtendTo(SimTime::Seconds(10));
  EXPECT_EQ(s.window_count(), 10u);  // [0, 10 s)
  EXPECT_EQ(s.Last(9), 3.0);
  s.ExtendTo(SimTime::Seconds(10) + Nanos(1));
  EXPECT_EQ(s.window_count(), 11u);
  s.Add(SimTime::Seconds(10) + Nanos(2), 1.0);  // lands in window 10, adds none
  EXPECT_EQ(s.window_count(), 11u);
  EXPECT_EQ(s.Sum(10), 1.0);
}

TEST(TimeSeriesTest, MemoryGrowsWithWindowsNotSamples) {
  TimeSeries s(Seconds(1));
  for (int i = 0; i < 600'000; ++i) s.Add(SimTime::FromNanos(int64_t{i} * 100'000), 1.0);  // 60 s
  EXPECT_EQ(s.window_count(), 60u);
  for (size_t w = 0; w < 60; ++w) ASSERT_EQ(s.Count(w), 10'000u) << w;
}

TEST(TimeSeriesDeathTest, TimeGoingBackwardsAborts) {
  TimeSeries s(Seconds(1));
  s.Add(SimTime::Seconds(3), 1.0);
  EXPECT_DEATH(s.Add(SimTime::Seconds(2), 1.0), "backwards");
}

TEST(MetricsRegistryTest, SameNameReturnsSameObject) {
  MetricsRegistry m;
  Counter& c = m.GetCounter("puts");
  c.Add(3);
  LogHistogram& h = m.GetHistogram("latency_ns");
  TimeWeightedGauge& g = m.GetGauge("in_flight");
  TimeSeries& s = m.GetSeries("bytes", Seconds(1));
  // Many later insertions must not move earlier metrics.
  for (int i = 0; i < 1000; ++i) {
    std::string name = "m";  // not "m" + to_string: GCC 12 -Wrestrict false positive
    name += std::to_string(i);
    m.GetCounter(name);
    m.GetHistogram(name);
    m.GetGauge(name);
    m.GetSeries(name, Seconds(1));
  }
  EXPECT_EQ(&m.GetCounter("puts"), &c);
  EXPECT_EQ(&m.GetHistogram("latency_ns"), &h);
  EXPECT_EQ(&m.GetGauge("in_flight"), &g);
  EXPECT_EQ(&m.GetSeries("bytes", Seconds(1)), &s);
  EXPECT_EQ(m.GetCounter("puts").value(), 3u);
  EXPECT_EQ(m.FindCounter("puts"), &c);
  EXPECT_EQ(m.FindHistogram("latency_ns"), &h);
  EXPECT_EQ(m.FindGauge("in_flight"), &g);
  EXPECT_EQ(m.FindSeries("bytes"), &s);
  EXPECT_EQ(m.FindCounter("latency_ns"), nullptr);  // names are per kind
  EXPECT_EQ(m.FindSeries("absent"), nullptr);

  MetricsRegistry moved = std::move(m);
  EXPECT_EQ(moved.FindCounter("puts"), &c);
}

TEST(MetricsRegistryTest, GaugeStartAppliesOnCreationOnly) {
  MetricsRegistry m;
  TimeWeightedGauge& g = m.GetGauge("child_shard_in_flight", SimTime::Seconds(100));
  EXPECT_EQ(g.start(), SimTime::Seconds(100));
  EXPECT_EQ(&m.GetGauge("child_shard_in_flight"), &g);
  EXPECT_EQ(g.start(), SimTime::Seconds(100));
}

TEST(MetricsRegistryTest, IteratesInNameOrder) {
  MetricsRegistry m;
  for (const char* name : {"zeta", "alpha", "shard-10", "shard-2", "mid"}) {
    m.GetCounter(name);
    m.GetHistogram(name);
  }
  const std::vector<std::string> expected = {"alpha", "mid", "shard-10", "shard-2", "zeta"};
  std::vector<std::string> counters;
  for (const auto& [name, counter] : m.counters()) counters.push_back(name);
  std::vector<std::string> histograms;
  for (const auto& [name, histogram] : m.histograms()) histograms.push_back(name);
  EXPECT_EQ(counters, expected);
  EXPECT_EQ(histograms, expected);
  EXPECT_TRUE(m.gauges().empty());
  EXPECT_TRUE(m.series().empty());
}

TEST(MetricsRegistryDeathTest, SeriesWidthMismatchAborts) {
  MetricsRegistry m;
  m.GetSeries("throttles", Seconds(1));
  EXPECT_DEATH(m.GetSeries("throttles", Millis(100)), "another window width");
}

// A component's own per-window array and total, as a view reads them: in place, growing.
struct OwnCounts {
  std::vector<std::vector<double>> windows;  // by row
  static size_t Rows(const void* self) {
    return static_cast<const OwnCounts*>(self)->windows.size();
  }
  static size_t Windows(const void* self, size_t row) {
    return static_cast<const OwnCounts*>(self)->windows[row].size();
  }
  static double Value(const void* self, size_t row, size_t window) {
    return static_cast<const OwnCounts*>(self)->windows[row][window];
  }
  static double Total(const void* self, size_t row) {
    double t = 0;
    for (double v : static_cast<const OwnCounts*>(self)->windows[row]) t += v;
    return t;
  }
  static constexpr MetricView::Source kSource = {Rows, Windows, Value, Total};
};

TEST(MetricsRegistryTest, PublishedViewsReadTheComponentInPlace) {
  MetricsRegistry m;
  OwnCounts own;
  own.windows = {{1, 2}};
  m.Publish("stream/IncomingRecords", MetricView(OwnCounts::kSource, &own, Seconds(10),
                                                 SimTime::Seconds(5), MetricView::Fold::kSum));
  const MetricView* v = m.FindView("stream/IncomingRecords");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(m.FindView("absent"), nullptr);
  EXPECT_EQ(m.views().size(), 1u);
  EXPECT_EQ(v->width(), Seconds(10));
  EXPECT_EQ(v->start(), SimTime::Seconds(5));
  EXPECT_EQ(v->fold(), MetricView::Fold::kSum);
  EXPECT_EQ(v->WindowAt(SimTime::Seconds(5)), 0u);
  EXPECT_EQ(v->WindowAt(SimTime::Seconds(24)), 1u);
  EXPECT_EQ(v->rows(), 1u);
  EXPECT_EQ(v->size(0), 2u);
  EXPECT_EQ(v->value(0, 1), 2);
  EXPECT_TRUE(v->has_total());
  EXPECT_EQ(v->total(0), 3);
  // The component grows (a window, a row): the view sees it, nothing was copied.
  own.windows[0].push_back(4);
  own.windows.push_back({7});
  EXPECT_EQ(v->size(0), 3u);
  EXPECT_EQ(v->total(0), 7);
  EXPECT_EQ(v->rows(), 2u);
  EXPECT_EQ(v->value(1, 0), 7);
}

TEST(MetricsRegistryDeathTest, ViewPublishedTwiceAborts) {
  MetricsRegistry m;
  OwnCounts own;
  const MetricView view(OwnCounts::kSource, &own, Seconds(1), SimTime::Zero(),
                        MetricView::Fold::kMax);
  m.Publish("age", view);
  EXPECT_DEATH(m.Publish("age", view), "published twice");
}

}  // namespace
}  // namespace shardsim
