// Firehose delivery stream (fact sheet 7): GetRecords or Direct PUT ingestion, then transform
// buffer, dynamic-partitioning first stage and S3 buffers into objects written with retries.
// Invariant: each record taken from a shard is in one buffer, transform batch or object, or was
// delivered, transform-failed or backed up. Events are per call, ingestion instant, buffer timer,
// transform batch and delivery attempt, never per record. Not thread-safe.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <queue>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "models/consumers/consumer_base.h"
#include "models/keys/key_model.h"
#include "models/result/summarize.h"
#include "models/spec/enum_names.h"
#include "models/spec/units.h"
#include "sim/check.h"
#include "sim/rng.h"

namespace shardsim {
namespace {

// Ingestion is billed per record's data rounded up to 5 KB (fact sheet 7); GB = 2^30
// (UNCONFIRMED).
constexpr uint64_t kBillingUnitBytes = 5'120;
constexpr double kBytesPerGb = 1073741824.0;
// Interval 0 (zero buffering) delivers "within a few seconds" (fact sheet 7); UNCONFIRMED value.
constexpr SimDuration kZeroBufferingDelay = Seconds(1);
// Pause between failed S3 delivery attempts; the fact sheet gives none for S3. UNCONFIRMED.
constexpr SimDuration kDeliveryRetryInterval = Seconds(5);
// GetRecords once per second per shard (fact sheet 7); after a full response the next call
// comes sooner, still within the shard's 5 calls/s. The 200 ms is UNCONFIRMED.
constexpr SimDuration kShardPollInterval = Seconds(1);
constexpr SimDuration kCatchUpInterval = Millis(200);
constexpr int64_t kTransformInvocationsPerShard = 5;  // fact sheet 7, S3 destinations

constexpr size_t kTransformBuffer = 0;
constexpr size_t kFirstStageBuffer = 1;
constexpr size_t kFirstS3Buffer = 2;  // S3 buffer of partition p: kFirstS3Buffer + p

// A Kinesis record inside the Firehose: the user data it delivers (a KPL aggregate de-aggregated,
// fact sheet 8; never the partition key, which Firehose does not deliver).
struct Item {
  int64_t created_ns;
  uint32_t bytes;         // data, without partition key or aggregation framing
  uint16_t partition;     // dynamic partitioning (< 5,000 partitions); 0 without
  uint16_t user_records;  // a KPL aggregate's user records, else 1
};
static_assert(sizeof(Item) == 16);

// Consecutive items taken from one shard at one instant: where they came from, for per-shard
// accounting, and when the Firehose received them, for the delivery latency.
struct Run {
  int64_t received_ns;
  uint32_t shard;
  uint32_t count;
};

// Records that move together: a buffer's contents, a transform batch, an object.
struct Batch {
  std::vector<Item> items;
  std::vector<Run> runs;  // items in order: run i covers the next runs[i].count items
  uint64_t bytes = 0;
  uint64_t user_records = 0;

