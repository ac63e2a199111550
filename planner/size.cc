// Shard-count search with an analytic pre-screen. See size.h.
#include "planner/size.h"

#include <Eigen/Core>
#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <map>
#include <memory>
#include <utility>

#include "analysis/consumer_capacity.h"
#include "analysis/cost/cost_model.h"
#include "models/keys/shard_map.h"
#include "models/result/format.h"
#include "models/run/prepared.h"
#include "planner/objectives.h"
#include "planner/pool.h"
#include "planner/session.h"
#include "planner/stats.h"

namespace shardsim {
namespace {

constexpr int64_t kStreamMaxShards = 10'000;  // a stream's shard limit (fact sheet 3)

// ---------------------------------------------------------------- pre-screen

struct GroupLoad {
  const KeyModel* keys = nullptr;
  double peak_records_per_s = 0;  // busiest second of the group's expected arrivals
  double mean_record_bytes = 0;   // data + mean partition key
  // KPL aggregation: Kinesis records per second per shard are at most instances / buffer time
  // plus bytes / aggregate size; 0 without aggregation.
  double aggregate_bytes = 0;
  double flushes_per_s = 0;
};

double PeakRate(const RateProfile& p, SimDuration duration) {
  const int64_t seconds = std::max<int64_t>(1, duration.nanos() / 1'000'000'000);
  const int64_t step = std::max<int64_t>(1, seconds / 100'000);
  double peak = 0;
  for (int64_t s = 0; s < seconds; s += step) {
    peak = std::max(peak, p.ExpectedCount(SimTime::FromNanos(s * 1'000'000'000),
                                          SimTime::FromNanos((s + 1) * 1'000'000'000)));
  }
  return peak;
}

struct ShardLoad {
  double records = 0;     // busiest shard's peak records/s (Poisson peak added)
  double bytes = 0;       // busiest shard's peak bytes/s
  double mean_bytes = 0;  // busiest shard's mean bytes/s (reads)
  double share = 0;
};

// Per-shard load for `n` shards: expected rates as Eigen arrays over shards, peaks of Poisson
// arrivals as mean + z sqrt(mean) for the busiest of `seconds` seconds.
ShardLoad LoadAt(const std::vector<GroupLoad>& groups, int64_t n, double z) {
  const ShardMap map = ShardMap::CreateStream(static_cast<int>(n));
  Eigen::ArrayXd records = Eigen::ArrayXd::Zero(n), bytes = Eigen::ArrayXd::Zero(n),
                 kinesis = Eigen::ArrayXd::Zero(n), total = Eigen::ArrayXd::Zero(n);
  double stream_records = 0;
  for (const GroupLoad& g : groups) {
    const std::vector<double> s = g.keys->ExpectedShardShares(map);
    const Eigen::Map<const Eigen::ArrayXd> share(s.data(), static_cast<Eigen::Index>(n));
    const Eigen::ArrayXd r = share * g.peak_records_per_s;
    records += r;
    bytes += r * g.mean_record_bytes;
    kinesis += g.aggregate_bytes > 0
                   ? (r * g.mean_record_bytes / g.aggregate_bytes + g.flushes_per_s).min(r)
                   : r;
    total += share * g.peak_records_per_s;
    stream_records += g.peak_records_per_s;
  }
  ShardLoad load;
  const Eigen::ArrayXd mean_size = (bytes / records.max(1e-12));
  const Eigen::ArrayXd peak_kinesis = kinesis + z * kinesis.sqrt();
  const Eigen::ArrayXd peak_bytes = bytes + z * records.sqrt() * mean_size;
  Eigen::Index busiest = 0;
  load.records = peak_kinesis.maxCoeff();
  load.bytes = peak_bytes.maxCoeff(&busiest);
  load.mean_bytes = bytes.maxCoeff();
  load.share = stream_records > 0 ? total.maxCoeff() / stream_records : 0;
  return load;
}

}  // namespace

PreScreen PreScreenOf(const Scenario& s, int64_t max_shards, std::vector<Diagnostic>* problems) {
  PreScreen p;
  PreparedScenario::Outcome prepared = PreparedScenario::Prepare(s, s.duration);
  if (!prepared.prepared) {
    if (problems != nullptr) *problems = std::move(prepared.problems);
    return p;
  }
  std::vector<GroupLoad> groups;
  for (size_t g = 0; g < s.producers.size(); ++g) {
    const ProducerSpec& spec = s.producers[g];
    if (!spec.target.empty()) continue;  // Direct PUT to a Firehose
    const PreparedProducer& pp = prepared.prepared->producers()[g];
    GroupLoad l;
    l.keys = pp.keys.get();
    l.peak_records_per_s = PeakRate(pp.profile, s.duration);
    l.mean_record_bytes = pp.sizes.MeanBytes() + 16;  // + a typical partition key
    if (spec.api.type == ApiType::kKpl && spec.api.aggregation) {
      l.aggregate_bytes = static_cast<double>(spec.api.aggregation_max_size_bytes);
      l.flushes_per_s = static_cast<double>(spec.instances) /
                        std::max(1e-3, spec.api.record_max_buffered_time.seconds());
    }
    p.peak_records_per_s += l.peak_records_per_s;
    p.peak_bytes_per_s += l.peak_records_per_s * l.mean_record_bytes;
    p.poisson = p.poisson || spec.arrival.process != ArrivalProcess::kConstant;
    groups.push_back(l);
  }
  for (const ConsumerSpec& c : s.consumers) p.shared_readers += SharesReadLimits(c) ? 1 : 0;

  const WriteLimitsSpec& w = s.stream.write_limits;
  const double records_limit = static_cast<double>(w.records_per_sec);
  const double bytes_limit = static_cast<double>(w.bytes_per_sec);
  const double read_limit = static_cast<double>(s.stream.read_limits.bytes_per_sec);
  const double seconds = std::max(1.0, s.duration.seconds());
  const double z =
      p.poisson ? boost::math::quantile(boost::math::normal(), 1 - 1 / (seconds + 1)) : 0.0;

  // The AWS formula: stream rates over the per-shard limits, rounded up.
  const double write_shards = p.peak_bytes_per_s / bytes_limit;
  const double record_shards = p.peak_records_per_s / records_limit;
  const double read_shards = p.shared_readers * p.peak_bytes_per_s / read_limit;
  p.aws_formula = std::max<int64_t>(
      1,
      static_cast<int64_t>(std::ceil(std::max({write_shards, record_shards, read_shards}) - 1e-9)));
  p.aws_formula_detail = "max(" + Fixed(write_shards, 2) + " by bytes, " + Fixed(record_shards, 2) +
                         " by records, " + Fixed(read_shards, 2) + " by shared reads)";

  // Consumers' per-shard capacity at the stream's peak (even spread).
  const double record_bytes =
      p.peak_records_per_s > 0 ? p.peak_bytes_per_s / p.peak_records_per_s : 0;
  for (const ConsumerSpec& c : s.consumers) {
    if (c.type == ConsumerType::kFirehose && c.firehose.source == FirehoseSource::kDirectPut) {
      continue;
    }
    const ShardFloor f =
        ConsumerShardFloor(c, s.stream.read_limits, p.shared_readers, p.peak_records_per_s,
                           p.peak_bytes_per_s, record_bytes, 1.0);
    if (f.shards > p.consumer_floor) {
      p.consumer_floor = f.shards;
      p.consumer_floor_reason = f.reason;
    }
  }

  auto fits = [&](int64_t n, std::string* why) {
    const ShardLoad l = LoadAt(groups, n, z);
    if (l.records > records_limit) {
      *why = "the busiest shard's records limit";
      return false;
    }
    if (l.bytes > bytes_limit) {
      *why = "the busiest shard's bytes limit";
      return false;
    }
    if (p.shared_readers * l.mean_bytes > read_limit) {
      *why = "the shared readers' 2 MiB/s per shard";
      return false;
    }
    return true;
  };
  // Smallest n that fits: gallop up, then bisect.
  const int64_t cap = std::min(max_shards > 0 ? max_shards : kStreamMaxShards, kStreamMaxShards);
  int64_t lo = std::max<int64_t>(1, p.consumer_floor), hi = lo;
  std::string why;
  if (groups.empty()) {
    p.estimate = std::min(lo, cap);
  } else if (fits(lo, &why)) {
    p.estimate = lo;
    p.binding = p.consumer_floor > 1 ? "consumer capacity" : "";
  } else {
    std::string last_why = why;
    while (hi < cap && !fits(hi, &why)) {
      lo = hi;
      last_why = why;
      hi = std::min(cap, hi * 2);
    }
    while (hi - lo > 1) {
      const int64_t mid = lo + (hi - lo) / 2;
      if (fits(mid, &why)) {
        hi = mid;
      } else {
        lo = mid;
        last_why = why;
      }
    }
    p.estimate = hi;
    p.binding = last_why;
  }
  if (!groups.empty()) p.busiest_share = LoadAt(groups, p.estimate, z).share;
  if (p.consumer_floor >= p.estimate && p.consumer_floor > 1) p.binding = "consumer capacity";
  return p;
}

namespace {

// ---------------------------------------------------------------- configurations

struct Config {
  int64_t shards = 0;
  bool efo = false;
  std::vector<ConsumerSetting> settings;

  auto operator<=>(const Config&) const = default;  // a key of the evaluation cache
};

// Shared readers become enhanced fan-out readers: pollers and KCL applications subscribe, Lambda
// mappings use a stream consumer. Firehose reading the stream stays (it cannot use EFO).
Scenario WithEfo(Scenario s) {
  for (ConsumerSpec& c : s.consumers) {
    if (c.type == ConsumerType::kPolling || c.type == ConsumerType::kKcl) {
      c.type = ConsumerType::kEfo;
    } else if (c.type == ConsumerType::kLambda) {
      c.lambda.source = LambdaSource::kEfo;
    }
  }
  return s;
}

Scenario Apply(const Scenario& base, const Config& config) {
  Scenario s = config.efo ? WithEfo(base) : base;
  s.stream.shards = config.shards;
  for (const ConsumerSetting& set : config.settings) {
    for (ConsumerSpec& c : s.consumers) {
      if (c.name != set.consumer) continue;
      if (set.field == "parallelization_factor") c.lambda.parallelization_factor = set.value;
      if (set.field == "batch_size") c.lambda.batch_size = set.value;
      if (set.field == "workers") c.kcl.workers = set.value;
    }
  }
  return s;
}

void Set(std::vector<ConsumerSetting>* settings, const ConsumerSetting& s) {
  for (ConsumerSetting& x : *settings) {
    if (x.consumer == s.consumer && x.field == s.field) {
      x.value = s.value;
      return;
    }
  }
  settings->push_back(s);
}

// KCL workers so that every lease has a worker at `shards` shards.
std::vector<ConsumerSetting> WorkersFor(const Scenario& s, int64_t shards) {
  std::vector<ConsumerSetting> out;
  for (const ConsumerSpec& c : s.consumers) {
    if (c.type != ConsumerType::kKcl || c.kcl.max_leases_per_worker <= 0) continue;
    const int64_t needed = (shards + c.kcl.max_leases_per_worker - 1) / c.kcl.max_leases_per_worker;
    if (needed > c.kcl.workers) out.push_back({c.name, "workers", needed, c.kcl.workers});
  }
  return out;
}

// Raised Lambda settings for the mappings that missed in `r`: the parallelization factor that
// carries the busiest shard's arrivals with 25 % headroom, then (at 10) a batch size twice as large
// when the per-invocation overhead binds. Empty when nothing can be raised.
std::vector<ConsumerSetting> LambdaTuning(const Scenario& s, const RunResult& r,
                                          std::vector<ConsumerSetting> settings) {
  bool changed = false;
  double busiest = 0;
  for (const ShardResult& sh : r.shards) {
    busiest = std::max(busiest, static_cast<double>(sh.records_in) / std::max(1.0, r.duration_s));
  }
  const double record_bytes = MeanRecordBytes(r);
  for (size_t i = 0; i < s.consumers.size() && i < r.consumers.size(); ++i) {
    const ConsumerSpec& c = s.consumers[i];
    const ConsumerResult& cr = r.consumers[i];
    if (c.type != ConsumerType::kLambda || !cr.lambda || cr.lambda->invocations == 0) continue;
    const bool behind =
        cr.iterator_age_growth > 0 || cr.records_expired > 0 ||
        std::any_of(r.findings.begin(), r.findings.end(), [&](const Finding& f) {
          return f.consumer == static_cast<int>(i) && (f.kind == FindingKind::kIteratorAgeGrowing ||
                                                       f.kind == FindingKind::kSloViolated);
        });
    if (!behind) continue;
    const LambdaThroughput t = LambdaAsMeasured(c.lambda, *cr.lambda, record_bytes);
    const double needed = 1.25 * busiest;
    if (c.lambda.parallelization_factor < kMaxParallelizationFactor) {
      const int64_t pf = std::clamp<int64_t>(
          std::max(t.ParallelizationFor(needed), c.lambda.parallelization_factor + 1), 1,
          kMaxParallelizationFactor);
      Set(&settings, {c.name, "parallelization_factor", pf, c.lambda.parallelization_factor});
      changed = true;
    } else if (t.PerBatchBinds() && c.lambda.batch_size < kMaxBatchSize) {
      Set(&settings, {c.name, "batch_size", std::min(kMaxBatchSize, 2 * c.lambda.batch_size),
                      c.lambda.batch_size});
      changed = true;
    }
  }
  return changed ? settings : std::vector<ConsumerSetting>{};
}

struct Runs {
  Evaluation evaluation;
  std::vector<Verdict> verdicts;
  std::optional<RunResult> first;  // replication 0
};

class Search {
 public:
  Search(const Scenario& base, const PriceChoice& prices, const SizeOptions& options)
      : base_(base), prices_(prices), options_(options) {}

  // Runs (or recalls) the replications of `config`.
  const Runs* Evaluate(const Config& config, std::vector<Diagnostic>* problems) {
    if (auto it = cache_.find(config); it != cache_.end()) return &it->second;
    std::optional<Runs> runs =
        RunScenario(Apply(base_, config), config.efo ? "enhanced fan-out" : "shared reads",
                    config.shards, config.settings, problems);
    if (!runs) return nullptr;
    order_.push_back(config);
    return &cache_.emplace(config, std::move(*runs)).first->second;
  }

  // Runs the replications of `s` (seeds s.seed + 0, 1, ...) on the pool; nullopt when it does
  // not prepare (`problems`). Not cached.
  std::optional<Runs> RunScenario(const Scenario& s, const std::string& variant, int64_t shards,
                                  const std::vector<ConsumerSetting>& settings,
                                  std::vector<Diagnostic>* problems) {
    PreparedScenario::Outcome p = PreparedScenario::Prepare(s, s.duration);
    if (!p.prepared) {
      *problems = std::move(p.problems);
      return std::nullopt;
    }
    const int reps = std::max(1, options_.replications);
    std::vector<std::optional<RunResult>> results(static_cast<size_t>(reps));
    planned_ += static_cast<size_t>(reps);
    ParallelFor(
        results.size(), options_.threads,
        [&](size_t i) { results[i] = RunPrepared(*p.prepared, prices_, s.seed, i); },
        [&](size_t, size_t) {
          ++done_;
          if (options_.progress) options_.progress(done_, planned_);
        });
    Runs runs;
    Evaluation& e = runs.evaluation;
    e.variant = variant;
    e.shards = shards;
    e.settings = settings;
    e.replications = reps;
    std::vector<double> cost, throttled;
    std::map<std::string, std::vector<double>> p99;
    for (const std::optional<RunResult>& r : results) {
      const Verdict v = Judge(s, *r);
      runs.verdicts.push_back(v);
      e.slo_met += v.met ? 1 : 0;
      e.cost_met = e.cost_met && !v.cost_missed;
      if (!v.met && e.missed.empty()) e.missed = v.missed;
      cost.push_back(r->cost && r->cost->priced ? r->cost->total_per_month_usd : 0.0);
      throttled.push_back(WriteThrottleFraction(*r));
      for (const ConsumerResult& c : r->consumers) {
        if (c.latency.count > 0) p99[c.name].push_back(c.latency.p99_ms);
      }
    }
    e.cost_per_month_usd = MeanAndCi(cost);
    e.throttled_fraction = MeanAndCi(throttled);
    for (const ConsumerResult& c : results.front()->consumers) {
      if (p99.count(c.name)) e.p99_latency.push_back({c.name, MeanAndCi(p99[c.name])});
    }
    runs.first = std::move(results.front());
    return runs;
  }

  // Does `shards` meet the objectives, with the consumer settings that scale? Returns the passing
  // (or last tried) configuration through `used`.
  std::optional<bool> Passes(int64_t shards, bool efo, Config* used,
                             std::vector<Diagnostic>* problems) {
    Config c{shards, efo, WorkersFor(efo ? WithEfo(base_) : base_, shards)};
    for (int round = 0; round < 6; ++round) {
      const Runs* runs = Evaluate(c, problems);
      if (runs == nullptr) return std::nullopt;
      *used = c;
      if (runs->evaluation.Met()) return true;
      const bool consumer_only =
          std::all_of(runs->verdicts.begin(), runs->verdicts.end(),
                      [](const Verdict& v) { return v.met || v.consumer_bound; });
      if (!consumer_only) return false;
      std::vector<ConsumerSetting> tuned = LambdaTuning(Apply(base_, c), *runs->first, c.settings);
      if (tuned.empty()) return false;
      c.settings = std::move(tuned);
    }
    return false;
  }

  // Smallest passing shard count in [lo, hi] starting from `start`, or nullopt (none passes or
  // bad input: `problems`). `below` gets the configuration tried at answer - 1.
  std::optional<int64_t> Smallest(int64_t lo, int64_t hi, int64_t start, bool efo, Config* answer,
                                  std::optional<Config>* below, std::vector<Diagnostic>* problems) {
    std::map<int64_t, std::pair<bool, Config>> seen;
    auto pass = [&](int64_t n) -> std::optional<bool> {
      if (auto it = seen.find(n); it != seen.end()) return it->second.first;
      Config used;
      const std::optional<bool> ok = Passes(n, efo, &used, problems);
      if (!ok) return std::nullopt;
      seen[n] = {*ok, used};
      return ok;
    };
    int64_t n = std::clamp(start, lo, hi);
    std::optional<bool> ok = pass(n);
    if (!ok) return std::nullopt;
    int64_t good = -1, bad = lo - 1;
    if (*ok) {
      good = n;
      for (int64_t step = 1; good > lo;) {
        const int64_t m = std::max(lo, good - step);
        ok = pass(m);
        if (!ok) return std::nullopt;
        if (!*ok) {
          bad = m;
          break;
        }
        good = m;
        step *= 2;
      }
    } else {
      bad = n;
      for (int64_t step = 1; bad < hi;) {
        const int64_t m = std::min(hi, bad + step);
        ok = pass(m);
        if (!ok) return std::nullopt;
        if (*ok) {
          good = m;
          break;
        }
        bad = m;
        step *= 2;
      }
      if (good < 0) return std::nullopt;
    }
    while (good - bad > 1) {
      const int64_t mid = bad + (good - bad) / 2;
      ok = pass(mid);
      if (!ok) return std::nullopt;
      (*ok ? good : bad) = mid;
    }
    *answer = seen.at(good).second;
    if (bad >= lo) *below = seen.at(bad).second;
    return good;
  }

  const Runs& RunsOf(const Config& c) const { return cache_.at(c); }
  const std::vector<Config>& order() const { return order_; }

 private:
  const Scenario& base_;
  const PriceChoice& prices_;
  const SizeOptions& options_;
  std::map<Config, Runs> cache_;
  std::vector<Config> order_;
  size_t planned_ = 0, done_ = 0;
};

// Why the AWS formula and the simulation disagree, from the pre-screen's quantities.
std::string FormulaComparison(const PreScreen& p, int64_t recommended, double busiest_share) {
  if (recommended == p.aws_formula) {
    return "The AWS formula " + p.aws_formula_detail + " gives the same count.";
  }
  std::vector<std::string> why;
  if (recommended < p.aws_formula) {
    return "The AWS formula " + p.aws_formula_detail + " asks for " +
           std::to_string(p.aws_formula) +
           " shards; the simulation meets the objectives with fewer (the formula rounds each "
           "limit's full rate up and ignores that retries absorb brief peaks).";
  }
  const double even = 1.0 / static_cast<double>(std::max<int64_t>(1, recommended));
  if (busiest_share > 1.1 * even) {
    why.push_back("skew: the busiest shard takes " + SharePercent(busiest_share) +
                  " of the traffic at " + std::to_string(recommended) + " shards, not " +
                  SharePercent(even));
  }
  if (p.poisson) why.push_back("Poisson peaks: the busiest second runs above the mean rate");
  if (p.peak_records_per_s / 1000 > p.peak_bytes_per_s / (1024.0 * 1024.0)) {
    why.push_back("the records limit binds before the bytes limit");
  }
  if (p.shared_readers > 1) {
    why.push_back(std::to_string(p.shared_readers) + " shared readers split each shard's reads");
  }
  if (p.consumer_floor > p.aws_formula) {
    why.push_back("consumer capacity: " + p.consumer_floor_reason);
  }
  if (why.empty()) why.push_back("bursts and retries the formula's averages do not show");
  std::string out = "The AWS formula " + p.aws_formula_detail + " gives " +
                    std::to_string(p.aws_formula) + "; the simulation needs " +
                    std::to_string(recommended) + " because of ";
  for (size_t i = 0; i < why.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == why.size() ? " and " : "; ") + why[i];
  }
  return out + ".";
}

// The on-demand alternative: the recommended configuration (its consumer settings too) switched
// to on-demand mode -- a switched stream keeps its shard count (fact sheet 5), so it starts with
// the recommended shards -- simulated with the same seeds and replications, judged by the same
// objectives and priced from its own billing (stream-hours, data in rounded up to 1 KiB per
// record, reads and retention by GB).
std::optional<OnDemandQuote> OnDemandAlternative(Search& search, const Scenario& base,
                                                 const Config& answer, const PriceChoice& prices,
                                                 std::vector<Diagnostic>* problems) {
  Scenario s = Apply(base, answer);
  s.stream.mode = StreamMode::kOnDemand;
  // Kinesis refuses resharding an on-demand stream and the service scales it: the timeline's
  // calls (and mode switches) belong to the provisioned configuration only.
  s.stream.operations.clear();
  const double starting_bytes_per_sec = static_cast<double>(s.stream.shards) *
                                        static_cast<double>(s.stream.write_limits.bytes_per_sec);
  s.stream.on_demand.max_write_bytes_per_sec =
      std::max(s.stream.on_demand.max_write_bytes_per_sec, starting_bytes_per_sec);
  std::optional<Runs> runs =
      search.RunScenario(s, "on-demand", answer.shards, answer.settings, problems);
  if (!runs) return std::nullopt;
  OnDemandQuote q;
  q.evaluation = runs->evaluation;
  q.max_open_shards = runs->first->max_open_shards;
  q.priced = prices.table.has_value();
  q.cost_per_month_usd = runs->evaluation.cost_per_month_usd.mean;
  q.basis = "simulated: the recommended configuration in on-demand mode, starting from its " +
            std::to_string(answer.shards) +
            " shards (a switched stream keeps its shard count), same seeds; billed by "
            "stream-hour and GB";
  return q;
}

}  // namespace

SizeOutcome SizeStream(const Scenario& scenario, const PriceChoice& prices,
                       const SizeOptions& options) {
  SizeOutcome out;
  SizeResult r;
  r.scenario = scenario.name;
  r.objectives = ObjectivesOf(scenario);
  r.replications = std::max(1, options.replications);
  r.prescreen = PreScreenOf(scenario, options.max_shards, &out.input_errors);
  if (!out.input_errors.empty()) return out;
  const PreScreen& p = r.prescreen;
  r.min_shards = std::max<int64_t>(1, options.min_shards);
  r.max_shards = options.max_shards > 0
                     ? options.max_shards
                     : std::min(kStreamMaxShards, std::max<int64_t>(16, 4 * p.estimate));
  r.max_shards = std::max(r.max_shards, r.min_shards);

  Search search(scenario, prices, options);
  Config answer;
  std::optional<Config> below;
  const std::optional<int64_t> n =
      search.Smallest(r.min_shards, r.max_shards, p.estimate,
                      /*efo=*/false, &answer, &below, &out.input_errors);
  if (!out.input_errors.empty()) return out;
  // The AWS formula's count is simulated too when the search did not reach it, so the table
  // shows whether it meets the objectives.
  if (n && p.aws_formula >= r.min_shards && p.aws_formula <= r.max_shards) {
    Config used;
    search.Passes(p.aws_formula, /*efo=*/false, &used, &out.input_errors);
    if (!out.input_errors.empty()) return out;
  }
  for (const Config& c : search.order()) {
    if (!c.efo) r.evaluated.push_back(search.RunsOf(c).evaluation);
  }
  if (n) {
    r.recommended_shards = *n;
    r.recommended_settings = answer.settings;
    const Runs& runs = search.RunsOf(answer);
    r.recommended_result = runs.first;
    if (below) {
      r.why_not_fewer =
          std::to_string(below->shards) + " shards" +
          (below->settings.empty() ? "" : " (" + SettingsText(below->settings) + ")") +
          " miss in " +
          std::to_string(search.RunsOf(*below).evaluation.replications -
                         search.RunsOf(*below).evaluation.slo_met) +
          " of " + std::to_string(r.replications) +
          " replications: " + search.RunsOf(*below).evaluation.missed;
    } else {
      r.why_not_fewer = std::to_string(r.min_shards) + " is the smallest count searched (--min)";
    }
    double busiest_share = 0;
    for (const ShardResult& sh : runs.first->shards) {
      busiest_share = std::max(busiest_share, sh.expected_share);
    }
    r.formula_comparison = FormulaComparison(p, *n, busiest_share);
    const Evaluation& e = runs.evaluation;
    r.cheapest = std::to_string(*n) + " shards with shared reads" +
                 (answer.settings.empty() ? "" : " and " + SettingsText(answer.settings));
    if (!e.cost_met) {
      r.notes.push_back(
          "the cost objective is missed at the recommendation: no configuration "
          "meets every objective; the recommendation meets the others");
    }
    if (prices.table) r.cheapest_cost_per_month_usd = e.cost_per_month_usd.mean;
  } else {
    r.formula_comparison = "No shard count from " + std::to_string(r.min_shards) + " to " +
                           std::to_string(r.max_shards) +
                           " meets the objectives; raise --max or see the evaluated counts.";
  }

  if (options.alternatives && p.shared_readers > 0 && n) {
    Config efo_answer;
    std::optional<Config> efo_below;
    const std::optional<int64_t> m = search.Smallest(r.min_shards, r.max_shards, *n, /*efo=*/true,
                                                     &efo_answer, &efo_below, &out.input_errors);
    if (!out.input_errors.empty()) return out;
    if (m) {
      r.efo = search.RunsOf(efo_answer).evaluation;
      r.efo_note =
          "the shared readers as enhanced fan-out consumers need " + std::to_string(*m) + " shards";
      if (prices.table && r.efo->cost_per_month_usd.mean < *r.cheapest_cost_per_month_usd) {
        r.cheapest =
            std::to_string(*m) + " shards with enhanced fan-out" +
            (efo_answer.settings.empty() ? "" : " and " + SettingsText(efo_answer.settings));
        r.cheapest_cost_per_month_usd = r.efo->cost_per_month_usd.mean;
      }
    } else {
      r.efo_note = "no shard count up to " + std::to_string(r.max_shards) +
                   " meets the objectives with enhanced fan-out";
    }
  } else if (p.shared_readers == 0) {
    r.efo_note = "no consumer shares the GetRecords limits (nothing to move to enhanced fan-out)";
  }
  if (options.alternatives && n && r.recommended_result) {
    std::optional<OnDemandQuote> od =
        OnDemandAlternative(search, scenario, answer, prices, &out.input_errors);
    if (!out.input_errors.empty()) return out;
    r.on_demand = std::move(*od);
    const Evaluation& e = *r.on_demand.evaluation;
    if (r.on_demand.priced && r.cheapest_cost_per_month_usd &&
        r.on_demand.cost_per_month_usd < *r.cheapest_cost_per_month_usd) {
      if (e.Met() && e.cost_met) {
        r.cheapest =
            "on-demand mode" +
            (answer.settings.empty() ? std::string() : " with " + SettingsText(answer.settings));
        r.cheapest_cost_per_month_usd = r.on_demand.cost_per_month_usd;
      } else {
        r.notes.push_back("on-demand mode would cost less (" + Usd(r.on_demand.cost_per_month_usd) +
                          "/month) but misses the objectives: " + e.missed);
      }
    }
  }
  if (!prices.table) r.notes.push_back("not priced: " + prices.note);
  out.result = std::move(r);
  return out;
}

}  // namespace shardsim
