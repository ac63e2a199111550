// OnDemandScaler: the capacity scaling of an on-demand stream (fact sheet 5), carried out on the
// shard lifecycle. Every minute it reads each open shard's running totals (accepted records and
// bytes: the IncomingRecords / IncomingBytes views the stream published in the run's metrics
// registry) and splits, evenly and through the
// Resharder, every shard whose minute averaged above a split threshold; the split takes effect
// split_delay later. Each shard keeps the per-shard write limits, so one partition key stays
// capped at one shard's 1 MiB/s / 1,000 records/s however often its shard is split. Splits stop
// at the stream's write maximum (max_write_throughput / the per-shard bytes limit open shards).
// With scale_down, two adjacent shards whose combined minutes stay below the merge thresholds for
// merge_after are merged, never below the starting shard count. Nothing runs per record: one
// event per minute plus one per split or merge. Not thread-safe (one per simulation).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "models/result/run_result.h"
#include "models/spec/scenario.h"
#include "models/stream/resharding.h"
#include "models/stream/stream.h"
#include "sim/metrics.h"
#include "sim/simulation.h"
#include "sim/time.h"

namespace shardsim {

// The cause of the service's operations in OperationResult::cause.
inline constexpr std::string_view kOnDemandCause = "on_demand";

// Open shards an on-demand stream may reach: floor(max_write_throughput / bytes limit), at
// least its starting shards.
int64_t OnDemandMaxShards(const StreamSpec& spec);

// Whether a shard's minute is above a split threshold (either) or below both merge thresholds.
bool OnDemandHot(const OnDemandSpec& spec, double bytes_per_s, double records_per_s);
bool OnDemandCold(const OnDemandSpec& spec, double bytes_per_s, double records_per_s);

// The assumptions an on-demand run makes (result.json assumptions); empty for a provisioned one.
std::vector<Assumption> OnDemandAssumptions(const StreamSpec& spec);

class OnDemandScaler : public Component,
                       public Resharder::ServiceListener,
                       public Resharder::ModeListener {
 public:
  static constexpr SimDuration kPeriod = Minutes(1);  // the service's measurement, UNCONFIRMED

  // REQUIRES: `stream` and `resharder` outlive the scaler; the stream is on-demand.
  OnDemandScaler(Stream& stream, Resharder& resharder, SimTime end);

  void Start(Context& ctx) override;
  void OnEvent(Context& ctx, uint32_t tag) override;
  void OnServiceDone(size_t record, bool ok, SimTime at) override;
  void OnModeSwitched(Context& ctx, StreamMode mode) override;

 private:
  struct Watch {                    // one shard's view, by shard index
    double records = 0, bytes = 0;  // totals at `since`
    int64_t since_ns = 0;           // start of the shard's current measurement
    bool busy = false;              // a split or merge of it is pending
    int64_t cold_since_ns = -1;     // it and its right neighbour `cold_with` cold since
    int cold_with = -1;
    double bytes_per_s = -1, records_per_s = -1;  // the last full minute; -1: none yet
  };
  struct Pending {
    size_t record;
    bool split;
    std::vector<int> shards;
  };
  void Evaluate(Context& ctx);
  // From a switch to on-demand: `ctx` may be another component's.
  void Activate(Context& ctx);

  Stream& stream_;
  // The stream's published running totals (Stream::PublishMetrics), found at Start.
  const MetricView* incoming_bytes_ = nullptr;
  const MetricView* incoming_records_ = nullptr;
  Resharder& resharder_;
  const OnDemandSpec spec_;
  SimTime end_;
  int64_t max_shards_;
  int64_t min_shards_;
  std::vector<Watch> watch_;
  std::vector<Pending> pending_;
  int pending_splits_ = 0, pending_merges_ = 0;
  bool active_ = false;      // the stream is on-demand now
  uint32_t generation_ = 0;  // minute ticks of an earlier on-demand period carry older tags
  uint32_t self_ = 0;        // this component's id (Start)
};

}  // namespace shardsim