  void Add(const Item& it, uint32_t shard, int64_t received_ns) {
    if (runs.empty() || runs.back().received_ns != received_ns || runs.back().shard != shard) {
      runs.push_back({received_ns, shard, 1});
    } else {
      ++runs.back().count;
    }
    items.push_back(it);
    bytes += it.bytes;
    user_records += it.user_records;
  }
  // Accounts for the last `count` items, appended without Add.
  void AddRun(uint32_t shard, int64_t received_ns, uint32_t count) {
    if (runs.empty() || runs.back().received_ns != received_ns || runs.back().shard != shard) {
      runs.push_back({received_ns, shard, count});
    } else {
      runs.back().count += count;
    }
  }
  void Clear() {
    items.clear();
    runs.clear();
    bytes = 0;
    user_records = 0;
  }
};

enum class Stage : uint8_t { kTransform, kFirstStage, kS3 };

// Flushes when its bytes reach size_bytes (the crossing record included) or `interval` after its
// first record, whichever comes first.
struct Buffer {
  Batch batch;
  Stage stage = Stage::kS3;
  uint64_t size_bytes = 0;
  SimDuration interval;
  EventHandle timer;
  bool timer_set = false;
};

// A transform batch in the Lambda, or an object in delivery.
struct WorkSlot {
  Batch batch;
  bool transform_ok = false;
  int64_t first_attempt_ns = 0;
  uint64_t object_bytes = 0;
};

class FirehoseConsumer final : public ConsumerBase, public AppendWatcher {
 public:
  FirehoseConsumer(const ConsumerSpec& spec, const ConsumerContext& context)
      : ConsumerBase(WithStart(spec), context),
        fh_(spec.firehose),
        direct_put_(spec.firehose.source == FirehoseSource::kDirectPut),
        dp_(spec.firehose.dynamic_partitioning.enabled),
        partitions_(dp_ ? static_cast<uint32_t>(spec.firehose.dynamic_partitioning.partitions) : 1),
        call_latency_(LatencySpec::Lognormal(Millis(20), Millis(100))),
        write_latency_(spec.firehose.destination.write_latency),
        transform_duration_(spec.firehose.transform.duration) {
    SHARDSIM_CHECK(direct_put_ == (limits_ == nullptr),
                   "a Direct PUT Firehose reads its own stream without GetRecords limits");
    SHARDSIM_CHECK(!direct_put_ || readers_.size() == 1, "an ingestion stream has one shard");
    if (limits_ != nullptr) {
      max_records_ = static_cast<uint32_t>(limits_->spec().max_records_per_call);
      max_bytes_ = static_cast<uint64_t>(limits_->spec().max_bytes_per_call);
    }
    const SimDuration interval =
        fh_.buffering.interval > SimDuration::Zero() ? fh_.buffering.interval : kZeroBufferingDelay;
    const auto size = static_cast<uint64_t>(fh_.buffering.size_bytes);
    bufs_.resize(kFirstS3Buffer + partitions_);
    bufs_[kTransformBuffer].stage = Stage::kTransform;
    bufs_[kTransformBuffer].size_bytes = static_cast<uint64_t>(fh_.transform.buffer_size_bytes);
    bufs_[kTransformBuffer].interval = fh_.transform.buffer_interval;
    // Multi-stage buffering: a first stage of half the interval before the partition buffers
    // makes the end-to-end delay up to 1.5x the interval (fact sheet 7).
    bufs_[kFirstStageBuffer].stage = Stage::kFirstStage;
    bufs_[kFirstStageBuffer].size_bytes = size;
    bufs_[kFirstStageBuffer].interval = SimDuration::Nanos(interval.nanos() / 2);
    for (size_t i = kFirstS3Buffer; i < bufs_.size(); ++i) {
      bufs_[i].size_bytes = size;
      bufs_[i].interval = interval;
    }
    entry_ = fh_.transform.enabled ? kTransformBuffer : dp_ ? kFirstStageBuffer : kFirstS3Buffer;
    after_transform_ = dp_ ? kFirstStageBuffer : kFirstS3Buffer;
    partition_used_.assign(partitions_, 0);
    failed_.assign(readers_.size(), 0);
    polls_.resize(readers_.size());
    if (!direct_put_ && fh_.transform.enabled) {
      transform_limit_ = kTransformInvocationsPerShard * static_cast<int64_t>(readers_.size());
    }
    const int64_t series_ns = context.series_interval.nanos();
    windows_ =
        static_cast<size_t>(std::max<int64_t>(1, (end_.nanos() + series_ns - 1) / series_ns));
    win_delivered_.assign(windows_, 0);
    win_objects_.assign(windows_, 0);
    win_object_bytes_.assign(windows_, 0);
    win_held_max_.assign(windows_, -1);
    win_held_last_.assign(windows_, 0);
  }

  void Start(Context& ctx) override {
    ctx_ = &ctx;
    rng_.emplace(ctx.MakeRng("reads"));
    transform_rng_.emplace(ctx.MakeRng("transform"));
    delivery_rng_.emplace(ctx.MakeRng("delivery"));
    if (direct_put_) {
      Register(readers_[0]);
      stream_.Watch(0, this);
      return;
    }
    for (ReaderState& r : readers_) {
      limits_->AddReader(r.shard);
      Register(r);
      // Shards are read at independent instants within the first second.
      const SimDuration jitter = SimDuration::Nanos(
          static_cast<int64_t>(rng_->Below(static_cast<uint64_t>(kShardPollInterval.nanos()))));
      ScheduleAt(SimTime::Zero() + jitter, Tag::Pack(r.shard, Kind::kCall));
    }
  }

  void OnEvent(Context& ctx, uint32_t tag) override {
    const uint32_t index = Tag::Index(tag);
    const SimTime now = ctx.Now();
    switch (Tag::KindOf(tag)) {
      case Kind::kCall:
        return Call(readers_[index], now);
      case Kind::kResponse:
        return Response(readers_[index], now);
      case Kind::kIngest:
        return IngestDirectPut(now);
      case Kind::kTimer:
        bufs_[index].timer_set = false;
        return Flush(index, now, /*by_size=*/false);
      case Kind::kTransformDone:
        return TransformDone(index, now);
      case Kind::kAttemptDone:
        return AttemptDone(index, now);
    }
  }

