// ModelGraph: wiring and the end of a run. See model_graph.h.
#include "models/run/model_graph.h"

#include <algorithm>
#include <utility>

#include "models/stream/on_demand.h"
#include "sim/check.h"

namespace shardsim {
namespace {

// A Direct PUT Firehose ingests through its own one-shard stream whose write limits are its
// quotas (fact sheet 7).
std::unique_ptr<Stream> MakeDirectPutStream(const ConsumerSpec& c, const Scenario& scenario) {
  const DirectPutLimitsSpec& q = c.firehose.direct_put_limits;
  StreamSpec spec;
  spec.name = c.name;
  spec.shards = 1;
  spec.retention = Hours(24);  // Direct PUT data is kept 24 h while the destination is down
  spec.max_record_size_bytes = kFirehoseMaxRecordBytes;
  spec.write_limits.records_per_sec = q.records_per_sec;
  spec.write_limits.bytes_per_sec = q.bytes_per_sec;
  spec.write_limits.admission = WriteAdmission::kWindow;
  auto s = std::make_unique<Stream>(spec, scenario.series_interval, scenario.warmup);
  s->SetCallLimit(q.requests_per_sec);
  return s;
}

// Whether a reader of the stream uses stored records' key ids: a Lambda mapping's slots
// (ParallelizationFactor above 1) and poison keys, a Firehose's dynamic partitions.
bool ReadersNeedKeyIdentity(const Scenario& scenario) {
  for (const ConsumerSpec& c : scenario.consumers) {
    if (c.type == ConsumerType::kLambda) {
      if (c.lambda.parallelization_factor > 1) return true;
      for (const PoisonRecord& p : c.lambda.function.poison_records) {
        if (!p.key.empty()) return true;
      }
    }
    if (c.type == ConsumerType::kFirehose && c.firehose.dynamic_partitioning.enabled) return true;
  }
  return false;
}

}  // namespace

ModelGraph::ModelGraph(const PreparedScenario& prepared, uint64_t seed, uint64_t replication)
    : prepared_(prepared),
      end_(SimTime::Zero() + prepared.duration()),
      stream_(std::make_unique<Stream>(prepared.scenario().stream,
                                       prepared.scenario().series_interval,
                                       prepared.scenario().warmup)),
      sim_({.seed = seed, .replication = replication}) {
  const Scenario& scenario = prepared.scenario();
  stream_->PublishMetrics(sim_.metrics(), Stream::MetricPrefix(scenario.stream.name));
  for (const ConsumerSpec& c : scenario.consumers) {
    if (c.type == ConsumerType::kFirehose && c.firehose.source == FirehoseSource::kDirectPut) {
      direct_put_[c.name] = MakeDirectPutStream(c, scenario);
      direct_put_[c.name]->PublishMetrics(sim_.metrics(), "firehose/" + c.name + "/direct_put");
    }
  }
  const std::vector<PreparedProducer>& inputs = prepared.producers();
  const bool key_identity = ReadersNeedKeyIdentity(scenario);
  for (size_t i = 0; i < scenario.producers.size(); ++i) {
    const ProducerSpec& p = scenario.producers[i];
    Stream& target = p.target.empty() ? *stream_ : *direct_put_.at(p.target);
    std::unique_ptr<ProducerModel> model =
        MakeProducerModel(p, inputs[i].profile, *inputs[i].keys, inputs[i].sizes, target, end_,
                          SimTime::Zero() + scenario.warmup, static_cast<uint32_t>(i),
                          inputs[i].routes.get(), key_identity);
    producers_.push_back(model.get());
    sim_.Add(std::move(model));
  }
  if (!scenario.consumers.empty()) {
    std::map<std::string, Stream*> direct_put_streams;
    for (auto& [name, s] : direct_put_) direct_put_streams[name] = s.get();
    std::vector<const KeyModel*> models;
    for (const PreparedProducer& in : inputs) models.push_back(in.keys.get());
    reads_ = std::make_unique<ReadPath>(scenario, *stream_, sim_, end_, direct_put_streams, models);
  }
  // Last: its component and events exist only in scenarios with operations, on-demand mode or
  // autoscaling.
  bool switches = false, to_on_demand = false;
  for (const ReshardSpec& op : scenario.stream.operations) {
    if (op.action != ReshardAction::kUpdateStreamMode) continue;
    switches = true;
    to_on_demand |= op.mode == StreamMode::kOnDemand;
  }
  const bool on_demand =
      scenario.has_stream && (scenario.stream.mode == StreamMode::kOnDemand || to_on_demand);
  const AutoscalingSpec& as = scenario.stream.autoscaling;
  const bool autoscaling = as.enabled && scenario.stream.mode == StreamMode::kProvisioned;
  if (!scenario.stream.operations.empty() || on_demand || autoscaling) {
    resharder_ = &sim_.Emplace<Resharder>(*stream_, scenario.stream.operations,
                                          scenario.stream.reshard_limits, end_);
  }
  if (switches) {
    mode_recorder_.graph = this;
    resharder_->AddModeListener(&mode_recorder_);
  }
  if (on_demand) sim_.Emplace<OnDemandScaler>(*stream_, *resharder_, end_);
  if (autoscaling) {
    CloudWatchOptions options;
    options.publication_delay = as.publication_delay;
    options.keep_minutes =
        static_cast<size_t>(as.publication_delay.nanos() / Minutes(1).nanos()) + 3;
    CloudWatchView& view = AddCloudWatch(options);
    autoscaler_ = &sim_.Emplace<Autoscaler>(as, scenario.stream.write_limits, view, *resharder_,
                                            *stream_, end_);
  }
}

ModelGraph::~ModelGraph() = default;

CloudWatchView& ModelGraph::AddCloudWatch(CloudWatchOptions options) {
  SHARDSIM_CHECK(!ran_, "views are added before the run");
  SHARDSIM_CHECK(cloudwatch_ == nullptr, "one CloudWatch view per stream (see cloudwatch())");
  const std::string& stream = prepared_.scenario().stream.name;
  cloudwatch_ = &sim_.Emplace<CloudWatchView>("cloudwatch/" + stream, Stream::MetricPrefix(stream),
                                              end_, options);
  return *cloudwatch_;
}

void ModelGraph::ModeRecorder::OnModeSwitched(Context& ctx, StreamMode mode) {
  ModeSwitch s{.at = ctx.Now(),
               .mode = mode,
               .totals = graph->stream_->billing_totals(),
               .consumer_bytes_read = {}};
  if (graph->reads_ != nullptr) {
    for (const ConsumerResult& c : graph->reads_->Results())
      s.consumer_bytes_read.push_back(c.bytes_read);
  }
  switches.push_back(std::move(s));
}

void ModelGraph::Run(const ProgressHook* progress) {
  SHARDSIM_CHECK(!ran_, "a model graph runs once");
  ran_ = true;
  const SimDuration warmup = prepared_.scenario().warmup;
  if (warmup > SimDuration::Zero() && SimTime::Zero() + warmup < end_) {
    // Events before the warm-up's end only; stopping adds no event, so the run is unchanged.
    sim_.RunUntil(SimTime::Zero() + warmup - SimDuration::Nanos(1));
    WarmupCounts& w = warmup_counts_.emplace();
    w.duration = warmup;
    for (const ProducerModel* p : producers_) w.producers.push_back(p->Result());
    w.shards = stream_->ShardResults();
    if (reads_) w.consumers = reads_->Results();
  }
  if (progress == nullptr || !progress->report) {
    sim_.RunUntil(end_);
  } else {
    RunInSteps(*progress);
  }
  sim_.Finish();
  stream_->Finish(end_);
  for (auto& [name, s] : direct_put_) s->Finish(end_);
}

void ModelGraph::RunInSteps(const ProgressHook& progress) {
  const uint64_t target = std::max<uint64_t>(progress.events_between, 1);
  SimDuration step = SimDuration::Millis(100);
  while (sim_.Now() < end_ && !sim_.stopped()) {
    const uint64_t before = sim_.events_processed();
    const SimTime to = end_ - sim_.Now() > step ? sim_.Now() + step : end_;
    sim_.RunUntil(to);
    // Aim at `target` events per step: double a step that ran few, halve one that ran many.
    const uint64_t ran = sim_.events_processed() - before;
    if (ran < target / 2 && step < Hours(1)) {
      step = step * 2;
    } else if (ran > target * 2 && step > Micros(1)) {
      step = SimDuration::Nanos(step.nanos() / 2);
    }
    uint64_t records = stream_->total_records_in();
    for (const auto& [name, s] : direct_put_) records += s->total_records_in();
    progress.report({sim_.Now(), end_, sim_.events_processed(), records});
  }
}

}  // namespace shardsim
