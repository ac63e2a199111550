// Reading the stream: mode, shards, limits, resharding, autoscaling, on-demand. See
// scenario_readers.h.
#include <algorithm>

#include "models/spec/features.h"
#include "models/spec/loader/scenario_readers.h"

namespace shardsim::loader {
namespace {

void ReadWriteLimits(Context& c, const Json& j, Ptr p, WriteLimitsSpec* s) {
  ObjectReader r(c, j, p, ScenarioType("write_limits"));
  r.Optional("bytes_per_s", &s->bytes_per_sec, WholeByteRate());
  r.Optional("records_per_s", &s->records_per_sec, WholeRecordRate());
  r.Optional("burst", &s->burst_bytes, Size());
  if (r.Discriminator(&s->admission, false) && s->admission == WriteAdmission::kTokenBucket) {
    r.Optional("bucket_depth", &s->bucket_depth_sec, Number());
  }
}

void ReadReadLimits(Context& c, const Json& j, Ptr p, ReadLimitsSpec* s) {
  ObjectReader r(c, j, p, ScenarioType("read_limits"));
  r.Optional("get_records_per_s", &s->get_records_per_sec, Int());
  r.Optional("bytes_per_s", &s->bytes_per_sec, WholeByteRate());
  r.Optional("max_records_per_call", &s->max_records_per_call, Int());
  r.Optional("max_bytes_per_call", &s->max_bytes_per_call, Size());
  r.Optional("penalty", &s->penalty, Duration());
}

void ReadReshardLimits(Context& c, const Json& j, Ptr p, ReshardLimitsSpec* s) {
  ObjectReader r(c, j, p, ScenarioType("reshard_limits"));
  r.Optional("update_shard_count_per_24h", &s->update_shard_count_per_24h, Int());
  r.Optional("mode_switches_per_24h", &s->mode_switches_per_24h, Int());
  r.Optional("max_shards", &s->max_shards, Int());
  r.Optional("account_shard_quota", &s->account_shard_quota, Int());
}

void ReadAutoscaling(Context& c, const Json& j, Ptr p, AutoscalingSpec* s) {
  ObjectReader r(c, j, p, ScenarioType("autoscaling"));
  r.Optional("enabled", &s->enabled, Bool());
  r.Optional("metric", &s->metric, Enum<ScalingMetric>());
  r.Optional("target_utilization", &s->target_utilization, Number());
  r.Optional("period", &s->period, Duration());
  r.Optional("evaluation_periods", &s->evaluation_periods, Int());
  r.Optional("cooldown", &s->cooldown, Duration());
  r.Optional("min_shards", &s->min_shards, Int());
  r.Optional("max_shards", &s->max_shards, Int());
  r.Optional("action_delay", &s->action_delay, Duration());
  r.Optional("policy", &s->policy, Enum<ScalingPolicy>());
  r.Optional("datapoints_to_alarm", &s->datapoints_to_alarm, Int());
  r.Optional("publication_delay", &s->publication_delay, Duration());
  r.Optional("invocation_delay", &s->invocation_delay, Duration());
  r.Optional("reshard_duration", &s->reshard_duration, Duration());
  r.Optional("scale_in", &s->scale_in, Bool());
  r.Optional("merge_utilization", &s->merge_utilization, Number());
  r.Array("steps", 0, 100, [&](const Json& v, Ptr vp, size_t) {
    ScalingStepSpec& step = s->steps.emplace_back();
    ObjectReader sr(c, v, vp, ScenarioType("autoscaling_step"));
    sr.Required("when", &step.when, Enum<ScalingComparison>());
    sr.Required("threshold", &step.threshold, Number());
    sr.Optional("change", &step.change, Int());
    sr.Optional("factor", &step.factor, Number());
  });
}

void ReadOnDemand(Context& c, const Json& j, Ptr p, OnDemandSpec* s) {
  ObjectReader r(c, j, p, ScenarioType("on_demand"));
  r.Optional("split_threshold", &s->split_threshold_bytes_per_sec, ByteRate());
  r.Optional("split_threshold_records", &s->split_threshold_records_per_sec, RecordRate());
  r.Optional("split_delay", &s->split_delay, Duration());
  r.Optional("max_write_throughput", &s->max_write_bytes_per_sec, ByteRate());
  r.Optional("scale_down", &s->scale_down, Bool());
  r.Optional("merge_threshold", &s->merge_threshold_bytes_per_sec, ByteRate());
  r.Optional("merge_threshold_records", &s->merge_threshold_records_per_sec, RecordRate());
  r.Optional("merge_after", &s->merge_after, Duration());
}

}  // namespace

void ReadStream(Context& c, const Json& j, Ptr p, StreamSpec* s) {
  ObjectReader r(c, j, p, ScenarioType("stream"));
  if (!r.is_object()) return;
  r.Optional("name", &s->name, ResourceName());
  const bool mode_ok = r.Discriminator(&s->mode, false);
  if (mode_ok && s->mode == StreamMode::kProvisioned && !r.Has("shards")) {
    c.Error(r.Pointer("shards"), "provisioned mode requires \"shards\"");
  }
  r.Optional("shards", &s->shards, Int());
  r.Optional("retention", &s->retention, Duration());
  r.Optional("max_record_size", &s->max_record_size_bytes, Size());
  r.Object("write_limits",
           [&](const Json& v, Ptr vp) { ReadWriteLimits(c, v, vp, &s->write_limits); });
  r.Object("read_limits",
           [&](const Json& v, Ptr vp) { ReadReadLimits(c, v, vp, &s->read_limits); });
  r.Optional("propagation_delay", &s->propagation_delay, Latency());
  r.Optional("max_efo_consumers", &s->max_efo_consumers, Int());
  r.Optional("enhanced_monitoring", &s->enhanced_monitoring, Bool());
  if (!mode_ok) return;
  if (s->mode == StreamMode::kOnDemand) c.Feature(r.Pointer("mode"), kFeatureOnDemand);
  // On-demand settings apply from the start or from a switch to on_demand (update_stream_mode).
  r.Object("on_demand", [&](const Json& v, Ptr vp) { ReadOnDemand(c, v, vp, &s->on_demand); });
  if (s->mode == StreamMode::kProvisioned) {
    r.Object("autoscaling",
             [&](const Json& v, Ptr vp) { ReadAutoscaling(c, v, vp, &s->autoscaling); });
    if (s->autoscaling.enabled) c.Feature(r.Pointer("autoscaling"), kFeatureAutoscaling);
  }
  r.Array("operations", 0, 1'000, [&](const Json& v, Ptr vp, size_t) {
    s->operations.push_back(ReadOperation(c, v, vp, true));
  });
  if (!s->operations.empty()) c.Feature(r.Pointer("operations"), kFeatureResharding);
  r.Object("reshard_limits",
           [&](const Json& v, Ptr vp) { ReadReshardLimits(c, v, vp, &s->reshard_limits); });
  const bool to_on_demand =
      std::any_of(s->operations.begin(), s->operations.end(), [](const ReshardSpec& op) {
        return op.action == ReshardAction::kUpdateStreamMode && op.mode == StreamMode::kOnDemand;
      });
  if (s->mode == StreamMode::kProvisioned && r.Has("on_demand") && !to_on_demand) {
    c.Error(r.Pointer("on_demand"),
            "\"on_demand\" applies only to mode \"on_demand\" or to a stream an "
            "update_stream_mode switches to on_demand");
  }
}

