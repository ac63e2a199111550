// Autoscaler: the car-telemetry design of a provisioned stream that scales itself -- a CloudWatch
// alarm on a one-minute Kinesis metric invokes a Lambda function that reshards (fact sheet 3 and
// 10). Once a minute, when the CloudWatch view's minute becomes readable (its publication delay),
// the autoscaler folds it into the policy's period; at the end of each period it evaluates the
// alarm over the last N periods (M of N breaching), and if it fires, outside the cooldown and with
// no action of its own in progress, it calls the Resharder after the invocation and action delays:
// UpdateShardCount (target tracking, step rules) or SplitShard / MergeShards (split_merge, on
// shard-level metrics). The Resharder checks the call as Kinesis does; a refused call is reported
// and the policy tries again after its cooldown. Events are per minute and per action, never per
// record. The decisions (Decide*) are pure functions tests call without the kernel. Not
// thread-safe: one per stream and simulation.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "models/result/run_result.h"
#include "models/spec/scenario.h"
#include "models/stream/cloudwatch.h"
#include "models/stream/resharding.h"
#include "models/stream/stream.h"
#include "sim/simulation.h"
#include "sim/time.h"

namespace shardsim {

// One period's datapoint of the watched metric: the stream's, and per shard index (split_merge).
// Iterator age without any GetRecords response in the period is NaN (never breaching).
struct ScalingDatapoint {
  SimTime end;                 // the period is [end - period, end)
  double stream = 0;           // sum over the period (iterator age: maximum)
  std::vector<double> shards;  // by shard index, shards existing at the period's last minute
};

// What the alarm and the Lambda function decided: a resharding call and why.
struct ScalingDecision {
  bool act = false;
  ReshardSpec op;     // at and duration are set by the caller
  std::string cause;  // "autoscaler: <metric> <value> above <threshold> in M of N periods ..."
};

// The alarm over `window` (oldest first, exactly evaluation_periods datapoints) for a stream of
// `map`'s open shards, with `limits`' per-shard capacity. REQUIRES: window.size() ==
// spec.evaluation_periods.
ScalingDecision DecideScaling(const AutoscalingSpec& spec, const WriteLimitsSpec& limits,
                              const ShardMap& map, const std::deque<ScalingDatapoint>& window);

// A target in [min_shards, max_shards] and within UpdateShardCount's half to double of `open`.
int64_t ClampTarget(const AutoscalingSpec& spec, int64_t open, int64_t target);

class Autoscaler : public Component {
 public:
  // REQUIRES: `view` publishes `stream`'s minutes every minute and keeps at least
  // publication_delay + 2 minutes; all outlive the autoscaler.
  Autoscaler(const AutoscalingSpec& spec, const WriteLimitsSpec& limits, const CloudWatchView& view,
             Resharder& resharder, const Stream& stream, SimTime end);

  void Start(Context& ctx) override;
  void OnEvent(Context& ctx, uint32_t tag) override;

  // Alarm evaluations so far, and how many fired (acted or not: cooldown, in progress).
  uint64_t evaluations() const { return evaluations_; }
  uint64_t alarms() const { return alarms_; }

 private:
  static constexpr uint32_t kReadTag = 0;
  static constexpr uint32_t kCallTag = 1;

  void Read(Context& ctx);
  void Evaluate(Context& ctx);
  double Value(const CloudWatchView::Metrics& m) const;

  AutoscalingSpec spec_;
  WriteLimitsSpec limits_;
  const CloudWatchView& view_;
  Resharder& resharder_;
  const Stream& stream_;
  SimTime end_;
  int64_t minutes_per_period_ = 1;
  int64_t minutes_in_period_ = 0;  // folded into `current_`
  ScalingDatapoint current_;
  std::deque<ScalingDatapoint> window_;  // the last evaluation_periods datapoints
  SimTime next_read_;
  // The action: decided and waiting for its delays, or made (its Resharder record).
  bool pending_ = false;
  ScalingDecision decided_;
  bool called_ = false;
  size_t last_call_ = 0;
  uint64_t evaluations_ = 0;
  uint64_t alarms_ = 0;
};

// The assumptions a run with autoscaling makes (result.json assumptions).
std::vector<Assumption> AutoscalingAssumptions(const StreamSpec& spec);

}  // namespace shardsim
