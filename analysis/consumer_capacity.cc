// What a consumer can process per shard. See consumer_capacity.h.
#include "analysis/consumer_capacity.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "analysis/finding_support.h"
#include "models/result/format.h"
#include "models/spec/units.h"
#include "models/traffic/samplers.h"

namespace shardsim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Fact sheet 6: a batch's event holds at most 6,000,000 bytes; the Lambda model counts a record
// as base64(data + key) = 4 x ceil(bytes / 3) plus a 300 B JSON envelope.
constexpr double kPayloadBytes = 6'000'000;
constexpr double kEnvelopeBytes = 300;

// Mean duration in ms of a batch of `records` records of `record_bytes` each.
double MeanMs(const ProcessingSpec& p, double records, double record_bytes) {
  const ProcessingSampler sampler(p);
  return sampler
      .Mean(static_cast<int64_t>(std::llround(records)),
            static_cast<int64_t>(std::llround(records * record_bytes)))
      .millis();
}

int64_t CeilShards(double needed) {
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil(needed - 1e-9)));
}

}  // namespace

double LambdaThroughput::SlotRecordsPerS() const {
  return duration_ms > 0 ? batch_records / (duration_ms / 1000) : kInf;
}

double LambdaThroughput::ShardRecordsPerS() const {
  return SlotRecordsPerS() * static_cast<double>(parallelization_factor);
}

double LambdaThroughput::PerRecordMs() const {
  return batch_records > 0 ? per_records_ms / batch_records : 0;
}

double LambdaThroughput::ShardLimitAnyBatchRecordsPerS() const {
  const double per_record = PerRecordMs();
  return per_record > 0 ? static_cast<double>(parallelization_factor) * 1000 / per_record : kInf;
}

double LambdaThroughput::BatchSizeFor(double records_per_s) const {
  // PF x B / (per_batch + B x per_record) >= rate  <=>  B (PF - rate x per_record) >= rate x
  // per_batch (times in seconds).
  const double pf = static_cast<double>(parallelization_factor);
  const double room = pf - records_per_s * PerRecordMs() / 1000;
  if (room <= 0) return 0;
  return std::max(1.0, std::ceil(records_per_s * per_batch_ms / 1000 / room));
}

int64_t LambdaThroughput::ParallelizationFor(double records_per_s) const {
  const double slot = SlotRecordsPerS();
  if (!(slot > 0) || !std::isfinite(slot)) return 1;
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil(records_per_s / slot - 1e-9)));
}

double MeanRecordBytes(const RunResult& r) {
  uint64_t records = 0, bytes = 0;
  for (const ShardResult& s : r.shards) {
    records += s.records_in;
    bytes += s.bytes_in;
  }
  return records > 0 ? static_cast<double>(bytes) / static_cast<double>(records) : 0.0;
}

double FullBatchRecords(const LambdaSpec& l, double record_bytes) {
  const double payload = 4 * std::ceil(std::max(0.0, record_bytes) / 3) + kEnvelopeBytes;
  const double fit = std::max(1.0, std::floor(kPayloadBytes / payload));
  return std::min(static_cast<double>(l.batch_size), fit);
}

LambdaThroughput LambdaAtFullBatches(const LambdaSpec& l, double record_bytes) {
  LambdaThroughput t;
  t.batch_records = FullBatchRecords(l, record_bytes);
  t.duration_ms = MeanMs(l.function.duration, t.batch_records, record_bytes);
  t.per_batch_ms = std::min(t.duration_ms, MeanMs(l.function.duration, 0, 0));
  t.per_records_ms = t.duration_ms - t.per_batch_ms;
  t.parallelization_factor = l.parallelization_factor;
  return t;
}

LambdaThroughput LambdaAsMeasured(const LambdaSpec& l, const LambdaResult& r, double record_bytes) {
  LambdaThroughput t;
  t.batch_records = std::max(1.0, r.batch_records.mean);
  t.duration_ms = std::max(1e-3, r.duration.mean_ms);
  const double spec_total = MeanMs(l.function.duration, t.batch_records, record_bytes);
  const double spec_batch = MeanMs(l.function.duration, 0, 0);
  const double batch_part = spec_total > 0 ? std::min(1.0, spec_batch / spec_total) : 1.0;
  t.per_batch_ms = t.duration_ms * batch_part;
  t.per_records_ms = t.duration_ms - t.per_batch_ms;
  t.parallelization_factor = l.parallelization_factor;
  return t;
}

