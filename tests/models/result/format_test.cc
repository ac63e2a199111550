// models/result/format: each prose form gives the bytes of the printf-based helper it replaced
// (the oracles below are those helpers, verbatim but for names), over edge values and a sweep of
// magnitudes; and no form depends on the process's locale.
#include "models/result/format.h"

#include <gtest/gtest.h>

#include <clocale>
#include <cmath>
#include <cstdio>
#include <limits>
#include <locale>
#include <string>
#include <vector>

namespace shardsim {
namespace {

// ---------------------------------------------------------------- the replaced helpers

std::string Printf(const char* format, double v) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// write_findings.cc Percent.
std::string OldSharePercent(double fraction) {
  char buf[32];
  const double pct = fraction * 100.0;
  std::snprintf(buf, sizeof buf, pct > 0 && pct < 0.1 ? "%.2g%%" : "%.1f%%", pct);
  return buf;
}

// write_findings.cc Rate.
std::string OldRate(double bytes_per_s) {
  const char* units[] = {"B/s", "KiB/s", "MiB/s", "GiB/s"};
  int u = 0;
  while (bytes_per_s >= 1024 && u < 3) bytes_per_s /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, bytes_per_s >= 100 || u == 0 ? "%.0f%s" : "%.1f%s", bytes_per_s,
                units[u]);
  return buf;
}

// read_findings.cc Seconds and Bytes.
std::string OldSeconds(double ms) {
  return ms >= 10'000 ? Printf("%.0fs", ms / 1000) : Printf("%.2fs", ms / 1000);
}
std::string OldBytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB"};
  size_t u = 0;
  while (b >= 1024 && u + 1 < std::size(units)) {
    b /= 1024;
    ++u;
  }
  return Printf(u == 0 || b >= 100 ? "%.0f" : b >= 10 ? "%.1f" : "%.2f", b) + units[u];
}

// slo_check.cc Ms and Pct.
std::string OldMs(double ms) {
  return ms >= 10'000 ? Printf("%.1fs", ms / 1000) : Printf("%.0fms", ms);
}

// 0, then values from 1e-7 to 1e13 at 40 steps per decade, each also nudged to just below and
// above the rounding boundaries ("x.x5") where printf and a careless formatter part ways.
std::vector<double> Sweep() {
  std::vector<double> v = {0.0,     0.05,   0.0995, 0.1,     0.125,    0.5,       0.995,
                           1,       9.995,  10,     99.95,   99.5,     100,       999.5,
                           1023.95, 1024,   1024.5, 10239.5, 102399.5, 1048575.5, 1048576,
                           9999.4,  9999.5, 10000,  99999.5, 100000,   2.5,       0.0105};
  for (int i = -280; i <= 520; ++i) {
    const double x = std::pow(10.0, i / 40.0);
    v.push_back(x);
    v.push_back(std::nextafter(x, 0.0));
    v.push_back(std::round(x * 100) / 100 + 0.005);
  }
  return v;
}

TEST(FormatTest, FixedEqualsPrintfForNonNegativeValues) {
  for (double v : Sweep()) {
    for (int d : {0, 1, 2, 3, 6}) {
      const std::string format = "%." + std::to_string(d) + "f";
      EXPECT_EQ(Fixed(v, d), Printf(format.c_str(), v)) << v << " " << d;
      EXPECT_EQ(SignedFixed(-v, d), Printf(format.c_str(), -v)) << -v << " " << d;
    }
  }
}

TEST(FormatTest, FixedDropsTheSignOfZeroButSignedFixedKeepsIt) {
  EXPECT_EQ(Fixed(-0.004, 2), "0.00");
  EXPECT_EQ(Fixed(-0.0, 1), "0.0");
  EXPECT_EQ(Fixed(-0.006, 2), "-0.01");
  EXPECT_EQ(SignedFixed(-0.004, 2), "-0.00");
  EXPECT_EQ(Fixed(1e300, 0).size(), 301u);  // no buffer limit on huge values
}

TEST(FormatTest, SignificantDigitsEqualsPrintfG) {
  for (double v : Sweep()) {
    EXPECT_EQ(SignificantDigits(v, 2), Printf("%.2g", v)) << v;
    EXPECT_EQ(SignificantDigits(v, 3), Printf("%.3g", v)) << v;
  }
  EXPECT_EQ(SignificantDigits(2e10, 3), "2e+10");
}

