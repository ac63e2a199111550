// SparseHistogram: a distribution as a result carries it: the non-empty buckets of sim/stats.h's
// LogHistogram (same bucket scheme), with the exact count, min, max and sum. It merges across runs
// and replications and gives the same quantiles and CDF points as the LogHistogram it came from.
// Plain data and pure functions, header-only, no dependency on sim/ (reports use it); thread-safe.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace shardsim {

__extension__ typedef unsigned __int128 Uint128;  // the alias of sim/rng.h (may be repeated)

// ---------------------------------------------------------------- the bucket scheme
// Exactly LogHistogram's (sim/stats.h; a test holds them equal): values 0..255 have exact buckets;
// above, each power of two [2^k, 2^(k+1)) is split into 128 equal sub-buckets of width 2^(k-7).

inline constexpr int kHistogramSubBucketBits = 7;
inline constexpr uint64_t kHistogramSubBuckets = uint64_t{1} << kHistogramSubBucketBits;
inline constexpr uint64_t kHistogramExactLimit = 2 * kHistogramSubBuckets;

constexpr size_t HistogramBucketIndex(uint64_t value) {
  const int shift = 63 - __builtin_clzll(value | kHistogramSubBuckets) - kHistogramSubBucketBits;
  return (static_cast<size_t>(shift) << kHistogramSubBucketBits) +
         static_cast<size_t>(value >> shift);
}
constexpr uint64_t HistogramBucketLow(size_t i) {
  if (i < kHistogramExactLimit) return i;
  const int shift = static_cast<int>(i >> kHistogramSubBucketBits) - 1;
  return ((i & (kHistogramSubBuckets - 1)) + kHistogramSubBuckets) << shift;
}
constexpr uint64_t HistogramBucketWidth(size_t i) {
  return i < kHistogramExactLimit ? 1 : uint64_t{1} << ((i >> kHistogramSubBucketBits) - 1);
}
// The largest value of the bucket whose lower edge is `lower`.
constexpr uint64_t HistogramBucketHigh(uint64_t lower) {
  return lower + (HistogramBucketWidth(HistogramBucketIndex(lower)) - 1);
}
constexpr bool IsHistogramBucketEdge(uint64_t value) {
  return HistogramBucketLow(HistogramBucketIndex(value)) == value;
}

// ---------------------------------------------------------------- the data

struct HistogramBucket {
  uint64_t lower = 0;  // the bucket's lower edge: its smallest value
  uint64_t count = 0;  // samples in the bucket (> 0)
  bool operator==(const HistogramBucket&) const = default;
};

// Invariants (HistogramProblem checks them): buckets ascend strictly by lower edge, each lower is
// a bucket edge and each count > 0; count = the sum of the buckets' counts; when count > 0, min
// lies in the first bucket and max in the last, count * min <= sum <= count * max; an empty
// histogram has no buckets and min = max = sum = 0.
struct SparseHistogram {
  std::string unit;  // of the samples: "ns" for latencies and ages
  uint64_t count = 0;
  uint64_t min = 0;  // exact
  uint64_t max = 0;  // exact
  Uint128 sum = 0;   // exact
  std::vector<HistogramBucket> buckets;
  bool operator==(const SparseHistogram&) const = default;
};

// ---------------------------------------------------------------- pure functions

inline uint64_t Count(const SparseHistogram& h) { return h.count; }

// Exact mean, correctly rounded; 0 when empty (as LogHistogram::Mean).
inline double Mean(const SparseHistogram& h) {
  if (h.count == 0) return 0.0;
  const Uint128 quotient = h.sum / h.count;
  const uint64_t remainder = static_cast<uint64_t>(h.sum % h.count);
  return static_cast<double>(quotient) +
         static_cast<double>(remainder) / static_cast<double>(h.count);
}

// Nearest-rank quantile, as LogHistogram::Quantile: the midpoint of the bucket holding the
// ceil(p * count)-th smallest sample, clamped to [min, max]; p = 0 gives min and p = 1 max exactly;
// 0 when empty. p is clamped to [0, 1] (NaN counts as 0).
inline uint64_t Quantile(const SparseHistogram& h, double p) {
  if (h.count == 0) return 0;
  if (!(p > 0.0)) p = 0.0;
  p = std::min(p, 1.0);
  const double r = std::ceil(p * static_cast<double>(h.count));
  uint64_t rank = r < 1.0 ? 1 : static_cast<uint64_t>(r);
  rank = std::min(rank, h.count);
  if (rank == 1) return h.min;
  if (rank == h.count) return h.max;
  uint64_t cumulative = 0;
  for (const HistogramBucket& b : h.buckets) {
    cumulative += b.count;
    if (cumulative >= rank) {
      const uint64_t mid = b.lower + (HistogramBucketHigh(b.lower) - b.lower) / 2;
      return std::clamp(mid, h.min, h.max);
    }
  }
  return h.max;  // only when the counts do not add up (HistogramProblem says so)
}

