// RunScenario: wiring, execution, conservation and result assembly. See run.h.
#include "models/run.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>

#include "models/arrivals.h"
#include "models/consumers.h"
#include "models/key_space.h"
#include "models/kpl_producer.h"
#include "models/producer.h"
#include "models/read_findings.h"
#include "models/samplers.h"
#include "models/scenario_loader.h"
#include "models/slo_check.h"
#include "models/stream.h"
#include "models/units.h"
#include "models/write_findings.h"
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
  };
  return kImplemented;
}

namespace {

std::vector<Assumption> WritePathAssumptions(const Scenario& s) {
  const WriteLimitsSpec& w = s.stream.write_limits;
  std::vector<Assumption> a;
  a.push_back({"shard write limit (records)",
               FormatRecordRate(static_cast<double>(w.records_per_sec)),
               "fact sheet 1: 1,000 records/s per shard"});
  a.push_back({"shard write limit (bytes)", FormatByteRate(static_cast<double>(w.bytes_per_sec)),
               "fact sheet 1: 1 MB/s per shard incl. partition keys; MiB (2^20) modelled, "
               "10^6 vs 2^20 enforcement UNCONFIRMED"});
  a.push_back({"write admission",
               w.admission == WriteAdmission::kWindow
                   ? "fixed one-second windows aligned to t = 0"
                   : "token bucket, depth " + std::to_string(w.bucket_depth_sec) + " s of capacity",
               "UNCONFIRMED (fact sheet 1): configurable at /stream/write_limits/admission"});
  a.push_back({"record size limit", FormatBytes(s.stream.max_record_size_bytes) + " data + key",
               "fact sheet 1: MaxRecordSizeInKiB, default 1 MiB; oversized records are dropped "
               "by the producer before any call (the real request-level exception is "
               "UNCONFIRMED)"});
  a.push_back({"throttle decision", "per record, in request order, at the call's completion",
               "fact sheet 1: PutRecords partial failure semantics"});
  for (const ProducerSpec& p : s.producers) {
    a.push_back({"call latency of " + p.name,
                 p.api.call_latency.dist == LatencyDist::kLognormal
                     ? "lognormal median " + FormatDuration(p.api.call_latency.median) + ", p99 " +
                           FormatDuration(p.api.call_latency.p99)
                     : "as configured",
                 "UNCONFIRMED (no AWS figure): configurable at /producers/<i>/api/call_latency"});
  }
  a.push_back({"call timeout",
               "a call slower than retry.call_timeout was stored by the shard "
               "but is retried: the retry is a duplicate",
               "fact sheet 10: retries after ambiguous timeouts duplicate records"});
  return a;
}

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

std::string FormatRecordCount(double n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", n);
  return buf;
}

}  // namespace

std::vector<Diagnostic> CheckModelInputs(const Scenario& scenario, SimDuration duration) {
  // More records than this would take over half an hour to simulate at ~10^7 records/s: almost
  // surely a unit mistake (a trace in records per minute read as per second, say).
  constexpr double kMaxRecordsPerRun = 2e10;
  std::vector<Diagnostic> problems;
  for (size_t i = 0; i < scenario.producers.size(); ++i) {
    const ProducerSpec& p = scenario.producers[i];
    const std::string at = "/producers/" + std::to_string(i);
    auto profile = RateProfile::FromSpec(p, duration);
    if (!profile.ok()) {
      problems.push_back({at + "/arrival/file", profile.error});
    } else if (const double n =
                   profile.value->ExpectedCount(SimTime::Zero(), SimTime::Zero() + duration);
               n > kMaxRecordsPerRun) {
      problems.push_back({at, "the arrival profile creates about " + FormatRecordCount(n) +
                                  " records in this run; at most 2e10 per run are supported "
                                  "(shorten the run or lower the rate)"});
    }
    auto size = SizeSampler::FromSpec(p.record_size);
    if (!size.ok()) problems.push_back({at + "/record_size", size.error});
  }
  return problems;
}