  // The ingestion stream stored records at `arrival`: take all of the instant's records once
  // every store of the instant is done (kObserve).
  void OnAppend(uint32_t shard, SimTime arrival) override {
    (void)shard;
    if (ingest_scheduled_ns_ == arrival.nanos()) return;
    ingest_scheduled_ns_ = arrival.nanos();
    ctx_->Schedule(arrival, Tag::Pack(0, Kind::kIngest), Phase::kObserve);
  }

  bool CheckConservation(std::string* detail) const override;
  SeriesTable Series() const override;
  std::vector<Assumption> Assumptions() const override;

 protected:
  void FillResult(ConsumerResult& c) const override;

 private:
  enum class Kind : uint32_t {
    kCall = 0,
    kResponse = 1,
    kIngest = 2,
    kTimer = 3,
    kTransformDone = 4,
    kAttemptDone = 5
  };
  // index: the shard (kCall, kResponse), the buffer (kTimer) or the slot (transform, delivery)
  using Tag = EventTag<Kind, 3>;

  // Firehose reads from LATEST (fact sheet 7); Direct PUT records are all its own.
  static ConsumerSpec WithStart(ConsumerSpec spec) {
    spec.starting_position = {};
    if (spec.firehose.source == FirehoseSource::kDirectPut) {
      spec.starting_position.type = StartingPositionType::kTrimHorizon;
    }
    return spec;
  }

  // An event at `at`; at the current instant it runs after the instant's other work.
  void ScheduleAt(SimTime at, uint32_t tag) {
    ctx_->Schedule(at, tag, at == ctx_->Now() ? Phase::kObserve : Phase::kDefault);
  }

  // ------------------------------------------------------------ reading

  struct Poll {
    int64_t call_ns = 0;
    int64_t visible_ns = 0;  // the call sees records that arrived by then
  };

  void NextCall(const ReaderState& r, SimTime at) {
    if (at <= end_) ScheduleAt(at, Tag::Pack(r.shard, Kind::kCall));
  }

  void Call(ReaderState& r, SimTime now) {
    if (AdmitGetRecords(r, now) != ReadThrottle::kNone) {
      return NextCall(r, now + ThrottleBackoff(kShardPollInterval, *rng_));
    }
    Poll& p = polls_[r.shard];
    p.call_ns = now.nanos();
    const IssuedCall call = IssueGetRecords(now, call_latency_, *rng_);
    p.visible_ns = std::max(call.cutoff, SimTime::Zero()).nanos();  // no earlier than t = 0
    if (call.response <= end_) ScheduleAt(call.response, Tag::Pack(r.shard, Kind::kResponse));
  }

  // The response of the call made at polls_[shard].call_ns arrives: read at the response, with
  // the call's cutoff; its records are received.
  void Response(ReaderState& r, SimTime now) {
    const Poll& p = polls_[r.shard];
    bool capped = false;
    const ReadResult rr =
        ReadGetRecords(r, now, SimTime::FromNanos(p.visible_ns), max_records_, max_bytes_, &capped);
    Ingest(r, rr, now);
    SampleIteratorAge(r, now, rr.iterator_age);
    // No NextShardIterator: the children are read from now on (records of a Firehose are
    // buffered, not processed in key order).
    if (r.ended) return FinishShard(r, now);
    const bool full = capped || rr.records.size() >= max_records_;
    const SimTime call = SimTime::FromNanos(p.call_ns);
    NextCall(r, std::max(now, call + (full ? kCatchUpInterval : kShardPollInterval)));
  }

  // ------------------------------------------------------------ resharding (stream source)

  void OnChildShard(uint32_t child, SimTime at) override {
    (void)at;
    SHARDSIM_CHECK(!direct_put_ && child == polls_.size(), "polls stay dense by shard index");
    polls_.emplace_back();
    failed_.push_back(0);
    limits_->AddReader(child);
  }
  void OnReadable(uint32_t shard, SimTime at) override {
    NextCall(readers_[shard], std::max(at, ctx_->Now()));
  }

  void IngestDirectPut(SimTime now) {
    ReaderState& r = readers_[0];
    ExpireDue(r, now);
    const ReadResult rr = stream_.log(0).Read(r.cursor, now, std::numeric_limits<uint32_t>::max(),
                                              std::numeric_limits<uint64_t>::max(), now);
    Ingest(r, rr, now);
  }

