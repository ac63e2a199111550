// Reading producers: arrival, record size, keys, API and retries. See scenario_readers.h.
#include "models/spec/features.h"
#include "models/spec/loader/scenario_readers.h"
#include "models/spec/validate.h"

namespace shardsim::loader {
namespace {

// A record size: a size string (fixed) or {dist: ...}, read field by field like Latency().
Parser<SizeSpec> RecordSize() {
  return [](Context& c, const Json& j, Ptr p) -> std::optional<SizeSpec> {
    const auto size = Size();
    SizeSpec s;
    if (!j.is_object()) {
      auto v = size(c, j, p);
      if (!v) return std::nullopt;
      s.size_bytes = *v;
      return s;
    }
    ObjectReader r(c, j, p, ScenarioType("size_distribution"));
    if (r.Discriminator(&s.dist, /*required=*/true)) {
      switch (s.dist) {
        case SizeDist::kFixed:
          r.Required("size", &s.size_bytes, size);
          break;
        case SizeDist::kUniform:
          r.Required("min", &s.min_bytes, size);
          r.Required("max", &s.max_bytes, size);
          break;
        case SizeDist::kLognormal:
          r.Required("median", &s.median_bytes, size);
          r.Required("p99", &s.p99_bytes, size);
          r.Optional("max", &s.max_bytes, size);
          break;
        case SizeDist::kEmpirical:
          r.Required("file", &s.file, File());
          break;
      }
    }
    return s;
  };
}

Parser<std::string> PartitionKey() { return Text(1, kPartitionKeyMaxChars); }

void ReadArrival(Context& c, const Json& j, Ptr p, ArrivalSpec* s) {
  ObjectReader r(c, j, p, ScenarioType("arrival"));
  if (!r.Discriminator(&s->process, false)) return;
  switch (s->process) {
    case ArrivalProcess::kConstant:
    case ArrivalProcess::kPoisson:
      break;
    case ArrivalProcess::kDiurnal:
      r.Optional("peak_factor", &s->peak_factor, Number());
      r.Optional("peak_hour", &s->peak_hour, Number());
      r.Optional("start_hour", &s->start_hour, Number());
      r.Optional("period", &s->period, Duration());
      break;
    case ArrivalProcess::kSteps:
      r.Require("steps");
      r.Objects("steps", 1, 100'000, ScenarioType("rate_step"), &s->steps,
                [&](ObjectReader& sr, RateStep& step) {
                  sr.Required("at", &step.at, Duration());
                  sr.Required("rate", &step.records_per_sec, RecordRate());
                });
      break;
    case ArrivalProcess::kBursts:
      r.Required("on", &s->burst_on, Duration());
      r.Required("off", &s->burst_off, Duration());
      r.Required("burst_rate", &s->burst_records_per_sec, RecordRate());
      break;
    case ArrivalProcess::kTrace:
      r.Required("file", &s->trace_file, File());
      r.Optional("resolution", &s->trace_resolution, Enum<TraceResolution>());
      r.Optional("loop", &s->trace_loop, Bool());
      break;
  }
}

void ReadKeys(Context& c, const Json& j, Ptr p, KeySpec* s) {
  ObjectReader r(c, j, p, ScenarioType("keys"));
  if (!r.Discriminator(&s->dist, false)) return;
  if (s->dist != KeyDist::kWeighted && s->dist != KeyDist::kRandom) {
    r.Optional("count", &s->count, Int());
    r.Optional("format", &s->format, Text(1, kPartitionKeyMaxChars));
  }
  switch (s->dist) {
    case KeyDist::kUniform:
    case KeyDist::kRandom:
      break;
    case KeyDist::kZipf:
      r.Optional("exponent", &s->zipf_exponent, Number());
      break;
    case KeyDist::kHotKey:
      r.Required("hot_share", &s->hot_share, Number());
      if (!r.Optional("hot_key", &s->hot_key, PartitionKey())) s->hot_key = KeyOf(s->format, 0);
      break;
    case KeyDist::kWeighted:
      r.Require("keys");
      r.Objects("keys", 1, 1'000'000, ScenarioType("weighted_key"), &s->weighted_keys,
                [&](ObjectReader& kr, WeightedKey& k) {
                  kr.Required("key", &k.key, PartitionKey());
                  kr.Required("weight", &k.weight, Number());
                });
      break;
    case KeyDist::kExplicitHashKey:
      r.Objects("hash_keys", 1, 1'000'000, ScenarioType("weighted_hash_key"), &s->hash_keys,
                [&](ObjectReader& kr, WeightedHashKey& k) {
                  kr.Required("hash_key", &k.hash_key, HashKeyText());
                  kr.Required("weight", &k.weight, Number());
                });
      break;
  }
}

void ReadApi(Context& c, const Json& j, Ptr p, ApiSpec* s) {
  ObjectReader r(c, j, p, ScenarioType("api"));
  if (!r.Discriminator(&s->type, false)) return;
  r.Optional("call_latency", &s->call_latency, Latency());
  if (s->type != ApiType::kKpl) {
    r.Optional("max_in_flight_calls", &s->max_in_flight_calls, Int());
  }
  if (s->type == ApiType::kPutRecords) {
    r.Optional("max_batch_records", &s->max_batch_records, Int());
    r.Optional("max_batch_bytes", &s->max_batch_bytes, Size());
    r.Optional("linger", &s->linger, Duration());
  }
  if (s->type == ApiType::kKpl) {
    r.Optional("aggregation", &s->aggregation, Bool());
    r.Optional("aggregation_max_size", &s->aggregation_max_size_bytes, Size());
    r.Optional("aggregation_max_count", &s->aggregation_max_count, Int());
    r.Optional("collection_max_count", &s->collection_max_count, Int());
    r.Optional("collection_max_size", &s->collection_max_size_bytes, Size());
    r.Optional("record_max_buffered_time", &s->record_max_buffered_time, Duration());
    r.Optional("rate_limit_percent", &s->rate_limit_percent, Int());
    r.Optional("record_ttl", &s->record_ttl, Duration());
    r.Optional("max_connections", &s->max_connections, Int());
    r.Optional("fail_if_throttled", &s->fail_if_throttled, Bool());
  }
}

void ReadRetry(Context& c, const Json& j, Ptr p, RetrySpec* s) {
  ObjectReader r(c, j, p, ScenarioType("retry"));
  r.Optional("max_attempts", &s->max_attempts, Int());
  r.Optional("base_delay", &s->base_delay, Duration());
  r.Optional("multiplier", &s->multiplier, Number());
  r.Optional("max_delay", &s->max_delay, Duration());
  r.Optional("jitter", &s->jitter, Enum<Jitter>());
  r.Optional("record_ttl", &s->record_ttl, Duration());
  r.Optional("call_timeout", &s->call_timeout, Duration());
}

}  // namespace

ProducerSpec ReadProducer(Context& c, const Json& j, Ptr p) {
  ProducerSpec s;
  ObjectReader r(c, j, p, ScenarioType("producer"));
  if (!r.is_object()) return s;
  c.Feature(p, kFeatureProducers);
  r.Required("name", &s.name, ResourceName());
  r.Optional("instances", &s.instances, Int());
  r.Optional("start_phase", &s.start_phase, Enum<StartPhase>());
  r.Object("arrival", [&](const Json& v, Ptr vp) { ReadArrival(c, v, vp, &s.arrival); });
  if (s.arrival.process == ArrivalProcess::kTrace) {
    c.Feature(r.Pointer("arrival"), kFeatureArrivalTrace);
    if (r.Find("rate") != nullptr) {
      c.Error(r.Pointer("rate"),
              "must not be set with arrival process \"trace\": the trace "
              "file gives the rate");
    }
  } else {
    r.Required("rate", &s.records_per_sec, RecordRate());
  }
  r.Required("record_size", &s.record_size, RecordSize());
  r.Object("keys", [&](const Json& v, Ptr vp) { ReadKeys(c, v, vp, &s.keys); });
  if (s.keys.dist == KeyDist::kExplicitHashKey) {
    c.Feature(r.Pointer("keys"), kFeatureExplicitHashKey);
  }
  r.Object("api", [&](const Json& v, Ptr vp) { ReadApi(c, v, vp, &s.api); });
  if (s.api.type == ApiType::kKpl) c.Feature(r.Pointer("api"), kFeatureKpl);
  if (s.api.type == ApiType::kKpl && r.Find("retry") != nullptr) {
    c.Error(r.Pointer("retry"),
            "does not apply to api type \"KPL\": the KPL retries by itself "
            "until api.record_ttl");
  } else {
    r.Object("retry", [&](const Json& v, Ptr vp) { ReadRetry(c, v, vp, &s.retry); });
  }
  if (std::string target; r.Optional("target", &target, Text(1, 128))) {
    s.target = target == kStreamTarget ? "" : target;
  }
  return s;
}

}  // namespace shardsim::loader