RunOutcome RunScenario(const Scenario& scenario, const RunOptions& options) {
  RunOutcome outcome;
  const SimDuration duration = options.duration.value_or(scenario.duration);
  const SimTime end = SimTime::Zero() + duration;
  const uint64_t seed = options.seed.value_or(scenario.seed);

  Stream stream(scenario.stream, scenario.series_interval, scenario.warmup);
  // Each Direct PUT Firehose ingests through its own one-shard stream whose write limits are its
  // quotas (fact sheet 7); producers whose target names it write there.
  std::map<std::string, std::unique_ptr<Stream>> direct_put;
  for (const ConsumerSpec& c : scenario.consumers) {
    if (c.type == ConsumerType::kFirehose && c.firehose.source == FirehoseSource::kDirectPut) {
      direct_put[c.name] = MakeDirectPutStream(c, scenario);
    }
  }
  auto target_of = [&](const ProducerSpec& p) -> Stream& {
    return p.target.empty() ? stream : *direct_put.at(p.target);
  };
  std::vector<std::unique_ptr<RateProfile>> profiles;
  std::vector<std::unique_ptr<KeySpace>> key_spaces;
  std::vector<SizeSampler> sizes;
  for (const ProducerSpec& p : scenario.producers) {
    auto size = SizeSampler::FromSpec(p.record_size);
    if (!size.ok()) {
      outcome.input_errors.push_back(size.error);
      continue;
    }
    sizes.push_back(std::move(*size.value));
    auto profile = RateProfile::FromSpec(p, duration);
    if (!profile.ok()) {
      outcome.input_errors.push_back(profile.error);
      continue;
    }
    profiles.push_back(std::make_unique<RateProfile>(std::move(*profile.value)));
    std::string error;
    auto keys = KeySpace::Create(p.keys, target_of(p).shard_map(), &error);
    if (!keys.has_value()) {
      outcome.input_errors.push_back("producer " + p.name + ": keys: " + error);
      continue;
    }
    key_spaces.push_back(std::make_unique<KeySpace>(std::move(*keys)));
  }
  if (!outcome.input_errors.empty()) return outcome;

  Simulation sim({.seed = seed, .replication = options.replication});
  std::vector<ProducerGroup*> groups;
  std::vector<KplProducerGroup*> kpl_groups;
  for (size_t i = 0; i < scenario.producers.size(); ++i) {
    const ProducerSpec& p = scenario.producers[i];
    const auto index = static_cast<uint32_t>(i);
    if (p.api.type == ApiType::kKpl) {
      kpl_groups.push_back(&sim.Emplace<KplProducerGroup>(
          p, *profiles[i], *key_spaces[i], std::move(sizes[i]), target_of(p), end,
          SimTime::Zero() + scenario.warmup, index));
    } else {
      groups.push_back(&sim.Emplace<ProducerGroup>(p, *profiles[i], *key_spaces[i],
                                                   std::move(sizes[i]), target_of(p), end,
                                                   SimTime::Zero() + scenario.warmup, index));
    }
  }
  std::unique_ptr<ReadPath> reads;
  if (!scenario.consumers.empty()) {
    std::map<std::string, Stream*> direct_put_streams;
    for (auto& [name, s] : direct_put) direct_put_streams[name] = s.get();
    std::vector<const KeySpace*> spaces;
    for (const auto& k : key_spaces) spaces.push_back(k.get());
    reads = std::make_unique<ReadPath>(scenario, stream, sim, end, direct_put_streams, spaces);
  }
  sim.RunUntil(end);
  sim.Finish();
  stream.Finish(end);
  for (auto& [name, s] : direct_put) s->Finish(end);

  RunResult r;
  r.scenario = scenario.name;
  r.seed = seed;
  r.duration_s = duration.seconds();
  r.stream_mode = scenario.stream.mode == StreamMode::kProvisioned ? "PROVISIONED" : "ON_DEMAND";
  r.open_shards = stream.shard_map().open_count();
  r.write_limit_records_per_sec = static_cast<double>(scenario.stream.write_limits.records_per_sec);
  r.write_limit_bytes_per_sec = static_cast<double>(scenario.stream.write_limits.bytes_per_sec);
  r.events_processed = sim.events_processed();

  // Producers in scenario order, whichever model runs them.
  size_t next_plain = 0, next_kpl = 0;
  for (const ProducerSpec& p : scenario.producers) {
    r.producers.push_back(p.api.type == ApiType::kKpl ? kpl_groups[next_kpl++]->Result()
                                                      : groups[next_plain++]->Result());
  }

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
  for (const auto& [name, s] : direct_put) check_stored(name, *s);

  if (reads) {
    r.consumers = reads->Results();
    reads->CheckConservation(stream, &c);
  }

  r.shards = stream.ShardResults();
  // Expected share per shard: the groups' exact key-weight shares, weighted by their mean rates.
  // Producers writing to a Direct PUT Firehose do not load the stream's shards.
  double total_rate = 0;
  for (size_t g = 0; g < profiles.size(); ++g) {
    if (scenario.producers[g].target.empty()) total_rate += profiles[g]->MeanRatePerSec();
  }
  std::vector<KeyUsage> usage;
  for (size_t g = 0; g < key_spaces.size(); ++g) {
    if (!scenario.producers[g].target.empty()) continue;
    const double w = total_rate > 0 ? profiles[g]->MeanRatePerSec() / total_rate : 0.0;
    usage.push_back({key_spaces[g].get(), w});
    const std::vector<double> shares = key_spaces[g]->ExpectedShardShares(stream.shard_map());
    for (size_t s = 0; s < shares.size() && s < r.shards.size(); ++s) {
      r.shards[s].expected_share += w * shares[s];
    }
  }
  FillTopKeys(usage, static_cast<size_t>(scenario.analysis.top_keys), &r);
  AddWritePathFindings(scenario, stream, usage, &r);
  r.assumptions = WritePathAssumptions(scenario);
  r.series = stream.ShardSeries();
  if (reads) {
    AddReadPathFindings(scenario, &r);
    for (Assumption& a : reads->Assumptions()) r.assumptions.push_back(std::move(a));
    for (SeriesTable& t : reads->Series()) r.series.push_back(std::move(t));
    // Fewer shards is no advice while a consumer cannot keep up with the ones there are.
    const bool readers_behind =
        std::any_of(r.findings.begin(), r.findings.end(), [](const Finding& f) {
          return f.kind == "iterator_age_growing" || f.kind == "records_expired";
        });
    if (readers_behind) {
      std::erase_if(r.findings, [](const Finding& f) { return f.kind == "over_provisioned"; });
    }
  }
  AddSloFindings(scenario, &r);
  outcome.result = std::move(r);
  return outcome;
}

}  // namespace shardsim