  // Records taken from a shard at `now` enter the first stage. Per record: billing, propagation
  // and one item appended to the entry buffer.
  void Ingest(ReaderState& r, const ReadResult& rr, SimTime now) {
    Account(r, rr, now, now, now, Fate::kInFlightAtEnd);
    if (rr.records.empty()) return;
    const int64_t now_ns = now.nanos();
    const int64_t warmup_ns = warmup_.nanos();
    uint64_t sequence = rr.first_sequence;
    uint64_t billing_units = 0;
    uint64_t data_bytes = 0;
    int64_t run_arrival_ns = 0;
    uint64_t run_length = 0;
    // The read's records form one run in the entry buffer (two when it flushes in between):
    // the per-record work is one item appended and one size check.
    Buffer& b = bufs_[entry_];
    uint32_t in_run = 0;
    for (std::span<const StoredRecord> part : {rr.records.first(), rr.records.second()}) {
      for (const StoredRecord& x : part) {
        billing_units += (x.data_bytes + kBillingUnitBytes - 1) / kBillingUnitBytes;
        data_bytes += x.data_bytes;
        if (x.created_ns >= warmup_ns) {
          // Records stored by one producer call share an arrival: one histogram update per run.
          if (x.arrival_ns == run_arrival_ns) {
            ++run_length;
          } else {
            propagation_ns_.Record(static_cast<uint64_t>(now_ns - run_arrival_ns), run_length);
            run_arrival_ns = x.arrival_ns;
            run_length = 1;
          }
        }
        if (b.batch.items.empty()) Open(entry_, now);
        b.batch.items.push_back({x.created_ns, x.data_bytes,
                                 static_cast<uint16_t>(dp_ ? PartitionOf(x, r.shard, sequence) : 0),
                                 x.user_records});
        ++sequence;
        ++in_run;
        b.batch.bytes += x.data_bytes;
        b.batch.user_records += x.user_records;
        if (b.batch.bytes >= b.size_bytes) {
          b.batch.AddRun(r.shard, now_ns, in_run);
          in_run = 0;
          Flush(entry_, now, /*by_size=*/true);
        }
      }
    }
    if (in_run > 0) b.batch.AddRun(r.shard, now_ns, in_run);
    propagation_ns_.Record(static_cast<uint64_t>(now_ns - run_arrival_ns), run_length);
    records_in_ += rr.records.size();
    billing_units_ += billing_units;
    bytes_in_ += data_bytes;
    held_records_ += rr.records.size();
    held_bytes_ += data_bytes;
    NoteHeld(now);
  }

  // hash(producer, key) onto [0, partitions): records of one key share a partition, as a
  // partition key taken from the record would put them. Keyless records, and Direct PUT records
  // (no partition key on the wire), hash their sequence: spread evenly.
  uint32_t PartitionOf(const StoredRecord& x, uint32_t shard, uint64_t sequence) const {
    const uint64_t h =
        x.key_id == kNoKey || direct_put_
            ? Mix64(sequence * 0x9e3779b97f4a7c15ULL + shard + 1)
            : Mix64((static_cast<uint64_t>(x.producer) << 32 | x.key_id) ^ 0x5bd1e9955bd1e995ULL);
    return static_cast<uint32_t>((static_cast<Uint128>(h) * partitions_) >> 64);
  }

  // ------------------------------------------------------------ buffers

  void Open(size_t index, SimTime now) {
    Buffer& b = bufs_[index];
    if (b.stage == Stage::kS3) partition_used_[index - kFirstS3Buffer] = 1;
    const SimTime at = now + b.interval;
    if (at > end_) return;
    b.timer = ctx_->Schedule(at, Tag::Pack(index, Kind::kTimer),
                             at == now ? Phase::kObserve : Phase::kDefault);
    b.timer_set = true;
  }

  void Flush(size_t index, SimTime now, bool by_size) {
    Buffer& b = bufs_[index];
    if (b.timer_set) {
      ctx_->Cancel(b.timer);
      b.timer_set = false;
    }
    if (b.batch.items.empty()) return;
    Batch out = TakeSpare();
    std::swap(out, b.batch);
    switch (b.stage) {
      case Stage::kTransform:
        return StartTransform(std::move(out), now);
      case Stage::kFirstStage:
        Deposit(out, now, std::nullopt);
        return Recycle(std::move(out));
      case Stage::kS3:
        ++(by_size ? flushes_by_size_ : flushes_by_interval_);
        return StartDelivery(std::move(out), now);
    }
  }

  // Appends a batch's records, in order, to buffer `to`, or to their partitions' S3 buffers.
  void Deposit(const Batch& in, SimTime now, std::optional<size_t> to) {
    size_t k = 0;
    for (const Run& run : in.runs) {
      for (uint32_t j = 0; j < run.count; ++j, ++k) {
        const Item& it = in.items[k];
        const size_t index = to.value_or(kFirstS3Buffer + it.partition);
        Buffer& b = bufs_[index];
        if (b.batch.items.empty()) Open(index, now);
        b.batch.Add(it, run.shard, run.received_ns);
        if (b.batch.bytes >= b.size_bytes) Flush(index, now, /*by_size=*/true);
      }
    }
  }

