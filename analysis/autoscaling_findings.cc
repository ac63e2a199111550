// Throttling around resharding calls, and the autoscaling findings. See autoscaling_findings.h.
#include "analysis/autoscaling_findings.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "analysis/consumer_capacity.h"
#include "analysis/cost/cost_findings.h"
#include "analysis/finding_support.h"
#include "models/result/format.h"
#include "models/spec/units.h"

namespace shardsim {
namespace {

// Throttled windows no more than this apart belong to one episode.
constexpr double kEpisodeGapSeconds = 60;

struct Throttling {
  double width_s = 0;
  std::vector<double> start_s;    // window starts, ascending
  std::vector<double> throttled;  // records, all shards
};

Throttling StreamThrottling(const RunResult& r) {
  std::map<double, double> by_time;
  double width = 0;
  for (const SeriesTable& t : r.series) {
    if (!t.name.starts_with("shardId-") || t.columns.size() < 4 ||
        t.columns[3] != "throttled_records") {
      continue;
    }
    for (const std::vector<double>& row : t.rows) by_time[row[0]] += row[3];
    if (t.rows.size() >= 2) width = t.rows[1][0] - t.rows[0][0];
  }
  Throttling out;
  out.width_s = width;
  for (const auto& [time, n] : by_time) {
    out.start_s.push_back(time);
    out.throttled.push_back(n);
  }
  return out;
}

struct Episode {
  double start_s = 0, end_s = 0;  // first throttled window's start, last one's end
  size_t first = 0, last = 0;     // window indexes
};

std::vector<Episode> Episodes(const Throttling& t) {
  std::vector<Episode> out;
  for (size_t i = 0; i < t.start_s.size(); ++i) {
    if (t.throttled[i] <= 0) continue;
    const double end = t.start_s[i] + t.width_s;
    if (!out.empty() && t.start_s[i] - out.back().end_s <= kEpisodeGapSeconds) {
      out.back().end_s = end;
      out.back().last = i;
    } else {
      out.push_back({t.start_s[i], end, i, i});
    }
  }
  return out;
}

// The episode `o` answered: in progress at its call or ending in the minute before it.
const Episode* Answered(const std::vector<Episode>& episodes, const OperationResult& o) {
  const double done = o.completed_at_s >= 0 ? o.completed_at_s : o.requested_at_s;
  for (const Episode& e : episodes) {
    if (e.start_s <= done && e.end_s >= o.requested_at_s - kEpisodeGapSeconds) return &e;
  }
  return nullptr;
}

double IteratorAgeMax(const RunResult& r, double from_s, double to_s) {
  double best = -1;
  for (const SeriesTable& t : r.series) {
    const auto col = std::find(t.columns.begin(), t.columns.end(), "iterator_age_ms");
    if (col == t.columns.end() || t.columns.front() != "time_s") continue;
    const auto c = static_cast<size_t>(col - t.columns.begin());
    best = std::max(best, 0.0);
    for (const std::vector<double>& row : t.rows) {
      if (row[0] >= from_s && row[0] < to_s && !std::isnan(row[c])) best = std::max(best, row[c]);
    }
  }
  return best;
}

bool ByAutoscaler(const OperationResult& o) { return o.cause.starts_with("autoscaler"); }

// The longest throttling episode an autoscaler call answered, and the calls that answered it.
struct LateEpisode {
  Episode episode;
  std::vector<const OperationResult*> calls;
  double lasted_s() const { return episode.end_s - episode.start_s; }
};

std::optional<LateEpisode> LongestAnswered(const RunResult& r) {
  const std::vector<Episode> episodes = Episodes(StreamThrottling(r));
  std::optional<LateEpisode> best;
  for (const Episode& e : episodes) {
    LateEpisode late{e, {}};
    for (const OperationResult& o : r.operations) {
      if (ByAutoscaler(o) && Answered(episodes, o) == &e) late.calls.push_back(&o);
    }
    if (late.calls.empty()) continue;
    if (!best || late.lasted_s() > best->lasted_s()) best = std::move(late);
  }
  return best;
}

uint64_t TotalThrottled(const RunResult& r) {
  uint64_t n = 0;
  for (const ShardResult& s : r.shards) n += s.throttled_records;
  return n;
}

std::string Minutes1(double seconds) { return Fixed(seconds / 60, 1) + " min"; }

// ---------------------------------------------------------------- autoscaler_too_late

void TooLate(const Scenario& scenario, const std::vector<WhatIfRun>& what_ifs, RunResult* r) {
  const std::optional<LateEpisode> late = LongestAnswered(*r);
  if (!late || late->lasted_s() <= kAutoscalerLateSeconds) return;
  const AutoscalingSpec& a = scenario.stream.autoscaling;
  const double calls = static_cast<double>(late->calls.size());
  // Each call waits for its alarm (N periods), the datapoint's publication, the function, and
  // its UPDATING time; calls after the first also wait out the cooldown.
  struct Part {
    std::string name;
    std::string figure;
    double seconds;
    std::string change;
  };
  auto s = [](SimDuration d) { return static_cast<double>(d.nanos()) / 1e9; };
  const double n = static_cast<double>(a.evaluation_periods) * s(a.period);
  std::vector<Part> parts = {
      {"alarm evaluation (" + std::to_string(a.evaluation_periods) + " x " +
           FormatDuration(a.period) + ")",
       "evaluation_s", n * calls, "fewer evaluation_periods (or datapoints_to_alarm M of N)"},
      {"CloudWatch publication delay", "publication_delay_s", s(a.publication_delay) * calls,
       "nothing (publication_delay is CloudWatch's)"},
      {"invocation and action delay", "invocation_and_action_delay_s",
       s(a.invocation_delay + a.action_delay) * calls,
       "a faster function (invocation_delay, action_delay)"},
      {"reshard duration", "reshard_duration_s", s(a.reshard_duration) * calls,
       "fewer, larger calls (reshard_duration is Kinesis')"},
      {"cooldown", "cooldown_s", s(a.cooldown) * (calls - 1), "a shorter cooldown"},
  };
  const Part& top = *std::max_element(parts.begin(), parts.end(), [](const Part& x, const Part& y) {
    return x.seconds < y.seconds;
  });
  Finding f = NewFinding(FindingKind::kAutoscalerTooLate, Severity::kWarning, "stream");
  const OperationResult& first = *late->calls.front();
  std::string breakdown;
  for (const Part& p : parts) {
    if (p.seconds <= 0) continue;
    breakdown += (breakdown.empty() ? "" : ", ") + p.name + " " + Minutes1(p.seconds);
  }
  f.evidence =
      "Write throttling began at " +
      FormatDuration(SimDuration::Nanos(std::llround(late->episode.start_s * 1e9))) +
      " and lasted " + Minutes1(late->lasted_s()) + " (more than " +
      Minutes1(kAutoscalerLateSeconds) + "): the autoscaler answered it with " +
      CountNoun(late->calls.size(), "call", "calls") + ", the first requested " +
      Minutes1(first.requested_at_s - late->episode.start_s) + " after throttling began" +
      (first.completed_at_s >= 0
           ? " and landing " + Minutes1(first.completed_at_s - late->episode.start_s) + " after it"
           : "") +
      ". Its delays over the episode: " + breakdown + "; " + top.name + " dominates.";
  if (a.metric == ScalingMetric::kIncomingBytes || a.metric == ScalingMetric::kIncomingRecords) {
    f.evidence +=
        " IncomingBytes and IncomingRecords count accepted puts only, so while the shards "
        "throttle the metric stops at their capacity and each call asks for at most "
        "capacity / target_utilization.";
  }
  std::string measured;
  for (const WhatIfRun& w : what_ifs) {
    const std::optional<LateEpisode> e = LongestAnswered(w.result);
    measured += (measured.empty() ? "" : "; ") + w.change + ": " +
                Grouped(TotalThrottled(w.result)) + " records throttled, longest episode " +
                (e ? Minutes1(e->lasted_s()) : std::string("none")) +
                " (this run: " + Grouped(TotalThrottled(*r)) + ", " + Minutes1(late->lasted_s()) +
                ")";
    AddFigures(&f, {{"what_if_" + std::to_string(&w - what_ifs.data()) + "_throttled_records",
                     static_cast<double>(TotalThrottled(w.result))},
                    {"what_if_" + std::to_string(&w - what_ifs.data()) + "_episode_s",
                     e ? e->lasted_s() : 0.0}});
  }
  // Lead with the change the reruns show throttles least; the largest delay is no advice when
  // shortening it helps less than another change does.
  const WhatIfRun* best = nullptr;
  for (const WhatIfRun& w : what_ifs) {
    if (best == nullptr || TotalThrottled(w.result) < TotalThrottled(best->result)) best = &w;
  }
  if (best != nullptr && TotalThrottled(best->result) < TotalThrottled(*r)) {
    f.recommendation = "Simulated with the same seed: " + measured + ". " + "The rerun with " +
                       best->change + " throttles least: start there.";
  } else {
    f.recommendation = "Shorten what dominates: " + top.change + "." +
                       (measured.empty() ? "" : " Simulated with the same seed: " + measured + ".");
  }
  f.recommendation +=
      " For a ramp that comes every morning, scale ahead of it with a timeline "
      "UpdateShardCount (stream.operations).";
  AddFigures(&f, {{"throttling_s", late->lasted_s()},
                  {"calls", calls},
                  {"first_call_after_s", first.requested_at_s - late->episode.start_s}});
  for (const Part& p : parts) AddFigures(&f, {{p.figure, p.seconds}});
  r->findings.push_back(std::move(f));
}

// ---------------------------------------------------------------- split_cannot_help

void SplitCannotHelp(const Scenario& scenario, RunResult* r) {
  const double records_limit = static_cast<double>(scenario.stream.write_limits.records_per_sec);
  const double bytes_limit = static_cast<double>(scenario.stream.write_limits.bytes_per_sec);
  std::vector<Finding> out;
  for (const OperationResult& o : r->operations) {
    if (o.op != "split" || o.status != "completed") continue;
    for (const std::string& id : o.opened_shards) {
      const int i = ShardIndexOf(*r, id);
      if (i < 0) continue;
      const ShardResult& s = r->shards[static_cast<size_t>(i)];
      if (s.top_keys.empty()) continue;
      const KeyShare& top = s.top_keys.front();
      const double key_records = top.share * s.peak_demand_records_per_s;
      const double key_bytes = top.share * s.peak_demand_bytes_per_s;
      if (!(key_records > records_limit || key_bytes > bytes_limit)) continue;
      const bool by_records = key_records / records_limit >= key_bytes / bytes_limit;
      Finding f =
          NewFinding(FindingKind::kSplitCannotHelp, Severity::kWarning, "SplitShard " + o.shard);
      f.shard = s.index;
      f.evidence = "SplitShard " + o.shard + " (" + (o.cause.empty() ? "scenario" : o.cause) +
                   ") completed at " + Fixed(o.completed_at_s, 0) + " s, but key \"" + top.key +
                   "\" alone needs about " +
                   (by_records ? Count(std::round(key_records)) +
                                     " records/s against one "
                                     "shard's " +
                                     FormatRecordRate(records_limit)
                               : FormatByteRate(key_bytes) + " against one shard's " +
                                     FormatByteRate(bytes_limit)) +
                   ": the split moved it to " + s.shard_id + ", which throttled " +
                   CountNoun(s.throttled_records, "record", "records") +
                   ". A split divides hash ranges, not keys.";
      f.recommendation =
          "Do not split for this key: salt it (a suffix 0..N-1, read back together) so it "
          "spreads over N shards; see hot_key.";
      AddFigures(&f, {{"key_share", top.share},
                      {"key_records_per_s", key_records},
                      {"key_bytes_per_s", key_bytes},
                      {"throttled_after", static_cast<double>(s.throttled_records)}});
      out.push_back(std::move(f));
    }
  }
  for (Finding& f : out) r->findings.push_back(std::move(f));
}

// ---------------------------------------------------------------- cold_shards

void ColdShards(const Scenario& scenario, RunResult* r) {
  if (scenario.stream.mode != StreamMode::kProvisioned) return;
  // over_provisioned already advises fewer shards for the whole stream, priced.
  if (FindFinding(r->findings, FindingKind::kOverProvisioned) != nullptr) return;
  // No busiest second measured (a warm-up as long as the run): nothing to judge.
  if (r->peak_demand_records_per_s <= 0) return;
  // Fewer shards is no advice while a consumer cannot keep up with the ones there are.
  if (FindFinding(r->findings, FindingKind::kIteratorAgeGrowing) != nullptr ||
      FindFinding(r->findings, FindingKind::kRecordsExpired) != nullptr) {
    return;
  }
  const double records_limit = static_cast<double>(scenario.stream.write_limits.records_per_sec);
  const double bytes_limit = static_cast<double>(scenario.stream.write_limits.bytes_per_sec);
  std::vector<const ShardResult*> open;
  for (const ShardResult& s : r->shards) {
    if (s.state == "OPEN") open.push_back(&s);
  }
  if (open.size() < 2) return;
  std::sort(open.begin(), open.end(), [](const ShardResult* x, const ShardResult* y) {
    return x->starting_hash_key.size() != y->starting_hash_key.size()
               ? x->starting_hash_key.size() < y->starting_hash_key.size()
               : x->starting_hash_key < y->starting_hash_key;
  });
  // Adjacent pairs, greedily from the lowest hash, each shard in at most one pair; a shard that
  // received nothing is idle_shards' (cost), not a merge's.
  std::vector<std::string> pairs;
  double worst = 0;
  for (size_t i = 0; i + 1 < open.size(); ++i) {
    const ShardResult& x = *open[i];
    const ShardResult& y = *open[i + 1];
    if (x.first_attempts == 0 || y.first_attempts == 0) continue;
    const double u =
        std::max((x.peak_demand_records_per_s + y.peak_demand_records_per_s) / records_limit,
                 (x.peak_demand_bytes_per_s + y.peak_demand_bytes_per_s) / bytes_limit);
    if (u >= kMergeHeadroom) continue;
    pairs.push_back(x.shard_id + " + " + y.shard_id + " (" + PercentWhole(u) + ")");
    worst = std::max(worst, u);
    ++i;
  }
  // Never fewer shards than the consumers need to keep up with the busiest second (a Lambda
  // mapping's PF x batch / duration per shard, a record processor's rate, shared read throughput).
  const ShardFloor floor =
      ConsumersShardFloor(scenario, *r, std::min(scenario.analysis.hot_shard_threshold, 0.8));
  const int64_t open_count = static_cast<int64_t>(open.size());
  const int64_t allowed =
      floor.shards > 0 ? std::max<int64_t>(0, open_count - floor.shards) : open_count;
  if (static_cast<int64_t>(pairs.size()) > allowed) pairs.resize(static_cast<size_t>(allowed));
  if (pairs.empty()) return;
  const double merges = static_cast<double>(pairs.size());
  const double shard_hours_month = merges * 730;
  double per_shard = 0;
  if (r->cost && r->cost->priced) {
    per_shard =
        MonthlyCostOf(*r->cost, PriceDimension::kKdsShardHour) / static_cast<double>(open.size());
  }
  Finding f = NewFinding(FindingKind::kColdShards, Severity::kInfo, "stream");
  f.evidence = CountNoun(pairs.size(), "pair", "pairs") +
               " of adjacent open shards would together fit one shard with headroom (busiest "
               "second below " +
               PercentWhole(kMergeHeadroom) + " of one shard's limits): " + JoinAnd(pairs) + ".";
  f.recommendation =
      "MergeShards each pair (e.g. at night, stream.operations or an autoscaler with policy "
      "split_merge), saving " +
      Count(shard_hours_month) + " shard-hours a month" +
      (per_shard > 0 ? " (about $" + Fixed(per_shard * merges, 2) + " a month)" : "") +
      "; merge back before traffic returns (a split takes effect after its UPDATING time).";
  AddFigures(&f, {{"pairs", merges},
                  {"combined_utilization_max", worst},
                  {"shard_hours_saved_per_month", shard_hours_month}});
  if (per_shard > 0) AddFigures(&f, {{"saving_per_month_usd", per_shard * merges}});
  r->findings.push_back(std::move(f));
}

}  // namespace

void MeasureAroundOperations(RunResult* r) {
  if (r->operations.empty()) return;
  const Throttling t = StreamThrottling(*r);
  const std::vector<Episode> episodes = Episodes(t);
  for (OperationResult& o : r->operations) {
    o.throttling_started_at_s = o.throttling_ended_at_s = -1;
    o.throttled_before_completed = o.throttled_after_completed = 0;
    const Episode* e = Answered(episodes, o);
    const double done = o.completed_at_s >= 0 ? o.completed_at_s : r->duration_s;
    if (e != nullptr) {
      o.throttling_started_at_s = e->start_s;
      o.throttling_ended_at_s = e->end_s;
      for (size_t i = e->first; i <= e->last; ++i) {
        const auto n = static_cast<uint64_t>(t.throttled[i]);
        (t.start_s[i] < done ? o.throttled_before_completed : o.throttled_after_completed) += n;
      }
    }
    const double from = e != nullptr ? e->start_s : o.requested_at_s;
    const double to = std::max(e != nullptr ? e->end_s : 0.0, done) + kEpisodeGapSeconds;
    o.iterator_age_max_ms = IteratorAgeMax(*r, from, to);
  }
}

std::vector<AutoscalerWhatIf> AutoscalerWhatIfs(const Scenario& scenario, const RunResult& r) {
  std::vector<AutoscalerWhatIf> out;
  const AutoscalingSpec& a = scenario.stream.autoscaling;
  if (!a.enabled || scenario.stream.mode != StreamMode::kProvisioned) return out;
  const std::optional<LateEpisode> late = LongestAnswered(r);
  if (!late || late->lasted_s() <= kAutoscalerLateSeconds) return out;
  if (a.evaluation_periods > 1) {
    AutoscalerWhatIf w{"evaluation_periods 1", scenario};
    w.scenario.stream.autoscaling.evaluation_periods = 1;
    w.scenario.stream.autoscaling.datapoints_to_alarm = 0;
    out.push_back(std::move(w));
  }
  if (a.policy == ScalingPolicy::kTargetTracking && a.target_utilization > 0.5) {
    AutoscalerWhatIf w{"target_utilization 0.5", scenario};
    w.scenario.stream.autoscaling.target_utilization = 0.5;
    out.push_back(std::move(w));
  }
  return out;
}

void AddAutoscalingFindings(const Scenario& scenario, const std::vector<WhatIfRun>& what_ifs,
                            RunResult* r) {
  if (scenario.stream.autoscaling.enabled) TooLate(scenario, what_ifs, r);
  SplitCannotHelp(scenario, r);
  ColdShards(scenario, r);
}

}  // namespace shardsim
