// Tests for producer retry backoff schedules.
#include "models/traffic/backoff.h"

#include <gtest/gtest.h>

#include <cmath>

namespace shardsim {
namespace {

RetrySpec Retry(SimDuration base, double multiplier, SimDuration cap, Jitter jitter) {
  RetrySpec r;
  r.base_delay = base;
  r.multiplier = multiplier;
  r.max_delay = cap;
  r.jitter = jitter;
  return r;
}

TEST(BackoffTest, CeilingGrowsGeometricallyUpToTheCap) {
  RetrySpec c = Retry(Millis(100), 2.0, Seconds(1), Jitter::kNone);
  Rng rng(1);
  const int64_t expected_ms[] = {100, 200, 400, 800, 1000, 1000, 1000};
  for (int retry = 1; retry <= 7; ++retry) {
    EXPECT_EQ(BackoffDelay(c, retry, Millis(0), rng), Millis(expected_ms[retry - 1])) << retry;
  }
  EXPECT_EQ(BackoffCeilingNanos(c, 1000), Seconds(1).nanos());  // no overflow for huge retries
}

// 100,000 delays of retry `retry` (base 100 ms, factor 2, cap 20 s): each in [low, high], their
// mean within `tolerance_ms` of `mean_ms`.
void ExpectDelays(Jitter jitter, uint64_t seed, int retry, SimDuration low, SimDuration high,
                  double mean_ms, double tolerance_ms) {
  RetrySpec c = Retry(Millis(100), 2.0, Seconds(20), jitter);
  Rng rng(seed);
  double sum = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const SimDuration d = BackoffDelay(c, retry, Millis(0), rng);
    ASSERT_GE(d, low);
    ASSERT_LE(d, high);
    sum += d.millis();
  }
  EXPECT_NEAR(sum / n, mean_ms, tolerance_ms);
}

TEST(BackoffTest, FullJitterIsUniformBelowTheCeiling) {
  // Ceiling 400 ms. Uniform[0, 400]: mean 200, sd 115.5; 5 standard errors = 1.83 ms.
  ExpectDelays(Jitter::kFull, 2, 3, Millis(0), Millis(400), 200.0, 1.83);
}

TEST(BackoffTest, EqualJitterKeepsHalfTheCeiling) {
  // Ceiling 200 ms: uniform[100, 200], sd 28.87.
  ExpectDelays(Jitter::kEqual, 3, 2, Millis(100), Millis(200), 150.0,
               5 * 28.87 / std::sqrt(100000));
}

TEST(BackoffTest, DecorrelatedJitterStaysBetweenBaseAndThreeTimesThePreviousDelay) {
  RetrySpec c = Retry(Millis(100), 2.0, Seconds(2), Jitter::kDecorrelated);
  Rng rng(4);
  SimDuration prev = Millis(0);
  for (int retry = 1; retry < 1000; ++retry) {
    const SimDuration d = BackoffDelay(c, retry, prev, rng);
    ASSERT_GE(d, Millis(100));
    // AWS's formula starts from sleep = base: min(cap, uniform[base, 3 * max(prev, base)]).
    ASSERT_LE(d, std::min(Seconds(2), std::max(Millis(100), prev) * 3));
    prev = d;
  }
}

}  // namespace
}  // namespace shardsim