  Batch TakeSpare() {
    if (spare_.empty()) return Batch{};
    Batch b = std::move(spare_.back());
    spare_.pop_back();
    return b;
  }
  void Recycle(Batch&& b) {
    b.Clear();
    spare_.push_back(std::move(b));
  }
  uint32_t AllocSlot() { return slots_.Allocate(); }
  // Releases a slot and hands back its batch (the caller recycles it).
  Batch ReleaseSlot(uint32_t s) {
    Batch b = TakeSpare();
    std::swap(b, slots_[s].batch);
    slots_.Free(s);
    return b;
  }

  // ------------------------------------------------------------ transform

  // One invocation per batch, retried right away up to `retries` times; all attempts are drawn
  // now, so the batch needs one event. At most transform_limit_ batches run at once (0: no
  // limit); a batch waits for the earliest to finish.
  void StartTransform(Batch&& batch, SimTime now) {
    const FirehoseTransformSpec& t = fh_.transform;
    int64_t at = now.nanos();
    if (transform_limit_ > 0) {
      while (!running_.empty() && running_.top() <= at) running_.pop();
      if (static_cast<int64_t>(running_.size()) >= transform_limit_) {
        at = running_.top();
        running_.pop();
      }
    }
    // The transform gets de-aggregated user records (fact sheet 7: KPL de-aggregation first).
    const auto records = static_cast<int64_t>(batch.user_records);
    const auto bytes = static_cast<int64_t>(batch.bytes);
    bool ok = false;
    for (int64_t attempt = 0; attempt <= t.retries && !ok; ++attempt) {
      if (at <= end_.nanos()) ++transform_invocations_;
      at += transform_duration_.Sample(*transform_rng_, records, bytes).nanos();
      ok = !transform_rng_->Bernoulli(t.error_rate);
      if (!ok && at <= end_.nanos()) ++transform_failures_;
    }
    if (transform_limit_ > 0) running_.push(at);
    const uint32_t s = AllocSlot();
    slots_[s].batch = std::move(batch);
    slots_[s].transform_ok = ok;
    const SimTime done = SimTime::FromNanos(at);
    if (done <= end_) ScheduleAt(done, Tag::Pack(s, Kind::kTransformDone));
  }

  void TransformDone(uint32_t s, SimTime now) {
    const bool ok = slots_[s].transform_ok;
    Batch b = ReleaseSlot(s);
    if (ok) {
      Deposit(b, now, after_transform_);
    } else {
      // Processing-failed records go to the S3 error prefix (fact sheet 7).
      transform_failed_ += b.items.size();
      Leave(b, now, /*delivered=*/false);
    }
    Recycle(std::move(b));
  }

  // ------------------------------------------------------------ delivery

  void StartDelivery(Batch&& batch, SimTime now) {
    const uint32_t s = AllocSlot();
    WorkSlot& slot = slots_[s];
    slot.object_bytes = static_cast<uint64_t>(
        std::llround(static_cast<double>(batch.bytes) * fh_.compression.ratio));
    slot.batch = std::move(batch);
    slot.first_attempt_ns = now.nanos();
    Attempt(s, now);
  }

  // One PUT of the object, starting at `start` (within the run).
  void Attempt(uint32_t s, SimTime start) {
    ++s3_put_requests_;
    const SimTime done = start + write_latency_.Sample(*delivery_rng_);
    if (done <= end_) ScheduleAt(done, Tag::Pack(s, Kind::kAttemptDone));
  }

  void AttemptDone(uint32_t s, SimTime now) {
    const DestinationSpec& d = fh_.destination;
    if (!delivery_rng_->Bernoulli(d.error_rate)) {
      const uint64_t object_bytes = slots_[s].object_bytes;
      Batch b = ReleaseSlot(s);
      Written(b, object_bytes, now);
      return Recycle(std::move(b));
    }
    ++attempts_failed_;
    const SimTime next = now + kDeliveryRetryInterval;
    if (next - SimTime::FromNanos(slots_[s].first_attempt_ns) > d.retry_duration) {
      // Retries exhausted: the records go to the S3 backup / error bucket.
      Batch b = ReleaseSlot(s);
      backed_up_ += b.items.size();
      Leave(b, now, /*delivered=*/false);
      return Recycle(std::move(b));
    }
    if (next <= end_) Attempt(s, next);
  }

