// Resharding: the checks of SplitShard, MergeShards and UpdateShardCount, UNIFORM_SCALING's
// steps, and the Resharder that carries operations out in a run. See resharding.h.
#include "models/stream/resharding.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <utility>

#include "models/spec/enum_names.h"
#include "models/spec/units.h"
#include "sim/check.h"

namespace shardsim {
namespace {

// A target boundary this close to an open boundary keeps the open one (UniformScalingSteps).
constexpr Uint128 kBoundaryTolerance = Uint128{1} << 64;

std::string IntText(int64_t n) { return std::to_string(n); }

// The split point of `op` on `map`: its decimal key, or "even" of the shard's range (a closed
// shard's too: ShardMap::Split reports the closed shard first). REQUIRES: the shard exists.
HashKey SplitKey(const ShardMap& map, const ReshardSpec& op) {
  if (op.new_starting_hash_key != "even") {
    std::string error;
    const std::optional<HashKey> key = ParseHashKey(op.new_starting_hash_key, &error);
    SHARDSIM_CHECK(key.has_value(), "split keys are checked by the loader");
    return *key;
  }
  const HashRange r = map.shard(static_cast<int>(op.shard)).range;
  return HashKey(r.start.value() + (r.end.value() - r.start.value()) / 2);
}

// "shardId-" and the index in 12 digits (ShardIdString for any index an operation may name).
std::string ShardIdText(int64_t index) {
  const std::string digits = std::to_string(index);
  return "shardId-" + std::string(digits.size() < 12 ? 12 - digits.size() : 0, '0') + digits;
}

// The error Kinesis returns for a shard the stream never had; empty if it has it.
std::string NotFound(const ShardMap& map, int64_t shard) {
  if (shard >= 0 && shard < static_cast<int64_t>(map.shards().size())) return "";
  return "ResourceNotFoundException: Could not find shard " + ShardIdText(shard) + ".";
}

std::string NotActive(std::string_view stream_name) {
  return "ResourceInUseException: Stream " + std::string(stream_name) +
         " not ACTIVE, instead in state UPDATING";
}

std::string OverQuota(int open, int additional, int64_t quota) {
  return "LimitExceededException: This request would exceed the shard limit for the account. "
         "Current shard count for the account: " +
         IntText(open) + ". Limit: " + IntText(quota) +
         ". Number of additional shards that would have resulted from this request: " +
         IntText(additional) + ".";
}

}  // namespace

std::vector<ReshardStep> UniformScalingSteps(const ShardMap& map, int target) {
  SHARDSIM_CHECK(target >= 1, "a stream keeps at least one shard");
  std::vector<Uint128> open;  // boundaries between open shards: every open start but 0's
  for (size_t i = 1; i < map.open_shards().size(); ++i) {
    open.push_back(map.shard(map.open_shards()[i]).range.start.value());
  }
  std::vector<Uint128> wanted;
  const std::vector<HashRange> ranges = UniformRanges(target);
  for (size_t i = 1; i < ranges.size(); ++i) wanted.push_back(ranges[i].start.value());

  // Each target boundary keeps the nearest open boundary within the tolerance, if any. Target
  // boundaries are >= 2^128 / 10^6 apart, so no open boundary is near two of them.
  std::vector<bool> kept(open.size(), false);
  std::vector<Uint128> splits;
  for (const Uint128 b : wanted) {
    const auto it = std::lower_bound(open.begin(), open.end(), b);
    size_t best = open.size();
    Uint128 best_distance = 0;
    auto consider = [&](size_t i) {
      const Uint128 d = open[i] > b ? open[i] - b : b - open[i];
      if (d <= kBoundaryTolerance && (best == open.size() || d < best_distance)) {
        best = i;
        best_distance = d;
      }
    };
    const auto at = static_cast<size_t>(it - open.begin());
    if (at < open.size()) consider(at);
    if (at > 0) consider(at - 1);
    if (best < open.size() && !kept[best]) {
      kept[best] = true;
    } else {
      splits.push_back(b);
    }
  }

  // Plan on a copy, so that each step names the shards of the map it will meet.
  ShardMap work = map;
  std::vector<ReshardStep> steps;
  for (const Uint128 b : splits) {
    ReshardStep s{.action = ReshardAction::kSplit,
                  .shard = work.Lookup(HashKey(b)),
                  .new_starting_hash_key = HashKey(b)};
    ApplyStep(&work, s);
    steps.push_back(s);
  }
  for (size_t i = 0; i < open.size(); ++i) {
    if (kept[i]) continue;
    ReshardStep s{.action = ReshardAction::kMerge,
                  .shard = work.Lookup(HashKey(open[i] - 1)),
                  .new_starting_hash_key = HashKey(),
                  .adjacent = work.Lookup(HashKey(open[i]))};
    ApplyStep(&work, s);
    steps.push_back(s);
  }
  SHARDSIM_CHECK(work.open_count() == target, "UNIFORM_SCALING reaches its target");
  return steps;
}

ReshardResult ApplyStep(ShardMap* map, const ReshardStep& step) {
  const ReshardResult r = step.action == ReshardAction::kSplit
                              ? map->Split(step.shard, step.new_starting_hash_key)
                              : map->Merge(step.shard, step.adjacent);
  SHARDSIM_CHECK(r.ok(), "a planned step succeeds");
  return r;
}

ReshardPlan PlanReshard(const ShardMap& map, const ReshardSpec& op, const ReshardLimitsSpec& limits,
                        const ReshardStatus* status, SimTime now, std::string_view stream_name) {
  ReshardPlan plan;
  const int open = map.open_count();
  plan.peak_open_shards = open;
  const bool updating = status != nullptr && status->updating;
  const StreamMode mode = status != nullptr ? status->mode : StreamMode::kProvisioned;
  if (op.action == ReshardAction::kUpdateStreamMode) {
    if (updating) {
      plan.error = NotActive(stream_name);
    } else if (op.mode == mode) {
      plan.error = "InvalidArgumentException: Stream " + std::string(stream_name) +
                   " is already in " + std::string(ApiName(mode)) + " mode.";
    } else if (status != nullptr) {
      const SimTime since = now - Hours(24);
      const auto recent = std::count_if(status->mode_switches.begin(), status->mode_switches.end(),
                                        [&](SimTime t) { return t > since; });
      if (recent >= limits.mode_switches_per_24h) {
        plan.error = "LimitExceededException: The capacity mode of stream " +
                     std::string(stream_name) + " was already updated " + IntText(recent) +
                     " times in the past 24 hours; the limit is " +
                     IntText(limits.mode_switches_per_24h) + " per rolling 24 hours.";
      }
    }
    return plan;
  }
  if (mode == StreamMode::kOnDemand) {
    plan.error = "InvalidArgumentException: " + std::string(Name(op.action)) +
                 " is not supported for stream " + std::string(stream_name) +
                 " in ON_DEMAND capacity mode.";
    return plan;
  }
  switch (op.action) {
    case ReshardAction::kSplit: {
      plan.error = NotFound(map, op.shard);
      if (!plan.ok()) return plan;
      const ReshardStep step{.action = ReshardAction::kSplit,
                             .shard = static_cast<int>(op.shard),
                             .new_starting_hash_key = SplitKey(map, op)};
      ShardMap work = map;  // ShardMap's checks, without changing `map`
      const ReshardResult r = work.Split(step.shard, step.new_starting_hash_key);
      if (!r.ok()) {
        plan.error = r.error;
      } else if (updating) {
        plan.error = NotActive(stream_name);
      } else if (open + 1 > limits.account_shard_quota) {
        plan.error = OverQuota(open, 1, limits.account_shard_quota);
      } else {
        plan.steps = {step};
        plan.peak_open_shards = open + 1;
      }
      return plan;
    }
    case ReshardAction::kMerge: {
      plan.error = NotFound(map, op.shard);
      if (plan.ok()) plan.error = NotFound(map, op.adjacent_shard);
      if (!plan.ok()) return plan;
      const ReshardStep step{.action = ReshardAction::kMerge,
                             .shard = static_cast<int>(op.shard),
                             .new_starting_hash_key = HashKey(),
                             .adjacent = static_cast<int>(op.adjacent_shard)};
      ShardMap work = map;
      const ReshardResult r = work.Merge(step.shard, step.adjacent);
      if (!r.ok()) {
        plan.error = r.error;
      } else if (updating) {
        plan.error = NotActive(stream_name);
      } else {
        plan.steps = {step};
      }
      return plan;
    }
    case ReshardAction::kUpdateShardCount:
    case ReshardAction::kUpdateStreamMode:
      break;
  }
  const int64_t target = op.target_shards;
  const std::string counts =
      " Current open shard count: " + IntText(open) + ", Target shard count: " + IntText(target);
  if (updating) {
    plan.error = NotActive(stream_name);
  } else if (target < 1) {
    plan.error = "ValidationException: 1 validation error detected: Value '" + IntText(target) +
                 "' at 'targetShardCount' failed to satisfy constraint: Member must have value "
                 "greater than or equal to 1";
  } else if (target > limits.max_shards) {
    plan.error =
        "LimitExceededException: Target shard count or number of open shards cannot be "
        "greater than " +
        IntText(limits.max_shards) + "." + counts;
  } else if (target > 2 * int64_t{open}) {
    plan.error =
        "LimitExceededException: UpdateShardCount cannot scale up over double your current open "
        "shard count." +
        counts;
  } else if (2 * target < int64_t{open}) {
    plan.error =
        "LimitExceededException: UpdateShardCount cannot scale down below half your current "
        "open shard count." +
        counts;
  }
  if (!plan.ok()) return plan;
  if (status != nullptr) {
    const SimTime since = now - Hours(24);
    const auto recent =
        std::count_if(status->update_shard_count_calls.begin(),
                      status->update_shard_count_calls.end(), [&](SimTime t) { return t > since; });
    if (recent >= limits.update_shard_count_per_24h) {
      plan.error = "LimitExceededException: UpdateShardCount was already called " +
                   IntText(recent) + " times for stream " + std::string(stream_name) +
                   " in the past 24 hours; the limit is " +
                   IntText(limits.update_shard_count_per_24h) + " calls per rolling 24 hours.";
      return plan;
    }
  }
  plan.steps = UniformScalingSteps(map, static_cast<int>(target));
  const auto splits = std::count_if(plan.steps.begin(), plan.steps.end(), [](const ReshardStep& s) {
    return s.action == ReshardAction::kSplit;
  });
  plan.peak_open_shards = open + static_cast<int>(splits);
  if (plan.peak_open_shards > limits.account_shard_quota) {
    plan.error = OverQuota(open, static_cast<int>(splits), limits.account_shard_quota);
    plan.steps.clear();
  }
  return plan;
}

ApplyOutcome ApplyOperations(ShardMap* map, const std::vector<ReshardSpec>& ops,
                             const ReshardLimitsSpec& limits) {
  for (size_t i = 0; i < ops.size(); ++i) {
    const ReshardPlan plan = PlanReshard(*map, ops[i], limits, nullptr, SimTime::Zero(), "stream");
    if (!plan.ok()) return {static_cast<int>(i), plan.error};
    for (const ReshardStep& s : plan.steps) ApplyStep(map, s);
  }
  return {};
}

std::vector<Assumption> ReshardAssumptions(const StreamSpec& spec) {
  std::vector<Assumption> a;
  const bool autoscaling =
      spec.autoscaling.enabled && spec.mode == StreamMode::kProvisioned;  // autoscaler.h
  if (spec.operations.empty() && !autoscaling) return a;
  std::string durations;
  for (const ReshardSpec& op : spec.operations) {
    const std::string d = FormatDuration(op.duration);
    if (durations.find(d) == std::string::npos) durations += (durations.empty() ? "" : ", ") + d;
  }
  if (!durations.empty()) {
    a.push_back({"reshard duration",
                 durations + " UPDATING per operation; the shards change at its end",
                 "UNCONFIRMED (AWS: \"a few minutes\", fact sheet 3, 10): configurable at "
                 "/stream/operations/<i>/duration"});
  }
  a.push_back(
      {"UpdateShardCount steps",
       "UNIFORM_SCALING to CreateStream's ranges for the target: splits at the missing "
       "boundaries, then merges of the extra ones, in hash order, spread over the duration",
       "UNCONFIRMED: AWS does not publish its algorithm (fact sheet 3: it splits and merges "
       "shards, with short-lived intermediate shards)"});
  a.push_back({"UpdateShardCount limits",
               IntText(spec.reshard_limits.update_shard_count_per_24h) +
                   " calls per rolling 24 h, half to double the open shards, at most " +
                   IntText(spec.reshard_limits.max_shards) + " shards",
               "fact sheet 3 (KDS-API-2026); configurable at /stream/reshard_limits"});
  a.push_back({"account shard quota",
               IntText(spec.reshard_limits.account_shard_quota) + " open shards",
               "fact sheet 1 (us-east-1, us-west-2, eu-west-1; other regions UNCONFIRMED): "
               "configurable at /stream/reshard_limits/account_shard_quota"});
  bool switches = false, reshards = false;
  for (const ReshardSpec& op : spec.operations) {
    (op.action == ReshardAction::kUpdateStreamMode ? switches : reshards) = true;
  }
  if (switches) {
    a.push_back({"capacity-mode switch",
                 "UpdateStreamMode: at most " + IntText(spec.reshard_limits.mode_switches_per_24h) +
                     " accepted per rolling 24 h (LimitExceededException); the stream is UPDATING "
                     "for the operation's duration and in the new mode from its end (billing, "
                     "scaling); the open shards are kept",
                 "fact sheet 5 (twice per 24 h, UPDATING, shard count kept); the duration and "
                 "that the mode changes at the end are UNCONFIRMED: configurable at "
                 "/stream/operations/<i>/duration and /stream/reshard_limits/"
                 "mode_switches_per_24h"});
    a.push_back({"on-demand after a switch",
                 "the service scales the shards kept at the switch: each open shard measures its "
                 "minutes from the switch, merges never go below the shards kept; a switch to "
                 "provisioned cancels its splits and merges not yet in effect",
                 "UNCONFIRMED: AWS publishes no figure for the first scaling after a switch; "
                 "fact sheet 5 keeps the shard count"});
    a.push_back({"refusals by mode",
                 "a switch to the stream's own mode and SplitShard, MergeShards, UpdateShardCount "
                 "on an on-demand stream get InvalidArgumentException",
                 "UNCONFIRMED: fact sheet 3 has UpdateShardCount provisioned only; the exception "
                 "name and text are this model's"});
  }
  if (!reshards && !autoscaling) return a;
  a.push_back({"split \"even\"", "(StartingHashKey + EndingHashKey) / 2, rounded down",
               "the AWS docs' \"average of the beginning and ending hash key\""});
  a.push_back({"after a reshard",
               "producers route every send (retries included) to the open shards; readers finish "
               "a parent before reading its children",
               "fact sheet 3"});
  return a;
}

// ---------------------------------------------------------------- Resharder

Resharder::Resharder(Stream& stream, std::vector<ReshardSpec> operations, ReshardLimitsSpec limits,
                     SimTime end)
    : Component("stream/" + stream.spec().name + "/resharder"),
      stream_(stream),
      timeline_(std::move(operations)),
      limits_(limits),
      end_(end) {
  status_.mode = stream.spec().mode;
}

void Resharder::Start(Context& ctx) {
  self_ = ctx.component_id();
  for (size_t i = 0; i < timeline_.size(); ++i) {
    const SimTime at = SimTime::Zero() + timeline_[i].at;
    if (at < end_) ctx.Schedule(at, static_cast<uint32_t>(i));
  }
}

void Resharder::OnEvent(Context& ctx, uint32_t tag) {
  if (tag == kStepTag) return ApplyNextStep(ctx);
  if (tag >= kServiceTag) return ApplyService(ctx, tag - kServiceTag);
  Call(ctx, timeline_[tag], static_cast<int>(tag), "scenario");
}

size_t Resharder::Call(Context& ctx, const ReshardSpec& op, int index, std::string cause) {
  Record rec;
  rec.op = op;
  rec.index = index;
  rec.cause = std::move(cause);
  rec.requested = ctx.Now();
  records_.push_back(std::move(rec));
  const size_t r = records_.size() - 1;
  if (status_.updating && op.if_updating == IfUpdating::kWait) {
    records_[r].waiting = true;
    waiting_.push_back(r);
    return r;
  }
  Begin(ctx, r);
  return r;
}

size_t Resharder::ServiceSplit(Context& ctx, int shard, SimDuration delay, std::string cause) {
  const HashRange range = stream_.shard_map().shard(shard).range;
  const HashKey even(range.start.value() + (range.end.value() - range.start.value()) / 2);
  return Service(ctx,
                 {.action = ReshardAction::kSplit, .shard = shard, .new_starting_hash_key = even},
                 delay, std::move(cause));
}

size_t Resharder::ServiceMerge(Context& ctx, int shard, int adjacent, SimDuration delay,
                               std::string cause) {
  return Service(ctx,
                 {.action = ReshardAction::kMerge,
                  .shard = shard,
                  .new_starting_hash_key = HashKey(),
                  .adjacent = adjacent},
                 delay, std::move(cause));
}

size_t Resharder::Service(Context& ctx, ReshardStep step, SimDuration delay, std::string cause) {
  SHARDSIM_CHECK(records_.size() < kServiceTag, "service operations fit their tags");
  Record rec;
  rec.op.action = step.action;
  rec.op.shard = step.shard;
  rec.op.adjacent_shard = step.adjacent;
  rec.op.new_starting_hash_key = "even";
  rec.op.duration = delay;
  rec.requested = rec.started = ctx.Now();
  rec.open_before = stream_.shard_map().open_count();
  rec.cause = std::move(cause);
  if (step.action == ReshardAction::kSplit) {
    rec.new_starting_hash_key = step.new_starting_hash_key.ToDecimal();
  }
  rec.service_step = step;
  records_.push_back(std::move(rec));
  const size_t r = records_.size() - 1;
  const SimTime at = ctx.Now() + delay;
  // `ctx` may be the caller's (the on-demand scaler's): the event is the resharder's.
  if (at <= end_) {
    ctx.ScheduleFor(self_, at, kServiceTag + static_cast<uint32_t>(r), Phase::kBoundary);
  }
  return r;
}

void Resharder::ApplyService(Context& ctx, size_t r) {
  Record& rec = records_[r];
  const ReshardStep& s = rec.service_step;
  if (!rec.error.empty()) return;  // cancelled by a switch to provisioned
  const ReshardResult result =
      s.action == ReshardAction::kSplit
          ? stream_.Split(static_cast<uint32_t>(s.shard), s.new_starting_hash_key, ctx.Now())
          : stream_.Merge(static_cast<uint32_t>(s.shard), static_cast<uint32_t>(s.adjacent),
                          ctx.Now());
  if (!result.ok()) {
    rec.error = result.error;
  } else {
    rec.completed = ctx.Now();
    rec.open_after = stream_.shard_map().open_count();
    rec.closed.push_back(s.shard);
    if (s.action == ReshardAction::kSplit) {
      rec.splits = 1;
    } else {
      rec.merges = 1;
      rec.closed.push_back(s.adjacent);
    }
    for (int c : result.children) rec.opened.push_back(c);
  }
  if (service_listener_ != nullptr) service_listener_->OnServiceDone(r, result.ok(), ctx.Now());
}

bool Resharder::Begin(Context& ctx, size_t r) {
  Record& rec = records_[r];
  rec.waiting = false;
  const ShardMap& map = stream_.shard_map();
  const ReshardPlan plan =
      PlanReshard(map, rec.op, limits_, &status_, ctx.Now(), stream_.spec().name);
  if (!plan.ok()) {
    rec.error = plan.error;
    return false;
  }
  if (rec.op.action == ReshardAction::kSplit) {
    rec.new_starting_hash_key = plan.steps.front().new_starting_hash_key.ToDecimal();
  }
  if (rec.op.action == ReshardAction::kUpdateStreamMode) {
    status_.mode_switches.push_back(ctx.Now());
    while (status_.mode_switches.front() <= ctx.Now() - Hours(24)) {
      status_.mode_switches.pop_front();
    }
  }
  if (rec.op.action == ReshardAction::kUpdateShardCount) {
    status_.update_shard_count_calls.push_back(ctx.Now());
    const SimTime since = ctx.Now() - Hours(24);
    while (!status_.update_shard_count_calls.empty() &&
           status_.update_shard_count_calls.front() <= since) {
      status_.update_shard_count_calls.pop_front();
    }
  }
  status_.updating = true;
  rec.started = ctx.Now();
  rec.open_before = map.open_count();
  current_ = r;
  steps_ = plan.steps;
  next_step_ = 0;
  ScheduleStep(ctx);
  return true;
}

bool Resharder::Finished(size_t r, SimTime* at) const {
  SHARDSIM_CHECK(r < records_.size());
  const Record& rec = records_[r];
  if (!rec.error.empty()) {
    *at = rec.requested;
    return true;
  }
  if (rec.completed == SimTime::Max()) return false;
  *at = rec.completed;
  return true;
}

SimTime Resharder::StepTime(size_t step) const {
  const Record& rec = records_[current_];
  const int64_t d = rec.op.duration.nanos();
  const auto k = static_cast<int64_t>(step + 1);
  const auto n = static_cast<int64_t>(std::max<size_t>(steps_.size(), 1));
  // d * k / n without overflow: d <= 24 h in ns (< 2^47), k <= n <= 2^20.
  return rec.started + SimDuration::Nanos(d / n * k + d % n * k / n);
}

void Resharder::ScheduleStep(Context& ctx) {
  const SimTime at = StepTime(next_step_);
  // For this component even when another one (an autoscaler) made the call from its event.
  if (at <= end_) ctx.ScheduleFor(self_, at, kStepTag, Phase::kBoundary);
}

void Resharder::ApplyNextStep(Context& ctx) {
  Record& rec = records_[current_];
  if (next_step_ < steps_.size()) {
    const ReshardStep& s = steps_[next_step_];
    const ReshardResult r =
        s.action == ReshardAction::kSplit
            ? stream_.Split(static_cast<uint32_t>(s.shard), s.new_starting_hash_key, ctx.Now())
            : stream_.Merge(static_cast<uint32_t>(s.shard), static_cast<uint32_t>(s.adjacent),
                            ctx.Now());
    SHARDSIM_CHECK(r.ok(), "a planned step succeeds: nothing else reshards while UPDATING");
    if (s.action == ReshardAction::kSplit) {
      ++rec.splits;
      rec.closed.push_back(s.shard);
    } else {
      ++rec.merges;
      rec.closed.push_back(s.shard);
      rec.closed.push_back(s.adjacent);
    }
    for (int c : r.children) rec.opened.push_back(c);
    ++next_step_;
  }
  if (next_step_ < steps_.size()) return ScheduleStep(ctx);
  rec.completed = ctx.Now();
  rec.open_after = stream_.shard_map().open_count();
  status_.updating = false;
  if (rec.op.action == ReshardAction::kUpdateStreamMode) {
    status_.mode = rec.op.mode;
    if (rec.op.mode == StreamMode::kProvisioned) {
      // The on-demand scaling stops: its splits and merges not yet in effect never take effect.
      for (size_t k = 0; k < records_.size(); ++k) {
        Record& p = records_[k];
        if (p.service_step.shard < 0 || p.completed != SimTime::Max() || !p.error.empty()) continue;
        p.error = "cancelled: the stream switched to PROVISIONED mode before it took effect";
        if (service_listener_ != nullptr) service_listener_->OnServiceDone(k, false, ctx.Now());
      }
    }
    for (ModeListener* l : mode_listeners_) l->OnModeSwitched(ctx, rec.op.mode);
  }
  // Calls that waited for the stream to be ACTIVE are made now, in the order they came.
  while (!waiting_.empty() && !status_.updating) {
    const size_t w = waiting_.front();
    waiting_.pop_front();
    Begin(ctx, w);
  }
}

std::vector<OperationResult> Resharder::Results() const {
  // Seconds as ns / 1e9: exact for whole milliseconds, where ns * 1e-9 is not (120.00000000000001).
  auto seconds = [](SimTime t) { return static_cast<double>(t.nanos()) / 1e9; };
  std::vector<OperationResult> out;
  for (const Record& rec : records_) {
    OperationResult o;
    o.index = rec.index;
    o.op = std::string(Name(rec.op.action));
    o.cause = rec.cause;
    o.requested_at_s = seconds(rec.requested);
    if (!rec.error.empty()) {
      o.status = "refused";
      o.error = rec.error;
    } else if (rec.waiting) {
      o.status = "waiting";
    } else if (rec.completed == SimTime::Max()) {
      o.status = "updating";
    } else {
      o.status = "completed";
    }
    if (rec.started != SimTime::Max()) o.started_at_s = seconds(rec.started);
    if (rec.completed != SimTime::Max()) o.completed_at_s = seconds(rec.completed);
    const bool shard_op =
        rec.op.action == ReshardAction::kSplit || rec.op.action == ReshardAction::kMerge;
    if (shard_op) o.shard = ShardIdText(rec.op.shard);
    if (rec.op.action == ReshardAction::kUpdateStreamMode) o.mode = std::string(Name(rec.op.mode));
    if (rec.op.action == ReshardAction::kMerge) o.adjacent = ShardIdText(rec.op.adjacent_shard);
    if (rec.op.action == ReshardAction::kSplit) {
      o.new_starting_hash_key = rec.new_starting_hash_key.empty() ? rec.op.new_starting_hash_key
                                                                  : rec.new_starting_hash_key;
    }
    o.target = static_cast<int>(rec.op.target_shards);
    o.open_shards_before = rec.open_before;
    o.open_shards_after = rec.open_after;
    o.splits = rec.splits;
    o.merges = rec.merges;
    for (int c : rec.closed) o.closed_shards.push_back(ShardIdString(c));
    for (int c : rec.opened) o.opened_shards.push_back(ShardIdString(c));
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace shardsim
