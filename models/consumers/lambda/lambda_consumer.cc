// Lambda event-source mapping for Kinesis (fact sheet 6): per shard a poller (GetRecords through
// the shared read limits, or an enhanced fan-out push) fills ParallelizationFactor slot queues;
// each slot invokes one batch at a time in sequence order, with retries, bisection, partial batch
// responses, maximum record age, on-failure destinations and tumbling windows.
// Invariants, per shard: available = processed + failed + expired + unread, where unread = not yet
// read + buffered in slot queues (in-flight batches included); the log's cursor counts equal ours.
// Events are per GetRecords call, push, invocation start/end and slot timer, never per record.
// Not thread-safe: one mapping per simulation.
#include "models/consumers/lambda/lambda_consumer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/result/summarize.h"
#include "models/spec/enum_names.h"
#include "sim/check.h"
#include "sim/rng.h"

namespace shardsim {
namespace {

constexpr uint64_t kNone = ~uint64_t{0};

// Synchronous invoke payload limit: fact sheet 6 says "6 MB"; read as 6,000,000 bytes (the loader
// rejects single records over 6 MiB base64-encoded; a record alone is always invoked).
constexpr int64_t kMaxPayloadBytes = 6'000'000;
// JSON envelope per record in the event (eventSource, eventID, ARNs, partition key, sequence
// number...): UNCONFIRMED, estimated from the example event in LAMBDA-DG-2023.
constexpr int64_t kEnvelopeBytes = 300;
constexpr uint32_t kMaxRecordsPerRead = 10'000;    // GetRecords Limit (fact sheet 2)
constexpr SimDuration kPollInterval = Seconds(1);  // base rate per shard (fact sheet 6)
// A failed batch (or its bisected half) is invoked again after this: UNCONFIRMED (Lambda retries
// from its next poll of the shard, ~1 s at the base rate).
constexpr SimDuration kRetryDelay = Seconds(1);
// An invocation refused by the concurrency limit waits this plus a uniform jitter of up to the
// same again: UNCONFIRMED.
constexpr SimDuration kInvokeThrottleBackoff = Seconds(1);
// With an empty queue, a tumbling window's final invoke waits this long after the window end for
// late-read records: UNCONFIRMED (one poll interval plus typical propagation).
constexpr SimDuration kTumblingGrace = Millis(1500);
constexpr int64_t kMinReadAhead = 10'000;  // records, see read_ahead_

// Bytes a record adds to the invocation event: base64 data plus the envelope.
int64_t PayloadBytes(uint32_t bytes) { return (int64_t{bytes} + 2) / 3 * 4 + kEnvelopeBytes; }

struct SlotRecord {
  StoredRecord rec;
  uint64_t sequence;
};

// One (shard, ParallelizationFactor slot): a FIFO of read records by queue index (head..tail),
// the batch being invoked at its front.
struct Slot {
  uint32_t shard = 0;
  uint32_t index = 0;
  std::vector<SlotRecord> ring;  // power-of-two size; queue index q lives at q & mask
  uint64_t mask = 0;
  uint64_t head = 0, tail = 0;
  std::vector<uint64_t> poison;  // queue indices of this mapping's poison records, ascending
  // Batch ends fixed by a failure (retry the same records) or a bisection; top = next batch end.
  std::array<uint64_t, 40> pinned{};
  uint32_t pinned_n = 0;
  // The candidate batch [head, formed_end), extended as records come.
  uint64_t formed_end = 0;
  int64_t formed_payload = 0;
  uint64_t formed_bytes = 0;
  uint64_t formed_user_records = 0;  // the batch's user records: KPL aggregates de-aggregated
  bool formed_closed = false;
  // The invocation in flight.
  bool in_flight = false;
  bool flight_final = false;
  bool flight_fails = false;
  uint64_t flight_n = 0;
  uint64_t flight_poison = kNone;  // queue index of the first poison record in it
  int64_t not_before_ns = 0;       // retry delay or throttle backoff
  bool waiting = false;            // in the queue for concurrency (throttled)
  bool retry_due = false;          // the next invocation retries a failed batch
  EventHandle timer;
  int64_t timer_ns = kNeverNs;
  int64_t last_done_ns = 0;     // the next batching window starts here ...
  int64_t empty_append_ns = 0;  // ... or when a record enters the empty queue, if later
  int64_t attempts = 0;         // failures of the current batch counted as retry attempts
  uint64_t max_sent = 0;        // queue indices below were invoked at least once
  int64_t stall_start_ns = -1;
  int64_t max_stall_ns = 0;
  int64_t open_window = -1;  // tumbling window with records invoked but no final invoke yet
  int64_t closed_through = -1;
};

struct ShardState {
  uint64_t buffered = 0;  // read, not yet succeeded, given up or expired (in-flight included)
  uint64_t failed = 0;
  uint64_t expired_gap = 0;     // lost to retention before being read
  uint64_t expired_buffer = 0;  // lost to retention while buffered
  bool blocked = false;         // reading paused by the read-ahead bound
  bool call_pending = false;
  int64_t call_ns = 0;
  int64_t cutoff_ns = 0;  // visibility cutoff of the call in flight
  EfoReader efo;          // enhanced fan-out source (as efo_consumer.cc)
};

class LambdaConsumer final : public ConsumerBase, public AppendWatcher {
 public:
  LambdaConsumer(const ConsumerSpec& spec, const ConsumerContext& context, LambdaTestHooks hooks)
      : ConsumerBase(spec, context),
        l_(spec.lambda),
        pf_(static_cast<uint32_t>(spec.lambda.parallelization_factor)),
        function_(spec.lambda.function.duration),
        latency_(PollingSpec{}.call_latency),
        efo_delay_(EfoSpec{}.propagation_delay),
        read_ahead_(static_cast<uint64_t>(std::max<int64_t>(
            kMinReadAhead, 2 * spec.lambda.batch_size * spec.lambda.parallelization_factor))),
        hooks_(std::move(hooks)),
        shards_(readers_.size()),
        slots_(readers_.size() * pf_) {
    SHARDSIM_CHECK(pf_ >= 1 && l_.batch_size >= 1, "lambda spec as the loader checks it");
    efo_ = l_.source == LambdaSource::kEfo;
    SHARDSIM_CHECK(efo_ || limits_ != nullptr, "a polling mapping needs the shared read limits");
    max_bytes_ = efo_ ? 0 : static_cast<uint64_t>(limits_->spec().max_bytes_per_call);
    for (size_t i = 0; i < slots_.size(); ++i) {
      slots_[i].shard = static_cast<uint32_t>(i / pf_);
      slots_[i].index = static_cast<uint32_t>(i % pf_);
    }
    const int64_t width_ns = context.series_interval.nanos();
    const size_t windows =
        static_cast<size_t>(std::max<int64_t>(1, (end_.nanos() + width_ns - 1) / width_ns));
    done_per_win_.assign(windows, 0);
    bytes_per_win_.assign(windows, 0);
    invocations_per_win_.assign(windows, 0);
    errors_per_win_.assign(windows, 0);
    invoke_throttles_per_win_.assign(windows, 0);
    conc_max_per_win_.assign(windows, std::numeric_limits<double>::quiet_NaN());
    conc_last_per_win_.assign(windows, std::numeric_limits<double>::quiet_NaN());
    RegisterPoison(context);
  }

