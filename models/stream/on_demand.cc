// On-demand scaling: minute measurements, splits and merges through the Resharder, assumptions.
// See on_demand.h.
#include "models/stream/on_demand.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "models/result/format.h"
#include "models/spec/units.h"
#include "sim/check.h"

namespace shardsim {

int64_t OnDemandMaxShards(const StreamSpec& spec) {
  const double by_throughput = std::floor(spec.on_demand.max_write_bytes_per_sec /
                                          static_cast<double>(spec.write_limits.bytes_per_sec));
  return std::max(spec.shards, static_cast<int64_t>(by_throughput));
}

bool OnDemandHot(const OnDemandSpec& spec, double bytes_per_s, double records_per_s) {
  return bytes_per_s > spec.split_threshold_bytes_per_sec ||
         records_per_s > spec.split_threshold_records_per_sec;
}

bool OnDemandCold(const OnDemandSpec& spec, double bytes_per_s, double records_per_s) {
  return bytes_per_s < spec.merge_threshold_bytes_per_sec &&
         records_per_s < spec.merge_threshold_records_per_sec;
}

std::vector<Assumption> OnDemandAssumptions(const StreamSpec& spec) {
  std::vector<Assumption> a;
  bool switches = false, to_on_demand = false;
  for (const ReshardSpec& op : spec.operations) {
    if (op.action != ReshardAction::kUpdateStreamMode) continue;
    switches = true;
    to_on_demand |= op.mode == StreamMode::kOnDemand;
  }
  if (spec.mode != StreamMode::kOnDemand && !to_on_demand) return a;
  const OnDemandSpec& o = spec.on_demand;
  const auto shards = static_cast<double>(spec.shards);
  // A stream switched to on-demand starts from the shards it kept (resharding.cc assumptions).
  if (spec.mode == StreamMode::kOnDemand) {
    a.push_back(
        {"on-demand starting capacity",
         std::to_string(spec.shards) + " shards: " +
             FormatByteRate(shards * static_cast<double>(spec.write_limits.bytes_per_sec)) + ", " +
             FormatRecordRate(shards * static_cast<double>(spec.write_limits.records_per_sec)),
         "fact sheet 5: 4 MB/s write at creation; 4,000 records/s (4 shards) UNCONFIRMED: "
         "configurable at /stream/shards"});
  }
  a.push_back({"on-demand split rule",
               "a shard whose minute averages above " +
                   FormatByteRate(o.split_threshold_bytes_per_sec) + " or " +
                   FormatRecordRate(o.split_threshold_records_per_sec) + " is split evenly, " +
                   FormatDuration(o.split_delay) +
                   " after the minute ends; splits of different shards run at once",
               "fact sheet 5: 500 KB/s, \"within 15 minutes\", hash range divided evenly; the "
               "records threshold and the one-minute measurement are UNCONFIRMED (a 2023 AWS blog "
               "quoted second-hand): configurable at /stream/on_demand/split_threshold, "
               "split_threshold_records, split_delay"});
  a.push_back({"on-demand per-shard limits",
               "every shard keeps the write limits (one partition key stays on one shard) and the "
               "shared GetRecords limits (5 calls/s, 2 MiB/s)",
               "fact sheet 5: hot keys are not isolated; each shard keeps 2 MB/s / 5 TPS reads"});
  a.push_back({"on-demand maximum",
               FormatByteRate(o.max_write_bytes_per_sec) + " write: at most " +
                   std::to_string(OnDemandMaxShards(spec)) + " open shards",
               "fact sheet 5: 200 MB/s by default (10 GB/s in us-east-1, us-west-2, eu-west-1): "
               "configurable at /stream/on_demand/max_write_throughput"});
  a.push_back({"on-demand scale-down",
               o.scale_down ? "two adjacent shards whose minutes together stay below " +
                                  FormatByteRate(o.merge_threshold_bytes_per_sec) + " and " +
                                  FormatRecordRate(o.merge_threshold_records_per_sec) + " for " +
                                  FormatDuration(o.merge_after) +
                                  " are merged, never below the starting shards"
                            : "off: shards are never merged",
               "UNCONFIRMED (fact sheet 5: a secondary source says \"gradual, over a 24-hour "
               "period\"): configurable at /stream/on_demand/scale_down, merge_threshold, "
               "merge_threshold_records, merge_after"});
  if (!switches) {
    a.push_back({"capacity mode switches", "none in this run: the stream keeps its mode",
                 "fact sheet 5: twice per 24 h per stream (stream.operations update_stream_mode)"});
  }
  return a;
}

OnDemandScaler::OnDemandScaler(Stream& stream, Resharder& resharder, SimTime end)
    : Component("stream/" + stream.spec().name + "/on_demand"),
      stream_(stream),
      resharder_(resharder),
      spec_(stream.spec().on_demand),
      end_(end),
      max_shards_(OnDemandMaxShards(stream.spec())),
      min_shards_(stream.spec().shards) {
  resharder_.SetServiceListener(this);
  resharder_.AddModeListener(this);
}

void OnDemandScaler::Start(Context& ctx) {
  self_ = ctx.component_id();
  const std::string prefix = Stream::MetricPrefix(stream_.spec().name);
  incoming_bytes_ = ctx.metrics().FindView(prefix + "/IncomingBytes");
  incoming_records_ = ctx.metrics().FindView(prefix + "/IncomingRecords");
  SHARDSIM_CHECK(incoming_bytes_ != nullptr && incoming_records_ != nullptr,
                 "the stream's metrics are published before the run");
  watch_.resize(stream_.shard_map().shards().size());
  active_ = stream_.spec().mode == StreamMode::kOnDemand;
  if (active_ && SimTime::Zero() + kPeriod <= end_)
    ctx.Schedule(SimTime::Zero() + kPeriod, 0, Phase::kBoundary);
}

// A minute tick's tag: the generation of the on-demand period it belongs to.
void OnDemandScaler::OnEvent(Context& ctx, uint32_t tag) {
  if (!active_ || tag != generation_) return;  // a tick of an ended on-demand period
  Evaluate(ctx);
  if (ctx.Now() + kPeriod <= end_) ctx.Schedule(ctx.Now() + kPeriod, tag, Phase::kBoundary);
}

void OnDemandScaler::OnModeSwitched(Context& ctx, StreamMode mode) {
  if (mode == StreamMode::kOnDemand) return Activate(ctx);
  active_ = false;
  ++generation_;
}

void OnDemandScaler::Activate(Context& ctx) {
  // The shards kept at the switch are the stream's capacity: merges never go below them, and
  // every open shard measures its minutes from the switch.
  active_ = true;
  ++generation_;
  const ShardMap& map = stream_.shard_map();
  min_shards_ = map.open_count();
  max_shards_ = std::max<int64_t>(OnDemandMaxShards(stream_.spec()), map.open_count());
  watch_.assign(map.shards().size(), Watch{});
  for (const int i : map.open_shards()) {
    const auto shard = static_cast<size_t>(i);
    Watch& w = watch_[shard];
    w.records = incoming_records_->total(shard);
    w.bytes = incoming_bytes_->total(shard);
    w.since_ns = ctx.Now().nanos();
  }
  if (ctx.Now() + kPeriod <= end_) {
    ctx.ScheduleFor(self_, ctx.Now() + kPeriod, generation_, Phase::kBoundary);
  }
}

void OnDemandScaler::Evaluate(Context& ctx) {
  const int64_t now = ctx.Now().nanos();
  const ShardMap& map = stream_.shard_map();
  watch_.resize(map.shards().size());
  // The last full minute of every open shard (a shard opened within it waits for the next).
  for (const int i : map.open_shards()) {
    Watch& w = watch_[static_cast<size_t>(i)];
    if (now - w.since_ns < kPeriod.nanos()) continue;
    const auto shard = static_cast<size_t>(i);
    const double bytes = incoming_bytes_->total(shard), records = incoming_records_->total(shard);
    const double seconds = static_cast<double>(now - w.since_ns) * 1e-9;
    // Exact: a shard's totals stay below 2^53 (272 years at 1 MiB/s).
    w.bytes_per_s = (bytes - w.bytes) / seconds;
    w.records_per_s = (records - w.records) / seconds;
    w.bytes = bytes;
    w.records = records;
    w.since_ns = now;
  }
  // Splits, in hash order, up to the stream's maximum.
  const int64_t open = map.open_count();
  for (const int i : map.open_shards()) {
    Watch& w = watch_[static_cast<size_t>(i)];
    if (w.busy || w.bytes_per_s < 0 || !OnDemandHot(spec_, w.bytes_per_s, w.records_per_s)) {
      continue;
    }
    if (open + pending_splits_ - pending_merges_ >= max_shards_) break;
    w.busy = true;
    w.cold_since_ns = -1;
    ++pending_splits_;
    pending_.push_back(
        {resharder_.ServiceSplit(ctx, i, spec_.split_delay, std::string(kOnDemandCause)),
         true,
         {i}});
  }
  if (!spec_.scale_down) return;
  // Merges: adjacent pairs (hash order) cold together for merge_after, each shard in one pair.
  const std::vector<int>& order = map.open_shards();
  for (size_t k = 0; k + 1 < order.size(); ++k) {
    Watch& a = watch_[static_cast<size_t>(order[k])];
    Watch& b = watch_[static_cast<size_t>(order[k + 1])];
    const bool measured = a.bytes_per_s >= 0 && b.bytes_per_s >= 0;
    if (a.busy || b.busy || !measured ||
        !OnDemandCold(spec_, a.bytes_per_s + b.bytes_per_s, a.records_per_s + b.records_per_s)) {
      a.cold_since_ns = -1;
      continue;
    }
    if (a.cold_since_ns < 0 || a.cold_with != order[k + 1]) {
      a.cold_since_ns = now - kPeriod.nanos();  // the minute just measured was cold
      a.cold_with = order[k + 1];
    }
    if (now - a.cold_since_ns < spec_.merge_after.nanos()) continue;
    if (open + pending_splits_ - pending_merges_ <= min_shards_) break;
    a.busy = b.busy = true;
    a.cold_since_ns = -1;
    ++pending_merges_;
    pending_.push_back({resharder_.ServiceMerge(ctx, order[k], order[k + 1], spec_.split_delay,
                                                std::string(kOnDemandCause)),
                        false,
                        {order[k], order[k + 1]}});
    ++k;  // order[k + 1] is taken
  }
}

void OnDemandScaler::OnServiceDone(size_t record, bool ok, SimTime at) {
  const auto it = std::find_if(pending_.begin(), pending_.end(),
                               [&](const Pending& p) { return p.record == record; });
  SHARDSIM_CHECK(it != pending_.end(), "the service's operations are the scaler's");
  (it->split ? pending_splits_ : pending_merges_) -= 1;
  if (!ok) {  // nothing changed: the shards may be considered again
    for (const int s : it->shards) watch_[static_cast<size_t>(s)].busy = false;
  }
  pending_.erase(it);
  // The children measure from the moment they opened.
  const size_t before = watch_.size();
  watch_.resize(stream_.shard_map().shards().size());
  for (size_t i = before; i < watch_.size(); ++i) watch_[i].since_ns = at.nanos();
}

}  // namespace shardsim
