// Read-path findings. See read_findings.h. One function per rule; a consumer that falls behind
// gets the advice of the first cause that applies (outage, unowned leases, a stalled Lambda
// shard, read throttling, Lambda capacity, then processing speed).
#include "analysis/read_findings.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/consumer_capacity.h"
#include "analysis/finding_support.h"
#include "analysis/managed_findings.h"
#include "models/result/format.h"
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
    out += shards[i]->shard_id + " (" + Fixed(value(*shards[i]), 0) + unit + ")";
  }
  if (shards.size() > n) out += " and " + std::to_string(shards.size() - n) + " more";
  return out;
}

int PollingApplications(const Scenario& s) {
  int n = 0;
  for (const ConsumerSpec& c : s.consumers) n += SharesReadLimits(c);
  return n;
}

// A finding about consumer `ci` of `r`.
Finding ConsumerFinding(FindingKind kind, Severity severity, const RunResult& r, int ci) {
  Finding f = NewFinding(kind, severity, r.consumers[static_cast<size_t>(ci)].name);
  f.consumer = ci;
  return f;
}

// ---------------------------------------------------------------- read throttling

// The advice follows the binding limit and the consumer's kind and settings: only a poller or KCL
// application has max_records and a poll interval; a Lambda mapping or Firehose polls by itself.
std::string ReadThrottlingAdvice(const Scenario& s, const RunResult& r, int ci, int apps) {
  const ReadLimitsSpec& l = s.stream.read_limits;
  const ConsumerResult& c = r.consumers[static_cast<size_t>(ci)];
  const ConsumerSpec* spec = SpecOf(s, c.name);
  const bool kcl = spec != nullptr && spec->type == ConsumerType::kKcl;
  const bool poller = spec != nullptr && (kcl || spec->type == ConsumerType::kPolling);
  const uint64_t by_calls = c.read_throttles_by_call_rate;
  const uint64_t by_bytes = c.read_throttles_by_bytes;
  const uint64_t by_penalty = c.read_throttles_by_penalty;
  const std::string efo = c.lambda ? "give the mapping enhanced fan-out (source \"efo\")"
                                   : "move this application to enhanced fan-out";
  if (by_penalty >= by_calls && by_penalty >= by_bytes) {
    std::string out = "Responses of " + FormatBytes(l.max_bytes_per_call) +
                      " throttle the shard's reads for " + FormatDuration(l.penalty) + ": ";
    const double bytes = MeanRecordBytes(r);
    if (poller && bytes > 0) {
      const int64_t max_records = kcl ? spec->kcl.max_records : spec->polling.max_records;
      const auto fits =
          static_cast<int64_t>(std::floor(0.8 * static_cast<double>(l.max_bytes_per_call) / bytes));
      if (fits < max_records) {
        return out + "lower max_records (now " + std::to_string(max_records) + ") to about " +
               std::to_string(std::max<int64_t>(1, fits)) +
               " so a response stays well below it, or " + efo + ".";
      }
    }
    return out + efo + ".";
  }
  if (by_calls >= by_bytes && apps > 1) {
    return "The " + std::to_string(apps) + " polling applications together call " +
           "GetRecords more than " + std::to_string(l.get_records_per_sec) +
           " times per second per shard. Register all but one as enhanced fan-out "
           "consumers (each gets its own 2 MiB/s per shard and ~70 ms push "
           "delivery), or run fewer polling applications (their poll rates must add "
           "up to at most " +
           std::to_string(l.get_records_per_sec) + "/s per shard).";
  }
  if (by_calls >= by_bytes) {
    const SimDuration gap = SimDuration::Nanos(1'000'000'000 / l.get_records_per_sec);
    if (poller) {
      const SimDuration wait =
          kcl ? spec->kcl.idle_time_between_reads : spec->polling.poll_interval;
      const std::string field = kcl ? "idle_time_between_reads" : "poll_interval";
      if (wait < gap) {
        return "This application polls faster than " + std::to_string(l.get_records_per_sec) +
               " calls/s per shard: raise " + field + " (now " + FormatDuration(wait) +
               ") to at least " + FormatDuration(gap) + ".";
      }
      return "This application's " + field + " (" + FormatDuration(wait) + ") keeps it under " +
             std::to_string(l.get_records_per_sec) +
             " calls/s per shard; the throttled calls come from retries right after "
             "throttling or catching up. If the throttled share matters, " +
             efo + ".";
    }
    return "The " + std::string(c.lambda ? "mapping" : "Firehose") +
           " polls again at once while it is behind, so its own calls meet the " +
           std::to_string(l.get_records_per_sec) +
           " calls/s limit: back-pressure, not a setting to change. If the throttled share "
           "matters, " +
           (c.lambda ? efo : std::string("add shards")) + ".";
  }
  return apps > 1 ? "Polling readers together read more than " +
                        FormatByteRate(static_cast<double>(l.bytes_per_sec)) +
                        " per shard: move readers to enhanced fan-out (2 MiB/s each per shard) or "
                        "add shards."
                  : "This application alone reads more than " +
                        FormatByteRate(static_cast<double>(l.bytes_per_sec)) +
                        " per shard (as it does while catching up): " + efo +
                        " (its own 2 MiB/s per shard), or add shards to spread the bytes.";
}

Finding ReadThrottling(const Scenario& s, const RunResult& r, int ci) {
  const ConsumerResult& c = r.consumers[static_cast<size_t>(ci)];
  const ReadLimitsSpec& l = s.stream.read_limits;
  const int apps = PollingApplications(s);
  const double share = ThrottledShare(c);
  Finding f =
      ConsumerFinding(FindingKind::kReadThrottling,
                      share >= kThrottleWarning ? Severity::kWarning : Severity::kInfo, r, ci);
  f.evidence =
      Grouped(c.read_throttles) + " of " + Grouped(c.get_records_calls + c.read_throttles) +
      " GetRecords calls throttled (" + PercentOneDecimal(share) + ", ReadProvisionedThroughput" +
      "Exceeded): " + Grouped(c.read_throttles_by_call_rate) + " by the " +
      std::to_string(l.get_records_per_sec) + " calls/s limit, " +
      Grouped(c.read_throttles_by_bytes) + " by " +
      FormatByteRate(static_cast<double>(l.bytes_per_sec)) + ", " +
      Grouped(c.read_throttles_by_penalty) + " by the " + FormatDuration(l.penalty) +
      " penalty after a " + FormatBytes(l.max_bytes_per_call) + " response; shards: " +
      TopShards(
          c, 3, [](const ConsumerShardResult& x) { return static_cast<double>(x.read_throttles); },
          "") +
      "; " +
      (apps == 1 ? std::string("it is the only polling application, alone on each shard's "
                               "read limits")
                 : std::to_string(apps) + " polling applications share each shard's read limits");
  f.recommendation = ReadThrottlingAdvice(s, r, ci, apps);
  AddFigures(&f, {{"read_throttles", c.read_throttles},
                  {"get_records_attempts", c.get_records_calls + c.read_throttles},
                  {"throttled_fraction", share},
                  {"throttled_by_call_rate", c.read_throttles_by_call_rate},
                  {"throttled_by_bytes", c.read_throttles_by_bytes},
                  {"throttled_by_penalty", c.read_throttles_by_penalty},
                  {"read_limit_calls_per_s", l.get_records_per_sec},
                  {"read_limit_bytes_per_s", l.bytes_per_sec},
                  {"penalty_ms", l.penalty.millis()},
                  {"max_bytes_per_call", l.max_bytes_per_call},
                  {"polling_applications", apps}});
  return f;
}

// ---------------------------------------------------------------- falling behind

// Arrivals and processing per shard of one consumer; the binding shard is the one furthest
// behind at the end.
struct Lag {
  double duration_s = 0;
  double arrivals_per_s = 0;  // the stream's, all shards
  double capacity_per_s = 0;  // best processing rate of a shard at least kLagFloorMs behind
  const ConsumerShardResult* hot = nullptr;  // furthest behind at the end
  int hot_shard = -1;                        // its ShardResult::index
  double hot_arrivals_per_s = 0;

  std::string HotId() const { return hot ? hot->shard_id : std::string("?"); }
  double HotProcessedPerS() const {
    return hot ? static_cast<double>(hot->records_processed) / duration_s : 0.0;
  }
};

Lag LagOf(const RunResult& r, const ConsumerResult& c) {
  Lag lag;
  lag.duration_s = r.duration_s;
  for (size_t i = 0; i < c.shards.size() && i < r.shards.size(); ++i) {
    const ConsumerShardResult& cs = c.shards[i];
    lag.arrivals_per_s += static_cast<double>(r.shards[i].records_in) / lag.duration_s;
    if (cs.behind_at_end_ms >= kLagFloorMs) {
      lag.capacity_per_s =
          std::max(lag.capacity_per_s, static_cast<double>(cs.records_processed) / lag.duration_s);
    }
    if (lag.hot == nullptr || cs.behind_at_end_ms > lag.hot->behind_at_end_ms) {
      lag.hot = &cs;
      lag.hot_shard = r.shards[i].index;
      lag.hot_arrivals_per_s = static_cast<double>(r.shards[i].records_in) / lag.duration_s;
    }
  }
  return lag;
}

// The outage that lasts to the end of the run (the last such in the spec), or nullptr.
const OutageSpec* OutageAtEnd(const ConsumerSpec* spec, double end_ms) {
  const OutageSpec* down = nullptr;
  if (spec != nullptr) {
    for (const OutageSpec& o : spec->outages) {
      if (o.to.millis() >= end_ms && o.from.millis() < end_ms) down = &o;
    }
  }
  return down;
}

// A Lambda mapping that cannot keep up: is it the concurrency limit, the function's speed per
// shard slot, or neither? Fact sheet 6: one batch in flight per shard per ParallelizationFactor
// slot.
void LambdaCapacityAdvice(const LambdaSpec& l, const RunResult& r, int ci, const Lag& lag,
                          Finding* f) {
  const ConsumerResult& c = r.consumers[static_cast<size_t>(ci)];
  const double bytes = MeanRecordBytes(r);
  const LambdaThroughput t = LambdaAsMeasured(l, *c.lambda, bytes);
  const double per_slot = t.SlotRecordsPerS();
  const double cap = t.ShardRecordsPerS();
  const int64_t slots = static_cast<int64_t>(c.shards.size()) * l.parallelization_factor;
  const std::string how =
      Fixed(t.batch_records, 0) + " records / " + Fixed(t.duration_ms, 0) + " ms mean duration";
  AddFigures(f, {{"batch_records_mean", t.batch_records}, {"duration_mean_ms", t.duration_ms}});
  if (c.lambda->throttles > 0 && l.function.concurrency_limit &&
      *l.function.concurrency_limit < slots) {
    const int64_t limit = *l.function.concurrency_limit;
    const auto needed = static_cast<int64_t>(std::ceil(lag.arrivals_per_s / (0.8 * per_slot)));
    f->recommendation =
        "The concurrency limit of " + std::to_string(limit) + " holds the whole mapping to " +
        CountNoun(static_cast<uint64_t>(limit), "batch", "batches") + " in flight: about " +
        Fixed(per_slot * static_cast<double>(limit), 0) + " records/s (" + how +
        " each) for the stream's " + Fixed(lag.arrivals_per_s, 0) +
        " records/s. Raise the function's reserved concurrency to about " +
        std::to_string(std::min(needed, slots)) + " (the mapping uses at most shards x " +
        "parallelization factor = " + std::to_string(slots) + ")" +
        (needed > slots ? (l.parallelization_factor < kMaxParallelizationFactor
                               ? ", and raise parallelization_factor or make the function faster"
                               : ", and add shards or make the function faster")
                        : std::string()) +
        "; a higher parallelization_factor alone would only add throttled invocations.";
    AddFigures(f, {{"concurrency_limit", limit},
                   {"records_per_s_at_limit", per_slot * static_cast<double>(limit)},
                   {"stream_arrivals_per_s", lag.arrivals_per_s},
                   {"concurrency_needed", std::min(needed, slots)},
                   {"max_concurrency", slots}});
  } else if (cap < lag.hot_arrivals_per_s) {
    const bool full = t.batch_records >= 0.9 * FullBatchRecords(l, bytes);
    f->recommendation =
        "The function cannot keep up: a shard's invocations complete at most about " +
        Fixed(cap, 0) + " records/s (batches of " + how + " x parallelization factor " +
        std::to_string(l.parallelization_factor) + "), against " +
        Fixed(lag.hot_arrivals_per_s, 0) + " records/s arriving on " + lag.HotId() + ". " +
        LambdaThroughputLevers(l, t, lag.hot_arrivals_per_s / 0.8, lag.arrivals_per_s, full);
    AddFigures(f, {{"shard_capacity_records_per_s", cap},
                   {"parallelization_factor", l.parallelization_factor},
                   {"per_batch_ms", t.per_batch_ms},
                   {"per_record_ms", t.PerRecordMs()}});
  } else {
    std::vector<std::string> others;
    for (const Finding& o : r.findings) {
      const std::string name(FindingKindName(o.kind));
      if (o.consumer == ci && std::find(others.begin(), others.end(), name) == others.end()) {
        others.push_back(name);
      }
    }
    f->recommendation =
        "At full batches a shard's invocations would complete about " + Fixed(cap, 0) +
        " records/s, more than the " + Fixed(lag.hot_arrivals_per_s, 0) +
        " arriving: the lag comes from failed batches being retried, from reads, or from "
        "outages" +
        (others.empty() ? std::string(".") : "; see " + JoinAnd(others) + ".");
    AddFigures(f, {{"shard_capacity_records_per_s", cap}});
  }
}

// Processing slower than arrivals, with one record processor per shard: faster processing or
// more shards.
void ProcessorCapacityAdvice(const ConsumerResult& c, const Lag& lag, Finding* f) {
  const double target = lag.capacity_per_s > 0
                            ? lag.capacity_per_s
                            : static_cast<double>(c.records_processed) / lag.duration_s /
                                  static_cast<double>(std::max<size_t>(1, c.shards.size()));
  const auto needed =
      static_cast<int64_t>(std::ceil(lag.arrivals_per_s / std::max(1e-9, 0.8 * target)));
  const auto shards = static_cast<uint64_t>(c.shards.size());
  f->recommendation =
      "Processing is slower than arrivals. Each shard has exactly one record processor, so "
      "more workers cannot help beyond one per shard (" +
      CountNoun(shards, "shard", "shards") +
      (c.type == Name(ConsumerType::kKcl)
           ? ", " + CountNoun(static_cast<uint64_t>(c.workers), "worker", "workers")
           : std::string()) +
      "). A processor here completes about " + Fixed(target, 0) +
      " records/s: make processing faster (per record and per batch), or " +
      (static_cast<uint64_t>(needed) > shards
           ? "add shards so each carries under 80% of that (about " +
                 CountNoun(static_cast<uint64_t>(needed), "shard", "shards") +
                 " for the stream's " + Fixed(lag.arrivals_per_s, 0) + " records/s)." +
                 std::string(kFirstEstimate)
           : "spread the keys: the stream's " + Fixed(lag.arrivals_per_s, 0) +
                 " records/s would fit its shards if " + lag.HotId() +
                 " did not receive more than its share.");
  AddFigures(f, {{"processor_records_per_s", target},
                 {"shards_needed", needed},
                 {"stream_arrivals_per_s", lag.arrivals_per_s},
                 {"shards", c.shards.size()}});
  if (c.type == Name(ConsumerType::kKcl)) AddFigures(f, {{"workers", c.workers}});
}

Finding FallingBehind(const Scenario& s, const RunResult& r, int ci) {
  const ConsumerResult& c = r.consumers[static_cast<size_t>(ci)];
  const Lag lag = LagOf(r, c);
  Finding f = ConsumerFinding(FindingKind::kIteratorAgeGrowing, Severity::kWarning, r, ci);
  f.shard = lag.hot_shard;
  f.evidence = "iterator age grows " + SignedFixed(c.iterator_age_growth, 2) +
               " s per s over the second half of the run (max " +
               SecondsFromMillis(c.iterator_age_max_ms) + "); at the end " +
               SecondsFromMillis(c.behind_at_end_ms) + " behind on " + lag.HotId() +
               ", which receives " + Fixed(lag.hot_arrivals_per_s, 0) +
               " records/s while this consumer processed " + Fixed(lag.HotProcessedPerS(), 0) +
               " records/s there";
  AddFigures(&f, {{"iterator_age_growth", c.iterator_age_growth},
                  {"iterator_age_max_ms", c.iterator_age_max_ms},
                  {"behind_at_end_ms", c.behind_at_end_ms},
                  {"shard_arrivals_per_s", lag.hot_arrivals_per_s},
                  {"shard_processed_per_s", lag.HotProcessedPerS()}});
  const ConsumerSpec* spec = SpecOf(s, c.name);
  // Down at the end of the run: the lag is the outage's.
  if (const OutageSpec* down = OutageAtEnd(spec, lag.duration_s * 1000)) {
    f.severity = Severity::kInfo;
    f.recommendation = "The consumer is down from " + FormatDuration(down->from) +
                       " to the end of the run: the lag is the outage's. Check that retention "
                       "covers the outage and how fast it catches up after.";
    AddFigures(&f, {{"outage_from_ms", down->from.millis()}});
  } else if (c.unowned_shards > 0) {
    f.recommendation =
        CountNoun(static_cast<uint64_t>(c.unowned_shards), "shard has", "shards have") +
        " no lease holder" +
        (c.type == Name(ConsumerType::kKcl) ? std::string(" (see unowned_shards)")
                                            : std::string()) +
        ", so nothing reads " + (c.unowned_shards == 1 ? "it." : "them.");
    AddFigures(&f, {{"unowned_shards", c.unowned_shards}});
  } else if (c.lambda && c.lambda->max_stall_ms >= kLagFloorMs) {
    f.recommendation =
        FindFinding(r.findings, FindingKind::kLambdaShardStalled, ci)
            ? "A failing batch blocks the shard (see lambda_shard_stalled): the age grows while "
              "Lambda retries it."
            : "A failing batch blocked a shard slot for " +
                  SecondsFromMillis(c.lambda->max_stall_ms) +
                  " while Lambda retried it, and the age grew meanwhile: bound the retries "
                  "(maximum_retry_attempts, maximum_record_age) or bisect failing batches.";
    AddFigures(&f, {{"max_stall_ms", c.lambda->max_stall_ms}});
  } else if (ThrottledShare(c) >= kThrottleWarning) {
    f.recommendation =
        std::string(FindFinding(r.findings, FindingKind::kReadThrottling, ci)
                        ? "Reads are throttled (see read_throttling)"
                        : "Reads are throttled") +
        ", so the consumer cannot fetch fast enough: use enhanced fan-out or fewer polling "
        "applications.";
    AddFigures(&f, {{"throttled_fraction", ThrottledShare(c)}});
  } else if (c.lambda && spec != nullptr) {
    LambdaCapacityAdvice(spec->lambda, r, ci, lag, &f);
  } else {
    ProcessorCapacityAdvice(c, lag, &f);
  }
  if (c.behind_at_end_ms >= kRetentionRisk * s.stream.retention.millis()) {
    f.severity = Severity::kCritical;
  }
  return f;
}

// The lag came down from its worst and is shrinking: say when it is caught up.
Finding CatchingUp(const RunResult& r, int ci) {
  const ConsumerResult& c = r.consumers[static_cast<size_t>(ci)];
  const double per_s = -c.iterator_age_growth;
  Finding f = ConsumerFinding(FindingKind::kCatchingUp, Severity::kInfo, r, ci);
  f.evidence = SecondsFromMillis(c.behind_at_end_ms) + " behind at the end, shrinking " +
               Fixed(per_s, 1) + " s per s over the second half of the run";
  f.recommendation = "At this pace it is caught up about " +
                     SecondsFromMillis(c.behind_at_end_ms / per_s) +
                     " after the end of the run; run longer to see it.";
  AddFigures(&f, {{"behind_at_end_ms", c.behind_at_end_ms},
                  {"shrink_s_per_s", per_s},
                  {"caught_up_after_end_ms", c.behind_at_end_ms / per_s}});
  // Per outage (1-based in the figures' names): when it was, and how long the consumer took to
  // catch up after it -- measured, or for one it has not caught up from, estimated at this pace.
  for (size_t k = 0; k < c.outages.size(); ++k) {
    const OutageResult& o = c.outages[k];
    const std::string name = "outage_" + std::to_string(k + 1);
    const double end_ms = r.duration_s * 1000;
    const bool estimated = !o.caught_up && o.to_s * 1000 < end_ms;
    const double catch_up_ms =
        o.caught_up ? o.catch_up_s * 1000 : end_ms - o.to_s * 1000 + c.behind_at_end_ms / per_s;
    AddFigures(&f, {{name + "_from_ms", o.from_s * 1000},
                    {name + "_to_ms", o.to_s * 1000},
                    {name + "_caught_up", o.caught_up ? 1.0 : 0.0}});
    // Down at the end of the run: no catch-up to give.
    if (o.caught_up || estimated) AddFigures(&f, {{name + "_catch_up_ms", catch_up_ms}});
    if (estimated && k + 1 == c.outages.size()) {
      f.recommendation += " It was down from " + SecondsFromMillis(o.from_s * 1000) + " to " +
                          SecondsFromMillis(o.to_s * 1000) + ": catching up takes about " +
                          SecondsFromMillis(catch_up_ms) + " after the outage.";
    }
  }
  return f;
}

// ---------------------------------------------------------------- retention

Finding RecordsExpired(const Scenario& s, const RunResult& r, int ci) {
  const ConsumerResult& c = r.consumers[static_cast<size_t>(ci)];
  Finding f = ConsumerFinding(FindingKind::kRecordsExpired, Severity::kCritical, r, ci);
  f.evidence =
      CountNoun(c.records_expired, "record", "records") + " expired (retention " +
      FormatDuration(s.stream.retention) + ") before " + c.name +
      " processed them: data loss; shards: " +
      TopShards(
          c, 3, [](const ConsumerShardResult& x) { return static_cast<double>(x.records_expired); },
          "");
  // The findings of this consumer that say why it lags (those before this one).
  std::vector<std::string> why;
  for (const Finding& other : r.findings) {
    const std::string name(FindingKindName(other.kind));
    if (other.consumer == ci && std::find(why.begin(), why.end(), name) == why.end()) {
      why.push_back(name);
    }
  }
  const std::string fix = why.empty() ? "make the consumer keep up"
                                      : "fix why the consumer lags (see " + JoinAnd(why) + ")";
  f.recommendation =
      s.stream.retention < Hours(8760)
          ? "Raise the stream's retention (now " + FormatDuration(s.stream.retention) +
                ", up to 8760h; extended retention is billed per shard-hour) to cover the "
                "longest lag, and " +
                fix + "."
          : "Retention is at its maximum of 8760h: " + fix + ".";
  AddFigures(
      &f, {{"records_expired", c.records_expired}, {"retention_ms", s.stream.retention.millis()}});
  return f;
}

Finding RetentionRisk(const Scenario& s, const RunResult& r, int ci) {
  const ConsumerResult& c = r.consumers[static_cast<size_t>(ci)];
  Finding f = ConsumerFinding(FindingKind::kRetentionRisk, Severity::kWarning, r, ci);
  f.evidence = "iterator age reached " + SecondsFromMillis(c.iterator_age_max_ms) +
               ", over half the " + FormatDuration(s.stream.retention) + " retention";
  f.recommendation =
      s.stream.retention < Hours(8760)
          ? "Records this old are close to expiring unread: raise the retention period (now " +
                FormatDuration(s.stream.retention) + ") or make the consumer catch up faster."
          : std::string(
                "Records this old are close to expiring unread and retention is at its "
                "8760h maximum: make the consumer catch up faster.");
  AddFigures(&f, {{"iterator_age_max_ms", c.iterator_age_max_ms},
                  {"retention_ms", s.stream.retention.millis()}});
  return f;
}

// ---------------------------------------------------------------- KCL leases

Finding UnownedShards(const Scenario& s, const RunResult& r, int ci) {
  const ConsumerResult& c = r.consumers[static_cast<size_t>(ci)];
  const ConsumerSpec* spec = SpecOf(s, c.name);
  Finding f = ConsumerFinding(FindingKind::kUnownedShards, Severity::kWarning, r, ci);
  const auto unowned = static_cast<uint64_t>(c.unowned_shards);
  f.evidence = Grouped(unowned) + " of " + CountNoun(c.shards.size(), "shard", "shards") + " " +
               (unowned == 1 ? "has" : "have") +
               " no live worker holding their lease at the end (" +
               CountNoun(static_cast<uint64_t>(c.workers), "worker", "workers") + ")";
  // Only a cap below the shard count can leave leases untaken; the KCL default has none.
  const bool capped =
      spec != nullptr && spec->kcl.max_leases_per_worker * std::max<int64_t>(1, c.workers) <
                             static_cast<int64_t>(c.shards.size());
  f.recommendation =
      capped ? "Their records are not read: run more workers or raise max_leases_per_worker (now " +
                   std::to_string(spec->kcl.max_leases_per_worker) +
                   "; workers x max leases must cover the shards, with room for a failed "
                   "worker's leases)."
             : std::string(
                   "Their records are not read: their workers failed and no live worker "
                   "has taken the leases over yet; run more workers so the others can "
                   "absorb a failed worker's leases.");
  AddFigures(
      &f,
      {{"unowned_shards", c.unowned_shards}, {"shards", c.shards.size()}, {"workers", c.workers}});
  return f;
}

Finding IdleWorkers(const RunResult& r, int ci) {
  const ConsumerResult& c = r.consumers[static_cast<size_t>(ci)];
  Finding f = ConsumerFinding(FindingKind::kIdleWorkers, Severity::kInfo, r, ci);
  f.evidence = Grouped(static_cast<uint64_t>(c.idle_workers)) + " of " +
               CountNoun(static_cast<uint64_t>(c.workers), "worker", "workers") + " " +
               (c.idle_workers == 1 ? "holds" : "hold") + " no lease (" +
               CountNoun(c.shards.size(), "shard", "shards") + ")";
  f.recommendation =
      "A shard is processed by one worker at a time, so workers beyond the "
      "shard count only stand by for failover.";
  AddFigures(
      &f, {{"idle_workers", c.idle_workers}, {"workers", c.workers}, {"shards", c.shards.size()}});
  return f;
}

Finding ReprocessedRecords(const RunResult& r, int ci) {
  const ConsumerResult& c = r.consumers[static_cast<size_t>(ci)];
  Finding f = ConsumerFinding(FindingKind::kReprocessedRecords, Severity::kInfo, r, ci);
  f.evidence = CountNoun(c.records_reprocessed, "record was", "records were") +
               " processed again after " +
               CountNoun(c.lease_takeovers, "lease takeover", "lease takeovers") +
               " (work since the last checkpoint)";
  f.recommendation =
      "Make processing idempotent; checkpoint more often to replay less after "
      "a worker is lost.";
  AddFigures(
      &f, {{"records_reprocessed", c.records_reprocessed}, {"lease_takeovers", c.lease_takeovers}});
  return f;
}

// iterator_age_growing or catching_up, or neither, for a consumer reading the stream's shards.
std::optional<Finding> LagFinding(const Scenario& s, const RunResult& r, int ci) {
  const ConsumerResult& c = r.consumers[static_cast<size_t>(ci)];
  const bool growing =
      c.iterator_age_growth >= kGrowthThreshold && c.behind_at_end_ms >= kLagFloorMs;
  const bool far_behind = c.behind_at_end_ms >= std::max(60'000.0, 0.2 * r.duration_s * 1000);
  // Catching up means the lag came down from its worst: iterator ages are sampled only when
  // records are returned or processed, so a starved shard's stale samples can slope down while
  // it falls further behind.
  const bool shrinking = c.iterator_age_growth <= -kGrowthThreshold &&
                         c.behind_at_end_ms < 0.9 * c.iterator_age_max_ms;
  if (growing || (far_behind && !shrinking)) return FallingBehind(s, r, ci);
  if (far_behind) return CatchingUp(r, ci);
  return std::nullopt;
}

}  // namespace

void AddReadPathFindings(const Scenario& scenario, RunResult* result) {
  std::vector<Finding>& out = result->findings;
  const RunResult& r = *result;
  const double retention_ms = scenario.stream.retention.millis();
  for (size_t i = 0; i < r.consumers.size(); ++i) {
    const ConsumerResult& c = r.consumers[i];
    const int ci = static_cast<int>(i);
    if (c.read_throttles > 0) out.push_back(ReadThrottling(scenario, r, ci));
    AddManagedConsumerFindings(scenario, r, ci, &out);
    // A Direct PUT Firehose reads its own ingestion buffer, not the stream's shards.
    if (c.firehose && c.firehose->source == Name(FirehoseSource::kDirectPut)) continue;
    if (std::optional<Finding> f = LagFinding(scenario, r, ci)) out.push_back(std::move(*f));
    if (c.records_expired > 0) {
      out.push_back(RecordsExpired(scenario, r, ci));
    } else if (c.iterator_age_max_ms >= kRetentionRisk * retention_ms) {
      out.push_back(RetentionRisk(scenario, r, ci));
    }
    if (c.type == Name(ConsumerType::kKcl) && c.unowned_shards > 0)
      out.push_back(UnownedShards(scenario, r, ci));
    if (c.type == Name(ConsumerType::kKcl) && c.idle_workers > 0) out.push_back(IdleWorkers(r, ci));
    if (c.records_reprocessed > 0) out.push_back(ReprocessedRecords(r, ci));
  }
}

}  // namespace shardsim
