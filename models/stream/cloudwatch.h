// CloudWatchView: the one-minute CloudWatch metrics of one stream as a component (an autoscaler,
// an alarm) sees them during a run -- fact sheet 10, per stream and per shard (shard level is
// enhanced monitoring):
//   IncomingBytes, IncomingRecords        sums over the minute of accepted puts
//   WriteProvisionedThroughputExceeded    records refused by the write limits (sum)
//   ReadProvisionedThroughputExceeded     GetRecords calls refused by the read limits (sum)
//   GetRecords.IteratorAgeMilliseconds    maximum over the minute's GetRecords responses (none
//                                         without a response: NaN)
// The minute [t - 1 min, t) is published at t in Phase::kBoundary, before anything else at that
// instant, and becomes readable `publication_delay` later (CloudWatch's ingestion delay; the
// value is UNCONFIRMED, hence configurable). Publishing reads the views the stream and its read
// limits published in the run's MetricsRegistry under "<metrics prefix>/<metric>" (their running
// totals, differenced at each boundary, and the iterator-age maxima of the minute; see
// Stream::PublishMetrics), never the components themselves: nothing is added on the per-record
// path, and any model that publishes those names can be watched. Memory is bounded: the view keeps
// the last `keep_minutes` published minutes; the stream-level figures of every minute also go to
// the run's MetricsRegistry as one-minute TimeSeries "<view name>/<metric>" (the length of the
// run, like every series; ModelGraph names the view "cloudwatch/<stream name>"). Opt-in
// (ModelGraph::AddCloudWatch): a run without it has no extra events. Not thread-safe: one per
// stream and simulation.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sim/metrics.h"
#include "sim/simulation.h"
#include "sim/stats.h"
#include "sim/time.h"

namespace shardsim {

struct CloudWatchOptions {
  SimDuration period = Minutes(1);             // CloudWatch's granularity for Kinesis metrics
  SimDuration publication_delay = Minutes(1);  // published -> readable; UNCONFIRMED
  size_t keep_minutes = 60;                    // minutes the live view keeps, >= 1
};

class CloudWatchView : public Component {
 public:
  struct Metrics {
    double incoming_bytes = 0;
    double incoming_records = 0;
    double write_throttled_records = 0;  // WriteProvisionedThroughputExceeded
    double read_throttled_calls = 0;     // ReadProvisionedThroughputExceeded
    double iterator_age_max_ms = std::numeric_limits<double>::quiet_NaN();
  };
  struct Minute {
    SimTime start;                // the minute is [start, start + period)
    SimTime readable_at;          // start + period + publication_delay
    Metrics stream;               // the stream's metrics
    std::vector<Metrics> shards;  // by shard index, every shard existing at publication
  };

  // Publishes the minutes ending by `end` of the stream whose views are under `metrics_prefix`
  // (Stream::MetricPrefix). Without a ReadProvisionedThroughputExceeded view (no polling readers)
  // no call is throttled. REQUIRES: at Start, the stream's views are published and their
  // iterator-age windows are `options.period` long; the name is unique among the simulation's
  // components.
  CloudWatchView(std::string name, std::string metrics_prefix, SimTime end,
                 CloudWatchOptions options = {});

  void Start(Context& ctx) override;
  void OnEvent(Context& ctx, uint32_t tag) override;

  // The newest minute readable at `now`, or null. Valid until the next publication.
  const Minute* Latest(SimTime now) const;
  // The minute starting at `start` if it is readable at `now` and still kept, else null.
  const Minute* Find(SimTime now, SimTime start) const;
  // Minutes published so far (readable or not), and how many the view holds (<= keep_minutes).
  uint64_t published() const { return published_; }
  size_t kept() const { return count_; }
  const CloudWatchOptions& options() const { return options_; }

 private:
  // The views read, by Metrics field order: IncomingBytes, IncomingRecords,
  // WriteProvisionedThroughputExceeded, ReadProvisionedThroughputExceeded (may be null),
  // GetRecords.IteratorAgeMilliseconds.
  static constexpr int kViews = 5;
  struct Totals {  // one shard's running totals at the last publication, the sums' views' order
    double sums[kViews - 1] = {};
  };
  void Publish(Context& ctx);
  const Minute& Slot(size_t age) const;  // 0 = newest

  std::string prefix_;
  const MetricView* views_[kViews] = {};  // in the registry, found at Start
  SimTime end_;
  CloudWatchOptions options_;
  std::vector<Totals> last_;  // by shard
  std::vector<Minute> ring_;  // keep_minutes slots, reused
  size_t newest_ = 0;         // ring index of the newest minute
  size_t count_ = 0;          // minutes in the ring
  uint64_t published_ = 0;
  SimTime next_boundary_;
  TimeSeries* series_[kViews] = {};  // stream-level, in the registry
};

}  // namespace shardsim
