// Internal to the read path (models/consumers/consumers.h): what every consumer shares -- one
// ShardLog reader per shard with its bookkeeping (readers grow with resharding; a child is read
// only after its parents are finished), the GetRecords step, the enhanced fan-out reader, outage
// calendars, and the per-record statistics a delivered batch feeds. A batch's processing end is
// computed when it is read (failures, outages and the end of the run are known in advance), so a
// consumer needs one event per call or push, never one per record or per processing step. Per
// reader, at every moment: available = processed + unread + expired (unique records), and the log's
// own counts (read, expired, replayed) equal the reader's. Not thread-safe.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/keys/key_model.h"
#include "models/result/run_result.h"
#include "models/spec/scenario.h"
#include "models/stream/read_limits.h"
#include "models/stream/shard_log.h"
#include "models/stream/stream.h"
#include "models/traffic/samplers.h"
#include "sim/event_tag.h"
#include "sim/simulation.h"
#include "sim/slot_pool.h"
#include "sim/stats.h"

namespace shardsim {

// Periods [from, to) in which a consumer reads and processes nothing: work in hand pauses and
// resumes at `to` (the process is stopped, not crashed: no replay).
class OutageCalendar {
 public:
  explicit OutageCalendar(const std::vector<OutageSpec>& outages);
  // `t`, or the end of the outage (or run of back-to-back outages) holding it.
  SimTime Active(SimTime t) const { return periods_.empty() ? t : ActiveSlow(t); }
  // When `work` started at `start` ends, pausing through outages.
  SimTime Finish(SimTime start, SimDuration work) const {
    return periods_.empty() ? start + work : FinishSlow(start, work);
  }

 private:
  SimTime ActiveSlow(SimTime t) const;
  SimTime FinishSlow(SimTime start, SimDuration work) const;

 public:
  // [from, to) in ns, sorted, back-to-back and overlapping outages merged.
  const std::vector<std::pair<int64_t, int64_t>>& periods() const { return periods_; }

 private:
  std::vector<std::pair<int64_t, int64_t>> periods_;  // sorted, non-overlapping
};

// One enhanced fan-out subscription to a shard (fact sheet 2): SubscribeToShard delivers for
// `lifetime`, is renewed at its end after a short gap, and pushes at most 2 MiB/s through a byte
// bucket one second deep (empty when everything pushed is paid a second ahead).
class EfoSubscription {
 public:
  static constexpr int64_t kBytesPerSec = 2 * kMiB;
  // A re-subscription takes this long (UNCONFIRMED: no AWS figure; one SubscribeToShard call).
  static constexpr SimDuration kRenewGap = SimDuration::Millis(50);

  // A SubscribeToShard call at `now`: delivery starts after the gap.
  void Start(SimTime now, SimDuration lifetime) {
    gap_end_ns_ = (now + kRenewGap).nanos();
    end_ns_ = gap_end_ns_ + lifetime.nanos();
  }
  // Renews the subscriptions that ended by `now` (a consumer renews whether or not records
  // flow); returns the SubscribeToShard calls that took.
  uint64_t Renew(SimTime now, SimDuration lifetime) {
    uint64_t calls = 0;
    while (end_ns_ <= now.nanos()) {
      ++calls;
      gap_end_ns_ = end_ns_ + kRenewGap.nanos();
      end_ns_ = gap_end_ns_ + lifetime.nanos();
    }
    return calls;
  }
  // The renewal gap in progress ends here (<= now: delivering).
  SimTime gap_end() const { return SimTime::FromNanos(gap_end_ns_); }
  // The current subscription delivers until here; 0 before Start.
  SimTime end() const { return SimTime::FromNanos(end_ns_); }
  // Bytes a push may carry at `now`, at least 1; 0 while the bucket is empty (until paid_until).
  uint64_t Budget(SimTime now) const {
    const int64_t budget_ns = now.nanos() + kSecondNs - paid_ns_;
    if (budget_ns <= 0) return 0;
    // At most 1 s of budget (2^51 before dividing): plain 64-bit arithmetic.
    return static_cast<uint64_t>(
        std::max<int64_t>(1, std::min(budget_ns, kSecondNs) * kBytesPerSec / kSecondNs));
  }
  SimTime paid_until() const { return SimTime::FromNanos(paid_ns_); }
  // Pays for a push of `bytes` (at most 10 MiB: bytes * 1e9 fits in 64 bits).
  void Pay(SimTime now, uint64_t bytes) {
    paid_ns_ = std::max(paid_ns_, now.nanos()) +
               (static_cast<int64_t>(bytes) * kSecondNs + kBytesPerSec - 1) / kBytesPerSec;
  }

