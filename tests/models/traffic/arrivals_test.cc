// Tests for RateProfile and ArrivalGenerator: Poisson counts per window against independently
// computed integrals of each profile, exact constant spacing, superposition of instances, trace
// CSV parsing and its error messages. Fixed seeds throughout.
#include "models/traffic/arrivals.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numbers>
#include <string>
#include <vector>

namespace shardsim {
namespace {

using ::testing::HasSubstr;

std::string WriteTempFile(const std::string& name, const std::string& contents) {
  std::string path =
      ::testing::TempDir() + "shardsim_arrivals_" + std::to_string(::getpid()) + "_" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  return path;
}

ArrivalSpec Spec(ArrivalProcess process) {
  ArrivalSpec s;
  s.process = process;
  return s;
}

// Arrivals of `instances` generators, each with share 1 / instances and its own stream, counted
// per window. Also checks the generator contract: non-decreasing, inside the run, Max() at the end
// and ever after.
std::vector<int64_t> CountPerWindow(const RateProfile& profile, int instances, SimDuration window,
                                    uint64_t seed) {
  const int64_t end = profile.run_duration().nanos();
  std::vector<int64_t> counts(static_cast<size_t>((end + window.nanos() - 1) / window.nanos()));
  int64_t decreasing = 0;
  int64_t outside = 0;
  int64_t not_max_after_end = 0;
  for (int i = 0; i < instances; ++i) {
    ArrivalGenerator gen(profile, 1.0 / instances);
    Rng rng(seed, 0, static_cast<uint64_t>(i));
    SimTime prev = SimTime::Zero();
    while (true) {
      const SimTime t = gen.Next(rng);
      if (t == SimTime::Max()) break;
      if (t < prev) ++decreasing;
      if (t.nanos() < 0 || t.nanos() >= end) {
        ++outside;
        continue;
      }
      prev = t;
      ++counts[static_cast<size_t>(t.nanos() / window.nanos())];
    }
    for (int k = 0; k < 3; ++k) not_max_after_end += gen.Next(rng) != SimTime::Max();
  }
  EXPECT_EQ(decreasing, 0);
  EXPECT_EQ(outside, 0);
  EXPECT_EQ(not_max_after_end, 0);
  return counts;
}

// Counts of a Poisson process per window against their exact means mu_i: z_i = (N_i - mu_i) /
// sqrt(mu_i) has mean 0 and variance 1; the sample mean has standard error 1/sqrt(W), the sample
// variance sqrt((2 + 1/mu) / W) (standardised Poisson kurtosis 3 + 1/mu). Windows with mu = 0
// must be empty. Everything within 5 standard errors, and the total within 5 sqrt(total).
void ExpectPoissonCounts(const std::vector<double>& expected,
                         const std::vector<int64_t>& observed) {
  ASSERT_EQ(expected.size(), observed.size());
  double sum_z = 0;
  double sum_z2 = 0;
  double max_inv_mu = 0;
  double total_expected = 0;
  double total_observed = 0;
  int windows = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    total_expected += expected[i];
    total_observed += static_cast<double>(observed[i]);
    if (expected[i] == 0) {
      EXPECT_EQ(observed[i], 0) << "window " << i << " has rate 0";
      continue;
    }
    const double z = (static_cast<double>(observed[i]) - expected[i]) / std::sqrt(expected[i]);
    sum_z += z;
    sum_z2 += z * z;
    max_inv_mu = std::max(max_inv_mu, 1.0 / expected[i]);
    ++windows;
  }
  ASSERT_GT(windows, 30);
  const double w = windows;
  const double mean = sum_z / w;
  const double var = (sum_z2 - w * mean * mean) / (w - 1);
  EXPECT_NEAR(mean, 0.0, 5.0 / std::sqrt(w));
  EXPECT_NEAR(var, 1.0, 5.0 * std::sqrt((2.0 + max_inv_mu) / w));
  EXPECT_NEAR(total_observed, total_expected, 5.0 * std::sqrt(total_expected));
}

// The profile's integral over each window, checked against the test's own values.
void ExpectProfileIntegrals(const RateProfile& profile, SimDuration window,
                            const std::vector<double>& expected) {
  for (size_t i = 0; i < expected.size(); ++i) {
    const SimTime a = SimTime::Zero() + window * static_cast<int64_t>(i);
    const SimTime b = std::min(a + window, SimTime::Zero() + profile.run_duration());
    EXPECT_NEAR(profile.ExpectedCount(a, b), expected[i], 1e-9 * expected[i] + 1e-9)
        << "window " << i;
  }
}

// Length of [a, b) ∩ [c, d) in seconds.
double OverlapSec(double a, double b, double c, double d) {
  return std::max(0.0, std::min(b, d) - std::max(a, c));
}

TEST(ArrivalGeneratorTest, ConstantSpacingIsExactWithoutDrift) {
  // 3e6/s: a spacing of 333.33 ns, which rounding each gap to whole nanoseconds would bias.
  auto p = RateProfile::FromSpec(Spec(ArrivalProcess::kConstant), 3e6, Seconds(1));
  ASSERT_TRUE(p.ok()) << p.error;
  ArrivalGenerator gen(*p.value, 1.0);
  Rng rng(7);
  const double spacing_ns = 1e9 / 3e6;
  const SimTime first = gen.Next(rng);
  EXPECT_GE(first.nanos(), 0);
  EXPECT_LT(static_cast<double>(first.nanos()), spacing_ns);
  int64_t n = 1;
  double worst = 0;
  for (SimTime t = gen.Next(rng); t != SimTime::Max(); t = gen.Next(rng), ++n) {
    const double ideal = static_cast<double>(first.nanos()) + static_cast<double>(n) * spacing_ns;
    worst = std::max(worst, std::fabs(static_cast<double>(t.nanos()) - ideal));
  }
  EXPECT_LE(worst, 1.0);  // both times rounded down to whole nanoseconds
  EXPECT_GE(n, 2'999'999);
  EXPECT_LE(n, 3'000'000);
}

TEST(ArrivalGeneratorTest, ConstantInstancesHaveRandomPhasesAndSumToGroupRate) {
  auto p = RateProfile::FromSpec(Spec(ArrivalProcess::kConstant), 1000.0, Seconds(100));
  ASSERT_TRUE(p.ok()) << p.error;
  constexpr int kInstances = 10;  // each 100/s: 10 ms apart
  std::vector<int64_t> firsts;
  int64_t total = 0;
  for (int i = 0; i < kInstances; ++i) {
    ArrivalGenerator gen(*p.value, 1.0 / kInstances);
    Rng rng(11, 0, static_cast<uint64_t>(i));
    SimTime prev = gen.Next(rng);
    firsts.push_back(prev.nanos());
    EXPECT_LT(prev, SimTime::Millis(10));
    int64_t count = 1;
    for (SimTime t = gen.Next(rng); t != SimTime::Max(); t = gen.Next(rng), ++count) {
      EXPECT_NEAR(static_cast<double>((t - prev).nanos()), 1e7, 1.0);
      prev = t;
    }
    EXPECT_GE(count, 9'999);
    EXPECT_LE(count, 10'000);
    total += count;
  }
  EXPECT_NEAR(static_cast<double>(total), 100'000.0, kInstances);
  std::sort(firsts.begin(), firsts.end());
  EXPECT_EQ(std::unique(firsts.begin(), firsts.end()), firsts.end()) << "instances in lockstep";
}

TEST(ArrivalGeneratorTest, PoissonConstantCountsPerSecondMatchRate) {
  auto p = RateProfile::FromSpec(Spec(ArrivalProcess::kPoisson), 500.0, Seconds(2000));
  ASSERT_TRUE(p.ok()) << p.error;
  EXPECT_DOUBLE_EQ(p.value->MeanRatePerSec(), 500.0);
  const std::vector<double> expected(2000, 500.0);
  ExpectProfileIntegrals(*p.value, Seconds(1), expected);
  ExpectPoissonCounts(expected, CountPerWindow(*p.value, 1, Seconds(1), 1));
}

TEST(ArrivalGeneratorTest, PoissonStepsCountsMatchStepIntegrals) {
  ArrivalSpec spec = Spec(ArrivalProcess::kSteps);
  spec.steps = {{Seconds(100), 1000.0}, {Millis(250'500), 0.0}, {Seconds(400), 50.0}};
  auto p = RateProfile::FromSpec(spec, 200.0, Seconds(600));
  ASSERT_TRUE(p.ok()) << p.error;
  // Independent: rate 200 on [0,100), 1000 on [100,250.5), 0 on [250.5,400), 50 on [400,600).
  std::vector<double> expected(600);
  for (int i = 0; i < 600; ++i) {
    const double a = i;
    const double b = i + 1;
    expected[static_cast<size_t>(i)] = 200.0 * OverlapSec(a, b, 0, 100) +
                                       1000.0 * OverlapSec(a, b, 100, 250.5) +
                                       50.0 * OverlapSec(a, b, 400, 600);
  }
  ExpectProfileIntegrals(*p.value, Seconds(1), expected);
  EXPECT_NEAR(p.value->MeanRatePerSec(), (200.0 * 100 + 1000.0 * 150.5 + 50.0 * 200) / 600, 1e-9);
  EXPECT_DOUBLE_EQ(p.value->RatePerSecAt(SimTime::Seconds(250)), 1000.0);
  EXPECT_DOUBLE_EQ(p.value->RatePerSecAt(SimTime::Millis(250'500)), 0.0);
  EXPECT_DOUBLE_EQ(p.value->RatePerSecAt(SimTime::Seconds(600)), 0.0);  // the run is over
  ExpectPoissonCounts(expected, CountPerWindow(*p.value, 3, Seconds(1), 2));
}

TEST(ArrivalGeneratorTest, PoissonBurstsCountsMatchOnOffIntegrals) {
  ArrivalSpec spec = Spec(ArrivalProcess::kBursts);
  spec.burst_on = Millis(200);
  spec.burst_off = Millis(300);
  spec.burst_records_per_sec = 5000.0;
  auto p = RateProfile::FromSpec(spec, 100.0, Seconds(300));
  ASSERT_TRUE(p.ok()) << p.error;
  // 250 ms windows straddle the on/off edges: on during [0.5k, 0.5k + 0.2) for every k.
  constexpr int kWindows = 1200;
  std::vector<double> expected(kWindows);
  for (int i = 0; i < kWindows; ++i) {
    const double a = 0.25 * i;
    const double b = a + 0.25;
    double on = 0;
    for (int k = static_cast<int>(a / 0.5) - 1; k <= static_cast<int>(b / 0.5) + 1; ++k) {
      on += OverlapSec(a, b, 0.5 * k, 0.5 * k + 0.2);
    }
    expected[static_cast<size_t>(i)] = 5000.0 * on + 100.0 * (0.25 - on);
  }
  ExpectProfileIntegrals(*p.value, Millis(250), expected);
  EXPECT_NEAR(p.value->MeanRatePerSec(), (5000.0 * 0.2 + 100.0 * 0.3) / 0.5, 1e-9);
  ExpectPoissonCounts(expected, CountPerWindow(*p.value, 2, Millis(250), 3));
}

// rate * (1 + (peak - 1) cos(2 pi (hour(t) - peak_hour) / period_h)) integrated by composite
// Simpson (64 panels per call; the error is below 1e-12 relative for minute-long intervals).
double DiurnalIntegral(const ArrivalSpec& s, double rate, double a_s, double b_s) {
  const double period_h = s.period.seconds() / 3600.0;
  auto f = [&](double t) {
    const double hour = s.start_hour + t / 3600.0;
    return rate * (1 + (s.peak_factor - 1) *
                           std::cos(2 * std::numbers::pi * (hour - s.peak_hour) / period_h));
  };
  constexpr int kPanels = 64;
  const double h = (b_s - a_s) / kPanels;
  double sum = f(a_s) + f(b_s);
  for (int i = 1; i < kPanels; ++i) sum += f(a_s + i * h) * (i % 2 ? 4 : 2);
  return sum * h / 3;
}

TEST(ArrivalGeneratorTest, DiurnalPerMinuteCountsMatchExactIntegrals) {
  ArrivalSpec spec = Spec(ArrivalProcess::kDiurnal);
  spec.peak_factor = 2.0;  // the trough is rate 0
  spec.peak_hour = 14.0;
  spec.start_hour = 6.5;
  spec.period = Hours(24);
  auto p = RateProfile::FromSpec(spec, 10.0, Hours(24));
  ASSERT_TRUE(p.ok()) << p.error;
  std::vector<double> expected(1440);
  for (int m = 0; m < 1440; ++m) {
    expected[static_cast<size_t>(m)] = DiurnalIntegral(spec, 10.0, 60.0 * m, 60.0 * (m + 1));
  }
  ExpectProfileIntegrals(*p.value, Minutes(1), expected);
  EXPECT_NEAR(p.value->MeanRatePerSec(), 10.0, 1e-9);  // a whole period averages `rate`
  // Peak at 14:00 = 7.5 h after the start: the minute's mean rate is within 1e-4 of 2 * rate.
  EXPECT_NEAR(p.value->RatePerSecAt(SimTime::Seconds(7 * 3600 + 1800 + 10)), 20.0, 1e-4);
  ExpectPoissonCounts(expected, CountPerWindow(*p.value, 4, Minutes(1), 4));
}

TEST(RateProfileTest, DiurnalPeriodNotWholeMinutesAveragesRateOverEachPeriod) {
  ArrivalSpec spec = Spec(ArrivalProcess::kDiurnal);
  spec.peak_factor = 1.7;
  spec.peak_hour = 3.0;
  spec.start_hour = 22.25;
  spec.period = Seconds(90 * 60 + 30);
  auto p = RateProfile::FromSpec(spec, 40.0, Hours(5));
  ASSERT_TRUE(p.ok()) << p.error;
  for (int k = 0; k < 3; ++k) {
    const SimTime a = SimTime::Zero() + spec.period * k;
    EXPECT_NEAR(p.value->ExpectedCount(a, a + spec.period), 40.0 * spec.period.seconds(), 1e-7);
  }
  // Against the sinusoid over an interval that spans a period boundary on the minute grid.
  const SimTime a = SimTime::Seconds(5400);
  const SimTime b = SimTime::Seconds(5400 + 30 + 120);
  EXPECT_NEAR(p.value->ExpectedCount(a, b),
              DiurnalIntegral(spec, 40.0, 5400, 5430) + DiurnalIntegral(spec, 40.0, 5430, 5550),
              1e-8);
}

TEST(ArrivalGeneratorTest, TraceSecondsWithBytesEndsWithoutLoop) {
  // 200 rows from t = 1000 s, some empty; bytes give row i a mean size of 500 + i bytes.
  std::string csv = "time,records,bytes\n";
  std::vector<double> records(200);
  for (int i = 0; i < 200; ++i) {
    records[static_cast<size_t>(i)] = i % 17 == 5 ? 0 : 50 + (i * 37) % 300;
    const double r = records[static_cast<size_t>(i)];
    csv += std::to_string(1000 + i) + "," + std::to_string(static_cast<int>(r)) + "," +
           std::to_string(static_cast<int64_t>(r) * (500 + i)) + "\r\n";
  }
  ArrivalSpec spec = Spec(ArrivalProcess::kTrace);
  spec.trace_file = WriteTempFile("seconds.csv", csv);
  spec.trace_resolution = TraceResolution::kSecond;
  spec.trace_loop = false;
  auto p = RateProfile::FromSpec(spec, 0.0, Seconds(300));
  ASSERT_TRUE(p.ok()) << p.error;
  const RateProfile& profile = *p.value;
  EXPECT_TRUE(profile.has_record_bytes());

  std::vector<double> expected(300, 0.0);
  std::copy(records.begin(), records.end(), expected.begin());
  ExpectProfileIntegrals(profile, Seconds(1), expected);
  ExpectPoissonCounts(expected, CountPerWindow(profile, 3, Seconds(1), 5));

  EXPECT_DOUBLE_EQ(profile.MeanRecordBytesAt(SimTime::Millis(7'500)), 507.0);
  EXPECT_DOUBLE_EQ(profile.MeanRecordBytesAt(SimTime::Seconds(5)), -1.0);    // no records
  EXPECT_DOUBLE_EQ(profile.MeanRecordBytesAt(SimTime::Seconds(250)), -1.0);  // after the trace
  ArrivalGenerator gen(profile, 1.0);
  Rng rng(6);
  SimTime last;
  int64_t mismatches = 0;
  for (SimTime t = gen.Next(rng); t != SimTime::Max(); t = gen.Next(rng)) {
    last = t;
    const int64_t row = t.nanos() / 1'000'000'000;
    mismatches += gen.MeanRecordBytes() != 500.0 + static_cast<double>(row);
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_LT(last, SimTime::Seconds(200));
  EXPECT_EQ(gen.Next(rng), SimTime::Max());
}

TEST(ArrivalGeneratorTest, TraceMinutesLoopsOverTheRun) {
  const std::vector<double> per_minute = {1200, 3000, 0, 600, 6000, 2400, 1800, 0, 4200, 900};
  std::string csv = "T,Records\n";  // names are case-insensitive; t counts seconds
  for (size_t i = 0; i < per_minute.size(); ++i) {
    csv += std::to_string(60 * i) + "," + std::to_string(static_cast<int>(per_minute[i])) + "\n";
  }
  ArrivalSpec spec = Spec(ArrivalProcess::kTrace);
  spec.trace_file = WriteTempFile("minutes.csv", csv + "\n");
  spec.trace_resolution = TraceResolution::kMinute;
  spec.trace_loop = true;
  auto p = RateProfile::FromSpec(spec, 0.0, Hours(6));
  ASSERT_TRUE(p.ok()) << p.error;
  EXPECT_FALSE(p.value->has_record_bytes());
  std::vector<double> expected(360);
  for (size_t m = 0; m < expected.size(); ++m) expected[m] = per_minute[m % per_minute.size()];
  ExpectProfileIntegrals(*p.value, Minutes(1), expected);
  EXPECT_DOUBLE_EQ(p.value->RatePerSecAt(SimTime::Seconds(3600 + 4 * 60 + 1)), 100.0);
  ExpectPoissonCounts(expected, CountPerWindow(*p.value, 5, Minutes(1), 7));
}

TEST(RateProfileTest, TraceRateColumnsAndClipping) {
  // records_per_s / bytes_per_s at minute resolution, no loop, the run ends inside row 3.
  ArrivalSpec spec = Spec(ArrivalProcess::kTrace);
  spec.trace_file = WriteTempFile("rates.csv", "records_per_s,bytes_per_s\n2,2000\n0.5,100\n4,0\n");
  spec.trace_resolution = TraceResolution::kMinute;
  auto p = RateProfile::FromSpec(spec, 0.0, Seconds(150));
  ASSERT_TRUE(p.ok()) << p.error;
  EXPECT_DOUBLE_EQ(p.value->ExpectedCount(SimTime::Zero(), SimTime::Seconds(60)), 120.0);
  EXPECT_DOUBLE_EQ(p.value->ExpectedCount(SimTime::Seconds(60), SimTime::Seconds(120)), 30.0);
  EXPECT_DOUBLE_EQ(p.value->ExpectedCount(SimTime::Seconds(120), SimTime::Seconds(1000)), 120.0);
  EXPECT_DOUBLE_EQ(p.value->MeanRecordBytesAt(SimTime::Seconds(10)), 1000.0);
  EXPECT_DOUBLE_EQ(p.value->MeanRecordBytesAt(SimTime::Seconds(70)), 200.0);
  EXPECT_DOUBLE_EQ(p.value->MeanRecordBytesAt(SimTime::Seconds(130)), 0.0);
  EXPECT_NEAR(p.value->MeanRatePerSec(), 270.0 / 150.0, 1e-12);

  // A looped trace longer than the run is simply clipped.
  spec.trace_loop = true;
  auto q = RateProfile::FromSpec(spec, 0.0, Seconds(90));
  ASSERT_TRUE(q.ok()) << q.error;
  EXPECT_DOUBLE_EQ(q.value->ExpectedCount(SimTime::Zero(), SimTime::Seconds(500)), 135.0);
}

TEST(ArrivalGeneratorTest, ManySmallInstancesSumToGroupRateThroughOffPeriods) {
  // 1000 instances of a bursty group that is silent when off: each instance expects 0.2 records
  // per 50 ms cycle, so most steps skip whole cycles.
  ArrivalSpec spec = Spec(ArrivalProcess::kBursts);
  spec.burst_on = Millis(10);
  spec.burst_off = Millis(40);
  spec.burst_records_per_sec = 20'000.0;
  auto p = RateProfile::FromSpec(spec, 0.0, Seconds(100));
  ASSERT_TRUE(p.ok()) << p.error;
  constexpr int kInstances = 1000;
  std::vector<int64_t> counts(100);
  int64_t in_off = 0;
  int64_t decreasing = 0;
  for (int i = 0; i < kInstances; ++i) {
    ArrivalGenerator gen(*p.value, 1.0 / kInstances);
    Rng rng(13, 0, static_cast<uint64_t>(i));
    SimTime prev;
    for (SimTime t = gen.Next(rng); t != SimTime::Max(); t = gen.Next(rng)) {
      decreasing += t < prev;
      prev = t;
      // Arrivals land in the on phases [50k, 50k + 10) ms.
      in_off += t.nanos() % 50'000'000 >= 10'000'000;
      ++counts[static_cast<size_t>(t.nanos() / 1'000'000'000)];
    }
  }
  EXPECT_EQ(decreasing, 0);
  EXPECT_EQ(in_off, 0);
  ExpectPoissonCounts(std::vector<double>(100, 4000.0), counts);
}

TEST(ArrivalGeneratorTest, ZeroRateReturnsMaxAtOnce) {
  auto p = RateProfile::FromSpec(Spec(ArrivalProcess::kPoisson), 0.0, Seconds(10));
  ASSERT_TRUE(p.ok()) << p.error;
  Rng rng(1);
  ArrivalGenerator gen(*p.value, 0.5);
  EXPECT_EQ(gen.Next(rng), SimTime::Max());
  auto empty_run = RateProfile::FromSpec(Spec(ArrivalProcess::kConstant), 10.0, Seconds(0));
  ASSERT_TRUE(empty_run.ok()) << empty_run.error;
  ArrivalGenerator gen2(*empty_run.value, 1.0);
  EXPECT_EQ(gen2.Next(rng), SimTime::Max());
  EXPECT_EQ(empty_run.value->MeanRatePerSec(), 0.0);
}

TEST(ArrivalGeneratorTest, StateIsAFewWords) { EXPECT_LE(sizeof(ArrivalGenerator), 40u); }

// ---------------------------------------------------------------- input errors

Parsed<RateProfile> TraceFrom(const std::string& name, const std::string& csv,
                              TraceResolution resolution = TraceResolution::kSecond) {
  ArrivalSpec spec = Spec(ArrivalProcess::kTrace);
  spec.trace_file = WriteTempFile(name, csv);
  spec.trace_resolution = resolution;
  return RateProfile::FromSpec(spec, 0.0, Minutes(10));
}

TEST(RateProfileTest, TraceBadNumberNamesFileLineAndColumn) {
  std::string csv = "time,records\n";
  for (int i = 0; i < 10; ++i) csv += std::to_string(i) + ",5\n";
  csv += "10,x\n";  // line 12
  std::string path =
      ::testing::TempDir() + "shardsim_arrivals_" + std::to_string(::getpid()) + "_trace.csv";
  auto p = TraceFrom("trace.csv", csv);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error, path + ":12: expected a number in column \"records\", got \"x\"");
}

// Regression: a count of 1e300 aborted validate and run with an internal check, and a bytes
// column of 1e300 became 0-byte records. Both are values beyond the format's ranges (a group's
// 100M/s, a record's 10 MiB), refused at their line and column.
TEST(RateProfileTest, TraceValuesBeyondTheFormatsRangesAreErrors) {
  auto count = TraceFrom("huge-count.csv", "records\n5\n1e300\n");
  ASSERT_FALSE(count.ok());
  EXPECT_THAT(count.error,
              HasSubstr("huge-count.csv:3: column \"records\" must be at most 100000000 per row "
                        "(100000000 records per second, the largest group rate), got 1e300"));
  auto minutes = TraceFrom("huge-minutes.csv", "records\n6000000001\n", TraceResolution::kMinute);
  ASSERT_FALSE(minutes.ok());
  EXPECT_THAT(minutes.error, HasSubstr("at most 6000000000 per row (100000000 records per second"));
  EXPECT_TRUE(TraceFrom("max-minutes.csv", "records\n6000000000\n", TraceResolution::kMinute).ok());
  auto bytes = TraceFrom("huge-bytes.csv", "records,bytes\n5,500\n5,1e300\n");
  ASSERT_FALSE(bytes.ok());
  EXPECT_THAT(bytes.error,
              HasSubstr("huge-bytes.csv:3: column \"bytes\" over column \"records\" gives a mean "
                        "record size of 1e300 / 5 bytes, over the largest record Kinesis "
                        "accepts (10MiB)"));
  auto rate = TraceFrom("huge-rate.csv", "records_per_s,bytes_per_s\n2,20971522\n");
  ASSERT_FALSE(rate.ok());
  EXPECT_THAT(rate.error, HasSubstr("column \"bytes_per_s\" over column \"records_per_s\""));
  EXPECT_TRUE(TraceFrom("largest.csv", "records,bytes\n2,20971520\n").ok());
}

TEST(RateProfileTest, TraceErrorsAreValuesWithLineNumbers) {
  struct Case {
    const char* csv;
    const char* message;
  };
  const Case cases[] = {
      {"5,7\n1,2\n", ":1: header row required"},
      {"t,records\n0,1\n1,1\n3,1\n", ":4: column \"t\" must increase by 1"},
      {"time,records\n1700000000,1\n1700000002,1\n", ":3: column \"time\" must increase by 1"},
      {"records,foo\n1,2\n", ":1: unknown column \"foo\""},
      {"time,bytes\n0,100\n", ":1: missing column \"records\""},
      {"records,time\n1,0\n", ":1: column \"time\" must be the first column"},
      {"records,records_per_s\n1,1\n", ":1: two record columns"},
      {"records\n1\n-2\n", ":3: expected a number >= 0 in column \"records\", got \"-2\""},
      {"records,bytes\n1,2\n3\n", ":3: expected 2 fields as in the header, got 1"},
      {"records,bytes\n1,nan\n", ":2: expected a number in column \"bytes\", got \"nan\""},
      // Regression: a mean record size beyond the format's range (10MiB) was accepted.
      {"records,bytes\n2,20971520\n2,20971522\n",
       ":3: column \"bytes\" over column \"records\" gives a mean record size of 20971522 / 2 "
       "bytes, over the largest record Kinesis accepts (10MiB)"},
      {"records,bytes\n1,1e300\n",
       ":2: column \"bytes\" over column \"records\" gives a mean record size of 1e300 / 1 bytes"},
      {"\n\nrecords\n", ":3: no data rows after the header"},
      {"records\n\"5\n", ":2: unterminated quoted field"},
      {"", ": empty file"},
  };
  int i = 0;
  for (const Case& c : cases) {
    auto p = TraceFrom("bad" + std::to_string(i++) + ".csv", c.csv);
    ASSERT_FALSE(p.ok()) << c.csv;
    EXPECT_THAT(p.error, HasSubstr(c.message)) << c.csv;
  }
  auto minutes = TraceFrom("bad_minutes.csv", "time,records\n0,1\n1,1\n", TraceResolution::kMinute);
  ASSERT_FALSE(minutes.ok());
  EXPECT_THAT(minutes.error, HasSubstr(":3: column \"time\" must increase by 60"));

  ArrivalSpec spec = Spec(ArrivalProcess::kTrace);
  spec.trace_file = ::testing::TempDir() + "shardsim_no_such_dir/none.csv";
  auto missing = RateProfile::FromSpec(spec, 0.0, Minutes(1));
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error, HasSubstr("none.csv: cannot open file"));
}

TEST(RateProfileTest, InvalidSpecsAreErrors) {
  ArrivalSpec diurnal = Spec(ArrivalProcess::kDiurnal);
  diurnal.peak_factor = 2.5;
  EXPECT_THAT(RateProfile::FromSpec(diurnal, 10, Hours(1)).error, HasSubstr("peak_factor"));
  ArrivalSpec steps = Spec(ArrivalProcess::kSteps);
  steps.steps = {{Seconds(5), 1.0}, {Seconds(5), 2.0}};
  EXPECT_THAT(RateProfile::FromSpec(steps, 10, Hours(1)).error, HasSubstr("arrival.steps[1]"));
  ArrivalSpec bursts = Spec(ArrivalProcess::kBursts);
  EXPECT_THAT(RateProfile::FromSpec(bursts, 10, Hours(1)).error, HasSubstr("burst_on"));
  EXPECT_THAT(RateProfile::FromSpec(Spec(ArrivalProcess::kPoisson), -1, Hours(1)).error,
              HasSubstr("records_per_sec must be finite and >= 0, got -1"));
}

TEST(RateProfileTest, ProducerSpecOverloadUsesItsRate) {
  ProducerSpec producer;
  producer.records_per_sec = 250.0;
  producer.arrival.process = ArrivalProcess::kPoisson;
  auto p = RateProfile::FromSpec(producer, Seconds(8));
  ASSERT_TRUE(p.ok()) << p.error;
  EXPECT_DOUBLE_EQ(p.value->ExpectedCount(SimTime::Zero(), SimTime::Seconds(8)), 2000.0);
  EXPECT_EQ(p.value->process(), ArrivalProcess::kPoisson);
}

}  // namespace
}  // namespace shardsim
