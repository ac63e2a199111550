// Read-path findings. See read_findings.h.
#include "analysis/read_findings.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <string>
#include <vector>

#include "models/spec/enum_names.h"
#include "models/spec/units.h"

namespace shardsim {
namespace {

// A consumer whose iterator age rises by at least this many ms per ms over the second half of
// the run, and ends at least kLagFloorMs behind, is falling behind for good.
constexpr double kGrowthThreshold = 0.05;
constexpr double kLagFloorMs = 10'000;
// Throttled share of GetRecords attempts that makes read throttling a warning (else info).
constexpr double kThrottleWarning = 0.05;
// Fact sheet 4: data loss is a risk once iterator age passes half the retention period.
constexpr double kRetentionRisk = 0.5;

std::string Fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}
std::string Num(double v) { return Fmt("%.0f", v); }
std::string Percent(double f) { return Fmt("%.1f%%", f * 100); }
std::string Seconds(double ms) {
  return ms >= 10'000 ? Fmt("%.0fs", ms / 1000) : Fmt("%.2fs", ms / 1000);
}

std::string Count(uint64_t n) {
  std::string d = std::to_string(n), out;
  for (size_t i = 0; i < d.size(); ++i) {
    if (i > 0 && (d.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(d[i]);
  }
  return out;
}

// The n shards with the most of `value`, as "shardId-...(value)".
template <typename F>
std::string TopShards(const ConsumerResult& c, size_t n, F value, const char* unit) {
  std::vector<const ConsumerShardResult*> shards;
  for (const ConsumerShardResult& s : c.shards) {
    if (value(s) > 0) shards.push_back(&s);
  }
  std::stable_sort(shards.begin(), shards.end(),
                   [&](const auto* a, const auto* b) { return value(*a) > value(*b); });
  std::string out;
  for (size_t i = 0; i < shards.size() && i < n; ++i) {
    if (i > 0) out += ", ";
    out += shards[i]->shard_id + " (" + Num(value(*shards[i])) + unit + ")";
  }
  if (shards.size() > n) out += " and " + std::to_string(shards.size() - n) + " more";
  return out;
}

// Readers that share each shard's GetRecords limits: pollers, KCL, Lambda mappings without
// enhanced fan-out and Firehose streams reading the stream.
bool SharesReadLimits(const ConsumerSpec& c) {
  switch (c.type) {
    case ConsumerType::kPolling:
    case ConsumerType::kKcl:
      return true;
    case ConsumerType::kEfo:
      return false;
    case ConsumerType::kLambda:
      return c.lambda.source == LambdaSource::kPolling;
    case ConsumerType::kFirehose:
      return c.firehose.source == FirehoseSource::kStream;
  }
  return false;
}

int PollingApplications(const Scenario& s) {
  int n = 0;
  for (const ConsumerSpec& c : s.consumers) n += SharesReadLimits(c);
  return n;
}

const ConsumerSpec* SpecOf(const Scenario& s, const std::string& name) {
  for (const ConsumerSpec& c : s.consumers) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

double ThrottledShare(const ConsumerResult& c) {
  const uint64_t attempts = c.get_records_calls + c.read_throttles;
  return attempts == 0 ? 0.0
                       : static_cast<double>(c.read_throttles) / static_cast<double>(attempts);
}

Finding ReadThrottling(const Scenario& s, const ConsumerResult& c) {
  const ReadLimitsSpec& l = s.stream.read_limits;
  const int apps = PollingApplications(s);
  const double share = ThrottledShare(c);
  Finding f;
  f.kind = FindingKind::kReadThrottling;
  f.severity = share >= kThrottleWarning ? Severity::kWarning : Severity::kInfo;
  f.subject = c.name;
  f.evidence =
      Count(c.read_throttles) + " of " + Count(c.get_records_calls + c.read_throttles) +
      " GetRecords calls throttled (" + Percent(share) + ", ReadProvisionedThroughput" +
      "Exceeded): " + Count(c.read_throttles_by_call_rate) + " by the " +
      std::to_string(l.get_records_per_sec) + " calls/s limit, " +
      Count(c.read_throttles_by_bytes) + " by " +
      FormatByteRate(static_cast<double>(l.bytes_per_sec)) + ", " +
      Count(c.read_throttles_by_penalty) + " by the " + FormatDuration(l.penalty) +
      " penalty after a " + FormatBytes(l.max_bytes_per_call) + " response; shards: " +
      TopShards(
          c, 3, [](const ConsumerShardResult& x) { return static_cast<double>(x.read_throttles); },
          "") +
      "; " + std::to_string(apps) +
      (apps == 1 ? " polling application reads" : " polling applications share") +
      " each shard's read limits";
  const uint64_t by_calls = c.read_throttles_by_call_rate;
  const uint64_t by_bytes = c.read_throttles_by_bytes;
  const uint64_t by_penalty = c.read_throttles_by_penalty;
  if (by_penalty >= by_calls && by_penalty >= by_bytes) {
    f.recommendation = "Responses of " + FormatBytes(l.max_bytes_per_call) +
                       " throttle the shard's reads for " + FormatDuration(l.penalty) +
                       ": lower max_records so a response stays well below it, or move this "
                       "application to enhanced fan-out.";
  } else if (by_calls >= by_bytes && apps > 1) {
    f.recommendation = "The " + std::to_string(apps) + " polling applications together call " +
                       "GetRecords more than " + std::to_string(l.get_records_per_sec) +
                       " times per second per shard. Register all but one as enhanced fan-out "
                       "consumers (each gets its own 2 MiB/s per shard and ~70 ms push "
                       "delivery), or run fewer polling applications (their poll rates must add "
                       "up to at most " +
                       std::to_string(l.get_records_per_sec) + "/s per shard).";
  } else if (by_calls >= by_bytes) {
    f.recommendation = "This application polls faster than " +
                       std::to_string(l.get_records_per_sec) +
                       " calls/s per shard: wait at least " +
                       FormatDuration(SimDuration::Nanos(1'000'000'000 / l.get_records_per_sec)) +
                       " between calls of a shard.";
  } else {
    f.recommendation = "Polling readers together read more than " +
                       FormatByteRate(static_cast<double>(l.bytes_per_sec)) +
                       " per shard: move readers to enhanced fan-out (2 MiB/s each per shard) or "
                       "add shards.";
  }
  return f;
}

Finding FallingBehind(const Scenario& s, const RunResult& r, const ConsumerResult& c) {
  const double duration = r.duration_s;
  // Arrivals and processing per shard; the binding shard is the one furthest behind.
  double arrivals = 0, capacity = 0, hot_arrivals = 0;
  const ConsumerShardResult* hot = nullptr;
  for (size_t i = 0; i < c.shards.size() && i < r.shards.size(); ++i) {
    const ConsumerShardResult& cs = c.shards[i];
    arrivals += static_cast<double>(r.shards[i].records_in) / duration;
    if (cs.behind_at_end_ms >= kLagFloorMs) {
      capacity = std::max(capacity, static_cast<double>(cs.records_processed) / duration);
    }
    if (hot == nullptr || cs.behind_at_end_ms > hot->behind_at_end_ms) {
      hot = &cs;
      hot_arrivals = static_cast<double>(r.shards[i].records_in) / duration;
    }
  }
  Finding f;
  f.kind = FindingKind::kIteratorAgeGrowing;
  f.severity = Severity::kWarning;
  f.subject = c.name;
  f.evidence = "iterator age grows " + Fmt("%.2f", c.iterator_age_growth) +
               " s per s over the second half of the run (max " + Seconds(c.iterator_age_max_ms) +
               "); at the end " + Seconds(c.behind_at_end_ms) + " behind on " +
               (hot ? hot->shard_id : std::string("?")) + ", which receives " + Num(hot_arrivals) +
               " records/s while this consumer processed " +
               Num(hot ? static_cast<double>(hot->records_processed) / duration : 0.0) +
               " records/s there";
  // Down at the end of the run: the lag is the outage's.
  const ConsumerSpec* spec = nullptr;
  for (const ConsumerSpec& cs : s.consumers) {
    if (cs.name == c.name) spec = &cs;
  }
  const double end_ms = duration * 1000;
  const OutageSpec* down = nullptr;
  if (spec != nullptr) {
    for (const OutageSpec& o : spec->outages) {
      if (o.to.millis() >= end_ms && o.from.millis() < end_ms) down = &o;
    }
  }
  if (down != nullptr) {
    f.severity = Severity::kInfo;
    f.recommendation = "The consumer is down from " + FormatDuration(down->from) +
                       " to the end of the run: the lag is the outage's. Check that retention "
                       "covers the outage and how fast it catches up after.";
  } else if (c.unowned_shards > 0) {
    f.recommendation = std::to_string(c.unowned_shards) +
                       " shards have no lease holder: add workers or raise "
                       "max_leases_per_worker so every shard has a record processor.";
  } else if (c.lambda && c.lambda->max_stall_ms >= kLagFloorMs) {
    f.recommendation =
        "A failing batch blocks the shard (see lambda_shard_stalled): the age "
        "grows while Lambda retries it.";
  } else if (ThrottledShare(c) >= kThrottleWarning) {
    f.recommendation =
        "Reads are throttled (see read_throttling), so the consumer cannot "
        "fetch fast enough: use enhanced fan-out or fewer polling applications.";
  } else if (c.lambda && spec != nullptr) {
    // Fact sheet 6: one batch in flight per shard per ParallelizationFactor slot.
    const LambdaSpec& l = spec->lambda;
    const double batch = std::max(1.0, c.lambda->batch_records.mean);
    const double secs = std::max(1e-6, c.lambda->duration.mean_ms / 1000);
    const double per_slot = batch / secs;
    const double cap = per_slot * static_cast<double>(l.parallelization_factor);
    const int64_t slots = static_cast<int64_t>(c.shards.size()) * l.parallelization_factor;
    const std::string how =
        Fmt("%.0f", batch) + " records / " + Fmt("%.0f", secs * 1000) + " ms mean duration";
    if (c.lambda->throttles > 0 && l.function.concurrency_limit &&
        *l.function.concurrency_limit < slots) {
      const int64_t limit = *l.function.concurrency_limit;
      const auto needed = static_cast<int64_t>(std::ceil(arrivals / (0.8 * per_slot)));
      f.recommendation =
          "The concurrency limit of " + std::to_string(limit) + " holds the whole mapping to " +
          std::to_string(limit) + " batches in flight: about " +
          Num(per_slot * static_cast<double>(limit)) + " records/s (" + how +
          " each) for the stream's " + Num(arrivals) +
          " records/s. Raise the function's reserved concurrency to about " +
          std::to_string(std::min(needed, slots)) + " (the mapping uses at most shards x " +
          "parallelization factor = " + std::to_string(slots) + ")" +
          (needed > slots ? ", and raise parallelization_factor or make the function faster"
                          : std::string()) +
          "; a higher parallelization_factor alone would only add throttled invocations.";
    } else if (cap < hot_arrivals) {
      f.recommendation =
          "The function cannot keep up: a shard's invocations complete at most about " + Num(cap) +
          " records/s (batches of " + how + " x parallelization factor " +
          std::to_string(l.parallelization_factor) + "), against " + Num(hot_arrivals) +
          " records/s arriving on " + (hot ? hot->shard_id : std::string("?")) + ". " +
          (l.parallelization_factor < 10
               ? "Raise parallelization_factor (up to 10; order is then kept per partition "
                 "key), "
               : std::string("parallelization_factor is at its maximum of 10: add shards, ")) +
          (l.batch_size < 10'000 && batch >= 0.9 * static_cast<double>(l.batch_size)
               ? "raise batch_size (batches are full), "
               : std::string()) +
          "or make the function faster per batch and per record.";
    } else {
      f.recommendation =
          "At full batches a shard's invocations would complete about " + Num(cap) +
          " records/s, more than the " + Num(hot_arrivals) +
          " arriving: the lag comes from failed batches being retried, from reads, or from "
          "outages; see the mapping's other findings.";
    }
  } else {
    const double target = capacity > 0 ? capacity
                                       : static_cast<double>(c.records_processed) / duration /
                                             std::max<size_t>(1, c.shards.size());
    const auto needed = static_cast<int64_t>(std::ceil(arrivals / std::max(1e-9, 0.8 * target)));
    f.recommendation =
        "Processing is slower than arrivals. Each shard has exactly one record processor, so "
        "more workers cannot help beyond one per shard (" +
        std::to_string(c.shards.size()) + " shards" +
        (c.type == Name(ConsumerType::kKcl) ? ", " + std::to_string(c.workers) + " workers"
                                            : std::string()) +
        "). A processor here completes about " + Num(target) +
        " records/s: make processing faster (per record and per batch), or add shards so each "
        "carries under 80% of that (about " +
        std::to_string(needed) + " shards for the stream's " + Num(arrivals) + " records/s).";
  }
  if (c.behind_at_end_ms >= kRetentionRisk * s.stream.retention.millis()) {
    f.severity = Severity::kCritical;
  }
  return f;
}

// Three significant figures in binary units: "86.4KiB".
std::string Bytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB"};
  size_t u = 0;
  while (b >= 1024 && u + 1 < std::size(units)) {
    b /= 1024;
    ++u;
  }
  return Fmt(u == 0 || b >= 100 ? "%.0f" : b >= 10 ? "%.1f" : "%.2f", b) + units[u];
}

// Lambda mappings and Firehose streams (fact sheets 6 and 7).
void AddManagedConsumerFindings(const Scenario& s, const RunResult& r, const ConsumerResult& c,
                                std::vector<Finding>* out) {
  const ConsumerSpec* spec = SpecOf(s, c.name);
  if (spec == nullptr) return;
  const double run_ms = r.duration_s * 1000;
  if (c.lambda) {
    const LambdaResult& l = *c.lambda;
    const LambdaSpec& ls = spec->lambda;
    if (l.max_stall_ms >= std::min(60'000.0, 0.1 * run_ms) && l.max_stall_ms > 0) {
      Finding f;
      f.kind = FindingKind::kLambdaShardStalled;
      f.severity = Severity::kCritical;
      f.subject = c.name;
      f.evidence = "a failing batch blocked " + l.max_stall_shard + " for " +
                   Seconds(l.max_stall_ms) + " (" + Count(l.invocations_failed) +
                   " failed invocations, " + Count(l.poison_records) +
                   " poison records); records behind it wait: iterator age max " +
                   Seconds(c.iterator_age_max_ms);
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
      f.recommendation =
          fix.empty()
              ? "Retries and bisection are already bounded: find why the function fails."
              : "A failing batch blocks its shard slot until it succeeds, runs out of retries "
                "or ages out; by default that is when the record expires (fact sheet 6): " +
                    fix.substr(0, fix.size() - 2) + ".";
      out->push_back(std::move(f));
    }
    if (l.records_dropped > 0) {
      Finding f;
      f.kind = FindingKind::kLambdaRecordsDiscarded;
      f.severity = Severity::kCritical;
      f.subject = c.name;
      f.evidence = Count(l.records_dropped) + " records were given up on (" +
                   Count(l.records_given_up_by_retries) + " after maximum_retry_attempts, " +
                   Count(l.records_given_up_by_age) +
                   " past maximum_record_age) with no on-failure destination: they are lost";
      f.recommendation =
          "Configure an on-failure destination (SQS, SNS or S3) so the shard and sequence range "
          "of discarded batches can be replayed.";
      out->push_back(std::move(f));
    }
    if (l.throttles > 0) {
      const int64_t needed = static_cast<int64_t>(c.shards.size()) * ls.parallelization_factor;
      Finding f;
      f.kind = FindingKind::kLambdaConcurrencyThrottled;
      f.severity = Severity::kWarning;
      f.subject = c.name;
      f.evidence = Count(l.throttles) + " invocations were throttled by the concurrency limit of " +
                   (ls.function.concurrency_limit ? std::to_string(*ls.function.concurrency_limit)
                                                  : std::string("?")) +
                   " (highest concurrency " + Num(l.concurrency_max) + ")";
      f.recommendation =
          "The mapping can use up to shards x parallelization factor = " + std::to_string(needed) +
          " concurrent executions; reserve that much concurrency for the "
          "function, or lower parallelization_factor.";
      out->push_back(std::move(f));
    }
    // Lambda's own polling (once per second per shard, faster while behind) costs the other
    // polling applications their share of the 5 calls/s.
    if (ls.source == LambdaSource::kPolling) {
      uint64_t others = 0, calls = 0, by_rate = 0, by_bytes = 0, by_penalty = 0;
      std::string who;
      for (const ConsumerResult& o : r.consumers) {
        if (&o == &c || o.read_throttles == 0) continue;
        const ConsumerSpec* os = SpecOf(s, o.name);
        if (os == nullptr || !SharesReadLimits(*os)) continue;
        others += o.read_throttles;
        calls += o.read_throttles + o.get_records_calls;
        by_rate += o.read_throttles_by_call_rate;
        by_bytes += o.read_throttles_by_bytes;
        by_penalty += o.read_throttles_by_penalty;
        who += (who.empty() ? "" : ", ") + o.name;
      }
      // A handful of throttled calls in a catch-up burst is noise, not contention.
      if (others > 0 && static_cast<double>(others) >= 0.01 * static_cast<double>(calls)) {
        Finding f;
        f.kind = FindingKind::kLambdaReadContention;
        f.severity = Severity::kWarning;
        f.subject = c.name;
        f.evidence = "the mapping polls every shard (" + Count(c.get_records_calls) +
                     " GetRecords calls) while " + who + " had " + Count(others) + " of " +
                     Count(calls) + " calls throttled on the same shards (" + Count(by_rate) +
                     " by the " + std::to_string(s.stream.read_limits.get_records_per_sec) +
                     " calls/s limit, " + Count(by_bytes) + " by " +
                     FormatByteRate(static_cast<double>(s.stream.read_limits.bytes_per_sec)) +
                     ", " + Count(by_penalty) + " by the penalty after a full response)";
        f.recommendation =
            "Give the mapping an enhanced fan-out consumer (source \"efo\"): it then reads "
            "through its own 2 MiB/s per shard and leaves GetRecords to the other applications.";
        out->push_back(std::move(f));
      }
    }
  }
  if (c.firehose) {
    const FirehoseResult& h = *c.firehose;
    const FirehoseSpec& fs = spec->firehose;
    const double month_factor = 730.0 * 3600.0 / std::max(1e-9, r.duration_s);
    if (h.objects_written >= 10 && h.object_bytes.mean < 1024.0 * 1024.0 &&
        h.flushes_by_interval >= h.flushes_by_size) {
      Finding f;
      f.kind = FindingKind::kFirehoseSmallObjects;
      f.severity = Severity::kWarning;
      f.subject = c.name;
      f.evidence = Count(h.objects_written) + " objects of " + Bytes(h.object_bytes.mean) +
                   " on average (p50 " + Bytes(h.object_bytes.p50) + "), flushed by the " +
                   FormatDuration(fs.buffering.interval) + " interval before reaching " +
                   FormatBytes(fs.buffering.size_bytes) + " (" +
                   (h.partitions > 1 ? std::to_string(h.partitions) + " partition buffers, " : "") +
                   "about " +
                   Count(static_cast<uint64_t>(
                       std::llround(static_cast<double>(h.s3_put_requests) * month_factor))) +
                   " S3 PUT requests a month)";
      f.recommendation =
          "Many tiny objects slow down Athena/Spark and cost PUT requests: raise "
          "buffering.interval (up to 900s) so objects approach the size hint" +
          std::string(h.partitions > 1 ? ", or partition more coarsely" : "") +
          "; the price is delivery delay (about the interval at this rate).";
      out->push_back(std::move(f));
    }
    for (size_t i = 0; i < s.producers.size() && i < r.producers.size(); ++i) {
      const ProducerResult& p = r.producers[i];
      if (s.producers[i].target != c.name || p.records_throttled == 0) continue;
      const DirectPutLimitsSpec& q = fs.direct_put_limits;
      const double attempts =
          static_cast<double>(p.records_throttled + p.records_accepted + p.records_retried);
      Finding f;
      f.kind = FindingKind::kDirectPutThrottling;
      f.severity = p.records_dropped > 0 ? Severity::kCritical : Severity::kWarning;
      f.subject = "producer " + p.name;
      f.evidence = Count(p.records_throttled) + " record attempts (" +
                   Percent(static_cast<double>(p.records_throttled) / std::max(1.0, attempts)) +
                   ") to " + c.name + " were refused by its Direct PUT quotas: " +
                   Count(h.direct_put_throttled_by_records) + " by " +
                   FormatRecordRate(static_cast<double>(q.records_per_sec)) + ", " +
                   Count(h.direct_put_throttled_by_bytes) + " by " +
                   FormatByteRate(static_cast<double>(q.bytes_per_sec)) + ", " +
                   Count(h.direct_put_throttled_by_requests) + " in requests refused by " +
                   std::to_string(q.requests_per_sec) + " requests/s" +
                   (p.records_dropped > 0 ? "; " + Count(p.records_dropped) + " were dropped"
                                          : std::string());
      const bool requests_bite =
          h.direct_put_throttled_by_requests >=
          std::max(h.direct_put_throttled_by_records, h.direct_put_throttled_by_bytes);
      f.recommendation =
          requests_bite
              ? "The requests-per-second quota binds: send fewer, larger PutRecordBatch calls "
                "(up to 500 records / 4 MiB: raise linger or max_batch_records), or request a "
                "higher quota (the three scale together)."
              : "Request a higher Direct PUT quota (the three scale together), or write to a "
                "Kinesis data stream and let the Firehose read it (no Direct PUT quotas).";
      out->push_back(std::move(f));
    }
    const uint64_t failed = h.records_backed_up + h.records_transform_failed;
    const uint64_t attempts = h.objects_written + h.delivery_attempts_failed;
    const bool failing = h.delivery_attempts_failed > 0 &&
                         2 * h.delivery_attempts_failed >= attempts;  // half or more fail
    if (failed > 0 || failing) {
      Finding f;
      f.kind = FindingKind::kFirehoseDeliveryFailed;
      f.severity = Severity::kCritical;
      f.subject = c.name;
      f.evidence = Count(h.delivery_attempts_failed) + " of " + Count(attempts) +
                   " S3 delivery attempts failed; " + Count(h.records_backed_up) +
                   " records were not delivered within the " +
                   FormatDuration(fs.destination.retry_duration) + " retry duration (backed up), " +
                   Count(h.records_transform_failed) + " failed the transform after its retries, " +
                   Count(h.records_buffered_at_end) +
                   " were still buffered or being retried at the end";
      f.recommendation =
          failed > 0 ? "These records are in the backup / error prefix, not the destination: fix "
                       "the destination or the transform and replay them."
                     : "Delivery is failing: records wait in retries and are backed up (not "
                       "delivered) once the retry duration runs out; fix the destination.";
      out->push_back(std::move(f));
    }
  }
}

}  // namespace

void AddReadPathFindings(const Scenario& scenario, RunResult* result) {
  std::vector<Finding>& out = result->findings;
  const double retention_ms = scenario.stream.retention.millis();
  for (const ConsumerResult& c : result->consumers) {
    if (c.read_throttles > 0) out.push_back(ReadThrottling(scenario, c));
    AddManagedConsumerFindings(scenario, *result, c, &out);
    // A Direct PUT Firehose reads its own ingestion buffer, not the stream's shards.
    if (c.firehose && c.firehose->source == Name(FirehoseSource::kDirectPut)) continue;
    const bool growing =
        c.iterator_age_growth >= kGrowthThreshold && c.behind_at_end_ms >= kLagFloorMs;
    const bool far_behind =
        c.behind_at_end_ms >= std::max(60'000.0, 0.2 * result->duration_s * 1000);
    // Catching up means the lag came down from its worst: iterator ages are sampled only when
    // records are returned or processed, so a starved shard's stale samples can slope down
    // while it falls further behind.
    const bool shrinking = c.iterator_age_growth <= -kGrowthThreshold &&
                           c.behind_at_end_ms < 0.9 * c.iterator_age_max_ms;
    if (growing || (far_behind && !shrinking)) {
      out.push_back(FallingBehind(scenario, *result, c));
    } else if (far_behind) {
      Finding f;
      f.kind = FindingKind::kCatchingUp;
      f.severity = Severity::kInfo;
      f.subject = c.name;
      const double per_s = -c.iterator_age_growth;
      f.evidence = Seconds(c.behind_at_end_ms) + " behind at the end, shrinking " +
                   Fmt("%.1f", per_s) + " s per s over the second half of the run";
      f.recommendation = "At this pace it is caught up about " +
                         Seconds(c.behind_at_end_ms / per_s) +
                         " after the end of the run; run longer to see it.";
      out.push_back(std::move(f));
    }
    if (c.records_expired > 0) {
      Finding f;
      f.kind = FindingKind::kRecordsExpired;
      f.severity = Severity::kCritical;
      f.subject = c.name;
      f.evidence =
          Count(c.records_expired) + " records expired (retention " +
          FormatDuration(scenario.stream.retention) + ") before " + c.name +
          " processed them: data loss; shards: " +
          TopShards(
              c, 3,
              [](const ConsumerShardResult& x) { return static_cast<double>(x.records_expired); },
              "");
      f.recommendation =
          "Raise the stream's retention (up to 8760h; extended retention is billed "
          "per shard-hour) to cover the longest lag, and fix why the consumer lags "
          "(see the other findings for " +
          c.name + ").";
      out.push_back(std::move(f));
    } else if (c.iterator_age_max_ms >= kRetentionRisk * retention_ms) {
      Finding f;
      f.kind = FindingKind::kRetentionRisk;
      f.severity = Severity::kWarning;
      f.subject = c.name;
      f.evidence = "iterator age reached " + Seconds(c.iterator_age_max_ms) + ", over half the " +
                   FormatDuration(scenario.stream.retention) + " retention";
      f.recommendation =
          "Records this old are close to expiring unread: raise the retention "
          "period or make the consumer catch up faster.";
      out.push_back(std::move(f));
    }
    if (c.type == Name(ConsumerType::kKcl) && c.unowned_shards > 0) {
      Finding f;
      f.kind = FindingKind::kUnownedShards;
      f.severity = Severity::kWarning;
      f.subject = c.name;
      f.evidence = std::to_string(c.unowned_shards) + " of " + std::to_string(c.shards.size()) +
                   " shards have no live worker holding their lease at the end (" +
                   std::to_string(c.workers) + " workers)";
      f.recommendation =
          "Their records are not read: run more workers or raise "
          "max_leases_per_worker (workers x max leases must cover the shards, "
          "with room for a failed worker's leases).";
      out.push_back(std::move(f));
    }
    if (c.type == Name(ConsumerType::kKcl) && c.idle_workers > 0) {
      Finding f;
      f.kind = FindingKind::kIdleWorkers;
      f.severity = Severity::kInfo;
      f.subject = c.name;
      f.evidence = std::to_string(c.idle_workers) + " of " + std::to_string(c.workers) +
                   " workers hold no lease (" + std::to_string(c.shards.size()) + " shards)";
      f.recommendation =
          "A shard is processed by one worker at a time, so workers beyond the "
          "shard count only stand by for failover.";
      out.push_back(std::move(f));
    }
    if (c.records_reprocessed > 0) {
      Finding f;
      f.kind = FindingKind::kReprocessedRecords;
      f.severity = Severity::kInfo;
      f.subject = c.name;
      f.evidence = Count(c.records_reprocessed) + " records were processed again after " +
                   Count(c.lease_takeovers) + " lease takeovers (work since the last checkpoint)";
      f.recommendation =
          "Make processing idempotent; checkpoint more often to replay less after "
          "a worker is lost.";
      out.push_back(std::move(f));
    }
  }
}

}  // namespace shardsim
