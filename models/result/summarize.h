// Summaries of the models' histograms into the result's distribution types, and the histograms
// themselves as SparseHistogram. Header-only; used by
// the models (which own the histograms), never by reports/. Pure functions, thread-safe.
#pragma once

#include <string>
#include <utility>

#include "models/result/histogram.h"
#include "models/result/run_result.h"
#include "sim/stats.h"

namespace shardsim {

// Latency summary in ms from a histogram of nanoseconds.
inline LatencySummary SummarizeNanos(const LogHistogram& h) {
  LatencySummary s;
  s.count = h.Count();
  if (s.count == 0) return s;
  s.mean_ms = h.Mean() * 1e-6;
  s.p50_ms = static_cast<double>(h.Quantile(0.5)) * 1e-6;
  s.p90_ms = static_cast<double>(h.Quantile(0.9)) * 1e-6;
  s.p99_ms = static_cast<double>(h.Quantile(0.99)) * 1e-6;
  s.p999_ms = static_cast<double>(h.Quantile(0.999)) * 1e-6;
  s.max_ms = static_cast<double>(h.Max()) * 1e-6;
  return s;
}

// Distribution of a count or a size (records per invocation, bytes per object).
inline CountSummary SummarizeCounts(const LogHistogram& h) {
  CountSummary s;
  s.count = h.Count();
  if (s.count == 0) return s;
  s.mean = h.Mean();
  s.p50 = static_cast<double>(h.Quantile(0.5));
  s.p90 = static_cast<double>(h.Quantile(0.9));
  s.p99 = static_cast<double>(h.Quantile(0.99));
  s.max = static_cast<double>(h.Max());
  return s;
}

// The distribution itself, for the result: the histogram's non-empty buckets and exact count,
// min, max and sum; `unit` names what the samples count ("ns").
inline SparseHistogram ToSparseHistogram(const LogHistogram& h, std::string unit) {
  SparseHistogram s;
  s.unit = std::move(unit);
  s.count = h.Count();
  s.min = h.Min();
  s.max = h.Max();
  s.sum = h.Sum();
  h.ForEachNonEmptyBucket([&s](uint64_t lower, uint64_t count) {
    s.buckets.push_back({lower, count});
  });
  return s;
}

}  // namespace shardsim
