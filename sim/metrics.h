// MetricsRegistry: the metrics sink of one simulation. Metrics are created by name on first use and
// never move or disappear (node-based maps), so components look them up once and then update them
// directly on the hot path. Iteration is in name order, so reports are deterministic.
// Not thread-safe: one registry per simulation.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "sim/stats.h"
#include "sim/time.h"

namespace shardsim {

template <class T>
using MetricMap = std::map<std::string, T, std::less<>>;

class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;
  // Moving keeps every metric's address (the map nodes move as a whole).
  MetricsRegistry(MetricsRegistry&&) = default;
  MetricsRegistry& operator=(MetricsRegistry&&) = default;

  // Create on first use, the same object afterwards. Names are per kind: a counter and a
  // histogram may share one.
  Counter& GetCounter(std::string_view name);
  // `start` (time 0 by default) applies only when the gauge is created, e.g. a shard opened by a
  // split starts its gauges at the split time.
  TimeWeightedGauge& GetGauge(std::string_view name, SimTime start = SimTime::Zero());
  LogHistogram& GetHistogram(std::string_view name);
  // REQUIRES: width > 0 and, for an existing series, the width it was created with.
  TimeSeries& GetSeries(std::string_view name, SimDuration width);

  // nullptr when absent.
  const Counter* FindCounter(std::string_view name) const;
  const TimeWeightedGauge* FindGauge(std::string_view name) const;
  const LogHistogram* FindHistogram(std::string_view name) const;
  const TimeSeries* FindSeries(std::string_view name) const;

  // All metrics of a kind, in name order.
  const MetricMap<Counter>& counters() const { return counters_; }
  const MetricMap<TimeWeightedGauge>& gauges() const { return gauges_; }
  const MetricMap<LogHistogram>& histograms() const { return histograms_; }
  const MetricMap<TimeSeries>& series() const { return series_; }

 private:
  MetricMap<Counter> counters_;
  MetricMap<TimeWeightedGauge> gauges_;
  MetricMap<LogHistogram> histograms_;
  MetricMap<TimeSeries> series_;
};

}  // namespace shardsim