std::string LambdaThroughputLevers(const LambdaSpec& l, const LambdaThroughput& t,
                                   double needed_per_s, double stream_arrivals_per_s,
                                   bool batches_full) {
  const int64_t pf = l.parallelization_factor;
  std::string out;
  if (t.PerBatchBinds()) {
    out = "Per-invocation overhead binds: " + Millis(t.per_batch_ms) + " of each " +
          Millis(t.duration_ms) + " batch is fixed, so larger batches raise throughput.";
  } else {
    out = "Per-record time binds: " + Millis(t.per_records_ms) + " of each " +
          Millis(t.duration_ms) + " batch grows with its records (" + Millis(t.PerRecordMs()) +
          " a record), so larger batches do not help: at any batch size a shard tops out near " +
          Count(std::round(t.ShardLimitAnyBatchRecordsPerS())) +
          " records/s with parallelization factor " + std::to_string(pf) + ".";
  }
  std::vector<std::string> levers;
  const int64_t pf_needed = t.ParallelizationFor(needed_per_s);
  if (pf < kMaxParallelizationFactor) {
    levers.push_back("raise parallelization_factor to " +
                     (pf_needed <= kMaxParallelizationFactor
                          ? "about " + std::to_string(std::max(pf_needed, pf + 1))
                          : std::string("its maximum of 10")) +
                     " (now " + std::to_string(pf) + "; order is then kept per partition key)");
  }
  bool batch_reaches = false;
  if (t.PerBatchBinds() && batches_full && l.batch_size < kMaxBatchSize) {
    const double b = t.BatchSizeFor(needed_per_s);
    batch_reaches = b > 0 && b <= static_cast<double>(kMaxBatchSize);
    levers.push_back("raise batch_size " +
                     (batch_reaches
                          ? "to about " + Count(std::max(b, static_cast<double>(l.batch_size) + 1))
                          : std::string("toward 10,000")) +
                     " (now " + std::to_string(l.batch_size) + "; batches are full)");
  }
  // Neither setting reaches it within its range: more shards share the stream's records.
  if (pf_needed > kMaxParallelizationFactor && !batch_reaches) {
    const double at_max = t.SlotRecordsPerS() * static_cast<double>(kMaxParallelizationFactor);
    const int64_t shards = CeilShards(stream_arrivals_per_s / (0.8 * at_max));
    levers.push_back("add shards (about " + std::to_string(shards) + " for the stream's " +
                     Count(std::round(stream_arrivals_per_s)) + " records/s at about " +
                     Count(std::round(at_max)) +
                     " records/s per shard with parallelization factor 10)");
  }
  levers.push_back(std::string("make the function faster ") +
                   (t.PerBatchBinds() ? "per invocation" : "per record"));
  return out + " " + Capitalized(JoinOr(levers)) + ".";
}