  void Written(const Batch& b, uint64_t object_bytes, SimTime now) {
    const int64_t now_ns = now.nanos();
    const int64_t warmup_ns = warmup_.nanos();
    for (const Item& it : b.items) {
      if (it.created_ns >= warmup_ns)
        latency_ns_.Record(static_cast<uint64_t>(now_ns - it.created_ns));
    }
    for (const Run& run : b.runs) {
      if (run.received_ns >= warmup_ns) {
        delivery_ns_.Record(static_cast<uint64_t>(now_ns - run.received_ns), run.count);
      }
    }
    ++objects_written_;
    bytes_delivered_ += object_bytes;
    if (now >= warmup_) object_bytes_.Record(object_bytes);
    const size_t w = Window(now);
    ++win_objects_[w];
    win_object_bytes_[w] += object_bytes;
    win_delivered_[w] += b.items.size();
    delivered_ += b.items.size();
    user_delivered_ += b.user_records;
    Leave(b, now, /*delivered=*/true);
  }

  // The batch's records leave the Firehose (written, or failed to the error / backup prefix).
  void Leave(const Batch& b, SimTime now, bool delivered) {
    for (const Run& run : b.runs) {
      ReaderState& r = readers_[run.shard];
      SHARDSIM_CHECK(r.in_flight_end >= run.count, "records left the Firehose twice");
      r.in_flight_end -= run.count;
      r.in_flight_all -= run.count;
      if (delivered) {
        r.processed += run.count;
      } else {
        failed_[run.shard] += run.count;
      }
    }
    SHARDSIM_CHECK(held_records_ >= b.items.size() && held_bytes_ >= b.bytes);
    held_records_ -= b.items.size();
    held_bytes_ -= b.bytes;
    NoteHeld(now);
  }

  void NoteHeld(SimTime now) {
    const size_t w = Window(now);
    const auto held = static_cast<int64_t>(held_bytes_);
    win_held_max_[w] = std::max(win_held_max_[w], held);
    win_held_last_[w] = held;
  }

  // Records in buffers, transform batches and objects in delivery, counted from the containers.
  uint64_t CountHeld() const {
    uint64_t n = 0;
    for (const Buffer& b : bufs_) n += b.batch.items.size();
    for (uint32_t s = 0; s < slots_.size(); ++s) {
      if (slots_.live(s)) n += slots_[s].batch.items.size();
    }
    return n;
  }

  FirehoseSpec fh_;
  bool direct_put_;
  bool dp_;
  uint32_t partitions_;
  LatencySampler call_latency_;
  LatencySampler write_latency_;
  ProcessingSampler transform_duration_;
  uint32_t max_records_ = 10'000;
  uint64_t max_bytes_ = 10 * kMiB;
  std::optional<Rng> rng_, transform_rng_, delivery_rng_;
  std::vector<Poll> polls_;  // by shard
  int64_t ingest_scheduled_ns_ = -1;

  std::vector<Buffer> bufs_;
  size_t entry_ = kFirstS3Buffer;
  size_t after_transform_ = kFirstS3Buffer;
  SlotPool<WorkSlot> slots_;
  std::vector<Batch> spare_;  // cleared batches keeping their capacity
  int64_t transform_limit_ = 0;
  std::priority_queue<int64_t, std::vector<int64_t>, std::greater<>> running_;  // end times
  std::vector<uint8_t> partition_used_;