  void Start(Context& ctx) override {
    ctx_ = &ctx;
    rng_.emplace(ctx.MakeRng("reads"));
    fn_rng_.emplace(ctx.MakeRng("function"));
    for (ReaderState& r : readers_) {
      if (!efo_) limits_->AddReader(r.shard);
      if (spec_.starting_position.type == StartingPositionType::kAtTimestamp &&
          spec_.starting_position.timestamp > SimDuration::Zero()) {
        ctx.Schedule(SimTime::Zero() + spec_.starting_position.timestamp,
                     Tag::Pack(r.shard, Kind::kRegister));
        continue;
      }
      Begin(r.shard, ctx.Now());
    }
  }

  void OnEvent(Context& ctx, uint32_t tag) override {
    const uint32_t i = Tag::Index(tag);
    const SimTime now = ctx.Now();
    switch (Tag::KindOf(tag)) {
      case Kind::kCall:
        return Call(i, now);
      case Kind::kResponse:
        return Response(i, now);
      case Kind::kRegister:
        return Begin(i, now);
      case Kind::kWake:
        shards_[i].efo.Woke();
        return Deliver(i, now);
      case Kind::kGroup:
        return pushes_.Push(i, [&](uint32_t shard, int64_t instant_ns) {
          shards_[shard].efo.MakeDue(instant_ns);
          Deliver(shard, now);
        });
      case Kind::kTimer:
        slots_[i].timer_ns = kNeverNs;
        return TryInvoke(slots_[i], now);
      case Kind::kDone:
        return Done(slots_[i], now);
    }
  }

  void OnAppend(uint32_t shard, SimTime arrival) override {
    const std::optional<uint32_t> g = pushes_.Add(shard, arrival);
    if (!g) return;
    const SimTime at = arrival + efo_delay_.Sample(*rng_);
    if (at <= end_) {
      ctx_->Schedule(at, Tag::Pack(*g, Kind::kGroup),
                     at == arrival ? Phase::kObserve : Phase::kDefault);
    }
  }

  void Finish(Context& ctx) override {
    const SimTime now = ctx.Now();
    for (ReaderState& r : readers_) {
      if (!r.registered) continue;
      ShardState& s = shards_[r.shard];
      if (s.efo.subscribed()) subscribe_calls_ += s.efo.Renew(now, EfoSpec{}.subscription_lifetime);
      ShardLog& log = stream_.log(r.shard);
      log.Expire(now);
      NoteGap(r, log.cursor(r.cursor).position);
      for (uint32_t j = 0; j < pf_; ++j) {
        Slot& sl = slots_[r.shard * pf_ + j];
        if (!sl.in_flight) DropFront(sl, now);
      }
    }
    concurrency_.Set(now, concurrency_.Current());
  }

  bool CheckConservation(std::string* detail) const override {
    bool ok = true;
    for (const ReaderState& r : readers_) {
      if (!r.registered) continue;
      const ShardState& s = shards_[r.shard];
      const ShardLog& log = stream_.log(r.shard);
      const CursorStats cs = log.cursor(r.cursor);
      const uint64_t next = log.next_sequence();
      const uint64_t available = next - r.start_sequence;
      const uint64_t unread = (next - r.position) + s.buffered;
      const std::string where =
          "consumer " + spec_.name + " on " + ShardIdString(static_cast<int>(r.shard)) + ": ";
      if (available != r.processed + s.failed + r.expired + unread) {
        ok = false;
        *detail += where + "available " + std::to_string(available) + " != processed " +
                   std::to_string(r.processed) + " + failed " + std::to_string(s.failed) +
                   " + expired " + std::to_string(r.expired) + " + unread " +
                   std::to_string(unread) + "; ";
      }
      if (r.read != r.processed + s.failed + s.expired_buffer + s.buffered ||
          r.expired != s.expired_gap + s.expired_buffer) {
        ok = false;
        *detail += where + "read " + std::to_string(r.read) + " != processed + failed " +
                   "+ expired in buffer + buffered (" + std::to_string(r.processed) + ", " +
                   std::to_string(s.failed) + ", " + std::to_string(s.expired_buffer) + ", " +
                   std::to_string(s.buffered) + "); ";
      }
      uint64_t queued = 0;
      for (uint32_t j = 0; j < pf_; ++j) {
        const Slot& sl = slots_[r.shard * pf_ + j];
        queued += sl.tail - sl.head;
      }
      if (queued != s.buffered) {
        ok = false;
        *detail += where + "slot queues hold " + std::to_string(queued) + ", buffered " +
                   std::to_string(s.buffered) + "; ";
      }
      if (cs.read != r.read || cs.expired != s.expired_gap || cs.position != r.position) {
        ok = false;
        *detail += where + "the shard log counts read " + std::to_string(cs.read) + ", expired " +
                   std::to_string(cs.expired) + "; the mapping " + std::to_string(r.read) + ", " +
                   std::to_string(s.expired_gap) + "; ";
      }
    }
    return ok;
  }

