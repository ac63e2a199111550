// Retry backoff schedules for producers: capped exponential backoff with the jitter strategies of
// the AWS Architecture Blog "Exponential Backoff and Jitter" (none, full, equal, decorrelated).
// Pure functions of (config, attempt, previous delay, rng); no state. Thread-compatible.
#pragma once

#include <algorithm>
#include <cstdint>

#include "models/spec/scenario.h"
#include "sim/rng.h"
#include "sim/time.h"

namespace shardsim {

// Ceiling for retry number `retry` (1 = first retry):
// min(max_delay, base_delay * multiplier^(retry-1)).
inline int64_t BackoffCeilingNanos(const RetrySpec& c, int retry) {
  double d = static_cast<double>(c.base_delay.nanos());
  const double cap = static_cast<double>(c.max_delay.nanos());
  for (int i = 1; i < retry && d < cap; ++i) d *= c.multiplier;
  return static_cast<int64_t>(std::min(d, cap));
}

// Delay before retry number `retry` (>= 1). `previous` is the delay used before the previous
// retry (decorrelated jitter only; pass Zero for the first retry).
inline SimDuration BackoffDelay(const RetrySpec& c, int retry, SimDuration previous, Rng& rng) {
  const int64_t ceiling = BackoffCeilingNanos(c, retry);
  switch (c.jitter) {
    case Jitter::kNone:
      return SimDuration::Nanos(ceiling);
    case Jitter::kFull:  // uniform in [0, ceiling]
      return SimDuration::Nanos(
          static_cast<int64_t>(rng.Below(static_cast<uint64_t>(ceiling) + 1)));
    case Jitter::kEqual: {  // ceiling/2 + uniform in [0, ceiling/2]
      const int64_t half = ceiling / 2;
      return SimDuration::Nanos(half +
                                static_cast<int64_t>(rng.Below(static_cast<uint64_t>(half) + 1)));
    }
    case Jitter::kDecorrelated: {  // min(cap, uniform in [base, 3 * previous])
      const int64_t base = c.base_delay.nanos();
      const int64_t hi = std::max(base, 3 * std::max(previous.nanos(), base));
      const int64_t d =
          base + static_cast<int64_t>(rng.Below(static_cast<uint64_t>(hi - base) + 1));
      return SimDuration::Nanos(std::min(d, c.max_delay.nanos()));
    }
  }
  return SimDuration::Nanos(ceiling);
}

}  // namespace shardsim