 private:
  static constexpr int64_t kSecondNs = 1'000'000'000;
  int64_t paid_ns_ = 0;
  int64_t gap_end_ns_ = 0;  // the current subscription delivers from here ...
  int64_t end_ns_ = 0;      // ... until here
};

// Enhanced fan-out pushes: every shard stored into at one instant travels in one push group, so
// a subscriber schedules one event per instant (a producer call), not one per shard.
class PushGroups {
 public:
  struct Group {
    int64_t instant_ns = 0;
    std::vector<uint32_t> shards;
  };
  // Adds `shard` to the group of instant `arrival`. Returns the group's index when this call
  // opened it (the caller schedules its push), else nothing.
  std::optional<uint32_t> Add(uint32_t shard, SimTime arrival) {
    std::optional<uint32_t> opened;
    if (current_ == kNone || groups_[current_].instant_ns != arrival.nanos()) {
      const uint32_t g = groups_.Allocate();
      groups_[g].instant_ns = arrival.nanos();
      current_ = g;
      opened = g;
    }
    groups_[current_].shards.push_back(shard);
    return opened;
  }
  // The push of group g: calls deliver(shard, instant_ns) for each of its shards in the order they
  // stored, then reuses the group's slot (its vector keeps its capacity).
  template <class Deliver>
  void Push(uint32_t g, Deliver&& deliver) {
    Group& group = groups_[g];
    for (uint32_t shard : group.shards) deliver(shard, group.instant_ns);
    group.shards.clear();
    groups_.Free(g);
    if (current_ == g) current_ = kNone;
  }

 private:
  static constexpr uint32_t kNone = ~uint32_t{0};
  SlotPool<Group> groups_;
  uint32_t current_ = kNone;
};

// One consumer's enhanced fan-out reader of one shard: its subscription, how far pushes have made
// the shard's records due, and its one pending wake. What every push shares, for the EFO consumer
// and Lambda's EFO source: the preamble (outage, renewal, gap), the byte budget, the read and what
// is left due after it.
class EfoReader {
 public:
  static constexpr int64_t kNever = kNeverNs;

