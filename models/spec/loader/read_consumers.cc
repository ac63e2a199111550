// Reading consumers: polling, KCL, enhanced fan-out, Lambda and Firehose. See scenario_readers.h.
#include "models/spec/features.h"
#include "models/spec/loader/scenario_readers.h"

namespace shardsim::loader {
namespace {

// Typical compressed/uncompressed ratios for JSON-like records. UNCONFIRMED: they depend on the
// data; set compression.ratio from a sample of yours.
double DefaultCompressionRatio(CompressionCodec codec) {
  switch (codec) {
    case CompressionCodec::kNone:
      return 1.0;
    case CompressionCodec::kGzip:
    case CompressionCodec::kZip:
      return 0.3;
    case CompressionCodec::kSnappy:
    case CompressionCodec::kHadoopSnappy:
      return 0.5;
  }
  return 1.0;
}

// Direct PUT quotas per Firehose stream by region (fact sheet 7).
DirectPutLimitsSpec DirectPutDefaults(const std::string& region) {
  DirectPutLimitsSpec s;
  if (region != "us-east-1" && region != "us-west-2" && region != "eu-west-1") {
    s.records_per_sec = 100'000;
    s.requests_per_sec = 1'000;
    s.bytes_per_sec = kMiB;
  }
  return s;
}

void ReadStartingPosition(Context& c, const Json& j, Ptr p, StartingPosition* s) {
  ObjectReader r(c, j, p, ScenarioType("starting_position"));
  if (r.Discriminator(&s->type, false) && s->type == StartingPositionType::kAtTimestamp) {
    r.Required("timestamp", &s->timestamp, Duration());
  }
}

void ReadOutages(ObjectReader& r, Context& c, std::vector<OutageSpec>* outages) {
  r.Objects("outages", 0, 10'000, ScenarioType("outage"), outages,
            [&](ObjectReader& orr, OutageSpec& o) {
              orr.Required("from", &o.from, Duration());
              orr.Required("to", &o.to, Duration());
            });
  if (!outages->empty()) c.Feature(r.Pointer("outages"), kFeatureOutages);
}

void ReadPolling(ObjectReader& r, PollingSpec* s) {
  r.Optional("poll_interval", &s->poll_interval, Duration());
  r.Optional("max_records", &s->max_records, Int());
  r.Optional("call_latency", &s->call_latency, Latency());
}

void ReadKcl(ObjectReader& r, Context& c, KclSpec* s) {
  r.Optional("workers", &s->workers, Int());
  r.Optional("max_leases_per_worker", &s->max_leases_per_worker, Int());
  r.Optional("idle_time_between_reads", &s->idle_time_between_reads, Duration());
  r.Optional("max_records", &s->max_records, Int());
  r.Nested("checkpoint", ScenarioType("checkpoint"), [&](ObjectReader& cr) {
    cr.Optional("every_records", &s->checkpoint.every_records, Int());
    cr.Optional("every", &s->checkpoint.every, Duration());
  });
  r.Optional("failover_time", &s->failover_time, Duration());
  r.Optional("call_latency", &s->call_latency, Latency());
  r.Objects("worker_failures", 0, 10'000, ScenarioType("worker_failure"), &s->worker_failures,
            [&](ObjectReader& fr, WorkerFailure& f) {
              fr.Required("worker", &f.worker, Int());
              fr.Required("at", &f.at, Duration());
            });
  if (!s->worker_failures.empty()) c.Feature(r.Pointer("worker_failures"), kFeatureWorkerFailures);
}

void ReadLambdaFunction(Context& c, const Json& j, Ptr p, LambdaFunctionSpec* s) {
  ObjectReader r(c, j, p, ScenarioType("lambda_function"));
  r.Required("duration", &s->duration, InvocationDuration());
  r.Optional("memory_mb", &s->memory_mb, Int());
  r.Optional("architecture", &s->architecture, Enum<LambdaArchitecture>());
  r.Optional("concurrency_limit", &s->concurrency_limit, Int());
  r.Optional("error_rate", &s->error_rate, Number());
  r.Objects("poison_records", 0, 10'000, ScenarioType("poison_record"), &s->poison_records,
            [&](ObjectReader& pr, PoisonRecord& poison) {
              pr.Required("at", &poison.at, Duration());
              pr.Optional("key", &poison.key, Text(1, kPartitionKeyMaxChars));
            });
}

void ReadLambda(ObjectReader& r, Context& c, LambdaSpec* s) {
  r.Optional("source", &s->source, Enum<LambdaSource>());
  r.Optional("batch_size", &s->batch_size, Int());
  r.Optional("batching_window", &s->batching_window, Duration());
  r.Optional("parallelization_factor", &s->parallelization_factor, Int());
  if (r.Require("function")) {
    r.Object("function",
             [&](const Json& v, Ptr vp) { ReadLambdaFunction(c, v, vp, &s->function); });
  }
  r.Optional("maximum_retry_attempts", &s->maximum_retry_attempts, Int());
  r.Optional("bisect_batch_on_function_error", &s->bisect_batch_on_function_error, Bool());
  r.Optional("maximum_record_age", &s->maximum_record_age, Duration());
  r.Optional("report_batch_item_failures", &s->report_batch_item_failures, Bool());
  r.Optional("on_failure_destination", &s->on_failure_destination, Enum<OnFailureDestination>());
  r.Optional("tumbling_window", &s->tumbling_window, Duration());
}

void ReadFirehose(ObjectReader& r, Context& c, const std::string& region, FirehoseSpec* s) {
  r.Optional("source", &s->source, Enum<FirehoseSource>());
  if (s->source == FirehoseSource::kDirectPut) c.Feature(r.Pointer("source"), kFeatureDirectPut);

  r.Nested("format_conversion", ScenarioType("format_conversion"), [&](ObjectReader& fr) {
    fr.Optional("enabled", &s->format_conversion.enabled, Bool());
    fr.Optional("output", &s->format_conversion.output, Enum<OutputFormat>());
  });
  // With format conversion the buffer must hold at least 64 MiB and defaults to 128 MiB.
  if (s->format_conversion.enabled) s->buffering.size_bytes = 128 * kMiB;
  r.Nested("buffering", ScenarioType("firehose_buffering"), [&](ObjectReader& br) {
    br.Optional("size", &s->buffering.size_bytes, Size());
    br.Optional("interval", &s->buffering.interval, Duration());
  });
  r.Nested("transform", ScenarioType("firehose_transform"), [&](ObjectReader& tr) {
    FirehoseTransformSpec& t = s->transform;
    tr.Optional("enabled", &t.enabled, Bool());
    tr.Optional("buffer_size", &t.buffer_size_bytes, Size());
    tr.Optional("buffer_interval", &t.buffer_interval, Duration());
    if (t.enabled && !tr.Has("duration")) {
      tr.Require("duration");
    } else {
      tr.Optional("duration", &t.duration, InvocationDuration());
    }
    tr.Optional("error_rate", &t.error_rate, Number());
    tr.Optional("retries", &t.retries, Int());
  });
  r.Nested("compression", ScenarioType("compression"), [&](ObjectReader& cr) {
    CompressionSpec& z = s->compression;
    if (cr.Discriminator(&z.codec, false)) {
      z.ratio = DefaultCompressionRatio(z.codec);
      if (z.codec != CompressionCodec::kNone) cr.Optional("ratio", &z.ratio, Number());
    }
  });
  r.Nested("dynamic_partitioning", ScenarioType("dynamic_partitioning"), [&](ObjectReader& dr) {
    dr.Optional("enabled", &s->dynamic_partitioning.enabled, Bool());
    dr.Optional("partitions", &s->dynamic_partitioning.partitions, Int());
  });
  r.Nested("destination", ScenarioType("destination"), [&](ObjectReader& dr) {
    DestinationSpec& d = s->destination;
    dr.Optional("type", &d.type, Enum<DestinationType>());
    dr.Optional("write_latency", &d.write_latency, Latency());
    dr.Optional("error_rate", &d.error_rate, Number());
    dr.Optional("retry_duration", &d.retry_duration, Duration());
  });
  s->direct_put_limits = DirectPutDefaults(region);
  if (s->source != FirehoseSource::kDirectPut) {
    if (r.Find("direct_put_limits") != nullptr) {
      c.Error(r.Pointer("direct_put_limits"),
              "applies only to source \"direct_put\": Direct PUT quotas do not apply when a "
              "firehose reads from the stream");
    }
    return;
  }
  r.Nested("direct_put_limits", ScenarioType("direct_put_limits"), [&](ObjectReader& lr) {
    DirectPutLimitsSpec& l = s->direct_put_limits;
    lr.Optional("records_per_s", &l.records_per_sec, WholeRecordRate());
    lr.Optional("requests_per_s", &l.requests_per_sec, WholeRecordRate());
    lr.Optional("bytes_per_s", &l.bytes_per_sec, WholeByteRate());
  });
}

}  // namespace

ConsumerSpec ReadConsumer(Context& c, const Json& j, Ptr p, const std::string& region) {
  ConsumerSpec s;
  ObjectReader r(c, j, p, ScenarioType("consumer"));
  if (!r.is_object()) return s;
  r.Required("name", &s.name, ResourceName());
  if (!r.Discriminator(&s.type, /*required=*/true)) return s;
  static constexpr std::string_view kFeatures[] = {kFeaturePolling, kFeatureKcl, kFeatureEfo,
                                                   kFeatureLambda, kFeatureFirehose};
  c.Feature(p, kFeatures[static_cast<int>(s.type)]);
  if (s.type != ConsumerType::kFirehose) {
    r.Object("starting_position",
             [&](const Json& v, Ptr vp) { ReadStartingPosition(c, v, vp, &s.starting_position); });
    ReadOutages(r, c, &s.outages);
  }
  if (s.type == ConsumerType::kPolling || s.type == ConsumerType::kKcl ||
      s.type == ConsumerType::kEfo) {
    r.Object("processing", [&](const Json& v, Ptr vp) { s.processing = ReadProcessing(c, v, vp); });
  }
  switch (s.type) {
    case ConsumerType::kPolling:
      ReadPolling(r, &s.polling);
      break;
    case ConsumerType::kKcl:
      ReadKcl(r, c, &s.kcl);
      break;
    case ConsumerType::kEfo:
      r.Optional("propagation_delay", &s.efo.propagation_delay, Latency());
      r.Optional("subscription_lifetime", &s.efo.subscription_lifetime, Duration());
      break;
    case ConsumerType::kLambda:
      ReadLambda(r, c, &s.lambda);
      break;
    case ConsumerType::kFirehose:
      ReadFirehose(r, c, region, &s.firehose);
      break;
  }
  return s;
}

}  // namespace shardsim::loader