TEST(FormatTest, GroupedSeparatesThousands) {
  EXPECT_EQ(Grouped(0), "0");
  EXPECT_EQ(Grouped(999), "999");
  EXPECT_EQ(Grouped(1000), "1,000");
  EXPECT_EQ(Grouped(1801884), "1,801,884");
  EXPECT_EQ(Grouped(18446744073709551615ull), "18,446,744,073,709,551,615");
}

TEST(FormatTest, CountGroupsWholeValuesAndRoundsOthers) {
  EXPECT_EQ(Count(2030), "2,030");
  EXPECT_EQ(Count(82.125), "82.1");
  EXPECT_EQ(Count(std::numeric_limits<double>::quiet_NaN()), "-");
}

TEST(FormatTest, PercentFormsMatchTheHelpersTheyReplaced) {
  for (double v : Sweep()) {
    const double f = v / 1000;  // fractions from 1e-10 to 1e10
    EXPECT_EQ(SharePercent(f), OldSharePercent(f)) << f;
    EXPECT_EQ(PercentOneDecimal(f), Printf("%.1f%%", f * 100)) << f;
    EXPECT_EQ(PercentTwoDecimals(f), Printf("%.2f%%", f * 100)) << f;
  }
  EXPECT_EQ(SharePercent(0.00047), "0.047%");
  EXPECT_EQ(PercentWhole(0.004), "<1%");
  EXPECT_EQ(PercentWhole(2.03), "203%");
  EXPECT_EQ(PercentWhole(0), "0%");
}

TEST(FormatTest, DurationFormsMatchTheHelpersTheyReplaced) {
  for (double ms : Sweep()) {
    EXPECT_EQ(SecondsFromMillis(ms), OldSeconds(ms)) << ms;
    EXPECT_EQ(MillisWhole(ms), OldMs(ms)) << ms;
  }
  EXPECT_EQ(Millis(0.5123), "0.512ms");
  EXPECT_EQ(Millis(41.26), "41.3ms");
  EXPECT_EQ(Millis(12'500), "12.5s");
  EXPECT_EQ(Millis(124'000), "124s");
}

TEST(FormatTest, ByteFormsMatchTheHelpersTheyReplaced) {
  for (double b : Sweep()) {
    EXPECT_EQ(ApproxByteRate(b), OldRate(b)) << b;
    if (b < 1024.0 * 1024 * 1024 * 1024) {  // the old helper stopped at GiB
      EXPECT_EQ(ApproxBytes(b), OldBytes(b)) << b;
    }
  }
  EXPECT_EQ(ApproxBytes(88'474), "86.4KiB");
  EXPECT_EQ(ApproxBytes(2.0 * 1024 * 1024 * 1024 * 1024), "2.00TiB");
  EXPECT_EQ(ApproxByteRate(747.0 * 1024), "747KiB/s");
  EXPECT_EQ(ApproxByteRate(1.5 * 1024 * 1024), "1.5MiB/s");
}

// A numpunct with a decimal comma and grouping, as a German locale has.
struct CommaDecimal : std::numpunct<char> {
  char do_decimal_point() const override { return ','; }
  char do_thousands_sep() const override { return '.'; }
  std::string do_grouping() const override { return "\3"; }
};

TEST(FormatTest, OutputDoesNotDependOnTheLocale) {
  const std::locale previous =
      std::locale::global(std::locale(std::locale::classic(), new CommaDecimal));
  // Also the C locale, where the machine has one with a decimal comma (CI's may not).
  const std::string c_locale = std::setlocale(LC_ALL, nullptr);
  for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8"}) {
    if (std::setlocale(LC_NUMERIC, name) != nullptr) break;
  }
  EXPECT_EQ(Fixed(1234.5, 1), "1234.5");
  EXPECT_EQ(PercentOneDecimal(0.601), "60.1%");
  EXPECT_EQ(SharePercent(0.00047), "0.047%");
  EXPECT_EQ(ApproxBytes(88'474), "86.4KiB");
  EXPECT_EQ(Grouped(1801884), "1,801,884");
  EXPECT_EQ(SignificantDigits(2.5e10, 3), "2.5e+10");
  std::setlocale(LC_ALL, c_locale.c_str());
  std::locale::global(previous);
}

}  // namespace
}  // namespace shardsim