  // SubscribeToShard at `now`: what the shard holds already is due; delivery starts after the
  // renewal gap, at the returned time.
  SimTime Subscribe(SimTime now, SimDuration lifetime) {
    visible_ns_ = now.nanos();
    pipe_.Start(now, lifetime);
    return pipe_.gap_end();
  }
  // A push group of instant `instant_ns` reached the shard: records that arrived by then are due.
  void MakeDue(int64_t instant_ns) { visible_ns_ = std::max(visible_ns_, instant_ns); }
  // Renews the subscriptions that ended by `now`; returns the SubscribeToShard calls that took.
  uint64_t Renew(SimTime now, SimDuration lifetime) { return pipe_.Renew(now, lifetime); }
  // The checks before a push at `now`, in order: an outage, then the subscription (renewed up to
  // now, its calls added to *subscribe_calls) and its renewal gap. Returns when to look again, or
  // nothing when the push may go ahead.
  std::optional<SimTime> Hold(SimTime now, const OutageCalendar& outages, SimDuration lifetime,
                              uint64_t* subscribe_calls) {
    const SimTime active = outages.Active(now);
    if (active > now) return active;
    *subscribe_calls += pipe_.Renew(now, lifetime);
    if (now < pipe_.gap_end()) return pipe_.gap_end();
    return std::nullopt;
  }
  // Bytes a push may carry at `now`; 0 while the budget is spent (until paid_until()).
  uint64_t Budget(SimTime now) const { return pipe_.Budget(now); }
  SimTime paid_until() const { return pipe_.paid_until(); }
  // A push at `now`: the due records from the cursor, at most max_records and max_bytes, paid
  // from the byte budget when any came.
  ReadResult Read(ShardLog& log, ShardLog::CursorId cursor, SimTime now, uint32_t max_records,
                  uint64_t max_bytes) {
    const ReadResult rr = log.Read(cursor, now, max_records, max_bytes,
                                   SimTime::FromNanos(std::min(visible_ns_, now.nanos())));
    if (!rr.records.empty()) pipe_.Pay(now, rr.bytes);
    return rr;
  }
  // After a push `rr` that left the reader at `position`: whether records already due wait, and
  // what held them back -- the byte budget (wait for it), or the push's size (push on). Records not
  // yet due come with their own instant's push.
  enum class Backlog { kNone, kBudget, kEventSize };
  Backlog Left(const ShardLog& log, uint64_t position, const ReadResult& rr,
               uint64_t max_bytes) const {
    if (position >= log.next_sequence()) return Backlog::kNone;
    const StoredRecord& next = log.At(position);
    if (next.arrival_ns > visible_ns_) return Backlog::kNone;
    return rr.bytes + next.bytes > max_bytes ? Backlog::kBudget : Backlog::kEventSize;
  }
  // Makes sure the reader wakes no later than `at` (nothing after `end`): an earlier pending wake
  // stands, a later one moves. A wake for the current instant runs in kObserve, after the pushes
  // of the instant.
  void ScheduleWake(Context& ctx, SimTime at, SimTime end, uint32_t tag) {
    if (wake_ns_ <= at.nanos() || at > end) return;
    if (wake_ns_ != kNever) ctx.Cancel(wake_);
    const bool now = at <= ctx.Now();
    wake_ = ctx.Schedule(now ? ctx.Now() : at, tag, now ? Phase::kObserve : Phase::kDefault);
    wake_ns_ = at.nanos();
  }
  // The pending wake fired.
  void Woke() { wake_ns_ = kNever; }
  // Whether Subscribe was called: a started subscription ends after its renewal gap, so later
  // than 0 (no flag of its own keeps a subscriber's state in one cache line).
  bool subscribed() const { return pipe_.end() > SimTime::Zero(); }