// Points (x, F(x)) of the empirical CDF, as LogHistogram::CdfPoints: F(x) = exact fraction of
// samples <= x at the bucket edges where F crosses i/n for i = 1..n (at most n points, ascending,
// the last (max, 1)); x is a bucket's upper edge clamped to max. Empty when no samples or n = 0.
inline std::vector<std::pair<uint64_t, double>> CdfPoints(const SparseHistogram& h, size_t n) {
  std::vector<std::pair<uint64_t, double>> points;
  if (h.count == 0 || n == 0) return points;
  const auto target = [&](uint64_t k) -> uint64_t {
    return static_cast<uint64_t>((static_cast<Uint128>(k) * h.count + n - 1) / n);
  };
  const double total = static_cast<double>(h.count);
  uint64_t k = 1;
  uint64_t cumulative = 0;
  for (const HistogramBucket& b : h.buckets) {
    if (k > n) break;
    cumulative += b.count;
    if (cumulative < target(k)) continue;
    points.emplace_back(std::min(HistogramBucketHigh(b.lower), h.max),
                        static_cast<double>(cumulative) / total);
    while (k <= n && target(k) <= cumulative) ++k;
  }
  return points;
}

// The histogram of the samples of a and b together. Units must agree (an empty unit, as in a
// default-constructed accumulator, agrees with any); nullopt when they do not.
inline std::optional<SparseHistogram> Merge(const SparseHistogram& a, const SparseHistogram& b) {
  if (!a.unit.empty() && !b.unit.empty() && a.unit != b.unit) return std::nullopt;
  SparseHistogram m;
  m.unit = a.unit.empty() ? b.unit : a.unit;
  m.count = a.count + b.count;
  m.sum = a.sum + b.sum;
  if (a.count == 0 || b.count == 0) {
    const SparseHistogram& only = a.count == 0 ? b : a;
    m.min = only.min;
    m.max = only.max;
    m.buckets = only.buckets;
    return m;
  }
  m.min = std::min(a.min, b.min);
  m.max = std::max(a.max, b.max);
  m.buckets.reserve(a.buckets.size() + b.buckets.size());
  auto i = a.buckets.begin(), j = b.buckets.begin();
  while (i != a.buckets.end() || j != b.buckets.end()) {
    if (j == b.buckets.end() || (i != a.buckets.end() && i->lower < j->lower)) {
      m.buckets.push_back(*i++);
    } else if (i == a.buckets.end() || j->lower < i->lower) {
      m.buckets.push_back(*j++);
    } else {
      m.buckets.push_back({i->lower, i->count + j->count});
      ++i;
      ++j;
    }
  }
  return m;
}

// Where a histogram breaks an invariant above: `member` is the JSON pointer of the offending
// member relative to the histogram's object ("" for the whole), `rule` says what is wrong.
struct HistogramIssue {
  std::string member;
  std::string rule;
};

inline std::optional<HistogramIssue> HistogramProblem(const SparseHistogram& h) {
  if (h.count == 0) {
    if (!h.buckets.empty() || h.min != 0 || h.max != 0 || h.sum != 0) {
      return HistogramIssue{"",
                            "an empty histogram (count 0) has no buckets and min = max = sum = 0"};
    }
    return std::nullopt;
  }
  if (h.buckets.empty()) return HistogramIssue{"/buckets", "count > 0 but no buckets"};
  Uint128 total = 0;
  for (size_t i = 0; i < h.buckets.size(); ++i) {
    const HistogramBucket& b = h.buckets[i];
    const std::string at = "/buckets/" + std::to_string(i);
    if (!IsHistogramBucketEdge(b.lower)) {
      return HistogramIssue{at + "/0", "not a lower bucket edge of the log-bucket scheme"};
    }
    if (i > 0 && b.lower <= h.buckets[i - 1].lower) {
      return HistogramIssue{at + "/0", "bucket edges must ascend strictly"};
    }
    if (b.count == 0) return HistogramIssue{at + "/1", "only non-empty buckets are listed"};
    total += b.count;
  }
  if (total != h.count) return HistogramIssue{"/count", "must equal the sum of the bucket counts"};
  if (h.min < h.buckets.front().lower || h.min > HistogramBucketHigh(h.buckets.front().lower)) {
    return HistogramIssue{"/min", "must lie in the first bucket"};
  }
  if (h.max < h.buckets.back().lower || h.max > HistogramBucketHigh(h.buckets.back().lower)) {
    return HistogramIssue{"/max", "must lie in the last bucket"};
  }
  if (h.sum < static_cast<Uint128>(h.count) * h.min ||
      h.sum > static_cast<Uint128>(h.count) * h.max) {
    return HistogramIssue{"/sum", "must lie between count * min and count * max"};
  }
  return std::nullopt;
}

}  // namespace shardsim
