// ModelGraph: the components of one run wired onto one Simulation -- the stream, an ingestion
// stream per Direct PUT Firehose, one producer model per scenario producer (scenario order), the
// read path and the stream's resharder -- run to the end time and finished in order (components,
// then streams). SimulateRun builds its runs through it, and so do tests and benchmarks that need
// the live model (a probe component, a benchmark's timed loop). One graph per run; graphs over one
// PreparedScenario may run on parallel threads. Not thread-safe itself.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/consumers/consumers.h"
#include "models/producers/producer_model.h"
#include "models/run/prepared.h"
#include "models/stream/autoscaler.h"
#include "models/stream/cloudwatch.h"
#include "models/stream/resharding.h"
#include "models/stream/stream.h"
#include "sim/simulation.h"
#include "sim/time.h"

namespace shardsim {

// The counts of the run's components at the end of the warm-up, [0, warmup): what the analysis
// subtracts to judge the rest of the run. Counts only (the latencies and peaks of a run already
// start at the warm-up).
struct WarmupCounts {
  SimDuration duration;
  std::vector<ProducerResult> producers;  // scenario order
  std::vector<ShardResult> shards;        // the stream's, by index
  std::vector<ConsumerResult> consumers;  // scenario order
};

// What a progress display can show of a run under way.
struct RunProgress {
  SimTime now;           // simulated time reached
  SimTime end;           // the end time
  uint64_t events = 0;   // events run so far
  uint64_t records = 0;  // records stored so far (the stream and every Direct PUT Firehose)
};

// An optional observer of a run: `report` is called between events, after about
// `events_between` events (the simulated-time step adapts to the event rate) and once at the end.
// It must not touch the simulation. Without it a run is one RunUntil; with it the run is cut into
// steps, which changes no result (events run in (time, phase, sequence) order either way).
struct ProgressHook {
  std::function<void(const RunProgress&)> report;
  uint64_t events_between = 200'000;
};

class ModelGraph {
 public:
  // Wires the graph; the run has not started, so callers may add components to sim().
  // REQUIRES: `prepared` outlives the graph.
  ModelGraph(const PreparedScenario& prepared, uint64_t seed, uint64_t replication = 0);
  ~ModelGraph();
  ModelGraph(const ModelGraph&) = delete;
  ModelGraph& operator=(const ModelGraph&) = delete;

  // Adds a CloudWatch view of the stream ("cloudwatch/<stream name>"), for components that read
  // metrics during the run (an autoscaler, a test). Opt-in: its minute events would otherwise
  // change a run's event count. A scenario with autoscaling has one already (cloudwatch()).
  // REQUIRES: before Run; none added yet.
  CloudWatchView& AddCloudWatch(CloudWatchOptions options = {});
  // The stream's CloudWatch view, or null.
  const CloudWatchView* cloudwatch() const { return cloudwatch_; }

  // Runs every event up to the end time, then finishes the components and the streams. With a
  // warm-up it stops once at its end (after the events before it) to take warmup_counts().
  // REQUIRES: called once.
  void Run(const ProgressHook* progress = nullptr);
  // Set by Run when the scenario has a warm-up.
  const std::optional<WarmupCounts>& warmup_counts() const { return warmup_counts_; }

  const PreparedScenario& prepared() const { return prepared_; }
  SimTime end() const { return end_; }
  Simulation& sim() { return sim_; }
  const Simulation& sim() const { return sim_; }
  Stream& stream() { return *stream_; }
  const Stream& stream() const { return *stream_; }
  // The ingestion stream of each Direct PUT Firehose, by consumer name.
  const std::map<std::string, std::unique_ptr<Stream>>& direct_put() const { return direct_put_; }
  // One per scenario producer, in scenario order (owned by the simulation).
  const std::vector<ProducerModel*>& producers() const { return producers_; }
  // The consumers; null when the scenario has none.
  ReadPath* reads() { return reads_.get(); }
  const ReadPath* reads() const { return reads_.get(); }
  // Carries out the stream's operations (resharding) and an on-demand stream's scaling; null when
  // the scenario has neither. Owned by the simulation.
  Resharder* resharder() { return resharder_; }
  const Resharder* resharder() const { return resharder_; }
  // The stream's autoscaling policy; null without one. Owned by the simulation.
  const Autoscaler* autoscaler() const { return autoscaler_; }

  // The stream's capacity-mode switches (update_stream_mode) as they completed, with the billed
  // totals at that instant; empty in a scenario without one.
  struct ModeSwitch {
    SimTime at;
    StreamMode mode;  // from `at` on
    Stream::BillingTotals totals;
    std::vector<uint64_t> consumer_bytes_read;  // scenario order
  };
  const std::vector<ModeSwitch>& mode_switches() const { return mode_recorder_.switches; }

 private:
  void RunInSteps(const ProgressHook& progress);

  struct ModeRecorder : Resharder::ModeListener {
    ModelGraph* graph = nullptr;
    std::vector<ModeSwitch> switches;
    void OnModeSwitched(Context& ctx, StreamMode mode) override;
  };

  const PreparedScenario& prepared_;
  SimTime end_;
  std::unique_ptr<Stream> stream_;
  std::map<std::string, std::unique_ptr<Stream>> direct_put_;
  Simulation sim_;
  std::vector<ProducerModel*> producers_;
  std::unique_ptr<ReadPath> reads_;
  Resharder* resharder_ = nullptr;
  CloudWatchView* cloudwatch_ = nullptr;
  Autoscaler* autoscaler_ = nullptr;
  ModeRecorder mode_recorder_;
  std::optional<WarmupCounts> warmup_counts_;
  bool ran_ = false;
};

}  // namespace shardsim