 private:
  EfoSubscription pipe_;
  EventHandle wake_;
  int64_t wake_ns_ = kNever;      // time of the pending wake, kNever if none
  int64_t visible_ns_ = -kNever;  // pushes may include records that arrived by then
};

// Settings every consumer of a run shares.
struct ConsumerContext {
  Stream* stream = nullptr;
  SharedReadLimits* limits = nullptr;  // GetRecords limits shared by polling readers
  SimTime end;
  SimTime warmup;
  SimDuration series_interval;
  LatencySpec visibility;  // put -> visible to GetRecords (the stream's propagation delay)
  // The producers' key models by group index (StoredRecord::producer), for poison-record keys.
  std::vector<const KeyModel*> key_models;
};

// One consumer's reader of one shard.
struct ReaderState {
  uint32_t shard = 0;
  bool registered = false;
  // Resharding (fact sheet 3): a child shard is read only after every parent is finished -- read
  // past its last record and, where the consumer processes in order, processed -- so records of
  // one key are processed in order across the reshard. (Beside `registered`: the checks of every
  // call read one cache line.)
  bool ended = false;     // read past the last record of its closed shard
  bool finished = false;  // ended, and done with: its children may be read
  ShardLog::CursorId cursor = 0;
  uint32_t parents_pending = 0;  // parents not finished yet
  uint64_t start_sequence = 0;
  uint64_t position = 0;           // the cursor's position as this reader last saw it
  uint64_t processed_through = 0;  // below this, every record was processed (or expired)
  uint64_t read = 0;               // records returned, re-reads included
  uint64_t processed = 0;          // unique records processed
  uint64_t reprocessed = 0;        // processed again after a rewind
  uint64_t in_flight_end = 0;      // unique records whose processing ends after the run
  uint64_t in_flight_all = 0;      // all records (re-reads included) of those batches
  uint64_t discarded = 0;          // read by a worker that failed before processing them
  uint64_t discarded_pending = 0;  // of those, unique ones not yet rewound over
  uint64_t expired = 0;            // unique records lost to retention before processing
  uint64_t expired_all = 0;        // every record the cursor lost to retention
  uint64_t replayed = 0;           // records rewound over
  uint64_t bytes_read = 0;
  uint64_t calls = 0;
  uint64_t throttles = 0;
  uint64_t age_max_ns = 0;
  int64_t expiry_check_ns = 0;  // no record of the shard expires before this
  // Per series window: max iterator age; NaN before the first sample. Windows without a sample
  // are filled when the next one comes (see SampleIteratorAge) or at the end.
  std::vector<float> age_ms;
  int64_t last_age_ns = -1;  // time of the latest sample (-1: none yet)
  float last_age_ms = 0;     // its value
  // Per outage period (OutageCalendar::periods()): the reader's iterator age around it.
  struct Outage {
    float before_ms = 0;  // highest sample in the minute before the outage
    float peak_ms = 0;    // highest sample from its end until caught up
    bool sampled_after = false;
    int64_t caught_up_ns = -1;  // first sample after it within kCaughtUpSlack of before_ms
  };
  std::vector<Outage> outages;  // sized once the consumer has outages
  // Batches whose processing ends after the latest event, for ProcessedBy().
  struct Pending {
    int64_t done_ns;
    uint64_t records;
  };
  std::array<Pending, 8> pending{};
  uint32_t pending_head = 0, pending_count = 0;
  std::vector<uint32_t> children;  // shards this one was split or merged into (resharding)
  // A child shard: when the reshard opened it, and when every parent was finished (-1: not yet).
  int64_t opened_ns = -1;
  int64_t readable_ns = -1;
};

class ConsumerBase : public Component, public ShardListener {
 public:
  // Listens to the stream's reshards (children get readers; see OnChildShard, OnReadable).
  ConsumerBase(const ConsumerSpec& spec, const ConsumerContext& context);

  // A reader per child, registered at once (a child's log keeps its records for the consumer
  // from its first one) but read only when every parent is finished; then OnChildShard per child.
  void OnReshard(const Reshard& reshard) override;

  // Closes every reader at the end of the run (retention applied at the end time).
  void Finish(Context& ctx) override;

  ConsumerResult Result() const;
  // Checks the per-reader identities; appends a description of each failure to *detail.
  virtual bool CheckConservation(std::string* detail) const;
  virtual SeriesTable Series() const;
  // Assumptions this consumer's model makes beyond the read path's (ReadPath::Assumptions).
  virtual std::vector<Assumption> Assumptions() const { return {}; }
  // Unique records whose processing ended at or before t. REQUIRES: t >= the latest event time.
  uint64_t ProcessedBy(SimTime t) const;
  const ConsumerSpec& spec() const { return spec_; }
  // Publishes "consumer/<name>/GetRecords.IteratorAgeMilliseconds" (sim/metrics.h): per shard
  // (rows by shard index), the reader's iterator-age maximum per series window, the array the
  // series and results come from (NaN: no sample). REQUIRES: once, before the run.
  void PublishMetrics(MetricsRegistry& registry) const;

 protected:
  enum class Fate { kProcessed, kInFlightAtEnd, kDiscarded };