  SeriesTable Series() const override {
    SeriesTable t = ConsumerBase::Series();
    for (const char* c : {"concurrency", "invocations", "errors", "throttles"}) {
      t.columns.emplace_back(c);
    }
    double level = 0;
    for (size_t w = 0; w < t.rows.size() && w < done_per_win_.size(); ++w) {
      std::vector<double>& row = t.rows[w];
      row[1] = static_cast<double>(done_per_win_[w]);
      row[2] = static_cast<double>(bytes_per_win_[w]);
      double peak = level;  // the level carried into the window
      if (!std::isnan(conc_max_per_win_[w])) peak = std::max(peak, conc_max_per_win_[w]);
      if (!std::isnan(conc_last_per_win_[w])) level = conc_last_per_win_[w];
      row.push_back(peak);
      row.push_back(static_cast<double>(invocations_per_win_[w]));
      row.push_back(static_cast<double>(errors_per_win_[w]));
      row.push_back(static_cast<double>(invoke_throttles_per_win_[w]));
    }
    return t;
  }

  std::vector<Assumption> Assumptions() const override {
    std::vector<Assumption> a;
    if (efo_) {
      a.push_back({"Lambda enhanced fan-out source",
                   "pushed 70ms after arrival, 2 MiB/s per shard (a bucket one second deep), "
                   "subscriptions renewed every 5 min with a 50ms gap; no GetRecords limits",
                   "fact sheet 2 and 6; delay distribution and gap UNCONFIRMED"});
    } else {
      a.push_back({"Lambda GetRecords poller",
                   "per shard one call per second; while a call returned records and more are "
                   "visible, the next call follows the response at once (still subject to 5 "
                   "calls/s; throttled calls back off 1s + up to 400ms); call latency lognormal "
                   "median 20ms, p99 100ms; at most 10,000 records per call",
                   "fact sheet 6 (base rate once per second, keeps fetching until caught up); "
                   "call latency UNCONFIRMED"});
    }
    a.push_back({"Lambda read-ahead bound",
                 "per shard at most max(10,000, 2 x batch_size x parallelization_factor) "
                 "records read but not yet succeeded or given up; reading pauses at the bound "
                 "and resumes when half of it is free (so a mapping held back by its function "
                 "does not spend the shard's 5 GetRecords/s on small reads)",
                 "UNCONFIRMED (model choice: bounded poller memory)"});
    a.push_back({"Lambda batch payload",
                 "a batch closes before its event would exceed 6,000,000 bytes, counting each "
                 "record as base64(data + key) = 4 x ceil(bytes / 3) plus a 300 B JSON envelope; "
                 "a single record is always invoked",
                 "fact sheet 6 (6 MB, base64 in a JSON envelope); envelope size UNCONFIRMED"});
    a.push_back({"Lambda batching window",
                 "W = 0: a slot invokes as soon as it has records and no batch in flight. W > 0: "
                 "the window opens when a record enters an empty idle slot or when the previous "
                 "invocation completes with records waiting; the batch is invoked at window open "
                 "+ W, or earlier when batch_size records or the payload limit are reached",
                 "fact sheet 6 (\"the next window starts as soon as the previous invocation "
                 "completes\")"});
    a.push_back({"Lambda parallelization",
                 "a record goes to slot hash(producer, key) mod parallelization_factor (records "
                 "without a key identity: hash of the sequence number); each slot processes in "
                 "sequence order with one batch in flight",
                 "fact sheet 6 (order per partition key); the hash is a model choice"});
    a.push_back({"Lambda retries",
                 "a failed batch is invoked again 1s after the failure with the same records; "
                 "each failure counts one retry attempt, except bisections: a failed batch of "
                 "more than one record is split in two (first half first) and each half starts "
                 "with no attempts; with ReportBatchItemFailures a poison record's batch "
                 "succeeds up to it and the rest is retried (counted as an attempt); records "
                 "older than maximum_record_age are given up before each invocation",
                 "fact sheet 6; the 1 s delay and per-half attempt counting UNCONFIRMED"});
    a.push_back({"Lambda invocation throttling",
                 "over the concurrency limit an invocation waits 1s plus a uniform jitter of up "
                 "to 1s and tries again, not counting a retry attempt",
                 "fact sheet 6 (throttles do not count as retries); backoff UNCONFIRMED"});
    a.push_back({"Lambda function errors",
                 "an invocation fails with probability error_rate, or always when its batch "
                 "holds a poison record; a poison key found in no producer's key space matches "
                 "no record",
                 "model choice"});
    if (l_.tumbling_window > SimDuration::Zero()) {
      a.push_back({"Lambda tumbling windows",
                   "windows aligned to multiples of the window by arrival time, per slot; a "
                   "batch never spans two; the final invoke (no records, per_batch duration) "
                   "follows when a later window's record reaches the slot or 1.5s after the "
                   "window end; the 1 MB state cap is not modelled",
                   "fact sheet 6; grace and the missing state cap UNCONFIRMED"});
    }
    a.push_back({"Lambda billing",
                 "each invocation is one request; duration rounded up to 1 ms times memory",
                 "fact sheet 9"});
    return a;
  }

  void Corrupt(uint64_t records) {
    for (ReaderState& r : readers_) {
      if (!r.registered) continue;
      r.processed += records;
      return;
    }
  }

