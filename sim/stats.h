// Streaming statistics: Counter, TimeWeightedGauge, LogHistogram, TimeSeries. Memory never grows
// with the number of samples (TimeSeries grows with simulated time / window width only); the
// record paths are inline and allocation-free except on a histogram's first value in a new octave
// or a series' first value in a new window. Not thread-safe: each simulation owns its statistics.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "sim/check.h"
#include "sim/rng.h"
#include "sim/time.h"

namespace shardsim {

class Counter {
 public:
  void Add(uint64_t n = 1) { value_ += n; }
  uint64_t value() const { return value_; }
  void Reset() { value_ = 0; }

 private:
  uint64_t value_ = 0;
};

// Time integral of a piecewise-constant level (queue length, records in flight, concurrency).
// The level holds its value from one Set to the next; Mean divides the integral by elapsed time.
// Min and Max include the initial value.
class TimeWeightedGauge {
 public:
  explicit TimeWeightedGauge(SimTime start = SimTime::Zero(), double initial = 0.0)
      : start_(start), last_(start), value_(initial), min_(initial), max_(initial) {}

  // REQUIRES: now >= the time of the previous Set/Add (and >= start).
  void Set(SimTime now, double value) {
    SHARDSIM_CHECK(now >= last_, "gauge time went backwards");
    integral_ += value_ * static_cast<double>((now - last_).nanos());
    last_ = now;
    value_ = value;
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }
  void Add(SimTime now, double delta) { Set(now, value_ + delta); }

  // Time average over [start, until]; the current level at until == start.
  // REQUIRES: until >= the time of the last Set.
  double Mean(SimTime until) const;
  double Current() const { return value_; }
  double Min() const { return min_; }
  double Max() const { return max_; }
  SimTime start() const { return start_; }

  // Forgets history before now (warm-up deletion); the current level carries on.
  // REQUIRES: now >= the time of the last Set.
  void Restart(SimTime now);

 private:
  SimTime start_;
  SimTime last_;
  double value_;
  double min_;
  double max_;
  double integral_ = 0.0;  // sum of level * nanoseconds since start_
};

// Log-bucketed histogram of non-negative integers (HDR-histogram layout). Values 0..255 have
// exact buckets; above, each power of two [2^k, 2^(k+1)) is split into 128 equal sub-buckets of
// width 2^(k-7). Quantile reports the midpoint of the bucket holding the nearest-rank sample,
// clamped to [Min, Max], so it is within kMaxRelativeError = 1/256 (0.39 %) of the exact
// order statistic; p = 0 and p = 1 give Min and Max exactly. Count, Sum, Min, Max and the mean are
// exact (128-bit sum).
//
// Memory: one uint64 count per bucket, allocated lazily up to the highest octave seen: 2 KiB for
// values < 256, then 1 KiB per further octave (values < 2^37 ns ~ 137 s: 31 KiB; the whole uint64
// range: 7424 buckets, 58 KiB). Growth on the first value in a new octave is the only allocation.
//
// Why not Boost.Histogram (1.74): its log axis costs a std::log per fill and has floating-point
// bin edges (no exact small integers), and it offers no quantile; the clz-based index here is a
// handful of integer instructions.
class LogHistogram {
 public:
  static constexpr int kSubBucketBits = 7;
  static constexpr double kMaxRelativeError = 1.0 / 256.0;

  void Record(uint64_t value) {
    const size_t i = BucketIndex(value);
    if (i >= counts_.size()) [[unlikely]]
      Grow(i);
    ++counts_[i];
    ++count_;
    sum_ += value;
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }
  // Records `count` occurrences of value (count 0 records nothing).
  void Record(uint64_t value, uint64_t count) {
    if (count == 0) return;
    const size_t i = BucketIndex(value);
    if (i >= counts_.size()) [[unlikely]]
      Grow(i);
    counts_[i] += count;
    count_ += count;
    sum_ += static_cast<Uint128>(value) * count;
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }

  uint64_t Count() const { return count_; }
  Uint128 Sum() const { return sum_; }
  // 0 when empty.
  double Mean() const;
  uint64_t Min() const { return count_ ? min_ : 0; }
  uint64_t Max() const { return count_ ? max_ : 0; }
  // Nearest-rank quantile: the value of the ceil(p * Count())-th smallest sample (at least the
  // first), within kMaxRelativeError. 0 when empty. REQUIRES: 0 <= p <= 1.
  uint64_t Quantile(double p) const;

  // Points (x, F(x)) of the empirical CDF, F(x) = exact fraction of samples <= x, at the bucket
  // edges where F crosses i/n for i = 1..n (duplicates merged, so at most n points, ascending;
  // the last is (Max, 1)). x is a bucket's upper edge clamped to Max. Empty when no samples.
  // REQUIRES: n >= 1.
  std::vector<std::pair<uint64_t, double>> CdfPoints(size_t n) const;

  void Merge(const LogHistogram& other);
  // Clears the samples and keeps the bucket memory (so a warm-up reset does not reallocate).
  void Reset();

