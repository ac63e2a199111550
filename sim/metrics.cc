// MetricsRegistry: lookups and creation. Only the first use of a name allocates; components keep
// the returned references. Not thread-safe.
#include "sim/metrics.h"

#include <utility>

namespace shardsim {

namespace {

template <class T, class... Args>
T& FindOrCreate(MetricMap<T>& map, std::string_view name, Args&&... args) {
  auto it = map.find(name);
  if (it == map.end()) {
    it = map.try_emplace(std::string(name), std::forward<Args>(args)...).first;
  }
  return it->second;
}

template <class T>
const T* FindOrNull(const MetricMap<T>& map, std::string_view name) {
  const auto it = map.find(name);
  return it == map.end() ? nullptr : &it->second;
}

}  // namespace

Counter& MetricsRegistry::GetCounter(std::string_view name) {
  return FindOrCreate(counters_, name);
}

TimeWeightedGauge& MetricsRegistry::GetGauge(std::string_view name, SimTime start) {
  return FindOrCreate(gauges_, name, start);
}

LogHistogram& MetricsRegistry::GetHistogram(std::string_view name) {
  return FindOrCreate(histograms_, name);
}

TimeSeries& MetricsRegistry::GetSeries(std::string_view name, SimDuration width) {
  TimeSeries& s = FindOrCreate(series_, name, width);
  SHARDSIM_CHECK(s.width() == width, "time series requested again with another window width");
  return s;
}

void MetricsRegistry::Publish(std::string_view name, const MetricView& view) {
  SHARDSIM_CHECK(views_.try_emplace(std::string(name), view).second, "a view published twice");
}

const MetricView* MetricsRegistry::FindView(std::string_view name) const {
  return FindOrNull(views_, name);
}

const Counter* MetricsRegistry::FindCounter(std::string_view name) const {
  return FindOrNull(counters_, name);
}

const TimeWeightedGauge* MetricsRegistry::FindGauge(std::string_view name) const {
  return FindOrNull(gauges_, name);
}

const LogHistogram* MetricsRegistry::FindHistogram(std::string_view name) const {
  return FindOrNull(histograms_, name);
}

const TimeSeries* MetricsRegistry::FindSeries(std::string_view name) const {
  return FindOrNull(series_, name);
}

}  // namespace shardsim