  uint64_t records_in_ = 0, bytes_in_ = 0, billing_units_ = 0;
  uint64_t held_records_ = 0, held_bytes_ = 0;
  uint64_t delivered_ = 0, transform_failed_ = 0, backed_up_ = 0;
  uint64_t user_delivered_ = 0;   // user records written to S3 (KPL aggregates de-aggregated)
  std::vector<uint64_t> failed_;  // by shard: transform-failed + backed up
  uint64_t objects_written_ = 0, flushes_by_size_ = 0, flushes_by_interval_ = 0;
  uint64_t bytes_delivered_ = 0, attempts_failed_ = 0, s3_put_requests_ = 0;
  uint64_t transform_invocations_ = 0, transform_failures_ = 0;
  LogHistogram latency_ns_, propagation_ns_, delivery_ns_, object_bytes_;
  size_t windows_ = 1;
  std::vector<uint64_t> win_delivered_, win_objects_, win_object_bytes_;
  std::vector<int64_t> win_held_max_, win_held_last_;  // max -1: no change in the window
};

void FirehoseConsumer::FillResult(ConsumerResult& c) const {
  FirehoseResult f;
  f.source = Name(direct_put_ ? FirehoseSource::kDirectPut : FirehoseSource::kStream);
  f.records_in = records_in_;
  f.bytes_in = bytes_in_;
  f.records_delivered = delivered_;
  f.user_records_delivered = user_delivered_;
  f.records_transform_failed = transform_failed_;
  f.records_backed_up = backed_up_;
  f.records_buffered_at_end = held_records_;
  f.objects_written = objects_written_;
  f.flushes_by_size = flushes_by_size_;
  f.flushes_by_interval = flushes_by_interval_;
  f.bytes_delivered = bytes_delivered_;
  f.object_bytes = SummarizeCounts(object_bytes_);
  f.delivery_latency = SummarizeNanos(delivery_ns_);
  f.delivery_latency_histogram = ToSparseHistogram(delivery_ns_, "ns");
  f.delivery_attempts_failed = attempts_failed_;
  f.transform_invocations = transform_invocations_;
  f.transform_failures = transform_failures_;
  f.partitions = dp_ ? static_cast<uint64_t>(
                           std::count(partition_used_.begin(), partition_used_.end(), uint8_t{1}))
                     : 1;
  const double billed_gb =
      static_cast<double>(billing_units_) * static_cast<double>(kBillingUnitBytes) / kBytesPerGb;
  f.ingested_gb_billed = billed_gb;
  f.format_conversion_gb = fh_.format_conversion.enabled ? billed_gb : 0.0;
  f.dynamic_partitioning_gb = dp_ ? static_cast<double>(bytes_in_) / kBytesPerGb : 0.0;
  f.s3_put_requests = s3_put_requests_;
  if (direct_put_) {
    const ShardResult quota = stream_.ShardResults()[0];
    f.direct_put_throttled_by_records = quota.throttled_by_records_limit;
    f.direct_put_throttled_by_bytes = quota.throttled_by_bytes_limit;
    f.direct_put_throttled_by_requests = stream_.throttled_by_calls();
  }
  c.records_failed = transform_failed_ + backed_up_;
  c.user_records_processed = user_delivered_;
  c.deliveries = objects_written_;
  c.mean_batch_records =
      objects_written_ > 0 ? static_cast<double>(delivered_) / static_cast<double>(objects_written_)
                           : 0.0;
  c.latency = SummarizeNanos(latency_ns_);
  c.latency_histogram = ToSparseHistogram(latency_ns_, "ns");
  c.propagation = SummarizeNanos(propagation_ns_);
  c.firehose = std::move(f);
}

bool FirehoseConsumer::CheckConservation(std::string* detail) const {
  bool ok = true;
  auto fail = [&](const std::string& what) {
    ok = false;
    *detail += "firehose " + spec_.name + ": " + what + "; ";
  };
  uint64_t in_pipeline = 0, read = 0;
  for (const ReaderState& r : readers_) {
    if (!r.registered) continue;
    const ShardLog& log = stream_.log(r.shard);
    const CursorStats cs = log.cursor(r.cursor);
    const std::string where = "on " + ShardIdString(static_cast<int>(r.shard)) + " ";
    const uint64_t available = log.next_sequence() - r.start_sequence;
    const uint64_t unread = log.next_sequence() - r.position;
    const uint64_t failed = failed_[r.shard];
    if (available != r.processed + failed + r.in_flight_end + unread + r.expired) {
      fail(where + "available " + std::to_string(available) + " != delivered " +
           std::to_string(r.processed) + " + failed " + std::to_string(failed) +
           " + in the Firehose " + std::to_string(r.in_flight_end) + " + unread " +
           std::to_string(unread) + " + expired " + std::to_string(r.expired));
    }
    if (r.read != r.processed + failed + r.in_flight_end || r.in_flight_all != r.in_flight_end) {
      fail(where + "taken " + std::to_string(r.read) + " != delivered " +
           std::to_string(r.processed) + " + failed " + std::to_string(failed) +
           " + in the Firehose " + std::to_string(r.in_flight_end));
    }
    if (cs.read != r.read || cs.expired != r.expired_all || cs.position != r.position ||
        cs.replayed != 0) {
      fail(where + "the shard log counts read " + std::to_string(cs.read) + ", expired " +
           std::to_string(cs.expired) + ", replayed " + std::to_string(cs.replayed) +
           "; the Firehose " + std::to_string(r.read) + ", " + std::to_string(r.expired_all));
    }
    in_pipeline += r.in_flight_end;
    read += r.read;
  }
  if (read != records_in_ ||
      records_in_ != delivered_ + transform_failed_ + backed_up_ + held_records_) {
    fail("records in " + std::to_string(records_in_) + " (taken from shards " +
         std::to_string(read) + ") != delivered " + std::to_string(delivered_) +
         " + transform-failed " + std::to_string(transform_failed_) + " + backed up " +
         std::to_string(backed_up_) + " + held " + std::to_string(held_records_));
  }
  const uint64_t counted = CountHeld();
  if (counted != held_records_ || in_pipeline != held_records_) {
    fail("held " + std::to_string(held_records_) +
         " records, buffers / transform / delivery "
         "hold " +
         std::to_string(counted) + ", the readers " + std::to_string(in_pipeline));
  }
  return ok;
}

SeriesTable FirehoseConsumer::Series() const {
  SeriesTable t = ConsumerBase::Series();
  t.columns.push_back("objects_written");
  t.columns.push_back("bytes_delivered");
  t.columns.push_back("buffered_bytes");  // most raw bytes held at once during the window
  int64_t level = 0;
  for (size_t w = 0; w < t.rows.size() && w < windows_; ++w) {
    std::vector<double>& row = t.rows[w];
    row[1] = static_cast<double>(win_delivered_[w]);  // records_processed = written to S3
    row.push_back(static_cast<double>(win_objects_[w]));
    row.push_back(static_cast<double>(win_object_bytes_[w]));
    int64_t held = level;
    if (win_held_max_[w] >= 0) {
      held = std::max(level, win_held_max_[w]);
      level = win_held_last_[w];
    }
    row.push_back(static_cast<double>(held));
  }
  return t;
}

std::vector<Assumption> FirehoseConsumer::Assumptions() const {
  std::vector<Assumption> a;
  const std::string name = "firehose " + spec_.name + ": ";
  if (direct_put_) {
    a.push_back({name + "Direct PUT ingestion",
                 "records are taken as the ingestion stream stores them, no read delay",
                 "model choice; quotas per fact sheet 7"});
  } else {
    a.push_back({name + "reading the stream",
                 "GetRecords from LATEST once per second per shard, sharing the shard's read "
                 "limits; after a full response (10,000 records or the byte cap) the next call "
                 "200ms after the previous one; call latency lognormal 20ms / p99 100ms",
                 "fact sheet 7 (once per second, LATEST); catch-up interval and call latency "
                 "UNCONFIRMED"});
  }
  a.push_back({name + "buffering",
               "an S3 buffer flushes when its bytes before compression reach the size hint "
               "(the crossing record included) or the interval after its first record; interval "
               "0 flushes " +
                   FormatDuration(kZeroBufferingDelay) +
                   " after the first record; "
                   "one buffer (no parallel buffers, no dynamic size raise)",
               "fact sheet 7; the zero-buffering delay and single buffer are UNCONFIRMED"});
  if (fh_.transform.enabled) {
    a.push_back({name + "transform Lambda",
                 "own buffer (buffer_size or buffer_interval, whichever first), one invocation "
                 "per buffer, failed invocations retried at once up to `retries` times, then "
                 "the records are processing-failed (error prefix); output size = input size; " +
                     (direct_put_ ? std::string("no limit on concurrent invocations")
                                  : "at most 5 invocations per shard at once (over all shards)"),
                 "fact sheet 7; immediate retries, unchanged sizes and the limit's scope "
                 "UNCONFIRMED"});
  }
  if (dp_) {
    a.push_back({name + "dynamic partitioning",
                 "partition = hash(producer, key) over " + std::to_string(partitions_) +
                     " partitions (keyless and Direct PUT records: hash of the sequence, i.e. "
                     "spread evenly); a first stage "
                     "flushing at half the interval feeds one S3 buffer per partition, so "
                     "records wait up to 1.5x the interval; billed on ingested bytes",
                 "fact sheet 7 (multi-stage buffering, ~1.5x the interval); the stage split "
                 "UNCONFIRMED"});
  }
  a.push_back({name + "objects",
               "object bytes = buffered bytes x compression ratio" +
                   std::string(fh_.format_conversion.enabled
                                   ? " (the same ratio for the Parquet/ORC output)"
                                   : ""),
               "ratio from /consumers/<i>/compression/ratio; the format-conversion size "
               "UNCONFIRMED"});
  a.push_back({name + "delivery retries",
               "a failed S3 PUT is retried every " + FormatDuration(kDeliveryRetryInterval) +
                   " until retry_duration after the first attempt, then the object's records "
                   "are backed up; objects are written in parallel; each record is delivered "
                   "once (duplicates of at-least-once delivery are not modelled)",
               "fact sheet 7 (retry duration, at least once); retry interval UNCONFIRMED"});
  a.push_back({name + "billing",
               "ingested GB: each record's data rounded up to 5,120 bytes, GB = 2^30 bytes; "
               "format conversion on the same GB; S3 PUT requests = delivery attempts; records "
               "are Kinesis records as stored (a KPL aggregate counts once, with its user "
               "records' data); the partition key is neither delivered, buffered nor billed",
               "fact sheets 7 and 9; GB = 2^30 and the per-aggregate count UNCONFIRMED"});
  return a;
}

}  // namespace

std::unique_ptr<ConsumerBase> MakeFirehoseConsumer(const ConsumerSpec& spec,
                                                   const ConsumerContext& context) {
  return std::make_unique<FirehoseConsumer>(spec, context);
}

}  // namespace shardsim
