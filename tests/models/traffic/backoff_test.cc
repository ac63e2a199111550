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

TEST(BackoffTest, FullJitterIsUniformBelowTheCeiling) {
  RetrySpec c = Retry(Millis(100), 2.0, Seconds(20), Jitter::kFull);
  Rng rng(2);
  double sum = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const SimDuration d = BackoffDelay(c, 3, Millis(0), rng);  // ceiling 400 ms
    ASSERT_GE(d, Millis(0));
    ASSERT_LE(d, Millis(400));
    sum += d.millis();
  }
  // Uniform[0, 400]: mean 200, sd 115.5; 5 standard errors = 1.83 ms.
  EXPECT_NEAR(sum / n, 200.0, 1.83);
}

TEST(BackoffTest, EqualJitterKeepsHalfTheCeiling) {
  RetrySpec c = Retry(Millis(100), 2.0, Seconds(20), Jitter::kEqual);
  Rng rng(3);
  double sum = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const SimDuration d = BackoffDelay(c, 2, Millis(0), rng);  // ceiling 200 ms
    ASSERT_GE(d, Millis(100));
    ASSERT_LE(d, Millis(200));
    sum += d.millis();
  }
  EXPECT_NEAR(sum / n, 150.0, 5 * 28.87 / std::sqrt(n));
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