 protected:
  void FillResult(ConsumerResult& c) const override {
    LambdaResult lr;
    lr.source = Name(l_.source);
    uint64_t unread = 0;
    c.behind_at_end_ms = 0;
    for (const ReaderState& r : readers_) {
      if (!r.registered) continue;
      const ShardState& s = shards_[r.shard];
      const ShardLog& log = stream_.log(r.shard);
      unread += log.next_sequence() - r.position + s.buffered;
      c.records_failed += s.failed;
      // Behind = age of the oldest record not yet handled: a stalled slot's, else the next unread.
      int64_t oldest_ns = kNeverNs;
      for (uint32_t j = 0; j < pf_; ++j) {
        const Slot& sl = slots_[r.shard * pf_ + j];
        if (sl.head < sl.tail) {
          oldest_ns = std::min(oldest_ns, sl.ring[sl.head & sl.mask].rec.arrival_ns);
        }
      }
      if (oldest_ns == kNeverNs && r.position < log.next_sequence() &&
          r.position >= log.trim_horizon()) {
        oldest_ns = log.At(r.position).arrival_ns;
      }
      double& behind = c.shards[r.shard].behind_at_end_ms;
      behind = oldest_ns == kNeverNs
                   ? 0.0
                   : static_cast<double>(std::max<int64_t>(0, end_.nanos() - oldest_ns)) * 1e-6;
      c.behind_at_end_ms = std::max(c.behind_at_end_ms, behind);
    }
    c.records_unread = unread;
    c.deliveries = invocations_;
    c.mean_batch_records = batch_records_.Mean();
    c.latency = SummarizeNanos(e2e_ns_);
    c.latency_histogram = ToSparseHistogram(e2e_ns_, "ns");
    c.propagation = SummarizeNanos(read_delay_ns_);
    lr.invocations = invocations_;
    lr.invocations_failed = invocations_failed_;
    lr.retries = retries_;
    lr.bisections = bisections_;
    lr.throttles = throttles_;
    lr.records_retried = records_retried_;
    lr.records_to_destination = to_destination_;
    lr.records_dropped = dropped_;
    lr.records_given_up_by_retries = given_up_by_retries_;
    lr.records_given_up_by_age = given_up_by_age_;
    lr.poison_records = poison_met_;
    int64_t stall = 0;
    uint32_t stall_shard = 0;
    for (const Slot& sl : slots_) {
      const int64_t d =
          std::max(sl.max_stall_ns, sl.stall_start_ns >= 0 ? end_.nanos() - sl.stall_start_ns : 0);
      if (d > stall) {
        stall = d;
        stall_shard = sl.shard;
      }
    }
    lr.max_stall_ms = static_cast<double>(stall) * 1e-6;
    if (stall > 0) lr.max_stall_shard = ShardIdString(static_cast<int>(stall_shard));
    lr.concurrency_max = concurrency_.Max();
    lr.concurrency_mean = concurrency_.Mean(end_);
    lr.duration = SummarizeNanos(duration_ns_);
    lr.duration_histogram = ToSparseHistogram(duration_ns_, "ns");
    lr.batch_records = SummarizeCounts(batch_records_);
    lr.batch_user_records = SummarizeCounts(batch_user_records_);
    c.user_records_processed = user_processed_;
    lr.tumbling_windows = tumbling_windows_;
    lr.requests = invocations_;
    lr.gb_seconds = static_cast<double>(mb_ms_) / 1000.0 / 1024.0;
    lr.memory_mb = l_.function.memory_mb;
    lr.architecture = Name(l_.function.architecture);
    c.lambda = std::move(lr);
  }

 private:
  enum class Kind : uint32_t {
    kCall = 0,
    kResponse = 1,
    kRegister = 2,
    kWake = 3,
    kGroup = 4,
    kTimer = 5,
    kDone = 6
  };
  using Tag = EventTag<Kind, 3>;  // index: the shard, the push group (kGroup) or the slot

  // Trigger ids for this mapping's poison records. A key resolves through the producers' key
  // spaces (KeyModel::IdsOf, once at build time); a key found nowhere matches no record.
  void RegisterPoison(const ConsumerContext& context) {
    for (const PoisonRecord& p : l_.function.poison_records) {
      std::vector<Stream::PoisonKey> keys;
      if (!p.key.empty()) {
        for (size_t g = 0; g < context.key_models.size(); ++g) {
          const KeyModel* ks = context.key_models[g];
          if (ks == nullptr) continue;
          for (uint32_t id : ks->IdsOf(p.key)) keys.push_back({static_cast<uint32_t>(g), id});
        }
        if (keys.empty()) continue;
      }
      const uint32_t id = stream_.AddPoison(SimTime::Zero() + p.at, std::move(keys));
      if (my_poison_.size() <= id) my_poison_.resize(id + 1, false);
      my_poison_[id] = true;
    }
  }
  bool IsMyPoison(uint32_t id) const { return id < my_poison_.size() && my_poison_[id]; }

  uint32_t SlotOf(const StoredRecord& x, uint64_t sequence) const {
    const uint64_t k = x.key_id != kNoKey ? (uint64_t{x.producer} << 32 | x.key_id)
                                          : (sequence ^ 0x5bd1e9955bd1e995ULL);
    return static_cast<uint32_t>(((Mix64(k) >> 32) * pf_) >> 32);
  }
  int64_t WindowOf(const StoredRecord& x) const { return x.arrival_ns / tumbling_ns_; }

  void Begin(uint32_t shard, SimTime now) {
    Register(readers_[shard]);
    if (!efo_) {
      // Pollers start at independent instants within one poll interval.
      const auto jitter =
          static_cast<int64_t>(rng_->Below(static_cast<uint64_t>(kPollInterval.nanos())));
      ScheduleCall(shard, now + SimDuration::Nanos(jitter));
      return;
    }
    stream_.Watch(shard, this);
    Subscribe(shard, now);
  }

  void Subscribe(uint32_t shard, SimTime now) {
    ++subscribe_calls_;
    ScheduleWake(shard, shards_[shard].efo.Subscribe(now, EfoSpec{}.subscription_lifetime));
  }

  // ------------------------------------------------------------ resharding

