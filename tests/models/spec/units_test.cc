// Tests for models/units: every unit against hand-computed exact values (KiB = 1024 B and
// KB = 1000 B exactly), decimal fractions without floating-point error, rounding, the error
// messages for typical mistakes, and the formatters (including parse(format(x)) == x).
#include "models/spec/units.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace shardsim {
namespace {

int64_t Ns(std::string_view text) {
  const Parsed<SimDuration> p = ParseDuration(text);
  EXPECT_TRUE(p.ok()) << text << ": " << p.error;
  EXPECT_EQ(p.error.empty(), p.ok());
  return p.ok() ? p.value->nanos() : -1;
}

int64_t Bytes(std::string_view text) {
  const Parsed<int64_t> p = ParseSizeBytes(text);
  EXPECT_TRUE(p.ok()) << text << ": " << p.error;
  return p.ok() ? *p.value : -1;
}

std::string DurationError(std::string_view text) {
  const Parsed<SimDuration> p = ParseDuration(text);
  EXPECT_FALSE(p.ok()) << text;
  return p.error;
}

std::string SizeError(std::string_view text) {
  const Parsed<int64_t> p = ParseSizeBytes(text);
  EXPECT_FALSE(p.ok()) << text;
  return p.error;
}

TEST(UnitsTest, ParsesEveryDurationUnitExactly) {
  EXPECT_EQ(Ns("7ns"), 7);
  EXPECT_EQ(Ns("100us"), 100'000);
  EXPECT_EQ(Ns("100\xC2\xB5s"), 100'000);  // µs
  EXPECT_EQ(Ns("250ms"), 250'000'000);
  EXPECT_EQ(Ns("90s"), 90'000'000'000);
  EXPECT_EQ(Ns("2min"), 120'000'000'000);
  EXPECT_EQ(Ns("1h"), 3'600'000'000'000);
  EXPECT_EQ(Ns("7d"), 604'800'000'000'000);
  EXPECT_EQ(Ns("0s"), 0);
}

TEST(UnitsTest, ParsesDecimalFractionsWithoutFloatingPointError) {
  EXPECT_EQ(Ns("1.5s"), 1'500'000'000);
  EXPECT_EQ(Ns("0.1s"), 100'000'000);  // 0.1 is not exact in binary; here it must be
  EXPECT_EQ(Ns("0.3s"), 300'000'000);
  EXPECT_EQ(Ns("1.000000001s"), 1'000'000'001);
  EXPECT_EQ(Ns("0.25h"), 900'000'000'000);
  EXPECT_EQ(Ns("2.5min"), 150'000'000'000);
  // Below one nanosecond: half-up rounding to whole nanoseconds.
  EXPECT_EQ(Ns("1.5ns"), 2);
  EXPECT_EQ(Ns("1.49ns"), 1);
  EXPECT_EQ(Ns("0.0000000005s"), 1);
  EXPECT_EQ(Ns("0.0000000004s"), 0);
}

TEST(UnitsTest, AllowsSpacesAroundTheNumberAndUnit) {
  EXPECT_EQ(Ns(" 250 ms "), 250'000'000);
  EXPECT_EQ(Bytes("5 MiB"), 5 * 1024 * 1024);
}

TEST(UnitsTest, DurationRangeEndsJustBelowTwoToThe63Nanoseconds) {
  // 106751d = 9.2233e18 ns fits in int64; 106752d does not.
  EXPECT_EQ(Ns("106751d"), 106'751LL * 86'400'000'000'000LL);
  EXPECT_NE(DurationError("106752d").find("too large"), std::string::npos);
}

TEST(UnitsTest, RejectsBadDurationsWithAHint) {
  EXPECT_EQ(DurationError("250"),
            "expected a duration like \"250ms\", got \"250\" (add a unit: ns, us, ms, s, min, h "
            "or d)");
  EXPECT_EQ(DurationError("5m"),
            "expected a duration like \"250ms\", got \"5m\" (\"m\" is ambiguous: use \"min\" for "
            "minutes or \"ms\" for milliseconds)");
  EXPECT_EQ(DurationError("5 seconds"),
            "expected a duration like \"250ms\", got \"5 seconds\" (unknown unit \"seconds\", use "
            "\"s\")");
  EXPECT_EQ(DurationError("5MS"),
            "expected a duration like \"250ms\", got \"5MS\" (unknown unit \"MS\", did you mean "
            "\"ms\"?)");
  EXPECT_EQ(DurationError("-1s"),
            "expected a duration like \"250ms\", got \"-1s\" (must not be negative)");
  EXPECT_EQ(DurationError("1.s"),
            "expected a duration like \"250ms\", got \"1.s\" (digits must follow the \".\")");
  EXPECT_EQ(DurationError(""), "expected a duration like \"250ms\", got \"\"");
  EXPECT_EQ(DurationError("fast"), "expected a duration like \"250ms\", got \"fast\"");
  EXPECT_NE(DurationError("1e3s").find("unknown unit \"e3s\""), std::string::npos);
  EXPECT_NE(DurationError("1234567890123456789s").find("too many digits"), std::string::npos);
}

TEST(UnitsTest, KibibytesAndKilobytesAreExactPowersOfTwoAndTen) {
  EXPECT_EQ(Bytes("700B"), 700);
  EXPECT_EQ(Bytes("1KiB"), 1024);
  EXPECT_EQ(Bytes("1KB"), 1000);
  EXPECT_EQ(Bytes("1kB"), 1000);
  EXPECT_EQ(Bytes("5MiB"), 5'242'880);
  EXPECT_EQ(Bytes("1.5MB"), 1'500'000);
  EXPECT_EQ(Bytes("1.5MiB"), 1'572'864);
  EXPECT_EQ(Bytes("1GiB"), 1'073'741'824);
  EXPECT_EQ(Bytes("1GB"), 1'000'000'000);
  EXPECT_EQ(Bytes("2TB"), 2'000'000'000'000);
  EXPECT_EQ(Bytes("1TiB"), 1'099'511'627'776);
  EXPECT_EQ(Bytes("0B"), 0);
  // Fractional bytes round half-up: 1.1 KiB = 1126.4 B, 0.5 B = 1 B.
  EXPECT_EQ(Bytes("1.1KiB"), 1126);
  EXPECT_EQ(Bytes("0.5B"), 1);
  EXPECT_EQ(Bytes("0.4B"), 0);
}

TEST(UnitsTest, RejectsBadSizesWithAHint) {
  EXPECT_EQ(SizeError("700"),
            "expected a size like \"700B\" or \"5MiB\", got \"700\" (add a unit: B, KB, MB, GB, "
            "KiB, MiB or GiB)");
  EXPECT_EQ(SizeError("5mib"),
            "expected a size like \"700B\" or \"5MiB\", got \"5mib\" (unknown unit \"mib\", did "
            "you mean \"MiB\"?)");
  EXPECT_EQ(SizeError("2MiB/s"),
            "expected a size like \"700B\" or \"5MiB\", got \"2MiB/s\" (that is a rate; a size "
            "has no \"/s\")");
  EXPECT_NE(SizeError("5 bytes").find("unknown unit \"bytes\""), std::string::npos);
  EXPECT_NE(SizeError("9000000TiB").find("too large"), std::string::npos);
}

TEST(UnitsTest, ParsesRecordRates) {
  auto rate = [](std::string_view text) {
    const Parsed<double> p = ParseRecordRatePerSec(text);
    EXPECT_TRUE(p.ok()) << text << ": " << p.error;
    return p.ok() ? *p.value : -1.0;
  };
  EXPECT_DOUBLE_EQ(rate("5000/s"), 5000.0);
  EXPECT_DOUBLE_EQ(rate("300/min"), 5.0);
  EXPECT_DOUBLE_EQ(rate("7200/h"), 2.0);
  EXPECT_DOUBLE_EQ(rate("1.5k/s"), 1500.0);
  EXPECT_DOUBLE_EQ(rate("2M/min"), 2e6 / 60.0);
  EXPECT_DOUBLE_EQ(rate("0.5/s"), 0.5);
  EXPECT_DOUBLE_EQ(rate("6000 / s"), 6000.0);
  EXPECT_DOUBLE_EQ(rate("0/s"), 0.0);
}

TEST(UnitsTest, RejectsBadRecordRatesWithAHint) {
  auto error = [](std::string_view text) {
    const Parsed<double> p = ParseRecordRatePerSec(text);
    EXPECT_FALSE(p.ok()) << text;
    return p.error;
  };
  EXPECT_EQ(error("fast"), "expected a rate like \"5000/s\", got \"fast\"");
  EXPECT_EQ(error("5000"),
            "expected a rate like \"5000/s\", got \"5000\" (add a time unit: \"/s\", \"/min\" or "
            "\"/h\")");
  EXPECT_EQ(error("2MiB/s"),
            "expected a rate like \"5000/s\", got \"2MiB/s\" (that is a byte rate; a record rate "
            "counts records, e.g. \"5000/s\")");
  EXPECT_EQ(error("5000/sec"),
            "expected a rate like \"5000/s\", got \"5000/sec\" (unknown time unit \"sec\"; use "
            "\"/s\", \"/min\" or \"/h\")");
}

TEST(UnitsTest, ParsesByteRates) {
  auto rate = [](std::string_view text) {
    const Parsed<double> p = ParseByteRatePerSec(text);
    EXPECT_TRUE(p.ok()) << text << ": " << p.error;
    return p.ok() ? *p.value : -1.0;
  };
  EXPECT_DOUBLE_EQ(rate("2MiB/s"), 2.0 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(rate("500KB/s"), 500'000.0);
  EXPECT_DOUBLE_EQ(rate("60MB/min"), 1'000'000.0);
  EXPECT_DOUBLE_EQ(rate("1.5KiB/s"), 1536.0);
  const Parsed<double> bare = ParseByteRatePerSec("5000/s");
  ASSERT_FALSE(bare.ok());
  EXPECT_EQ(bare.error,
            "expected a byte rate like \"2MiB/s\", got \"5000/s\" (add a size unit, e.g. "
            "\"2MiB/s\")");
  const Parsed<double> no_time = ParseByteRatePerSec("2MiB");
  ASSERT_FALSE(no_time.ok());
  EXPECT_NE(no_time.error.find("add a time unit"), std::string::npos);
}

TEST(UnitsTest, FormatsInTheLargestExactUnit) {
  EXPECT_EQ(FormatDuration(Seconds(90)), "90s");
  EXPECT_EQ(FormatDuration(Minutes(2)), "2min");
  EXPECT_EQ(FormatDuration(Hours(8760)), "8760h");
  EXPECT_EQ(FormatDuration(Millis(1500)), "1500ms");
  EXPECT_EQ(FormatDuration(Nanos(7)), "7ns");
  EXPECT_EQ(FormatDuration(SimDuration::Zero()), "0s");
  EXPECT_EQ(FormatBytes(5 * 1024 * 1024), "5MiB");
  EXPECT_EQ(FormatBytes(1000), "1KB");
  EXPECT_EQ(FormatBytes(51'200), "50KiB");
  EXPECT_EQ(FormatBytes(700), "700B");
  EXPECT_EQ(FormatBytes(0), "0B");
  EXPECT_EQ(FormatRecordRate(5000), "5000/s");
  EXPECT_EQ(FormatRecordRate(0.5), "0.5/s");
  EXPECT_EQ(FormatByteRate(2.0 * 1024 * 1024), "2MiB/s");
  EXPECT_EQ(FormatByteRate(1234.5), "1234.5B/s");
}

TEST(UnitsTest, FormattedValuesParseBackToThemselves) {
  for (int64_t ns : {int64_t{1}, int64_t{999}, int64_t{1'500'000}, int64_t{86'400'000'000'000},
                     int64_t{123'456'789'012}}) {
    EXPECT_EQ(Ns(FormatDuration(Nanos(ns))), ns);
  }
  for (int64_t b : {int64_t{1}, int64_t{1000}, int64_t{1024}, int64_t{51'200},
                    int64_t{1'048'576'000}, int64_t{3'000'000'000}}) {
    EXPECT_EQ(Bytes(FormatBytes(b)), b);
  }
}

}  // namespace
}  // namespace shardsim