ShardFloor ConsumerShardFloor(const ConsumerSpec& c, const ReadLimitsSpec& limits,
                              int polling_applications, double records_per_s, double bytes_per_s,
                              double record_bytes, double target) {
  ShardFloor floor;
  auto consider = [&](double per_shard, const std::string& why, double demand) {
    if (!(per_shard > 0) || !std::isfinite(per_shard) || demand <= 0) return;
    const int64_t n = CeilShards(demand / (target * per_shard));
    if (n > floor.shards) {
      floor.shards = n;
      floor.reason = why;
    }
  };
  // Processing: what one shard's worth of the consumer completes when it is behind.
  const double calls_records = std::min<double>(
      {static_cast<double>(limits.max_records_per_call),
       record_bytes > 0 ? std::floor(static_cast<double>(limits.max_bytes_per_call) / record_bytes)
                        : kInf});
  switch (c.type) {
    case ConsumerType::kLambda: {
      const LambdaThroughput t = LambdaAtFullBatches(c.lambda, record_bytes);
      consider(t.ShardRecordsPerS(),
               c.name + "'s invocations complete about " + Count(std::round(t.ShardRecordsPerS())) +
                   " records/s per shard (batches of " + Count(std::round(t.batch_records)) +
                   " / " + Millis(t.duration_ms) + " mean duration x parallelization factor " +
                   std::to_string(t.parallelization_factor) + ")",
               records_per_s);
      break;
    }
    case ConsumerType::kPolling:
    case ConsumerType::kKcl: {
      const bool kcl = c.type == ConsumerType::kKcl;
      const double r = std::max(
          1.0, std::min(calls_records,
                        static_cast<double>(kcl ? c.kcl.max_records : c.polling.max_records)));
      const double processing_ms = MeanMs(c.processing, r, record_bytes);
      const double wait_ms =
          (kcl ? c.kcl.idle_time_between_reads : c.polling.poll_interval).millis();
      // A poller sleeps after processing; a KCL prefetcher fetches while the processor works.
      const double cycle_ms = kcl ? std::max(processing_ms, wait_ms) : processing_ms + wait_ms;
      if (cycle_ms > 0) {
        const double per_shard = r / (cycle_ms / 1000);
        consider(per_shard,
                 c.name + "'s record processor completes about " + Count(std::round(per_shard)) +
                     " records/s per shard (" + Count(r) + " records per call, " +
                     Millis(processing_ms) + " to process them, " +
                     (kcl ? "idle_time_between_reads " : "poll_interval ") + Millis(wait_ms) + ")",
                 records_per_s);
      }
      break;
    }
    case ConsumerType::kEfo: {
      const double per_record_ms =
          MeanMs(c.processing, 1, record_bytes) - MeanMs(c.processing, 0, 0);
      if (per_record_ms > 0) {
        const double per_shard = 1000 / per_record_ms;
        consider(per_shard,
                 c.name + "'s processing completes at most about " + Count(std::round(per_shard)) +
                     " records/s per shard (" + Millis(per_record_ms) + " per record)",
                 records_per_s);
      }
      break;
    }
    case ConsumerType::kFirehose:
      break;  // Firehose scales its reading and delivery itself; only the read limits bind.
  }
  // Reading: polling readers share 2 MiB/s per shard, an enhanced fan-out reader has its own.
  const bool shares = SharesReadLimits(c);
  const double readers = shares ? std::max(1, polling_applications) : 1.0;
  const bool efo = ReadsWithEnhancedFanOut(c);
  // Fact sheet 2: an enhanced fan-out consumer gets 2 MiB/s per shard of its own.
  const double efo_bytes_per_s = 2.0 * static_cast<double>(kMiB);
  if (shares || efo) {
    consider(shares ? static_cast<double>(limits.bytes_per_sec) / readers : efo_bytes_per_s,
             shares
                 ? std::to_string(static_cast<int>(readers)) +
                       (readers == 1 ? " polling reader reads" : " polling readers share") +
                       " each shard's " + FormatByteRate(static_cast<double>(limits.bytes_per_sec))
                 : c.name + " reads each shard through its own " + FormatByteRate(efo_bytes_per_s),
             bytes_per_s);
  }
  return floor;
}

ShardFloor ConsumersShardFloor(const Scenario& scenario, const RunResult& r, double target) {
  int apps = 0;
  for (const ConsumerSpec& c : scenario.consumers) apps += SharesReadLimits(c);
  const double bytes = MeanRecordBytes(r);
  ShardFloor most;
  for (const ConsumerSpec& c : scenario.consumers) {
    // A Direct PUT Firehose reads its own ingestion buffer, not the stream's shards.
    if (c.type == ConsumerType::kFirehose && c.firehose.source == FirehoseSource::kDirectPut) {
      continue;
    }
    const ShardFloor f =
        ConsumerShardFloor(c, scenario.stream.read_limits, apps, r.peak_demand_records_per_s,
                           r.peak_demand_bytes_per_s, bytes, target);
    if (f.shards > most.shards) most = f;
  }
  return most;
}

}  // namespace shardsim