ReshardSpec ReadOperation(Context& c, const Json& j, Ptr p, bool timed) {
  ReshardSpec s;
  ObjectReader r(c, j, p, ScenarioType("stream_operation"));
  if (!timed) {
    // An operations file is applied in order, at once: times mean nothing there.
    for (const char* field : {"at", "duration", "if_updating"}) {
      if (r.Has(field)) c.Error(r.Pointer(field), "an operations file has no times: remove it");
    }
  }
  ReshardSpec untimed;  // an operations file's times are read (to mark them seen) and dropped
  ReshardSpec& t = timed ? s : untimed;
  if (timed) r.Required("at", &t.at, Duration());
  if (!timed) r.Optional("at", &t.at, Duration());
  r.Optional("duration", &t.duration, Duration());
  r.Optional("if_updating", &t.if_updating, Enum<IfUpdating>());
  if (!r.Discriminator(&s.action, true)) return s;
  switch (s.action) {
    case ReshardAction::kSplit:
      r.Required("shard", &s.shard, ShardId());
      r.Required("new_starting_hash_key", &s.new_starting_hash_key, SplitKeyText());
      break;
    case ReshardAction::kMerge:
      r.Required("shard", &s.shard, ShardId());
      r.Required("adjacent", &s.adjacent_shard, ShardId());
      break;
    case ReshardAction::kUpdateShardCount:
      r.Required("target", &s.target_shards, Int());
      break;
    case ReshardAction::kUpdateStreamMode:
      if (!timed) {
        c.Error(r.Pointer("op"),
                "an operations file changes the shard table: update_stream_mode belongs on a "
                "run's timeline (stream.operations)");
      }
      r.Required("mode", &s.mode, Enum<StreamMode>());
      break;
  }
  return s;
}

}  // namespace shardsim::loader