  // Registers the reader's cursor from the consumer's starting position (AT_TIMESTAMP at its
  // timestamp, which the caller schedules).
  void Register(ReaderState& r);
  // Applies retention up to `now` on the reader's shard when its oldest record is due.
  // The oldest record's arrival only grows, so the reader remembers when the next expiry can be
  // due and skips the (usually cold) look at the log until then.
  void ExpireDue(ReaderState& r, SimTime now) {
    if (now.nanos() < r.expiry_check_ns) return;
    ShardLog& log = stream_.log(r.shard);
    const int64_t retention_ns = log.retention().nanos();
    if (log.retained() != 0 &&
        log.At(log.trim_horizon()).arrival_ns <= now.nanos() - retention_ns) {
      log.Expire(now);
    }
    r.expiry_check_ns = log.retained() != 0
                            ? log.At(log.trim_horizon()).arrival_ns + retention_ns + 1
                            : now.nanos() + retention_ns + 1;
  }
  // Accounts for one read: records expired since the previous read, the batch's fate, and per
  // record latency (creation -> done) and propagation (arrival -> delivered) of unique records.
  void Account(ReaderState& r, const ReadResult& rr, SimTime now, SimTime delivered, SimTime done,
               Fate fate);
  // ---- The GetRecords step (fact sheet 2), one for every polling reader: plain pollers, KCL,
  // Lambda's poller and Firehose's. AdmitGetRecords passes a call at `now` through the shard's
  // shared read limits (counting the call, or the throttle); IssueGetRecords fixes an admitted
  // call's visibility cutoff and response time; ReadGetRecords reads the log at one instant `at`:
  // retention is applied, the records that arrived by the cutoff are taken (up to the call's
  // limits), the shard's limits are charged, and iterator age and MillisBehindLatest are measured.
  // The shard's children are discovered here too: the read that passes a closed shard's last
  // record ends the reader (ReadResult::end_of_shard).
  //
  // Timing, the one parameter: plain pollers and KCL read at the call (at = the call's instant,
  // the batch delivered at the response); Lambda and Firehose read at the response (at = call +
  // latency). The records returned are the same either way -- the cutoff is fixed at the call,
  // and a reader's cursor moves only through its own reads -- but the instant decides when the
  // byte budget is paid and the 10 MiB penalty starts (so which later calls of any reader of the
  // shard are throttled), when retention drops records, and the instant ages are measured from.
  // One timing for all would change the examples' results, so the instant stays the caller's.
  struct IssuedCall {
    SimTime cutoff;    // records that arrived by then are visible to the call
    SimTime response;  // when the response reaches the reader
  };
  ReadThrottle AdmitGetRecords(ReaderState& r, SimTime now) {
    const ReadThrottle verdict = limits_->Admit(r.shard, now);
    if (verdict == ReadThrottle::kNone) {
      ++r.calls;
    } else {
      CountThrottle(r, now, verdict);
    }
    return verdict;
  }
  // Draws the call's visibility delay, then its latency (`latency`), from `rng`.
  IssuedCall IssueGetRecords(SimTime now, const LatencySampler& latency, Rng& rng) const {
    const SimTime cutoff = now - visibility_.Sample(rng);
    return {cutoff, now + latency.Sample(rng)};
  }
  // REQUIRES: cutoff <= at; max_records >= 1; the reader registered. *capped (if given): the
  // response stopped at max_bytes with more visible records waiting. A response past the last
  // record of a closed shard (no NextShardIterator) sets r.ended: end-of-shard discovery.
  ReadResult ReadGetRecords(ReaderState& r, SimTime at, SimTime cutoff, uint32_t max_records,
                            uint64_t max_bytes, bool* capped = nullptr) {
    ExpireDue(r, at);
    const ReadResult rr = stream_.log(r.shard).Read(r.cursor, at, max_records, max_bytes, cutoff);
    const bool hit = HitByteCap(r, rr, max_bytes, cutoff);
    limits_->Charge(r.shard, at, rr.bytes, hit);
    if (capped != nullptr) *capped = hit;
    stream_.NoteGetRecordsAge(r.shard, at, rr.iterator_age);  // CloudWatch's per-minute maximum
    // No NextShardIterator: the reader calls this shard no more; the caller finishes it when done.
    if (rr.end_of_shard) r.ended = true;
    return rr;
  }

