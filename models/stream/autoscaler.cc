// Autoscaler: the alarm's datapoints, its decisions and its timers. See autoscaler.h.
#include "models/stream/autoscaler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "models/result/format.h"
#include "models/spec/enum_names.h"
#include "models/spec/units.h"
#include "sim/check.h"

namespace shardsim {
namespace {

bool Utilization(ScalingMetric m) {
  return m == ScalingMetric::kIncomingBytes || m == ScalingMetric::kIncomingRecords;
}

std::string_view MetricName(ScalingMetric m) {
  switch (m) {
    case ScalingMetric::kIncomingBytes:
      return "IncomingBytes";
    case ScalingMetric::kIncomingRecords:
      return "IncomingRecords";
    case ScalingMetric::kWriteThrottledRecords:
      return "WriteProvisionedThroughputExceeded";
    case ScalingMetric::kIteratorAge:
      return "GetRecords.IteratorAgeMilliseconds";
  }
  return "";
}

// One shard's capacity over a period in the metric's unit (bytes or records).
double ShardCapacity(const AutoscalingSpec& spec, const WriteLimitsSpec& limits) {
  const double per_sec = spec.metric == ScalingMetric::kIncomingBytes
                             ? static_cast<double>(limits.bytes_per_sec)
                             : static_cast<double>(limits.records_per_sec);
  return per_sec * spec.period.seconds();
}

int64_t Needed(double value, double per_shard_at_target) {
  return static_cast<int64_t>(std::ceil(value / per_shard_at_target));
}

std::string Num(double v) { return SignificantDigits(v, 4); }

// "in 3 of 3 periods of 1min"
std::string Periods(const AutoscalingSpec& spec, int64_t breaching) {
  return " in " + std::to_string(breaching) + " of " + std::to_string(spec.evaluation_periods) +
         " periods of " + FormatDuration(spec.period);
}

int64_t AlarmDatapoints(const AutoscalingSpec& spec) {
  return spec.datapoints_to_alarm > 0 ? spec.datapoints_to_alarm : spec.evaluation_periods;
}

ScalingDecision UpdateTo(const AutoscalingSpec& spec, int64_t open, int64_t target,
                         std::string cause) {
  ScalingDecision d;
  target = ClampTarget(spec, open, target);
  if (target == open) return d;
  d.act = true;
  d.op.action = ReshardAction::kUpdateShardCount;
  d.op.target_shards = target;
  d.cause = std::move(cause) + "; UpdateShardCount " + std::to_string(open) + " -> " +
            std::to_string(target);
  return d;
}

ScalingDecision TargetTracking(const AutoscalingSpec& spec, const WriteLimitsSpec& limits,
                               int64_t open, const std::deque<ScalingDatapoint>& window) {
  const double at_target = spec.target_utilization * ShardCapacity(spec, limits);
  const double threshold = at_target * static_cast<double>(open);
  int64_t high = 0, low = 0, most = 0;
  for (const ScalingDatapoint& p : window) {
    const int64_t n = Needed(p.stream, at_target);
    if (p.stream > threshold) ++high;
    if (n < open) ++low;
    most = std::max(most, n);
  }
  const double latest = window.back().stream;
  const std::string value = std::string(MetricName(spec.metric)) + " " + Num(latest);
  const std::string target_text = PercentWhole(spec.target_utilization) + " of " +
                                  std::to_string(open) + " shards (" + Num(threshold) + ")";
  const int64_t m = AlarmDatapoints(spec);
  if (high >= m) {
    return UpdateTo(spec, open, Needed(latest, at_target),
                    "autoscaler: " + value + " above " + target_text + Periods(spec, high) +
                        "; target ceil(" + Num(latest) + " / (" +
                        SignificantDigits(spec.target_utilization, 3) + " x " +
                        Num(ShardCapacity(spec, limits)) + "))");
  }
  if (spec.scale_in && low >= m) {
    return UpdateTo(spec, open, std::max<int64_t>(most, 1),
                    "autoscaler: " + value + " needs fewer shards at " + target_text +
                        Periods(spec, low) + "; target the most any period needs, " +
                        std::to_string(std::max<int64_t>(most, 1)));
  }
  return {};
}

ScalingDecision Steps(const AutoscalingSpec& spec, const WriteLimitsSpec& limits, int64_t open,
                      const std::deque<ScalingDatapoint>& window) {
  const double capacity = ShardCapacity(spec, limits) * static_cast<double>(open);
  const bool utilization = Utilization(spec.metric);
  for (size_t i = 0; i < spec.steps.size(); ++i) {
    const ScalingStepSpec& step = spec.steps[i];
    int64_t breaching = 0;
    for (const ScalingDatapoint& p : window) {
      const double v = utilization ? p.stream / capacity : p.stream;
      const bool breach =
          step.when == ScalingComparison::kAbove ? v > step.threshold : v < step.threshold;
      if (breach) ++breaching;  // NaN (no iterator age) never breaches
    }
    if (breaching < AlarmDatapoints(spec)) continue;
    const double f = step.factor;
    const int64_t target = step.change != 0 ? open + step.change
                           : f > 1
                               ? static_cast<int64_t>(std::ceil(static_cast<double>(open) * f))
                               : static_cast<int64_t>(std::floor(static_cast<double>(open) * f));
    const double latest = window.back().stream;
    const std::string shown =
        utilization ? PercentWhole(latest / capacity) + " of " + std::to_string(open) + " shards"
                    : Num(latest);
    return UpdateTo(spec, open, target,
                    "autoscaler: step " + std::to_string(i) + ": " +
                        std::string(MetricName(spec.metric)) + " " + shown + " " +
                        std::string(Name(step.when)) + " " +
                        (utilization ? PercentWhole(step.threshold) : Num(step.threshold)) +
                        Periods(spec, breaching));
  }
  return {};
}

ScalingDecision SplitMerge(const AutoscalingSpec& spec, const WriteLimitsSpec& limits,
                           const ShardMap& map, const std::deque<ScalingDatapoint>& window) {
  const double capacity = ShardCapacity(spec, limits);
  const int64_t m = AlarmDatapoints(spec);
  // Shards with a datapoint in every period of the window (children newer than that wait).
  const size_t known = window.front().shards.size();
  auto u = [&](const ScalingDatapoint& p, int s) {
    return static_cast<size_t>(s) < p.shards.size() ? p.shards[static_cast<size_t>(s)] / capacity
                                                    : 0.0;
  };
  const std::vector<int>& open = map.open_shards();
  int hottest = -1;
  double hottest_u = 0;
  int64_t hottest_n = 0;
  for (int s : open) {
    if (static_cast<size_t>(s) >= known) continue;
    int64_t n = 0;
    for (const ScalingDatapoint& p : window) n += u(p, s) > spec.target_utilization ? 1 : 0;
    const double latest = u(window.back(), s);
    if (n >= m && latest > hottest_u) {
      hottest = s;
      hottest_u = latest;
      hottest_n = n;
    }
  }
  const auto count = static_cast<int64_t>(open.size());
  const std::string metric(MetricName(spec.metric));
  ScalingDecision d;
  if (hottest >= 0 && count < spec.max_shards) {
    d.act = true;
    d.op.action = ReshardAction::kSplit;
    d.op.shard = hottest;
    d.op.new_starting_hash_key = "even";
    d.cause = "autoscaler: " + metric + " of " + ShardIdString(hottest) + " " +
              PercentWhole(hottest_u) + " of one shard, above " +
              PercentWhole(spec.target_utilization) + Periods(spec, hottest_n) +
              "; SplitShard at the middle of its range";
    return d;
  }
  if (!spec.scale_in || count <= spec.min_shards) return d;
  int coldest = -1;
  double coldest_u = std::numeric_limits<double>::infinity();
  int64_t coldest_n = 0;
  for (size_t i = 0; i + 1 < open.size(); ++i) {
    const int a = open[i], b = open[i + 1];
    if (static_cast<size_t>(std::max(a, b)) >= known) continue;
    int64_t n = 0;
    for (const ScalingDatapoint& p : window) {
      n += u(p, a) + u(p, b) < spec.merge_utilization ? 1 : 0;
    }
    const double latest = u(window.back(), a) + u(window.back(), b);
    if (n >= m && latest < coldest_u) {
      coldest = static_cast<int>(i);
      coldest_u = latest;
      coldest_n = n;
    }
  }
  if (coldest < 0) return d;
  d.act = true;
  d.op.action = ReshardAction::kMerge;
  d.op.shard = open[static_cast<size_t>(coldest)];
  d.op.adjacent_shard = open[static_cast<size_t>(coldest) + 1];
  d.cause = "autoscaler: " + metric + " of " + ShardIdString(static_cast<int>(d.op.shard)) +
            " and " + ShardIdString(static_cast<int>(d.op.adjacent_shard)) + " together " +
            PercentWhole(coldest_u) + " of one shard, below " +
            PercentWhole(spec.merge_utilization) + Periods(spec, coldest_n) +
            "; MergeShards of the coldest adjacent pair";
  return d;
}

}  // namespace

int64_t ClampTarget(const AutoscalingSpec& spec, int64_t open, int64_t target) {
  // UpdateShardCount accepts half to double the open shards (fact sheet 3): the function asks
  // for no more, and several calls reach a farther target.
  target = std::min(target, 2 * open);
  target = std::max(target, (open + 1) / 2);
  target = std::min(target, spec.max_shards);
  target = std::max(target, spec.min_shards);
  return std::max<int64_t>(target, 1);
}

ScalingDecision DecideScaling(const AutoscalingSpec& spec, const WriteLimitsSpec& limits,
                              const ShardMap& map, const std::deque<ScalingDatapoint>& window) {
  SHARDSIM_CHECK(!window.empty() && static_cast<int64_t>(window.size()) == spec.evaluation_periods);
  const int64_t open = map.open_count();
  switch (spec.policy) {
    case ScalingPolicy::kTargetTracking:
      return TargetTracking(spec, limits, open, window);
    case ScalingPolicy::kStep:
      return Steps(spec, limits, open, window);
    case ScalingPolicy::kSplitMerge:
      return SplitMerge(spec, limits, map, window);
  }
  return {};
}

Autoscaler::Autoscaler(const AutoscalingSpec& spec, const WriteLimitsSpec& limits,
                       const CloudWatchView& view, Resharder& resharder, const Stream& stream,
                       SimTime end)
    : Component("stream/" + stream.spec().name + "/autoscaler"),
      spec_(spec),
      limits_(limits),
      view_(view),
      resharder_(resharder),
      stream_(stream),
      end_(end),
      minutes_per_period_(spec.period.nanos() / Minutes(1).nanos()) {
  SHARDSIM_CHECK(minutes_per_period_ >= 1 && spec.evaluation_periods >= 1);
  SHARDSIM_CHECK(view.options().period == Minutes(1));
  SHARDSIM_CHECK(static_cast<int64_t>(view.options().keep_minutes) >=
                 spec.publication_delay.nanos() / Minutes(1).nanos() + 2);
}

void Autoscaler::Start(Context& ctx) {
  // Minute [0, 1 min) is published at 1 min and readable publication_delay later. The read runs
  // in the default phase, after the view's publication (Phase::kBoundary) at an equal instant.
  next_read_ = SimTime::Zero() + Minutes(1) + view_.options().publication_delay;
  if (next_read_ <= end_) ctx.Schedule(next_read_, kReadTag);
}

void Autoscaler::OnEvent(Context& ctx, uint32_t tag) {
  if (tag == kCallTag) {
    ReshardSpec op = decided_.op;
    op.at = ctx.Now() - SimTime::Zero();
    op.duration = spec_.reshard_duration;
    last_call_ = resharder_.Call(ctx, op, -1, decided_.cause);
    called_ = true;
    pending_ = false;
    return;
  }
  Read(ctx);
  next_read_ += Minutes(1);
  if (next_read_ <= end_) ctx.Schedule(next_read_, kReadTag);
}

double Autoscaler::Value(const CloudWatchView::Metrics& m) const {
  switch (spec_.metric) {
    case ScalingMetric::kIncomingBytes:
      return m.incoming_bytes;
    case ScalingMetric::kIncomingRecords:
      return m.incoming_records;
    case ScalingMetric::kWriteThrottledRecords:
      return m.write_throttled_records;
    case ScalingMetric::kIteratorAge:
      return m.iterator_age_max_ms;
  }
  return 0;
}

// The minute that became readable now: the period's sum (iterator age: maximum, NaN when no
// minute had a GetRecords response).
void Autoscaler::Read(Context& ctx) {
  const SimTime start = ctx.Now() - view_.options().publication_delay - Minutes(1);
  const CloudWatchView::Minute* minute = view_.Find(ctx.Now(), start);
  SHARDSIM_CHECK(minute != nullptr, "the view keeps the minute that became readable now");
  const bool age = spec_.metric == ScalingMetric::kIteratorAge;
  auto fold = [age](double* into, double v, bool first) {
    if (first) {
      *into = v;
    } else if (!age) {
      *into += v;
    } else if (!std::isnan(v) && !(*into >= v)) {
      *into = v;
    }
  };
  const bool first = minutes_in_period_ == 0;
  fold(&current_.stream, Value(minute->stream), first);
  if (spec_.policy == ScalingPolicy::kSplitMerge) {
    if (first) current_.shards.clear();
    current_.shards.resize(minute->shards.size(), 0.0);
    for (size_t s = 0; s < minute->shards.size(); ++s) {
      current_.shards[s] += Value(minute->shards[s]);
    }
  }
  if (++minutes_in_period_ < minutes_per_period_) return;
  minutes_in_period_ = 0;
  current_.end = minute->start + Minutes(1);
  window_.push_back(current_);
  if (static_cast<int64_t>(window_.size()) > spec_.evaluation_periods) window_.pop_front();
  if (static_cast<int64_t>(window_.size()) == spec_.evaluation_periods) Evaluate(ctx);
}

void Autoscaler::Evaluate(Context& ctx) {
  ++evaluations_;
  const ScalingDecision d = DecideScaling(spec_, limits_, stream_.shard_map(), window_);
  if (!d.act) return;
  ++alarms_;
  if (pending_) return;  // an action is on its way
  if (called_) {
    SimTime over;
    if (!resharder_.Finished(last_call_, &over)) return;  // waiting or UPDATING
    if (ctx.Now() < over + spec_.cooldown) return;
  }
  decided_ = d;
  pending_ = true;
  const SimTime at = ctx.Now() + spec_.invocation_delay + spec_.action_delay;
  if (at < end_) {
    ctx.Schedule(at, kCallTag);
  } else {
    pending_ = false;
  }
}

std::vector<Assumption> AutoscalingAssumptions(const StreamSpec& spec) {
  std::vector<Assumption> a;
  const AutoscalingSpec& s = spec.autoscaling;
  if (!s.enabled || spec.mode != StreamMode::kProvisioned) return a;
  const std::string at = "UNCONFIRMED: configurable at /stream/autoscaling/";
  a.push_back({"autoscaling: CloudWatch publication delay", FormatDuration(s.publication_delay),
               at + "publication_delay (a minute's datapoint becomes readable this long after "
                    "the minute ends; AWS publishes no figure)"});
  a.push_back({"autoscaling: alarm to Lambda invocation", FormatDuration(s.invocation_delay),
               at + "invocation_delay"});
  a.push_back({"autoscaling: Lambda decision to resharding call", FormatDuration(s.action_delay),
               at + "action_delay"});
  a.push_back({"autoscaling: resharding call duration (UPDATING)",
               FormatDuration(s.reshard_duration),
               at + "reshard_duration (fact sheet 3: \"a few minutes\")"});
  a.push_back({"autoscaling: alarm evaluation",
               "every " + FormatDuration(s.period) + " period once its last minute is readable, " +
                   std::to_string(AlarmDatapoints(s)) + " of " +
                   std::to_string(s.evaluation_periods) + " periods breaching; cooldown " +
                   FormatDuration(s.cooldown) +
                   " from the completion (or refusal) of the previous action",
               "model choice (CloudWatch alarm M of N datapoints): configurable at "
               "/stream/autoscaling"});
  if (s.policy != ScalingPolicy::kSplitMerge) {
    a.push_back({"autoscaling: UpdateShardCount target",
                 "clamped to [min_shards, max_shards] and to half..double the open shards "
                 "(several calls reach a farther target)",
                 "fact sheet 3: UpdateShardCount limits; the function's clamp is a model choice"});
  } else {
    a.push_back({"autoscaling: split point", "the middle of the hottest shard's hash range",
                 "model choice: the function sees shard-level metrics, not keys"});
  }
  return a;
}

}  // namespace shardsim
