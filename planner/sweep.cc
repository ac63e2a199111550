// Sweeps over scenario fields. See sweep.h.
#include "planner/sweep.h"

#include <cstring>
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
#include "planner/spread.h"
#include "planner/stats.h"
#include "sim/check.h"

namespace shardsim {
namespace {

nlohmann::ordered_json Ordered(const nlohmann::json& j) {
  return nlohmann::ordered_json::parse(j.dump());
}

// What the fold into a SweepPoint needs from one run (point, replication): small, so a task can
// send it to rank 0 instead of a whole RunResult.
struct TaskFigures {
  bool met = false;  // every objective, the cost one included
  std::string missed;
  bool priced = false;
  double cost_per_month_usd = 0;
  double throttled_fraction = 0;
  double records_dropped = 0;
  struct Consumer {
    std::string name;
    double p99_latency_ms = 0;
    double max_iterator_age_ms = 0;
  };
  std::vector<Consumer> consumers;
};

TaskFigures FiguresOf(const Scenario& scenario, const RunResult& run) {
  TaskFigures f;
  const Verdict v = Judge(scenario, run);
  f.met = v.met && !v.cost_missed;
  if (!f.met) f.missed = v.met ? "cost objective" : v.missed;
  f.priced = run.cost && run.cost->priced;
  f.cost_per_month_usd = f.priced ? run.cost->total_per_month_usd : 0.0;
  f.throttled_fraction = WriteThrottleFraction(run);
  uint64_t d = 0;
  for (const ProducerResult& p : run.producers) d += p.records_dropped;
  f.records_dropped = static_cast<double>(d);
  for (const ConsumerResult& c : run.consumers) {
    f.consumers.push_back({c.name, c.latency.p99_ms, c.iterator_age_max_ms});
  }
  return f;
}

// The bytes of TaskFigures between ranks of one build (same layout of doubles): exact, so rank 0
// folds the very values a one-process sweep folds.
class Writer {
 public:
  template <typename T>
  void Put(T v) {
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void Put(const std::string& s) {
    Put<uint64_t>(s.size());
    out_.append(s);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(const std::string& in) : in_(in) {}
  template <typename T>
  T Get() {
    SHARDSIM_CHECK(pos_ + sizeof(T) <= in_.size());
    T v;
    std::memcpy(&v, in_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  std::string GetString() {
    const auto n = Get<uint64_t>();
    SHARDSIM_CHECK(pos_ + n <= in_.size());
    std::string s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  bool Done() const { return pos_ == in_.size(); }

 private:
  const std::string& in_;
  size_t pos_ = 0;
};

std::string Encode(const TaskFigures& f) {
  Writer w;
  w.Put<uint8_t>(f.met);
  w.Put(f.missed);
  w.Put<uint8_t>(f.priced);
  w.Put(f.cost_per_month_usd);
  w.Put(f.throttled_fraction);
  w.Put(f.records_dropped);
  w.Put<uint64_t>(f.consumers.size());
  for (const TaskFigures::Consumer& c : f.consumers) {
    w.Put(c.name);
    w.Put(c.p99_latency_ms);
    w.Put(c.max_iterator_age_ms);
  }
  return w.Take();
}

TaskFigures Decode(const std::string& bytes) {
  Reader r(bytes);
  TaskFigures f;
  f.met = r.Get<uint8_t>() != 0;
  f.missed = r.GetString();
  f.priced = r.Get<uint8_t>() != 0;
  f.cost_per_month_usd = r.Get<double>();
  f.throttled_fraction = r.Get<double>();
  f.records_dropped = r.Get<double>();
  f.consumers.resize(r.Get<uint64_t>());
  for (TaskFigures::Consumer& c : f.consumers) {
    c.name = r.GetString();
    c.p99_latency_ms = r.Get<double>();
    c.max_iterator_age_ms = r.Get<double>();
  }
  SHARDSIM_CHECK(r.Done());
  return f;
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
  const size_t tasks = points.size() * reps;
  LocalSpread local;
  TaskSpread& spread = options.spread != nullptr ? *options.spread : local;
  std::vector<size_t> mine;  // this rank's tasks, ascending
  for (size_t t = 0; t < tasks; ++t) {
    if (spread.Mine(t)) mine.push_back(t);
  }
  std::vector<std::string> encoded(mine.size());
  ParallelFor(
      mine.size(), options.threads,
      [&](size_t i) {
        const size_t t = mine[i];
        const Point& p = points[t / reps];
        encoded[i] = Encode(
            FiguresOf(p.scenario, RunPrepared(*p.prepared, p.prices, p.scenario.seed, t % reps)));
      },
      options.progress);
  std::vector<std::string> all = spread.Gather(std::move(encoded), tasks);
  if (!spread.Root()) return out;  // rank 0 folds and writes
  SHARDSIM_CHECK(all.size() == tasks);
  std::vector<TaskFigures> runs;
  runs.reserve(tasks);
  for (const std::string& bytes : all) runs.push_back(Decode(bytes));

  for (size_t i = 0; i < points.size(); ++i) {
    SweepPoint sp;
    for (const nlohmann::json& v : grid[i]) sp.values.push_back(ValueLabel(v));
    sp.replications = static_cast<int>(reps);
    std::vector<double> cost, throttled, dropped;
    std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> consumer;
    for (size_t k = 0; k < reps; ++k) {
      const TaskFigures& run = runs[i * reps + k];
      sp.objectives_met += run.met ? 1 : 0;
      if (!run.met && sp.missed.empty()) sp.missed = run.missed;
      sp.priced = run.priced;
      cost.push_back(run.cost_per_month_usd);
      throttled.push_back(run.throttled_fraction);
      dropped.push_back(run.records_dropped);
      for (const TaskFigures::Consumer& c : run.consumers) {
        consumer[c.name].first.push_back(c.p99_latency_ms);
        consumer[c.name].second.push_back(c.max_iterator_age_ms);
      }
    }
    sp.cost_per_month_usd = MeanAndCi(cost);
    sp.throttled_fraction = MeanAndCi(throttled);
    sp.records_dropped = MeanAndCi(dropped);
    for (const TaskFigures::Consumer& c : runs[i * reps].consumers) {
      sp.consumers.push_back(
          {c.name, MeanAndCi(consumer[c.name].first), MeanAndCi(consumer[c.name].second)});
    }
    r.points.push_back(std::move(sp));
  }
  return out;
}

}  // namespace shardsim