  // Whether a read stopped at `max_bytes` with more visible records waiting: AWS's "a call that
  // returns 10 MiB" (a response can only fill the cap up to the next record's boundary).
  bool HitByteCap(const ReaderState& r, const ReadResult& rr, uint64_t max_bytes,
                  SimTime visible_through) const {
    const ShardLog& log = stream_.log(r.shard);
    const uint64_t at = rr.first_sequence + rr.records.size();
    if (rr.records.empty() || at >= log.next_sequence()) return false;
    const StoredRecord& next = log.At(at);
    return next.arrival_ns <= visible_through.nanos() && rr.bytes + next.bytes > max_bytes;
  }
  // User records in a read: KPL aggregates count their user records, which the consumer's
  // application processes after de-aggregating (the KCL does; a plain GetRecords loop or an EFO
  // subscriber uses the KCL or the deaggregation library). Processing time per record applies per
  // user record (fact sheet 8).
  static uint64_t UserRecords(const ReadResult& rr) {
    uint64_t n = 0;
    for (std::span<const StoredRecord> run : {rr.records.first(), rr.records.second()}) {
      for (const StoredRecord& x : run) n += x.user_records;
    }
    return n;
  }
  // GetRecords.IteratorAgeMilliseconds of one call or event.
  void SampleIteratorAge(ReaderState& r, SimTime now, SimDuration age);
  void CountThrottle(ReaderState& r, SimTime now, ReadThrottle why);
  // Moves the reader back to `sequence` (a checkpoint) for a lease takeover.
  void Rewind(ReaderState& r, uint64_t sequence);
  // Extra result fields of a consumer kind; runs last in Result() and may adjust any field.
  virtual void FillResult(ConsumerResult& result) const { (void)result; }

  // ---- Shard lineage (resharding). A reshard at `at` added `child` (readers_[child] exists and
  // is registered): grow the consumer's per-shard state. Its parents are not finished yet.
  virtual void OnChildShard(uint32_t child, SimTime at) = 0;
  // Every parent of `shard` is finished: its reader may read from `at` on.
  virtual void OnReadable(uint32_t shard, SimTime at) = 0;
  // A reshard at `at` closed `shard` (after its children's OnChildShard). Readers that poll learn
  // of the end from their next GetRecords; a push reader already past the last record is at the
  // end now (no further push comes).
  virtual void OnShardClosed(uint32_t shard, SimTime at) {
    (void)shard;
    (void)at;
  }
  // The consumer is done with r's closed shard at `at` (r.ended; its last batch processed, where
  // the consumer processes in order): children whose parents are all finished become readable.
  void FinishShard(ReaderState& r, SimTime at);
  // Whether r may read: registered, and every parent finished.
  static bool Readable(const ReaderState& r) { return r.registered && r.parents_pending == 0; }

  // Series window of t (the last one for t at or after the end). Remembers the latest window, so
  // the calls of one instant divide once.
  size_t Window(SimTime t) const {
    const int64_t ns = t.nanos();
    if (ns >= window_lo_ns_ && ns < window_hi_ns_) return window_;
    const auto w = std::min(static_cast<size_t>(ns / series_ns_), windows_ - 1);
    window_ = w;
    window_lo_ns_ = static_cast<int64_t>(w) * series_ns_;
    window_hi_ns_ =
        w + 1 == windows_ ? std::numeric_limits<int64_t>::max() : window_lo_ns_ + series_ns_;
    return w;
  }