  // A child shard's slots are added at once (an EFO source watches its pushes from now on); it
  // is read when its parents are finished -- read to their end, every record of theirs processed
  // or given up -- so that a key's records are invoked in order across the reshard.
  void OnChildShard(uint32_t child, SimTime at) override {
    (void)at;
    SHARDSIM_CHECK(child == shards_.size(), "shard states stay dense by shard index");
    shards_.emplace_back();
    for (uint32_t j = 0; j < pf_; ++j) {
      slots_.emplace_back();
      slots_.back().shard = child;
      slots_.back().index = j;
    }
    if (efo_) {
      stream_.Watch(child, this);
    } else {
      limits_->AddReader(child);
    }
  }
  void OnReadable(uint32_t shard, SimTime at) override {
    if (efo_) return Subscribe(shard, at);
    ScheduleCall(shard, std::max(at, ctx_->Now()));
  }
  // An EFO source already past the parent's last record gets no further push: it ends now.
  void OnShardClosed(uint32_t shard, SimTime at) override {
    ReaderState& r = readers_[shard];
    if (!shards_[shard].efo.subscribed() || r.ended || !stream_.log(shard).AtEnd(r.cursor)) {
      return;
    }
    r.ended = true;
    MaybeFinish(shard, at);
  }
  // The shard ended and nothing of it is buffered any more: its children may be read.
  void MaybeFinish(uint32_t shard, SimTime now) {
    ReaderState& r = readers_[shard];
    if (r.ended && !r.finished && shards_[shard].buffered == 0) FinishShard(r, now);
  }

  // ------------------------------------------------------------ reading

  void ScheduleCall(uint32_t shard, SimTime at) {
    ShardState& s = shards_[shard];
    if (s.call_pending || at > end_) return;
    s.call_pending = true;
    ctx_->Schedule(at, Tag::Pack(shard, Kind::kCall));
  }

  void Call(uint32_t shard, SimTime now) {
    ShardState& s = shards_[shard];
    ReaderState& r = readers_[shard];
    s.call_pending = false;
    const SimTime active = outages_.Active(now);
    if (active > now) return ScheduleCall(shard, active);
    if (s.buffered >= read_ahead_) {
      s.blocked = true;
      return;
    }
    if (AdmitGetRecords(r, now) != ReadThrottle::kNone) {
      return ScheduleCall(shard, now + ThrottleBackoff(kPollInterval, *rng_));
    }
    s.call_ns = now.nanos();
    const IssuedCall call = IssueGetRecords(now, latency_, *rng_);
    s.cutoff_ns = call.cutoff.nanos();
    if (call.response > end_) return;  // the call is still in flight at the end
    s.call_pending = true;
    ctx_->Schedule(call.response, Tag::Pack(shard, Kind::kResponse));
  }

  // The response of the call made at s.call_ns: read at the response, with the call's cutoff.
  void Response(uint32_t shard, SimTime now) {
    ShardState& s = shards_[shard];
    ReaderState& r = readers_[shard];
    s.call_pending = false;
    const auto room =
        static_cast<uint32_t>(std::min<uint64_t>(kMaxRecordsPerRead, read_ahead_ - s.buffered));
    const ReadResult rr = ReadGetRecords(r, now, SimTime::FromNanos(s.cutoff_ns), room, max_bytes_);
    Ingest(shard, rr, now);
    if (r.ended) return MaybeFinish(shard, now);  // no NextShardIterator: no further call
    const bool more = !rr.records.empty() && rr.behind_latest > SimDuration::Zero();
    ScheduleCall(shard, more ? now : std::max(now, SimTime::FromNanos(s.call_ns) + kPollInterval));
  }

  void ScheduleWake(uint32_t shard, SimTime at) {
    shards_[shard].efo.ScheduleWake(*ctx_, at, end_, Tag::Pack(shard, Kind::kWake));
  }

  // Enhanced fan-out push: records due by the subscription's visibility, within the byte budget
  // and the read-ahead room.
  void Deliver(uint32_t shard, SimTime now) {
    ReaderState& r = readers_[shard];
    ShardState& s = shards_[shard];
    if (!s.efo.subscribed() || r.ended) return;
    const std::optional<SimTime> held =
        s.efo.Hold(now, outages_, EfoSpec{}.subscription_lifetime, &subscribe_calls_);
    if (held) return ScheduleWake(shard, *held);
    if (s.buffered >= read_ahead_) {
      s.blocked = true;
      return;
    }
    const uint64_t max_bytes = s.efo.Budget(now);
    if (max_bytes == 0) return ScheduleWake(shard, s.efo.paid_until());
    ExpireDue(r, now);
    ShardLog& log = stream_.log(shard);
    const auto room =
        static_cast<uint32_t>(std::min<uint64_t>(kMaxRecordsPerRead, read_ahead_ - s.buffered));
    const ReadResult rr = s.efo.Read(log, r.cursor, now, room, max_bytes);
    if (rr.end_of_shard) r.ended = true;
    if (rr.records.empty()) return MaybeFinish(shard, now);
    Ingest(shard, rr, now);
    if (r.ended) return MaybeFinish(shard, now);
    // Records already due wait (their own instant's push brings the others).
    const EfoReader::Backlog left = s.efo.Left(log, r.position, rr, max_bytes);
    if (left == EfoReader::Backlog::kNone) return;
    if (s.buffered >= read_ahead_) {
      s.blocked = true;
      return;
    }
    ScheduleWake(shard, left == EfoReader::Backlog::kBudget ? s.efo.paid_until() : now);
  }

  void NoteGap(ReaderState& r, uint64_t position) {
    if (position <= r.position) return;
    const uint64_t gap = position - r.position;
    shards_[r.shard].expired_gap += gap;
    r.expired += gap;
    r.position = position;
  }

