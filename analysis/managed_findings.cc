// Lambda and Firehose findings. See managed_findings.h. One function per rule, each returning its
// finding or nothing; the two Add* functions keep the rules' order.
#include "analysis/managed_findings.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/finding_support.h"
#include "models/result/format.h"
#include "models/spec/units.h"

namespace shardsim {
namespace {

// What a Lambda or Firehose rule reads about its consumer.
struct Managed {
  const Scenario& scenario;
  const RunResult& run;
  const ConsumerResult& result;
  const ConsumerSpec& spec;
  int index = -1;  // in run.consumers and scenario.consumers
};

// ---------------------------------------------------------------- Lambda (fact sheet 6)

// Where a failing batch stalls its shard, the safeguards the mapping lacks, comma-separated with
// a trailing ", " (empty when retries and bisection are bounded already).
std::string MissingSafeguards(const LambdaSpec& ls) {
  std::string fix;
  if (ls.maximum_retry_attempts < 0) fix += "set maximum_retry_attempts (e.g. 2-5), ";
  if (!ls.maximum_record_age) fix += "set maximum_record_age, ";
  if (!ls.bisect_batch_on_function_error) {
    fix += "enable bisect_batch_on_function_error to isolate the bad record, ";
  }
  if (!ls.report_batch_item_failures && !ls.bisect_batch_on_function_error) {
    fix += "return batchItemFailures (report_batch_item_failures) so good records pass, ";
  }
  if (ls.on_failure_destination == OnFailureDestination::kNone) {
    fix += "add an on_failure_destination to keep the failed records' metadata, ";
  }
  return fix;
}

std::optional<Finding> LambdaShardStalled(const Managed& m) {
  const LambdaResult& l = *m.result.lambda;
  const double run_ms = m.run.duration_s * 1000;
  if (!(l.max_stall_ms >= std::min(60'000.0, 0.1 * run_ms) && l.max_stall_ms > 0)) {
    return std::nullopt;
  }
  Finding f = NewFinding(FindingKind::kLambdaShardStalled, Severity::kCritical, m.result.name);
  f.shard = ShardIndexOf(m.run, l.max_stall_shard);
  f.consumer = m.index;
  f.evidence = "a failing batch blocked " + l.max_stall_shard + " for " +
               SecondsFromMillis(l.max_stall_ms) + " (" +
               CountNoun(l.invocations_failed, "failed invocation", "failed invocations") + ", " +
               CountNoun(l.poison_records, "poison record", "poison records") +
               "); records behind it wait: iterator age max " +
               SecondsFromMillis(m.result.iterator_age_max_ms);
  const std::string fix = MissingSafeguards(m.spec.lambda);
  f.recommendation =
      fix.empty() ? "Retries and bisection are already bounded: find why the function fails."
                  : "A failing batch blocks its shard slot until it succeeds, runs out of retries "
                    "or ages out; by default that is when the record expires (fact sheet 6): " +
                        fix.substr(0, fix.size() - 2) + ".";
  AddFigures(&f, {{"max_stall_ms", l.max_stall_ms},
                  {"invocations_failed", l.invocations_failed},
                  {"poison_records", l.poison_records},
                  {"iterator_age_max_ms", m.result.iterator_age_max_ms}});
  return f;
}

std::optional<Finding> LambdaRecordsDiscarded(const Managed& m) {
  const LambdaResult& l = *m.result.lambda;
  if (l.records_dropped == 0) return std::nullopt;
  Finding f = NewFinding(FindingKind::kLambdaRecordsDiscarded, Severity::kCritical, m.result.name);
  f.consumer = m.index;
  f.evidence = CountNoun(l.records_dropped, "record was", "records were") + " given up on (" +
               Grouped(l.records_given_up_by_retries) + " after maximum_retry_attempts, " +
               Grouped(l.records_given_up_by_age) +
               " past maximum_record_age) with no on-failure destination: they are lost";
  f.recommendation =
      "Configure an on-failure destination (SQS, SNS or S3) so the shard and sequence range "
      "of discarded batches can be replayed.";
  AddFigures(&f, {{"records_dropped", l.records_dropped},
                  {"records_given_up_by_retries", l.records_given_up_by_retries},
                  {"records_given_up_by_age", l.records_given_up_by_age}});
  return f;
}

std::optional<Finding> LambdaConcurrencyThrottled(const Managed& m) {
  const LambdaResult& l = *m.result.lambda;
  const LambdaSpec& ls = m.spec.lambda;
  if (l.throttles == 0) return std::nullopt;
  const int64_t needed = static_cast<int64_t>(m.result.shards.size()) * ls.parallelization_factor;
  Finding f =
      NewFinding(FindingKind::kLambdaConcurrencyThrottled, Severity::kWarning, m.result.name);
  f.consumer = m.index;
  f.evidence = CountNoun(l.throttles, "invocation was", "invocations were") +
               " throttled by the concurrency limit of " +
               (ls.function.concurrency_limit ? std::to_string(*ls.function.concurrency_limit)
                                              : std::string("?")) +
               " (highest concurrency " + Fixed(l.concurrency_max, 0) + ")";
  f.recommendation =
      "The mapping can use up to shards x parallelization factor = " + std::to_string(needed) +
      " concurrent executions; reserve that much concurrency for the function" +
      (ls.parallelization_factor > 1 ? ", or lower parallelization_factor (now " +
                                           std::to_string(ls.parallelization_factor) + ")."
                                     : std::string("."));
  AddFigures(&f, {{"throttles", l.throttles}});
  if (ls.function.concurrency_limit) {
    AddFigures(&f, {{"concurrency_limit", *ls.function.concurrency_limit}});
  }
  AddFigures(&f, {{"concurrency_max", l.concurrency_max}, {"concurrency_needed", needed}});
  return f;
}

// Lambda's own polling (once per second per shard, faster while behind) costs the other polling
// applications their share of the 5 calls/s.
std::optional<Finding> LambdaReadContention(const Managed& m) {
  if (m.spec.lambda.source != LambdaSource::kPolling) return std::nullopt;
  uint64_t others = 0, calls = 0, by_rate = 0, by_bytes = 0, by_penalty = 0;
  std::string who;
  for (const ConsumerResult& o : m.run.consumers) {
    if (&o == &m.result || o.read_throttles == 0) continue;
    const ConsumerSpec* os = SpecOf(m.scenario, o.name);
    if (os == nullptr || !SharesReadLimits(*os)) continue;
    others += o.read_throttles;
    calls += o.read_throttles + o.get_records_calls;
    by_rate += o.read_throttles_by_call_rate;
    by_bytes += o.read_throttles_by_bytes;
    by_penalty += o.read_throttles_by_penalty;
    who += (who.empty() ? "" : ", ") + o.name;
  }
  // A handful of throttled calls in a catch-up burst is noise, not contention.
  if (!(others > 0 && static_cast<double>(others) >= 0.01 * static_cast<double>(calls))) {
    return std::nullopt;
  }
  const ReadLimitsSpec& limits = m.scenario.stream.read_limits;
  Finding f = NewFinding(FindingKind::kLambdaReadContention, Severity::kWarning, m.result.name);
  f.consumer = m.index;
  f.evidence = "the mapping polls every shard (" +
               CountNoun(m.result.get_records_calls, "GetRecords call", "GetRecords calls") +
               ") while " + who + " had " + Grouped(others) + " of " +
               CountNoun(calls, "call", "calls") + " throttled on the same shards (" +
               Grouped(by_rate) + " by the " + std::to_string(limits.get_records_per_sec) +
               " calls/s limit, " + Grouped(by_bytes) + " by " +
               FormatByteRate(static_cast<double>(limits.bytes_per_sec)) + ", " +
               Grouped(by_penalty) + " by the penalty after a full response)";
  f.recommendation =
      "Give the mapping an enhanced fan-out consumer (source \"efo\"): it then reads "
      "through its own 2 MiB/s per shard and leaves GetRecords to the other applications.";
  AddFigures(&f, {{"get_records_calls", m.result.get_records_calls},
                  {"others_throttled_calls", others},
                  {"others_calls", calls},
                  {"others_throttled_by_call_rate", by_rate},
                  {"others_throttled_by_bytes", by_bytes},
                  {"others_throttled_by_penalty", by_penalty},
                  {"read_limit_calls_per_s", limits.get_records_per_sec},
                  {"read_limit_bytes_per_s", limits.bytes_per_sec}});
  return f;
}

void AddLambdaFindings(const Managed& m, std::vector<Finding>* out) {
  Append(out, LambdaShardStalled(m));
  Append(out, LambdaRecordsDiscarded(m));
  Append(out, LambdaConcurrencyThrottled(m));
  Append(out, LambdaReadContention(m));
}

// ---------------------------------------------------------------- Firehose (fact sheet 7)

std::optional<Finding> FirehoseSmallObjects(const Managed& m) {
  const FirehoseResult& h = *m.result.firehose;
  const FirehoseSpec& fs = m.spec.firehose;
  if (!(h.objects_written >= 10 && h.object_bytes.mean < 1024.0 * 1024.0 &&
        h.flushes_by_interval >= h.flushes_by_size)) {
    return std::nullopt;
  }
  const double month_factor = 730.0 * 3600.0 / std::max(1e-9, m.run.duration_s);
  const uint64_t puts_per_month =
      static_cast<uint64_t>(std::llround(static_cast<double>(h.s3_put_requests) * month_factor));
  Finding f = NewFinding(FindingKind::kFirehoseSmallObjects, Severity::kWarning, m.result.name);
  f.consumer = m.index;
  f.evidence = CountNoun(h.objects_written, "object", "objects") + " of " +
               ApproxBytes(h.object_bytes.mean) + " on average (p50 " +
               ApproxBytes(h.object_bytes.p50) + "), flushed by the " +
               FormatDuration(fs.buffering.interval) + " interval before reaching " +
               FormatBytes(fs.buffering.size_bytes) + " (" +
               (h.partitions > 1 ? std::to_string(h.partitions) + " partition buffers, " : "") +
               "about " + Grouped(puts_per_month) + " S3 PUT requests a month)";
  // Fact sheet 7: the buffering interval goes up to 900 s.
  std::vector<std::string> fixes;
  if (fs.buffering.interval < Seconds(900)) {
    fixes.push_back("raise buffering.interval (now " + FormatDuration(fs.buffering.interval) +
                    ", up to 900s) so objects approach the size hint, at the price of delivery "
                    "delay (about the interval at this rate)");
  }
  if (h.partitions > 1) fixes.emplace_back("partition more coarsely");
  f.recommendation =
      "Many tiny objects slow down Athena/Spark and cost PUT requests: " +
      (fixes.empty() ? std::string("the interval is at its 900s maximum and there is one "
                                   "partition, so this is the size the traffic allows; compact "
                                   "the objects downstream if it matters")
                     : JoinOr(fixes)) +
      ".";
  AddFigures(&f, {{"objects_written", h.objects_written},
                  {"object_bytes_mean", h.object_bytes.mean},
                  {"object_bytes_p50", h.object_bytes.p50},
                  {"buffering_interval_ms", fs.buffering.interval.millis()},
                  {"buffering_size_bytes", fs.buffering.size_bytes},
                  {"partitions", h.partitions},
                  {"s3_put_requests_per_month", puts_per_month}});
  return f;
}

// Producer `pi` writes to this Firehose by Direct PUT and had records refused by its quotas.
std::optional<Finding> DirectPutThrottling(const Managed& m, size_t pi) {
  const ProducerResult& p = m.run.producers[pi];
  if (m.scenario.producers[pi].target != m.result.name || p.records_throttled == 0) {
    return std::nullopt;
  }
  const FirehoseResult& h = *m.result.firehose;
  const DirectPutLimitsSpec& q = m.spec.firehose.direct_put_limits;
  const double attempts =
      static_cast<double>(p.records_throttled + p.records_accepted + p.records_retried);
  const double fraction = static_cast<double>(p.records_throttled) / std::max(1.0, attempts);
  Finding f = NewFinding(FindingKind::kDirectPutThrottling,
                         p.records_dropped > 0 ? Severity::kCritical : Severity::kWarning,
                         "producer " + p.name);
  f.producer = static_cast<int>(pi);
  f.consumer = m.index;
  f.evidence =
      CountNoun(p.records_throttled, "record attempt", "record attempts") + " (" +
      PercentOneDecimal(fraction) + ") to " + m.result.name +
      " were refused by its Direct PUT quotas: " + Grouped(h.direct_put_throttled_by_records) +
      " by " + FormatRecordRate(static_cast<double>(q.records_per_sec)) + ", " +
      Grouped(h.direct_put_throttled_by_bytes) + " by " +
      FormatByteRate(static_cast<double>(q.bytes_per_sec)) + ", " +
      Grouped(h.direct_put_throttled_by_requests) + " in requests refused by " +
      std::to_string(q.requests_per_sec) + " requests/s" +
      (p.records_dropped > 0 ? "; " + Grouped(p.records_dropped) +
                                   (p.records_dropped == 1 ? " was dropped" : " were dropped")
                             : std::string());
  const bool requests_bite =
      h.direct_put_throttled_by_requests >=
      std::max(h.direct_put_throttled_by_records, h.direct_put_throttled_by_bytes);
  // Fewer, larger calls: raise max_batch_records while it is below PutRecordBatch's 500, else
  // the linger fills the batches.
  const ApiSpec& api = m.scenario.producers[pi].api;
  const std::string larger =
      api.max_batch_records < kFirehoseBatchRecords
          ? "raise max_batch_records (now " + std::to_string(api.max_batch_records) +
                ", up to 500) or linger (now " + FormatDuration(api.linger) + ")"
          : "raise linger (now " + FormatDuration(api.linger) + ") so batches fill";
  f.recommendation =
      requests_bite
          ? "The requests-per-second quota binds: send fewer, larger PutRecordBatch calls (up to "
            "500 records / 4 MiB: " +
                (api.type == ApiType::kPutRecord ? std::string("switch to PutRecords") : larger) +
                "), or request a higher quota (the three scale together)."
          : "Request a higher Direct PUT quota (the three scale together), or write to a "
            "Kinesis data stream and let the Firehose read it (no Direct PUT quotas).";
  AddFigures(&f, {{"records_throttled", p.records_throttled},
                  {"throttled_fraction", fraction},
                  {"throttled_by_records_limit", h.direct_put_throttled_by_records},
                  {"throttled_by_bytes_limit", h.direct_put_throttled_by_bytes},
                  {"throttled_by_requests_limit", h.direct_put_throttled_by_requests},
                  {"limit_records_per_s", q.records_per_sec},
                  {"limit_bytes_per_s", q.bytes_per_sec},
                  {"limit_requests_per_s", q.requests_per_sec},
                  {"records_dropped", p.records_dropped}});
  return f;
}

std::optional<Finding> FirehoseDeliveryFailed(const Managed& m) {
  const FirehoseResult& h = *m.result.firehose;
  const uint64_t failed = h.records_backed_up + h.records_transform_failed;
  const uint64_t attempts = h.objects_written + h.delivery_attempts_failed;
  const bool failing = h.delivery_attempts_failed > 0 &&
                       2 * h.delivery_attempts_failed >= attempts;  // half or more fail
  if (failed == 0 && !failing) return std::nullopt;
  const SimDuration retry = m.spec.firehose.destination.retry_duration;
  Finding f = NewFinding(FindingKind::kFirehoseDeliveryFailed, Severity::kCritical, m.result.name);
  f.consumer = m.index;
  f.evidence = Grouped(h.delivery_attempts_failed) + " of " +
               CountNoun(attempts, "S3 delivery attempt", "S3 delivery attempts") + " failed; " +
               CountNoun(h.records_backed_up, "record was", "records were") +
               " not delivered within the " + FormatDuration(retry) +
               " retry duration (backed up), " + Grouped(h.records_transform_failed) +
               " failed the transform after its retries, " + Grouped(h.records_buffered_at_end) +
               (h.records_buffered_at_end == 1 ? " was" : " were") +
               " still buffered or being retried at the end";
  f.recommendation =
      failed > 0 ? "These records are in the backup / error prefix, not the destination: fix "
                   "the destination or the transform and replay them."
                 : "Delivery is failing: records wait in retries and are backed up (not "
                   "delivered) once the retry duration runs out; fix the destination.";
  AddFigures(&f, {{"delivery_attempts_failed", h.delivery_attempts_failed},
                  {"delivery_attempts", attempts},
                  {"records_backed_up", h.records_backed_up},
                  {"retry_duration_ms", retry.millis()},
                  {"records_transform_failed", h.records_transform_failed},
                  {"records_buffered_at_end", h.records_buffered_at_end}});
  return f;
}

void AddFirehoseFindings(const Managed& m, std::vector<Finding>* out) {
  Append(out, FirehoseSmallObjects(m));
  for (size_t i = 0; i < m.scenario.producers.size() && i < m.run.producers.size(); ++i) {
    Append(out, DirectPutThrottling(m, i));
  }
  Append(out, FirehoseDeliveryFailed(m));
}

}  // namespace

void AddManagedConsumerFindings(const Scenario& s, const RunResult& r, int consumer,
                                std::vector<Finding>* out) {
  const ConsumerResult& c = r.consumers[static_cast<size_t>(consumer)];
  const ConsumerSpec* spec = SpecOf(s, c.name);
  if (spec == nullptr) return;
  const Managed m{.scenario = s, .run = r, .result = c, .spec = *spec, .index = consumer};
  if (c.lambda) AddLambdaFindings(m, out);
  if (c.firehose) AddFirehoseFindings(m, out);
}

}  // namespace shardsim
