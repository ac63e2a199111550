// RunScenario: wiring, execution, conservation and result assembly. See run.h.
#include "models/run/run.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <span>

#include "models/consumers/consumers.h"
#include "models/keys/key_model.h"
#include "models/result/format.h"
#include "models/run/billing.h"
#include "models/run/model_graph.h"
#include "models/spec/enum_names.h"
#include "models/spec/features.h"
#include "models/spec/units.h"
#include "models/stream/autoscaler.h"
#include "models/stream/on_demand.h"
#include "models/stream/resharding.h"
#include "models/stream/stream.h"
#include "models/traffic/arrivals.h"
#include "models/traffic/samplers.h"
#include "sim/check.h"
#include "sim/simulation.h"

namespace shardsim {

const std::set<std::string>& ImplementedFeatures() {
  static const std::set<std::string> kImplemented = {
      std::string(kFeatureProducers),
      std::string(kFeatureArrivalTrace),
      std::string(kFeatureExplicitHashKey),
      std::string(kFeatureKpl),
      std::string(kFeaturePolling),
      std::string(kFeatureKcl),
      std::string(kFeatureEfo),
      std::string(kFeatureOutages),
      std::string(kFeatureWorkerFailures),
      std::string(kFeatureLambda),
      std::string(kFeatureFirehose),
      std::string(kFeatureDirectPut),
      std::string(kFeatureSlos),
      std::string(kFeatureSloCost),
      std::string(kFeaturePricing),
      std::string(kFeatureResharding),
      std::string(kFeatureOnDemand),
      std::string(kFeatureAutoscaling),
  };
  return kImplemented;
}

namespace {

void CallAssumptions(const Scenario& s, std::vector<Assumption>* out) {
  std::vector<Assumption>& a = *out;
  for (const ProducerSpec& p : s.producers) {
    a.push_back({"call latency of " + p.name,
                 p.api.call_latency.dist == LatencyDist::kLognormal
                     ? "lognormal median " + FormatDuration(p.api.call_latency.median) + ", p99 " +
                           FormatDuration(p.api.call_latency.p99)
                     : "as configured",
                 "UNCONFIRMED (no AWS figure): configurable at /producers/<i>/api/call_latency"});
  }
  for (const ProducerSpec& p : s.producers) {
    if (p.api.type == ApiType::kPutRecord) continue;  // sends each record at once
    a.push_back({"start phase of " + p.name,
                 p.start_phase == StartPhase::kRandom
                     ? "random: each instance's first batch is a uniform share of a full one "
                       "(linger or RecordMaxBufferedTime, records, bytes)"
                     : "aligned: every instance starts an empty batch at t = 0 (lock-step)",
                 "model choice (processes start at unrelated times): configurable at "
                 "/producers/<i>/start_phase"});
  }
  a.push_back({"call timeout",
               "a call slower than retry.call_timeout was stored by the shard "
               "but is retried: the retry is a duplicate",
               "fact sheet 10: retries after ambiguous timeouts duplicate records"});
}

std::vector<Assumption> WritePathAssumptions(const Scenario& s) {
  const WriteLimitsSpec& w = s.stream.write_limits;
  std::vector<Assumption> a;
  if (!s.has_stream) {  // only Direct PUT: the Firehose's quotas are its own assumptions
    CallAssumptions(s, &a);
    return a;
  }
  a.push_back({"shard write limit (records)",
               FormatRecordRate(static_cast<double>(w.records_per_sec)),
               "fact sheet 1: 1,000 records/s per shard"});
  a.push_back({"shard write limit (bytes)", FormatByteRate(static_cast<double>(w.bytes_per_sec)),
               "fact sheet 1: 1 MB/s per shard incl. partition keys; MiB (2^20) modelled, "
               "10^6 vs 2^20 enforcement UNCONFIRMED"});
  a.push_back({"write admission",
               w.admission == WriteAdmission::kWindow
                   ? "fixed one-second windows aligned to t = 0"
                   : "token bucket, depth " + SignedFixed(w.bucket_depth_sec, 6) + " s of capacity",
               "UNCONFIRMED (fact sheet 1): configurable at /stream/write_limits/admission"});
  if (s.stream.max_record_size_bytes > w.bytes_per_sec) {
    a.push_back({"burst capacity for large records",
                 FormatBytes(w.burst_bytes) + " per shard, refilled at " +
                     FormatByteRate(static_cast<double>(w.bytes_per_sec)) +
                     "; records over the bytes limit draw only on it, every other stored byte "
                     "draws on it too",
                 "UNCONFIRMED (fact sheet 1, large-records page: bursts to about 10 MiB while "
                 "averaging 1 MiB/s): configurable at /stream/write_limits/burst"});
  }
  a.push_back({"record size limit", FormatBytes(s.stream.max_record_size_bytes) + " data + key",
               "fact sheet 1: MaxRecordSizeInKiB, default 1 MiB; oversized records are dropped "
               "by the producer before any call (the real request-level exception is "
               "UNCONFIRMED)"});
  a.push_back({"throttle decision", "per record, in request order, at the call's completion",
               "fact sheet 1: PutRecords partial failure semantics"});
  CallAssumptions(s, &a);
  return a;
}

// The run's stretches in one capacity mode, from the graph's switches: each with the billed
// figures between its switch and the next (or the end of the run).
std::vector<ModePeriod> BuildModePeriods(const Scenario& scenario, const ModelGraph& graph,
                                         const RunResult& r) {
  std::vector<ModelGraph::ModeSwitch> marks;
  marks.push_back({.at = SimTime::Zero(),
                   .mode = scenario.stream.mode,
                   .totals = {},
                   .consumer_bytes_read = std::vector<uint64_t>(r.consumers.size(), 0)});
  for (const ModelGraph::ModeSwitch& s : graph.mode_switches()) marks.push_back(s);
  ModelGraph::ModeSwitch end{
      .at = graph.end(), .mode = scenario.stream.mode, .totals = {}, .consumer_bytes_read = {}};
  end.totals = graph.stream().billing_totals();
  for (const ConsumerResult& c : r.consumers) end.consumer_bytes_read.push_back(c.bytes_read);
  marks.push_back(std::move(end));
  std::vector<ModePeriod> out;
  for (size_t k = 0; k + 1 < marks.size(); ++k) {
    const ModelGraph::ModeSwitch& a = marks[k];
    const ModelGraph::ModeSwitch& b = marks[k + 1];
    ModePeriod p;
    p.mode = std::string(Name(a.mode));
    p.from_s = static_cast<double>(a.at.nanos()) / 1e9;
    p.to_s = static_cast<double>(b.at.nanos()) / 1e9;
    for (const ShardResult& sh : r.shards) {
      const double until = sh.closed_at_s >= 0 ? sh.closed_at_s : r.duration_s;
      const double open = std::min(until, p.to_s) - std::max(sh.opened_at_s, p.from_s);
      if (open > 0) p.shard_hours += open / 3600.0;
    }
    p.records_in = b.totals.records_in - a.totals.records_in;
    p.bytes_in = b.totals.bytes_in - a.totals.bytes_in;
    p.kib_rounded_in = b.totals.kib_in - a.totals.kib_in;
    p.put_payload_units = b.totals.payload_units - a.totals.payload_units;
    for (size_t c = 0; c < b.consumer_bytes_read.size() && c < a.consumer_bytes_read.size(); ++c) {
      p.consumer_bytes_read.push_back(b.consumer_bytes_read[c] - a.consumer_bytes_read[c]);
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

SeriesTable OpenShardSeries(const std::vector<ShardResult>& shards, double duration_s,
                            int* min_open, int* max_open) {
  std::vector<std::pair<double, int>> changes;  // (time, +1 opened / -1 closed)
  int count = 0;
  for (const ShardResult& s : shards) {
    if (s.opened_at_s > 0) {
      changes.push_back({s.opened_at_s, +1});
    } else {
      ++count;  // CreateStream's
    }
    if (s.closed_at_s >= 0) changes.push_back({s.closed_at_s, -1});
  }
  std::sort(changes.begin(), changes.end());
  SeriesTable t;
  t.name = std::string(kOpenShardSeries);
  t.columns = {"time_s", "open_shards", "max_open_shards"};
  int lowest = count, highest = count;
  size_t next = 0;
  // Applies the changes at the next instant (a split closes one and opens two at once).
  auto apply_instant = [&] {
    const double at = changes[next].first;
    while (next < changes.size() && changes[next].first == at) count += changes[next++].second;
    lowest = std::min(lowest, count);
    highest = std::max(highest, count);
  };
  const auto windows = static_cast<int64_t>(std::ceil(duration_s / 60.0 - 1e-9));
  for (int64_t w = 0; w < windows; ++w) {
    const double from = 60.0 * static_cast<double>(w), to = from + 60.0;
    while (next < changes.size() && changes[next].first <= from) apply_instant();
    const int at_start = count;
    int peak = count;
    while (next < changes.size() && changes[next].first < to) {
      apply_instant();
      peak = std::max(peak, count);
    }
    t.rows.push_back({from, static_cast<double>(at_start), static_cast<double>(peak)});
  }
  while (next < changes.size()) apply_instant();
  if (min_open != nullptr) *min_open = lowest;
  if (max_open != nullptr) *max_open = highest;
  return t;
}

RunOutput SimulateRun(const PreparedScenario& prepared, uint64_t seed, uint64_t replication,
                      const ProgressHook* progress) {
  const Scenario& scenario = prepared.scenario();
  const SimDuration duration = prepared.duration();

  ModelGraph graph(prepared, seed, replication);
  graph.Run(progress);
  const Stream& stream = graph.stream();
  const ReadPath* reads = graph.reads();
  const std::vector<PreparedProducer>& inputs = prepared.producers();
  const Simulation& sim = graph.sim();

  RunResult r;
  r.scenario = scenario.name;
  r.seed = seed;
  r.duration_s = duration.seconds();
  // Without a stream (Direct PUT only) the graph's stream has no writer and no reader: the result
  // shows none of it.
  const bool has_stream = scenario.has_stream;
  r.stream_mode = has_stream ? std::string(ApiName(scenario.stream.mode)) : kNoStreamMode;
  r.open_shards = has_stream ? stream.shard_map().open_count() : 0;
  r.write_limit_records_per_sec =
      has_stream ? static_cast<double>(scenario.stream.write_limits.records_per_sec) : 0;
  r.write_limit_bytes_per_sec =
      has_stream ? static_cast<double>(scenario.stream.write_limits.bytes_per_sec) : 0;
  r.events_processed = sim.events_processed();

  for (const ProducerModel* p : graph.producers()) r.producers.push_back(p->Result());

  // Conservation: per producer, and each stream's stored records against its producers' view.
  Conservation& c = r.conservation;
  std::map<std::string, uint64_t> stored_by_producers;  // by target ("" = the stream)
  for (size_t i = 0; i < r.producers.size(); ++i) {
    const ProducerResult& p = r.producers[i];
    c.produced += p.records_produced;
    c.accepted += p.records_accepted;
    c.dropped += p.records_dropped;
    c.in_flight += p.records_in_flight;
    c.duplicates += p.duplicates;
    stored_by_producers[scenario.producers[i].target] += p.kinesis_records_accepted;
    if (p.records_produced != p.records_accepted + p.records_dropped + p.records_in_flight) {
      c.ok = false;
      c.detail += "producer " + p.name + ": produced " + std::to_string(p.records_produced) +
                  " != accepted " + std::to_string(p.records_accepted) + " + dropped " +
                  std::to_string(p.records_dropped) + " + in flight " +
                  std::to_string(p.records_in_flight) + "; ";
    }
  }
  auto check_stored = [&](const std::string& target, const Stream& s) {
    const uint64_t by_producers = stored_by_producers[target];
    if (by_producers != s.total_records_in()) {
      c.ok = false;
      c.detail += (target.empty() ? "stream" : "firehose " + target) + " stored " +
                  std::to_string(s.total_records_in()) + " records, producers report " +
                  std::to_string(by_producers) + "; ";
    }
  };
  check_stored("", stream);
  for (const auto& [name, s] : graph.direct_put()) check_stored(name, *s);

  if (reads) {
    r.consumers = reads->Results();
    reads->CheckConservation(stream, &c);
  }

  if (has_stream) r.shards = stream.ShardResults();
  // Expected share per shard: the groups' exact key-weight shares, weighted by their mean rates.
  // Producers writing to a Direct PUT Firehose do not load the stream's shards.
  double total_rate = 0;
  for (size_t g = 0; g < inputs.size(); ++g) {
    if (scenario.producers[g].target.empty()) total_rate += inputs[g].profile.MeanRatePerSec();
  }
  std::vector<KeyUsage> usage;
  std::vector<std::span<const uint32_t>> shard_of;  // the stream's final routing of each group
  for (size_t g = 0; g < inputs.size(); ++g) {
    if (!scenario.producers[g].target.empty()) continue;
    const KeyModel& keys = *inputs[g].keys;
    const double w = total_rate > 0 ? inputs[g].profile.MeanRatePerSec() / total_rate : 0.0;
    const KeyRoutes& routes = stream.routing().Find(keys).routes();
    usage.push_back({&keys, w, {}});
    if (&routes == inputs[g].routes.get()) usage.back().shard_of = routes.shard_of();
    shard_of.push_back(routes.shard_of());
    const std::vector<double> shares =
        keys.ExpectedShardShares(stream.shard_map(), shard_of.back());
    for (size_t s = 0; s < shares.size() && s < r.shards.size(); ++s) {
      r.shards[s].expected_share += w * shares[s];
    }
  }
  FillTopKeys(usage, shard_of, stream.shard_map(), static_cast<size_t>(scenario.analysis.top_keys),
              &r);
  r.peak_demand_records_per_s = stream.peak_demand_records_per_s();
  r.peak_demand_bytes_per_s = stream.peak_demand_bytes_per_s();
  if (graph.resharder() != nullptr) r.operations = graph.resharder()->Results();
  if (!graph.mode_switches().empty()) r.mode_periods = BuildModePeriods(scenario, graph, r);
  r.assumptions = WritePathAssumptions(scenario);
  for (Assumption& a : ReshardAssumptions(scenario.stream)) r.assumptions.push_back(std::move(a));
  if (has_stream) {
    for (Assumption& a : OnDemandAssumptions(scenario.stream))
      r.assumptions.push_back(std::move(a));
  }
  for (Assumption& a : AutoscalingAssumptions(scenario.stream))
    r.assumptions.push_back(std::move(a));
  if (has_stream) r.series = stream.ShardSeries();
  // The open shards over time, for every run whose shards can change.
  if (has_stream && graph.resharder() != nullptr) {
    r.series.push_back(
        OpenShardSeries(r.shards, r.duration_s, &r.min_open_shards, &r.max_open_shards));
  }
  if (reads) {
    for (Assumption& a : reads->Assumptions()) r.assumptions.push_back(std::move(a));
    for (SeriesTable& t : reads->Series()) r.series.push_back(std::move(t));
  }
  CountBilling(scenario, &r);
  if (const std::optional<WarmupCounts>& w = graph.warmup_counts()) {
    WarmupResult& out = r.warmup.emplace();
    out.duration_s = static_cast<double>(w->duration.nanos()) / 1e9;  // exact for whole ms
    for (size_t i = 0; i < w->producers.size(); ++i) {
      if (!scenario.producers[i].target.empty()) continue;  // a Direct PUT Firehose's
      out.records_produced += w->producers[i].records_produced;
      out.records_dropped += w->producers[i].records_dropped;
      out.duplicates += w->producers[i].duplicates;
    }
    for (const ShardResult& x : w->shards) out.records_throttled += x.throttled_records;
    for (const ConsumerResult& x : w->consumers) out.read_throttles += x.read_throttles;
  }
  return RunOutput{std::move(r), stream.shard_map(), std::move(usage), graph.warmup_counts(), {}};
}

void FillTopKeys(const std::vector<KeyUsage>& usage,
                 const std::vector<std::span<const uint32_t>>& shard_of, const ShardMap& map,
                 size_t top_n, RunResult* result) {
  SHARDSIM_CHECK(shard_of.size() == usage.size(), "one routing per key usage");
  // Key spaces hashed per record: every shard's top keys in one pass over the leading ids.
  std::vector<std::vector<std::vector<KeyWeight>>> per_record(usage.size());
  std::vector<int> wanted;
  for (size_t s = 0; s < result->shards.size(); ++s) {
    if (result->shards[s].expected_share > 0) wanted.push_back(static_cast<int>(s));
  }
  for (size_t g = 0; g < usage.size(); ++g) {
    if (usage[g].weight > 0 && usage[g].keys->hash_per_record()) {
      std::vector<std::vector<KeyWeight>> by_wanted = usage[g].keys->TopKeysOn(map, wanted, top_n);
      per_record[g].resize(result->shards.size());
      for (size_t i = 0; i < wanted.size(); ++i) {
        per_record[g][static_cast<size_t>(wanted[i])] = std::move(by_wanted[i]);
      }
    }
  }
  for (size_t s = 0; s < result->shards.size(); ++s) {
    ShardResult& shard = result->shards[s];
    if (shard.expected_share <= 0) continue;
    std::map<std::string, double> share_of_stream;  // key -> share of all the stream's records
    for (size_t g = 0; g < usage.size(); ++g) {
      const KeyUsage& u = usage[g];
      if (u.weight <= 0) continue;
      for (const KeyWeight& k : u.keys->hash_per_record()
                                    ? per_record[g][s]
                                    : u.keys->TopKeys(shard_of[g], static_cast<int>(s), top_n)) {
        share_of_stream[k.key] += u.weight * k.probability;
      }
    }
    std::vector<std::pair<double, std::string>> keys;
    for (const auto& [key, w] : share_of_stream) keys.push_back({w / shard.expected_share, key});
    std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    if (keys.size() > top_n) keys.resize(top_n);
    for (const auto& [share, key] : keys) {
      const auto records =
          static_cast<uint64_t>(std::llround(share * static_cast<double>(shard.first_attempts)));
      shard.top_keys.push_back({key, records, share});
    }
  }
}

}  // namespace shardsim