  // Copies a response into the slot queues: the per-record part of reading.
  void Ingest(uint32_t shard, const ReadResult& rr, SimTime now) {
    ReaderState& r = readers_[shard];
    ShardState& s = shards_[shard];
    NoteGap(r, rr.first_sequence);
    SHARDSIM_CHECK(rr.first_sequence == r.position, "a read starts where the reader stood");
    const uint64_t n = rr.records.size();
    r.read += n;
    r.bytes_read += rr.bytes;
    r.position += n;
    s.buffered += n;
    bytes_per_win_[Window(now)] += rr.bytes;
    if (n == 0) return;
    Slot* const first = &slots_[shard * pf_];
    const int64_t now_ns = now.nanos();
    const int64_t warmup_ns = warmup_.nanos();
    uint64_t sequence = rr.first_sequence;
    uint64_t next_poison = stream_.NextPoison(shard, sequence);
    int64_t run_arrival_ns = 0;
    uint64_t run_length = 0;
    for (std::span<const StoredRecord> run : {rr.records.first(), rr.records.second()}) {
      for (const StoredRecord& x : run) {
        Slot& sl = pf_ == 1 ? *first : first[SlotOf(x, sequence)];
        if (sl.tail - sl.head == sl.ring.size()) [[unlikely]]
          Grow(sl);
        if (sl.head == sl.tail) sl.empty_append_ns = now_ns;
        sl.ring[sl.tail & sl.mask] = {x, sequence};
        if (sequence == next_poison) [[unlikely]] {
          if (IsMyPoison(stream_.PoisonAt(shard, sequence))) {
            sl.poison.push_back(sl.tail);
            ++poison_met_;
          }
          next_poison = stream_.NextPoison(shard, sequence + 1);
        }
        ++sl.tail;
        ++sequence;
        if (x.created_ns < warmup_ns) continue;
        if (x.arrival_ns == run_arrival_ns) {
          ++run_length;
          continue;
        }
        read_delay_ns_.Record(static_cast<uint64_t>(now_ns - run_arrival_ns), run_length);
        run_arrival_ns = x.arrival_ns;
        run_length = 1;
      }
    }
    read_delay_ns_.Record(static_cast<uint64_t>(now_ns - run_arrival_ns), run_length);
    for (uint32_t j = 0; j < pf_; ++j) TryInvoke(first[j], now);
  }

  static void Grow(Slot& sl) {
    const size_t size = std::max<size_t>(64, sl.ring.size() * 2);
    std::vector<SlotRecord> ring(size);
    for (uint64_t q = sl.head; q < sl.tail; ++q) ring[q & (size - 1)] = sl.ring[q & sl.mask];
    sl.ring = std::move(ring);
    sl.mask = size - 1;
  }

  // Reading paused at the read-ahead bound resumes once invocations freed half of it: resuming
  // at the first free slot would read a batch at a time and spend the shard's GetRecords calls.
  void Released(uint32_t shard, SimTime now) {
    ShardState& s = shards_[shard];
    MaybeFinish(shard, now);
    if (!s.blocked || s.buffered > read_ahead_ / 2) return;
    s.blocked = false;
    if (efo_) {
      ScheduleWake(shard, now);
    } else {
      ScheduleCall(shard, now);
    }
  }

  // ------------------------------------------------------------ invoking

  void SetTimer(Slot& sl, SimTime at) {
    if (sl.timer_ns <= at.nanos() || at > end_) return;
    if (sl.timer_ns != kNeverNs) ctx_->Cancel(sl.timer);
    sl.timer =
        ctx_->Schedule(at, Tag::Pack(static_cast<uint64_t>(&sl - slots_.data()), Kind::kTimer));
    sl.timer_ns = at.nanos();
  }

  // The candidate batch is formed again from the head (after it moved, or after a failure
  // pinned or bisected the batch).
  static void ResetForm(Slot& sl) {
    sl.formed_end = sl.head;
    sl.formed_payload = 0;
    sl.formed_bytes = 0;
    sl.formed_user_records = 0;
    sl.formed_closed = false;
  }

  void AdvanceHead(Slot& sl, uint64_t k, SimTime now) {
    sl.head += k;
    ResetForm(sl);
    while (!sl.poison.empty() && sl.poison.front() < sl.head) sl.poison.erase(sl.poison.begin());
    if (sl.pinned_n == 0) return;
    while (sl.pinned_n > 0 && sl.pinned[sl.pinned_n - 1] <= sl.head) --sl.pinned_n;
    if (sl.pinned_n == 0) {  // the failing range is behind: the slot moves on
      sl.attempts = 0;
      sl.retry_due = false;
      if (sl.stall_start_ns >= 0) {
        const int64_t d = now.nanos() - sl.stall_start_ns;
        sl.max_stall_ns = std::max(sl.max_stall_ns, d);
        sl.stall_start_ns = -1;
      }
    }
  }

  void Pin(Slot& sl, uint64_t end) {
    if (sl.pinned_n > 0 && sl.pinned[sl.pinned_n - 1] == end) return;
    SHARDSIM_CHECK(sl.pinned_n < sl.pinned.size(), "bisection deeper than a batch allows");
    SHARDSIM_CHECK(sl.pinned_n == 0 || sl.pinned[sl.pinned_n - 1] > end, "pins nest");
    sl.pinned[sl.pinned_n++] = end;
  }

  void GiveUp(Slot& sl, uint64_t k, bool by_age, SimTime now) {
    ShardState& s = shards_[sl.shard];
    s.failed += k;
    s.buffered -= k;
    (by_age ? given_up_by_age_ : given_up_by_retries_) += k;
    (l_.on_failure_destination == OnFailureDestination::kNone ? dropped_ : to_destination_) += k;
    AdvanceHead(sl, k, now);
  }

  // Front records lost to retention, or too old for maximum_record_age.
  void DropFront(Slot& sl, SimTime now) {
    ShardState& s = shards_[sl.shard];
    ReaderState& r = readers_[sl.shard];
    const int64_t expire_ns = now.nanos() - stream_.log(sl.shard).retention().nanos();
    const int64_t age_ns =
        l_.maximum_record_age ? now.nanos() - l_.maximum_record_age->nanos() : -kNeverNs;
    while (sl.head < sl.tail) {
      const StoredRecord& x = sl.ring[sl.head & sl.mask].rec;
      if (x.arrival_ns <= expire_ns) {
        ++s.expired_buffer;
        ++r.expired;
        --s.buffered;
        AdvanceHead(sl, 1, now);
      } else if (x.arrival_ns < age_ns) {
        GiveUp(sl, 1, true, now);
      } else {
        break;
      }
    }
    MaybeFinish(sl.shard, now);
    if (s.blocked) Released(sl.shard, now);
  }