  // Calls f(lower_edge, count) for each non-empty bucket, ascending by lower edge (BucketLow):
  // what a result needs to carry the distribution (models/result/histogram.h).
  template <class F>
  void ForEachNonEmptyBucket(F&& f) const {
    for (size_t i = 0; i < counts_.size(); ++i) {
      if (counts_[i] != 0) f(BucketLow(i), counts_[i]);
    }
  }

  size_t bucket_count() const { return counts_.size(); }
  size_t MemoryBytes() const { return sizeof(*this) + counts_.capacity() * sizeof(uint64_t); }

  // Same samples in the same buckets (bucket memory size is ignored).
  bool operator==(const LogHistogram& other) const;

  // Branch-free. OR-ing in 128 makes every value < 256 take shift 0 (exact buckets 0..255);
  // above, shift = msb - 7 keeps the top 8 bits: octave selects the row, bits 0..6 the sub-bucket.
  static constexpr size_t BucketIndex(uint64_t value) {
    const int shift = 63 - __builtin_clzll(value | kSubBuckets) - kSubBucketBits;
    return (static_cast<size_t>(shift) << kSubBucketBits) + static_cast<size_t>(value >> shift);
  }
  // Smallest value and width of bucket i.
  static constexpr uint64_t BucketLow(size_t i) {
    if (i < kExactLimit) return i;
    const int shift = static_cast<int>(i >> kSubBucketBits) - 1;
    return ((i & (kSubBuckets - 1)) + kSubBuckets) << shift;
  }
  static constexpr uint64_t BucketWidth(size_t i) {
    return i < kExactLimit ? 1 : uint64_t{1} << ((i >> kSubBucketBits) - 1);
  }

 private:
  static constexpr uint64_t kSubBuckets = uint64_t{1} << kSubBucketBits;
  static constexpr uint64_t kExactLimit = 2 * kSubBuckets;  // values below are exact

  void Grow(size_t index);
  // Bucket-midpoint estimate of the value in bucket i, clamped to [min_, max_].
  uint64_t Representative(size_t i) const;

  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  Uint128 sum_ = 0;
  uint64_t min_ = std::numeric_limits<uint64_t>::max();
  uint64_t max_ = 0;
};

// Values aggregated per fixed window [i * width, (i + 1) * width) from t = 0: sum, count, max and
// the last value added (carried forward into windows that received nothing, for level-style
// series such as iterator age). 32 bytes per window; windows are appended as time advances, so a
// 6 h run at 1 s windows holds 21,600 windows (~0.7 MiB). Time never goes backwards (checked).
class TimeSeries {
 public:
  // REQUIRES: width > 0.
  explicit TimeSeries(SimDuration width);

  // REQUIRES: t >= 0 and t >= the t of the previous Add.
  void Add(SimTime t, double value) {
    SHARDSIM_CHECK(t >= last_t_, "time series time went backwards");
    last_t_ = t;
    if (t.nanos() >= window_end_ns_) [[unlikely]]
      Advance(t);
    Window& w = windows_.back();
    w.sum += value;
    w.max = std::max(w.max, value);
    w.last = value;
    ++w.count;
  }
  // Appends empty windows so that the series covers [0, end): window_count() >= ceil(end / width).
  // Use at the end of a run so that all series have the same length. Time advances to end: a later
  // Add needs t >= end. REQUIRES: end >= the t of the previous Add.
  void ExtendTo(SimTime end);

  size_t window_count() const { return windows_.size(); }
  SimDuration width() const { return width_; }
  SimTime WindowStart(size_t i) const { return SimTime::FromNanos(width_.nanos() * Index(i)); }
  // REQUIRES for the accessors below: i < window_count().
  double Sum(size_t i) const { return windows_[Checked(i)].sum; }
  uint64_t Count(size_t i) const { return windows_[Checked(i)].count; }
  // 0 for a window without values.
  double Max(size_t i) const { return Count(i) ? windows_[i].max : 0.0; }
  double Mean(size_t i) const { return Count(i) ? windows_[i].sum / windows_[i].count : 0.0; }
  // Last value added at or before this window (0 before the first Add).
  double Last(size_t i) const { return windows_[Checked(i)].last; }
  // Sum per second of simulated time.
  double Rate(size_t i) const { return Sum(i) / width_.seconds(); }

 private:
  struct Window {
    double sum = 0.0;
    double max = -std::numeric_limits<double>::infinity();
    double last = 0.0;
    uint64_t count = 0;
  };
  static int64_t Index(size_t i) { return static_cast<int64_t>(i); }
  size_t Checked(size_t i) const {
    SHARDSIM_CHECK(i < windows_.size(), "time series window out of range");
    return i;
  }
  void Advance(SimTime t);
  void AppendThrough(size_t index);

  SimDuration width_;
  std::vector<Window> windows_;
  SimTime last_t_ = SimTime::Zero();
  int64_t window_end_ns_ = 0;  // end of windows_.back(); 0 while empty
};

}  // namespace shardsim