  ConsumerSpec spec_;
  Stream& stream_;
  Context* ctx_ = nullptr;  // set by Start: reshards (OnReshard) come from other components' events
  SharedReadLimits* limits_;
  LatencySampler visibility_;  // put -> visible to GetRecords (ConsumerContext::visibility)
  SimTime end_;
  SimTime warmup_;
  OutageCalendar outages_;
  ProcessingSampler processing_;
  std::vector<ReaderState> readers_;  // by shard index
  uint64_t subscribe_calls_ = 0;
  uint64_t throttled_by_[kReadThrottleKinds] = {};

 private:
  struct MetricViews;  // PublishMetrics' accessors (consumers.cc)
  void NoteGap(ReaderState& r, uint64_t position);
  // The age samples around the consumer's outages: the level before each, the catch-up after.
  void NoteOutageSample(ReaderState& r, int64_t now_ns, float ms);
  // End of run - arrival of the reader's oldest unread record, ms (0 when it has read all).
  double BehindAtEndMs(const ReaderState& r) const;
  // r's iterator age in window w: the sampled maximum, a gap or the tail after the last sample
  // growing 1 s per s (see SampleIteratorAge); NaN before the first sample.
  double AgeInWindow(const ReaderState& r, size_t w, double tail_cap_ms) const;
  // The consumer-wide iterator age per window: the worst shard's. NaN before any sample.
  std::vector<double> MaxAgeSeries() const;
  std::vector<OutageResult> OutageResults() const;

  size_t next_outage_ = 0;  // first outage period starting after the latest age sample
  int64_t series_ns_;
  size_t windows_;
  mutable size_t window_ = 0;
  mutable int64_t window_lo_ns_ = 0, window_hi_ns_ = 0;
  uint64_t deliveries_ = 0;
  uint64_t nonempty_deliveries_ = 0;
  uint64_t user_processed_ = 0;  // user records of the unique records processed
  LogHistogram latency_ns_;
  LogHistogram propagation_ns_;
  LogHistogram age_ns_;
  std::vector<uint64_t> win_processed_, win_bytes_, win_throttles_;
};

// Factories; the types live in their .cc files.
std::unique_ptr<ConsumerBase> MakePollingConsumer(const ConsumerSpec& spec,
                                                  const ConsumerContext& context);
std::unique_ptr<ConsumerBase> MakeKclConsumer(const ConsumerSpec& spec,
                                              const ConsumerContext& context);
std::unique_ptr<ConsumerBase> MakeEfoConsumer(const ConsumerSpec& spec,
                                              const ConsumerContext& context);
// Lambda event-source mapping (models/consumers/lambda/lambda_consumer.cc).
std::unique_ptr<ConsumerBase> MakeLambdaConsumer(const ConsumerSpec& spec,
                                                 const ConsumerContext& context);
// Firehose delivery stream (models/consumers/firehose/firehose_consumer.cc). Source "stream":
// context.stream is the data stream, read with GetRecords through context.limits. Source
// "direct_put": context.stream is the Firehose's own ingestion stream (one shard whose write limits
// are the Direct PUT quotas, reads enabled) and context.limits is null; the Firehose takes records
// as they are stored.
std::unique_ptr<ConsumerBase> MakeFirehoseConsumer(const ConsumerSpec& spec,
                                                   const ConsumerContext& context);

// After a throttled GetRecords call a reader waits max(kThrottleBackoff, its poll interval) plus
// a uniform jitter in [0, kThrottleJitter): fact sheet 2, AWS recommends waiting 1 s; the jitter
// (as SDK retry policies add) keeps readers from retrying in lockstep. UNCONFIRMED as values;
// with them five readers sharing a shard see the ~1 s average of fact sheet 2 (tests check it).
inline constexpr SimDuration kThrottleBackoff = Seconds(1);
inline constexpr SimDuration kThrottleJitter = SimDuration::Millis(400);
inline SimDuration ThrottleBackoff(SimDuration interval, Rng& rng) {
  return std::max(kThrottleBackoff, interval) +
         SimDuration::Nanos(
             static_cast<int64_t>(rng.Below(static_cast<uint64_t>(kThrottleJitter.nanos()))));
}

}  // namespace shardsim
