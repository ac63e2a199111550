// Streaming statistics: the out-of-line parts (queries, growth, merge). The invariants and the
// layout are documented in stats.h. Not thread-safe.
#include "sim/stats.h"

#include <algorithm>
#include <cmath>

namespace shardsim {

// ---- TimeWeightedGauge ----

double TimeWeightedGauge::Mean(SimTime until) const {
  SHARDSIM_CHECK(until >= last_, "gauge mean asked before its last update");
  const int64_t elapsed_ns = (until - start_).nanos();
  if (elapsed_ns == 0) return value_;
  const double integral = integral_ + value_ * static_cast<double>((until - last_).nanos());
  return integral / static_cast<double>(elapsed_ns);
}

void TimeWeightedGauge::Restart(SimTime now) {
  SHARDSIM_CHECK(now >= last_, "gauge restarted before its last update");
  start_ = now;
  last_ = now;
  integral_ = 0.0;
  min_ = value_;
  max_ = value_;
}

// ---- LogHistogram ----

namespace {
constexpr size_t kMaxBuckets = LogHistogram::BucketIndex(~uint64_t{0}) + 1;
}  // namespace

void LogHistogram::Grow(size_t index) {
  SHARDSIM_CHECK(index < kMaxBuckets, "histogram bucket index out of range");
  // Whole octaves, so the next values of this octave do not grow again.
  const size_t size =
      std::max<size_t>(kExactLimit, ((index >> kSubBucketBits) + 1) << kSubBucketBits);
  counts_.resize(size, 0);
}

double LogHistogram::Mean() const {
  if (count_ == 0) return 0.0;
  // Integer quotient and remainder keep the mean correctly rounded even when the sum exceeds the
  // 53 bits a double holds exactly.
  const Uint128 quotient = sum_ / count_;
  const uint64_t remainder = static_cast<uint64_t>(sum_ % count_);
  return static_cast<double>(quotient) +
         static_cast<double>(remainder) / static_cast<double>(count_);
}

uint64_t LogHistogram::Representative(size_t i) const {
  const uint64_t mid = BucketLow(i) + (BucketWidth(i) - 1) / 2;
  return std::clamp(mid, min_, max_);
}

uint64_t LogHistogram::Quantile(double p) const {
  SHARDSIM_CHECK(p >= 0.0 && p <= 1.0, "quantile outside [0, 1]");
  if (count_ == 0) return 0;
  const double r = std::ceil(p * static_cast<double>(count_));
  uint64_t rank = r < 1.0 ? 1 : static_cast<uint64_t>(r);
  rank = std::min(rank, count_);
  if (rank == 1) return min_;
  if (rank == count_) return max_;
  uint64_t cumulative = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    cumulative += counts_[i];
    if (cumulative >= rank) return Representative(i);
  }
  SHARDSIM_CHECK(false, "histogram bucket counts do not add up to Count()");
  return max_;
}

std::vector<std::pair<uint64_t, double>> LogHistogram::CdfPoints(size_t n) const {
  SHARDSIM_CHECK(n >= 1, "CdfPoints needs at least one point");
  std::vector<std::pair<uint64_t, double>> points;
  if (count_ == 0) return points;
  // Target k is reached once ceil(k * count / n) samples are at or below the bucket.
  const auto target = [&](uint64_t k) -> uint64_t {
    return static_cast<uint64_t>((static_cast<Uint128>(k) * count_ + n - 1) / n);
  };
  const double total = static_cast<double>(count_);
  uint64_t k = 1;
  uint64_t cumulative = 0;
  for (size_t i = 0; i < counts_.size() && k <= n; ++i) {
    if (counts_[i] == 0) continue;
    cumulative += counts_[i];
    if (cumulative < target(k)) continue;
    const uint64_t upper = BucketLow(i) + (BucketWidth(i) - 1);
    points.emplace_back(std::min(upper, max_), static_cast<double>(cumulative) / total);
    while (k <= n && target(k) <= cumulative) ++k;
  }
  return points;
}

void LogHistogram::Merge(const LogHistogram& other) {
  if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void LogHistogram::Reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  sum_ = 0;
  min_ = std::numeric_limits<uint64_t>::max();
  max_ = 0;
}

bool LogHistogram::operator==(const LogHistogram& other) const {
  if (count_ != other.count_ || sum_ != other.sum_ || Min() != other.Min() ||
      Max() != other.Max()) {
    return false;
  }
  const size_t common = std::min(counts_.size(), other.counts_.size());
  const auto is_zero = [](uint64_t c) { return c == 0; };
  return std::equal(counts_.begin(), counts_.begin() + common, other.counts_.begin()) &&
         std::all_of(counts_.begin() + common, counts_.end(), is_zero) &&
         std::all_of(other.counts_.begin() + common, other.counts_.end(), is_zero);
}

// ---- TimeSeries ----

namespace {
// 2^26 windows x 32 bytes = 2 GiB: beyond that the width is surely a unit mistake.
constexpr size_t kMaxWindows = size_t{1} << 26;
}  // namespace

TimeSeries::TimeSeries(SimDuration width) : width_(width) {
  SHARDSIM_CHECK(width > SimDuration::Zero(), "time series window width must be positive");
}

void TimeSeries::AppendThrough(size_t index) {
  SHARDSIM_CHECK(index < kMaxWindows, "time series would exceed its window limit");
  if (index < windows_.size()) return;
  Window empty;
  empty.last = windows_.empty() ? 0.0 : windows_.back().last;
  windows_.resize(index + 1, empty);
  const int64_t width_ns = width_.nanos();
  const int64_t start_ns = Index(index) * width_ns;
  int64_t end_ns = 0;
  if (__builtin_add_overflow(start_ns, width_ns, &end_ns)) {
    end_ns = std::numeric_limits<int64_t>::max();
  }
  window_end_ns_ = end_ns;
}

void TimeSeries::Advance(SimTime t) {
  SHARDSIM_CHECK(t >= SimTime::Zero(), "time series sample before t = 0");
  AppendThrough(static_cast<size_t>(t.nanos() / width_.nanos()));
}

void TimeSeries::ExtendTo(SimTime end) {
  SHARDSIM_CHECK(end >= last_t_, "time series extended backwards");
  last_t_ = end;
  if (end.nanos() <= 0) return;
  AppendThrough(static_cast<size_t>((end.nanos() - 1) / width_.nanos()));
}

}  // namespace shardsim