  // Extends the candidate batch over records that came since the last look.
  void Form(Slot& sl) {
    if (sl.formed_closed) return;
    uint64_t limit = std::min(sl.tail, sl.head + static_cast<uint64_t>(l_.batch_size));
    if (sl.pinned_n > 0) limit = std::min(limit, sl.pinned[sl.pinned_n - 1]);
    const int64_t window = tumbling_ns_ > 0 ? WindowOf(sl.ring[sl.head & sl.mask].rec) : 0;
    while (sl.formed_end < limit) {
      const StoredRecord& x = sl.ring[sl.formed_end & sl.mask].rec;
      const int64_t p = PayloadBytes(x.bytes);
      if (sl.formed_end > sl.head && (sl.formed_payload + p > kMaxPayloadBytes ||
                                      (tumbling_ns_ > 0 && WindowOf(x) != window))) {
        sl.formed_closed = true;
        return;
      }
      sl.formed_payload += p;
      sl.formed_bytes += x.bytes;
      sl.formed_user_records += x.user_records;
      ++sl.formed_end;
    }
    if (sl.formed_end - sl.head == static_cast<uint64_t>(l_.batch_size) ||
        (sl.pinned_n > 0 && sl.formed_end == sl.pinned[sl.pinned_n - 1])) {
      sl.formed_closed = true;
    }
  }

  void TryInvoke(Slot& sl, SimTime now) {
    if (sl.in_flight || !readers_[sl.shard].registered) return;
    if (now.nanos() < sl.not_before_ns) return SetTimer(sl, SimTime::FromNanos(sl.not_before_ns));
    const SimTime active = outages_.Active(now);
    if (active > now) return SetTimer(sl, active);
    DropFront(sl, now);
    if (tumbling_ns_ > 0 && sl.open_window >= 0) {
      bool close;
      if (sl.head < sl.tail) {
        close = WindowOf(sl.ring[sl.head & sl.mask].rec) > sl.open_window;
      } else {
        const SimTime due =
            SimTime::FromNanos((sl.open_window + 1) * tumbling_ns_) + kTumblingGrace;
        close = now >= due;
        if (!close) return SetTimer(sl, due);
      }
      if (close) return Invoke(sl, now, true);
    }
    if (sl.head == sl.tail) return;
    Form(sl);
    if (!sl.formed_closed && l_.batching_window > SimDuration::Zero()) {
      const SimTime due =
          SimTime::FromNanos(std::max(sl.last_done_ns, sl.empty_append_ns)) + l_.batching_window;
      if (now < due) return SetTimer(sl, due);
    }
    Invoke(sl, now, false);
  }

