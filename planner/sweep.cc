// Sweeps over scenario fields. See sweep.h.
#include "planner/sweep.h"

#include <map>
#include <memory>
#include <optional>

#include "analysis/cost/prices.h"
#include "models/run/prepared.h"
#include "models/run/run.h"
#include "models/spec/loader/scenario_loader.h"
#include "planner/objectives.h"
#include "planner/pool.h"
#include "planner/session.h"
#include "planner/stats.h"

namespace shardsim {
namespace {

nlohmann::ordered_json Ordered(const nlohmann::json& j) {
  return nlohmann::ordered_json::parse(j.dump());
}

struct Point {
  Scenario scenario;
  PriceChoice prices;
  std::unique_ptr<const PreparedScenario> prepared;
};

}  // namespace

SweepOutcome RunSweep(const std::string& file, const std::vector<SetOverride>& fixed,
                      const std::vector<SetOverride>& axes, const SweepOptions& options) {
  SweepOutcome out;
  SweepResult& r = out.result;
  for (const SetOverride& a : axes) r.axes.push_back(a.pointer);
  const std::vector<std::vector<nlohmann::json>> grid = GridPoints(axes);
  std::vector<Point> points(grid.size());
  // Check every point before running any.
  for (size_t i = 0; i < grid.size(); ++i) {
    std::vector<JsonOverride> overrides;
    for (const SetOverride& f : fixed) overrides.push_back({f.pointer, Ordered(f.values.front())});
    std::string label;
    for (size_t a = 0; a < axes.size(); ++a) {
      overrides.push_back({axes[a].pointer, Ordered(grid[i][a])});
      label.append(a ? ", " : "")
          .append(axes[a].pointer)
          .append("=")
          .append(ValueLabel(grid[i][a]));
    }
    LoadResult loaded = LoadScenarioFileWithOverrides(file, overrides);
    auto problem = [&](const std::string& where, const Diagnostic& d) {
      out.problems.push_back({label, where, d});
    };
    if (!loaded.ok()) {
      for (const Diagnostic& d : loaded.errors) problem(file, d);
      continue;
    }
    for (const Diagnostic& d : UnsupportedFeatures(loaded, ImplementedFeatures())) {
      problem(file, d);
    }
    Point& p = points[i];
    p.scenario = std::move(*loaded.scenario);
    p.prices = ResolvePrices(p.scenario, options.prices_file);
    for (const Diagnostic& d : p.prices.errors) {
      problem(p.prices.error_file.empty() ? file : p.prices.error_file, d);
    }
    PreparedScenario::Outcome prepared = PreparedScenario::Prepare(p.scenario, p.scenario.duration);
    for (const Diagnostic& d : prepared.problems) problem(file, d);
    p.prepared = std::move(prepared.prepared);
  }
  if (!out.problems.empty()) return out;
  if (!points.empty()) {
    r.scenario = points.front().scenario.name;
    r.objectives = ObjectivesOf(points.front().scenario);
  }

  const size_t reps = static_cast<size_t>(std::max(1, options.replications));
  std::vector<std::optional<RunResult>> runs(points.size() * reps);
  ParallelFor(
      runs.size(), options.threads,
      [&](size_t t) {
        const Point& p = points[t / reps];
        RunResult run = RunPrepared(*p.prepared, p.prices, p.scenario.seed, t % reps);
        run.series.clear();  // a sweep keeps headline figures only: memory bounded by the grid
        runs[t] = std::move(run);
      },
      options.progress);

  for (size_t i = 0; i < points.size(); ++i) {
    SweepPoint sp;
    for (const nlohmann::json& v : grid[i]) sp.values.push_back(ValueLabel(v));
    sp.replications = static_cast<int>(reps);
    std::vector<double> cost, throttled, dropped;
    std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> consumer;
    for (size_t k = 0; k < reps; ++k) {
      const RunResult& run = *runs[i * reps + k];
      const Verdict v = Judge(points[i].scenario, run);
      const bool met = v.met && !v.cost_missed;
      sp.objectives_met += met ? 1 : 0;
      if (!met && sp.missed.empty()) sp.missed = v.met ? "cost objective" : v.missed;
      sp.priced = run.cost && run.cost->priced;
      cost.push_back(sp.priced ? run.cost->total_per_month_usd : 0.0);
      throttled.push_back(WriteThrottleFraction(run));
      uint64_t d = 0;
      for (const ProducerResult& p : run.producers) d += p.records_dropped;
      dropped.push_back(static_cast<double>(d));
      for (const ConsumerResult& c : run.consumers) {
        consumer[c.name].first.push_back(c.latency.p99_ms);
        consumer[c.name].second.push_back(c.iterator_age_max_ms);
      }
    }
    sp.cost_per_month_usd = MeanAndCi(cost);
    sp.throttled_fraction = MeanAndCi(throttled);
    sp.records_dropped = MeanAndCi(dropped);
    for (const ConsumerResult& c : runs[i * reps]->consumers) {
      sp.consumers.push_back(
          {c.name, MeanAndCi(consumer[c.name].first), MeanAndCi(consumer[c.name].second)});
    }
    r.points.push_back(std::move(sp));
  }
  return out;
}

}  // namespace shardsim
