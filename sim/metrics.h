// MetricsRegistry: the metrics sink of one simulation. Metrics are created by name on first use and
// never move or disappear (node-based maps), so components look them up once and then update them
// directly on the hot path. Components also publish read views of the counts they keep themselves
// (MetricView: their own per-window arrays and running totals, read in place, never copied), so a
// reader finds any model's figures by name without knowing the model. Iteration is in name order,
// so reports are deterministic. Not thread-safe: one registry per simulation.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "sim/stats.h"
#include "sim/time.h"

namespace shardsim {

// A published, non-owning read view of one metric a component keeps itself: per row (a shard, a
// reader) an array of windows of `width` from `start` -- the open window included, so a reader
// during the run sees the counts so far -- and, for counts, the running total over every window.
// Rows and windows may grow during the run (a reshard adds shards, time adds windows). A view is a
// few words: the component's static accessors and a pointer to it. Reading costs one indirect
// call per value; nothing is added to the component's hot path. REQUIRES: the component outlives
// every read.
class MetricView {
 public:
  // How values combine across windows and rows: counts add up (IncomingRecords), a maximum takes
  // the largest (GetRecords.IteratorAgeMilliseconds; NaN: no sample in the window).
  enum class Fold : unsigned char { kSum, kMax };
  // The component's accessors, static functions of `self` (one table per component type).
  struct Source {
    size_t (*rows)(const void* self);
    size_t (*windows)(const void* self, size_t row);  // so far, the open one included
    // REQUIRES: row < rows(), window < windows(row).
    double (*value)(const void* self, size_t row, size_t window);
    // kSum: the sum of every window so far; nullptr: the component keeps no total.
    double (*total)(const void* self, size_t row);
  };

  // REQUIRES: width > 0; `source` (static) and `self` outlive the view's reads.
  MetricView(const Source& source, const void* self, SimDuration width, SimTime start, Fold fold)
      : source_(&source), self_(self), width_(width), start_(start), fold_(fold) {}

  SimDuration width() const { return width_; }
  SimTime start() const { return start_; }
  Fold fold() const { return fold_; }
  size_t rows() const { return source_->rows(self_); }
  size_t size(size_t row) const { return source_->windows(self_, row); }
  // REQUIRES: row < rows(), window < size(row).
  double value(size_t row, size_t window) const { return source_->value(self_, row, window); }
  bool has_total() const { return source_->total != nullptr; }
  // REQUIRES: has_total(), row < rows().
  double total(size_t row) const { return source_->total(self_, row); }
  // The window holding `t`. REQUIRES: t >= start().
  size_t WindowAt(SimTime t) const {
    return static_cast<size_t>((t - start_).nanos() / width_.nanos());
  }

 private:
  const Source* source_;
  const void* self_;
  SimDuration width_;
  SimTime start_;
  Fold fold_;
};

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

  // Publishes a component's view under `name`, once, at setup (never on the hot path).
  // REQUIRES: no view of that name yet.
  void Publish(std::string_view name, const MetricView& view);

  // nullptr when absent.
  const MetricView* FindView(std::string_view name) const;
  const Counter* FindCounter(std::string_view name) const;
  const TimeWeightedGauge* FindGauge(std::string_view name) const;
  const LogHistogram* FindHistogram(std::string_view name) const;
  const TimeSeries* FindSeries(std::string_view name) const;

  // All metrics of a kind, in name order.
  const MetricMap<Counter>& counters() const { return counters_; }
  const MetricMap<TimeWeightedGauge>& gauges() const { return gauges_; }
  const MetricMap<LogHistogram>& histograms() const { return histograms_; }
  const MetricMap<TimeSeries>& series() const { return series_; }
  const MetricMap<MetricView>& views() const { return views_; }

 private:
  MetricMap<Counter> counters_;
  MetricMap<TimeWeightedGauge> gauges_;
  MetricMap<LogHistogram> histograms_;
  MetricMap<TimeSeries> series_;
  MetricMap<MetricView> views_;
};

}  // namespace shardsim
