// Per-record and per-call samplers built once from spec structs: record sizes (SizeSampler),
// random durations (LatencySampler) and batch processing times (ProcessingSampler). Immutable
// after building, so one sampler may be shared by threads that own their Rngs. Sample() is a
// switch on the distribution with no allocation and no virtual call.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "models/spec/scenario.h"
#include "models/spec/units.h"
#include "sim/random.h"
#include "sim/rng.h"
#include "sim/time.h"

namespace shardsim {
namespace internal {
// Round half up for 0 <= x < 2^63 (callers clamp first). Inline add-and-truncate instead of
// llround, a libm call on baseline x86-64; it differs only at x = 0.5 - 2^-54, which no caller
// cares about.
inline int64_t RoundNonNegative(double x) {
  return static_cast<int64_t>(x + 0.5);  // NOLINT(bugprone-incorrect-roundings)
}
}  // namespace internal

// Record data sizes in whole bytes >= 0.
//   fixed      size_bytes.
//   uniform    every integer in [min_bytes, max_bytes] equally likely.
//   lognormal  median_bytes and p99_bytes, rounded to the nearest byte; with max_bytes > 0 values
//              above it become max_bytes (clamped, not redrawn: the cap is a hard size limit).
//   empirical  CSV with a header row and columns `size` (whole bytes >= 0) and `weight` (>= 0,
//              positive sum), any order; drawn with an alias table.
class SizeSampler {
 public:
  // Errors name the field or the file and line (`sizes.csv:4: expected ...`).
  static Parsed<SizeSampler> FromSpec(const SizeSpec& spec);

  int64_t Sample(Rng& rng) const {
    switch (dist_) {
      case SizeDist::kFixed:
        return base_bytes_;
      case SizeDist::kUniform:
        return base_bytes_ + static_cast<int64_t>(rng.Below(span_));
      case SizeDist::kLognormal: {
        const double x = std::exp(mu_ + sigma_ * SampleStandardNormal(rng));
        return internal::RoundNonNegative(std::min(x, limit_bytes_));
      }
      case SizeDist::kEmpirical:
        return sizes_[table_->Sample(rng)];
    }
    return base_bytes_;
  }
  // Exact mean, except lognormal: the mean of the continuous (capped) distribution, which the
  // rounding to whole bytes moves by a negligible amount once the median is a few bytes.
  double MeanBytes() const { return mean_bytes_; }
  // Largest possible sample; lognormal without a cap: INT64_MAX.
  int64_t MaxBytes() const { return max_bytes_; }

 private:
  SizeSampler() = default;

  SizeDist dist_ = SizeDist::kFixed;
  int64_t base_bytes_ = 0;  // fixed: the size; uniform: the minimum
  uint64_t span_ = 1;       // uniform: number of sizes
  double mu_ = 0;           // lognormal: of ln(bytes)
  double sigma_ = 0;
  double limit_bytes_ = 0;         // lognormal: the cap, or just below INT64_MAX without one
  std::optional<Discrete> table_;  // empirical: index into sizes_
  std::vector<int64_t> sizes_;
  double mean_bytes_ = 0;
  int64_t max_bytes_ = 0;
};

// A random duration, rounded to whole nanoseconds.
//   fixed        value.
//   uniform      every nanosecond in [min, max] equally likely.
//   exponential  mean.
//   lognormal    median and p99.
// Samples are capped at 2^62 ns (146 years) so that heavy tails cannot overflow SimTime.
class LatencySampler {
 public:
  // REQUIRES: spec valid as the loader checks it (uniform 0 <= min <= max, exponential mean > 0,
  // lognormal 0 < median <= p99, fixed value >= 0).
  explicit LatencySampler(const LatencySpec& spec);

  SimDuration Sample(Rng& rng) const {
    switch (dist_) {
      case LatencyDist::kFixed:
        return SimDuration::Nanos(base_ns_);
      case LatencyDist::kUniform:
        return SimDuration::Nanos(base_ns_ + static_cast<int64_t>(rng.Below(span_)));
      case LatencyDist::kExponential:
        return Round(scale_ * SampleStandardExponential(rng));
      case LatencyDist::kLognormal:
        return Round(std::exp(scale_ + sigma_ * SampleStandardNormal(rng)));
    }
    return SimDuration::Nanos(base_ns_);
  }
  // Of the distribution, rounded to whole nanoseconds (the 2^62 ns cap ignored).
  SimDuration Mean() const { return mean_; }

 private:
  static constexpr double kLimitNs = 0x1.0p62;
  static SimDuration Round(double ns) {
    return SimDuration::Nanos(internal::RoundNonNegative(std::min(ns, kLimitNs)));
  }

  LatencyDist dist_;
  int64_t base_ns_ = 0;  // fixed: the value; uniform: min
  uint64_t span_ = 1;    // uniform: max - min + 1
  double scale_ = 0;     // exponential: mean in ns; lognormal: mu of ln(ns)
  double sigma_ = 0;     // lognormal
  SimDuration mean_;
};

// Processing time of one batch: (per_batch + records * per_record + bytes / 2^20 * per_mib), the
// MiB term rounded to the nearest nanosecond, times a lognormal factor with median 1 and 99th
// percentile p99_factor when the distribution is lognormal (one normal draw per call, also when
// the base time is 0, so the draw count does not depend on the batch).
class ProcessingSampler {
 public:
  // REQUIRES: durations >= 0; lognormal: p99_factor >= 1 and finite.
  explicit ProcessingSampler(const ProcessingSpec& spec);

  // REQUIRES: records >= 0, bytes >= 0.
  SimDuration Sample(Rng& rng, int64_t records, int64_t bytes) const {
    const SimDuration base = Base(records, bytes);
    if (!lognormal_) return base;
    const double ns =
        static_cast<double>(base.nanos()) * std::exp(sigma_ * SampleStandardNormal(rng));
    return SimDuration::Nanos(internal::RoundNonNegative(std::min(ns, 0x1.0p62)));
  }
  // The deterministic part (the median when lognormal).
  SimDuration Base(int64_t records, int64_t bytes) const {
    const Uint128 mib_term = static_cast<Uint128>(bytes) * static_cast<uint64_t>(per_mib_ns_);
    return SimDuration::Nanos(per_batch_ns_ + records * per_record_ns_ +
                              static_cast<int64_t>((mib_term + (Uint128{1} << 19)) >> 20));
  }
  // Base times the factor's mean exp(sigma^2 / 2), rounded to whole nanoseconds.
  SimDuration Mean(int64_t records, int64_t bytes) const;

 private:
  int64_t per_batch_ns_;
  int64_t per_record_ns_;
  int64_t per_mib_ns_;
  bool lognormal_;
  double sigma_ = 0;  // of ln(factor)
};

}  // namespace shardsim