  void Invoke(Slot& sl, SimTime now, bool final) {
    if (limit_ > 0 && running_ >= limit_) {
      ++throttles_;
      ++invoke_throttles_per_win_[Window(now)];
      const auto jitter = static_cast<int64_t>(
          fn_rng_->Below(static_cast<uint64_t>(kInvokeThrottleBackoff.nanos())));
      sl.not_before_ns = (now + kInvokeThrottleBackoff).nanos() + jitter;
      if (!sl.waiting) {
        sl.waiting = true;
        waiters_.push_back(static_cast<uint32_t>(&sl - slots_.data()));
      }
      return SetTimer(sl, SimTime::FromNanos(sl.not_before_ns));
    }
    if (sl.retry_due && !final) {
      ++retries_;
      sl.retry_due = false;
    }
    const uint64_t n = final ? 0 : sl.formed_end - sl.head;
    const uint64_t bytes = final ? 0 : sl.formed_bytes;
    // The function de-aggregates KPL records (with the deaggregation library, fact sheet 8) and
    // spends its per-record time on each user record.
    const uint64_t user_records = final ? 0 : sl.formed_user_records;
    const SimDuration duration =
        function_.Sample(*fn_rng_, static_cast<int64_t>(user_records), static_cast<int64_t>(bytes));
    sl.flight_poison = kNone;
    if (!sl.poison.empty() && sl.poison.front() < sl.head + n) sl.flight_poison = sl.poison.front();
    bool fails = sl.flight_poison != kNone;
    if (!final && l_.function.error_rate > 0 && fn_rng_->NextDouble() < l_.function.error_rate) {
      fails = true;
    }
    sl.in_flight = true;
    sl.flight_final = final;
    sl.flight_fails = fails;
    sl.flight_n = n;
    if (!final) {
      const uint64_t end = sl.head + n;
      if (sl.max_sent > sl.head) records_retried_ += std::min(end, sl.max_sent) - sl.head;
      sl.max_sent = std::max(sl.max_sent, end);
      if (tumbling_ns_ > 0) {
        const int64_t w = WindowOf(sl.ring[sl.head & sl.mask].rec);
        if (w > sl.closed_through) sl.open_window = w;
      }
    }
    ++invocations_;
    const size_t w = Window(now);
    ++invocations_per_win_[w];
    ++running_;
    NoteConcurrency(now);
    duration_ns_.Record(static_cast<uint64_t>(duration.nanos()));
    if (!final) {
      batch_records_.Record(n);
      batch_user_records_.Record(user_records);
    }
    mb_ms_ += static_cast<uint64_t>((duration.nanos() + 999'999) / 1'000'000) *
              static_cast<uint64_t>(l_.function.memory_mb);
    const SimTime done = now + duration;
    if (done <= end_) {
      ctx_->Schedule(done, Tag::Pack(static_cast<uint64_t>(&sl - slots_.data()), Kind::kDone));
    }
  }

  void NoteConcurrency(SimTime now) {
    const auto level = static_cast<double>(running_);
    concurrency_.Set(now, level);
    const size_t w = Window(now);
    if (!(conc_max_per_win_[w] >= level)) conc_max_per_win_[w] = level;
    conc_last_per_win_[w] = level;
  }

  void Succeed(Slot& sl, uint64_t k, SimTime now) {
    ReaderState& r = readers_[sl.shard];
    const int64_t now_ns = now.nanos();
    const int64_t warmup_ns = warmup_.nanos();
    const bool hook = static_cast<bool>(hooks_.on_processed);
    for (uint64_t q = sl.head; q < sl.head + k; ++q) {
      const SlotRecord& x = sl.ring[q & sl.mask];
      if (hook) [[unlikely]]
        hooks_.on_processed(sl.shard, sl.index, x.sequence, x.rec, now);
      user_processed_ += x.rec.user_records;
      if (x.rec.created_ns >= warmup_ns) {
        e2e_ns_.Record(static_cast<uint64_t>(now_ns - x.rec.created_ns));
      }
    }
    r.processed += k;
    shards_[sl.shard].buffered -= k;
    done_per_win_[Window(now)] += k;
    AdvanceHead(sl, k, now);
  }

  void Done(Slot& sl, SimTime now) {
    SHARDSIM_CHECK(sl.in_flight, "an invocation ended that was not running");
    sl.in_flight = false;
    --running_;
    NoteConcurrency(now);
    sl.last_done_ns = now.nanos();
    const uint64_t n = sl.flight_n;
    if (sl.flight_final) {
      ++tumbling_windows_;
      sl.closed_through = sl.open_window;
      sl.open_window = -1;
    } else {
      const StoredRecord& last = sl.ring[(sl.head + n - 1) & sl.mask].rec;
      SampleIteratorAge(readers_[sl.shard], now, SimDuration::Nanos(now.nanos() - last.arrival_ns));
      if (!sl.flight_fails) {
        Succeed(sl, n, now);
      } else {
        Fail(sl, n, now);
      }
    }
    Released(sl.shard, now);
    ServeWaiters(now);
    TryInvoke(sl, now);
  }

  // Concurrency freed by an invocation goes first to the slots that were refused it, longest
  // waiting first, so that a busy slot cannot starve throttled ones (their backoff timers would
  // always lose to a slot that invokes again the moment it finishes).
  void ServeWaiters(SimTime now) {
    while (limit_ > 0 && running_ < limit_ && waiter_head_ < waiters_.size()) {
      Slot& w = slots_[waiters_[waiter_head_++]];
      w.waiting = false;
      w.not_before_ns = std::min(w.not_before_ns, now.nanos());
      TryInvoke(w, now);
    }
    if (waiter_head_ == waiters_.size()) {
      waiters_.clear();
      waiter_head_ = 0;
    }
  }

  void Fail(Slot& sl, uint64_t n, SimTime now) {
    ++invocations_failed_;
    ++errors_per_win_[Window(now)];
    if (sl.stall_start_ns < 0) sl.stall_start_ns = now.nanos();
    const uint64_t end = sl.head + n;
    Pin(sl, end);
    bool retry = true;
    if (l_.report_batch_item_failures && sl.flight_poison != kNone) {
      // The function reports the poison record: Lambda checkpoints there (fact sheet 6).
      if (sl.flight_poison > sl.head) Succeed(sl, sl.flight_poison - sl.head, now);
      ++sl.attempts;
    } else if (l_.bisect_batch_on_function_error && n > 1) {
      Pin(sl, sl.head + n / 2);
      ++bisections_;
      sl.attempts = 0;
    } else {
      ++sl.attempts;
    }
    if (l_.maximum_retry_attempts >= 0 && sl.attempts > l_.maximum_retry_attempts) {
      GiveUp(sl, sl.pinned[sl.pinned_n - 1] - sl.head, false, now);
      retry = false;
    } else if (sl.attempts > 0) {
      sl.retry_due = true;  // counted when the retry is invoked
    }
    ResetForm(sl);
    if (retry) sl.not_before_ns = (now + kRetryDelay).nanos();
  }

  LambdaSpec l_;
  uint32_t pf_;
  bool efo_ = false;
  ProcessingSampler function_;
  LatencySampler latency_;
  LatencySampler efo_delay_;
  uint64_t read_ahead_;
  uint64_t max_bytes_ = 0;
  int64_t tumbling_ns_ = spec_.lambda.tumbling_window.nanos();
  int64_t limit_ = spec_.lambda.function.concurrency_limit.value_or(0);
  LambdaTestHooks hooks_;
  std::vector<ShardState> shards_;
  std::vector<Slot> slots_;  // shard * pf + slot
  std::vector<bool> my_poison_;
  PushGroups pushes_;
  std::optional<Rng> rng_, fn_rng_;

  int64_t running_ = 0;
  std::vector<uint32_t> waiters_;  // slots refused concurrency, in order; from waiter_head_ on
  size_t waiter_head_ = 0;
  TimeWeightedGauge concurrency_;
  uint64_t invocations_ = 0, invocations_failed_ = 0, retries_ = 0, bisections_ = 0;
  uint64_t throttles_ = 0, records_retried_ = 0, to_destination_ = 0, dropped_ = 0;
  uint64_t given_up_by_retries_ = 0, given_up_by_age_ = 0, poison_met_ = 0;
  uint64_t tumbling_windows_ = 0, mb_ms_ = 0;
  LogHistogram e2e_ns_, read_delay_ns_, duration_ns_, batch_records_, batch_user_records_;
  uint64_t user_processed_ = 0;  // user records in succeeded invocations
  std::vector<uint64_t> done_per_win_, bytes_per_win_, invocations_per_win_, errors_per_win_,
      invoke_throttles_per_win_;
  std::vector<double> conc_max_per_win_, conc_last_per_win_;
};

}  // namespace

std::unique_ptr<ConsumerBase> MakeLambdaConsumer(const ConsumerSpec& spec,
                                                 const ConsumerContext& context) {
  return std::make_unique<LambdaConsumer>(spec, context, LambdaTestHooks{});
}

std::unique_ptr<ConsumerBase> MakeLambdaConsumerForTest(const ConsumerSpec& spec,
                                                        const ConsumerContext& context,
                                                        LambdaTestHooks hooks) {
  return std::make_unique<LambdaConsumer>(spec, context, std::move(hooks));
}

void CorruptLambdaCountsForTest(ConsumerBase& consumer, uint64_t records) {
  auto* lambda = dynamic_cast<LambdaConsumer*>(&consumer);
  SHARDSIM_CHECK(lambda != nullptr, "not a Lambda consumer");
  lambda->Corrupt(records);
}

}  // namespace shardsim
