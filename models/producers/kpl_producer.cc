// KplProducerGroup: the KPL pipeline (aggregator -> limiter -> collector -> PutRecords -> retrier)
// as a discrete-event model. See kpl_producer.h.
//
// Per instance, records flow as in the KPL (awslabs/amazon-kinesis-producer, aws/kinesis/core):
//   aggregator  one aggregate per predicted shard (KeyDraw.shard). A record that would make it
//               exceed AggregationMaxSize (exact size from KplAggregator; at most the stream's
//               record limit less the aggregate's 1-byte key) closes it and starts the next one;
//               reaching AggregationMaxCount closes it at once (reducer.h).
//   limiter     per-shard token bucket for records and bytes refilled at RateLimit % of 1,000
//               records/s and 1 MiB/s, holding one second at 100 % (limiter.h ShardLimiter).
//               What does not fit waits, FIFO, and is retried on the KPL's 25 ms poll; records
//               whose TTL passes there fail or go back to the aggregator (pipeline.h).
//   collector   a PutRecords call takes up to CollectionMaxCount records and CollectionMaxSize
//               bytes (data + partition keys, put_records_request.h); it also leaves as soon as
//               one shard has 256 KiB in it (collector.h should_flush).
//   deadlines   every record has a deadline, creation + RecordMaxBufferedTime. When the oldest
//               record in an aggregate reaches it, every open aggregate of the instance closes and
//               the collection is sent: one event per deadline, not per record or per shard (the
//               KPL keeps a timer per shard, so this sends other shards' aggregates earlier).
//               Aggregates that reach the collection later, after waiting in the limiter, send it
//               at their own deadline, which has usually passed: at once.
//   retrier     throttled records go back into the aggregator with deadline
//               min(now + RecordMaxBufferedTime / 2, expiry) and no backoff (retrier.cc); records
//               past RecordTtl fail; FailIfThrottled fails them on the first throttle.
// Without aggregation every user record is its own Kinesis record and goes straight to the
// collector: the KPL predicts no shard then, so the limiter lets it through (aggregator.h,
// limiter.h).
//
// Lazy arrivals: at each wake the instance takes the records created up to now, then keeps
// taking later ones into the aggregators as long as nothing observable happens before their
// creation: it stops at the first record that would close an aggregate (the wake is at its
// creation) and at the oldest deadline. Throttled records wait in `retries` and join the
// aggregators at a wake no earlier than the newest record taken, so an aggregate never closes
// with a record that does not exist yet. While calls are out, taking ahead is limited to
// RecordMaxBufferedTime / 2 so that this wait is never longer than the KPL's own retry deadline.
#include "models/producers/kpl_producer.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "models/producers/producer.h"
#include "models/spec/enum_names.h"
#include "sim/check.h"

namespace shardsim {
namespace {

constexpr uint32_t kNone = ~uint32_t{0};
// limiter.h: the limiter's shard limits are constants; it does not read the stream's.
constexpr int64_t kKplShardRecordsPerSec = 1'000;
constexpr int64_t kKplShardBytesPerSec = 1'048'576;
constexpr int64_t kLimiterPollNs = 25'000'000;  // limiter.h kDrainDelayMillis
// collector.h should_flush: one shard's bytes in the collection that send it at once.
constexpr int64_t kShardCollectionFlushBytes = 256 * 1024;
// Fact sheet 8: RequestTimeout = 6,000 ms. The client then retries records the shard may have
// stored: the copies are duplicates.
constexpr int64_t kRequestTimeoutNs = 6'000'000'000;
// kinesis_record.cc partition_key(): an aggregated record carries the one-byte partition key "a"
// and routes by an ExplicitHashKey, which does not count toward the record size (fact sheet 1).
// So the stream counts aggregate + 1 byte; a lone record counts data + its own key.
constexpr int64_t kAggregatedKeyBytes = 1;
// Decimal digits of a uniform 128-bit ExplicitHashKey: 39 with probability 0.71, 38 with 0.26.
constexpr uint32_t kUniformEhkBytes = 39;
constexpr uint8_t kRetry = 1;       // sent before: a resend counts as a retry
constexpr uint8_t kStoredCopy = 2;  // the stream already stored this record; this is a copy

WriteLimitsSpec LimiterLimits(const ApiSpec& api) {
  const int64_t percent = api.rate_limit_percent;
  SHARDSIM_CHECK(percent > 0, "rate_limit_percent must be positive");
  WriteLimitsSpec w;
  w.admission = WriteAdmission::kTokenBucket;
  w.records_per_sec = kKplShardRecordsPerSec * percent / 100;  // exact: 10 * percent
  w.bytes_per_sec = std::llround(static_cast<double>(kKplShardBytesPerSec) *
                                 static_cast<double>(percent) / 100.0);
  // TokenStream(max = the 100 % limit, rate = percent of it): depth in seconds of the rate.
  w.bucket_depth_sec = 100.0 / static_cast<double>(percent);
  return w;
}

}  // namespace

// One user record while the KPL holds it. 48 bytes (32 before records kept their hash).
struct KplProducerGroup::UserRecord {
  int64_t created_ns;
  int64_t deadline_ns;  // when its aggregate / collection must be sent
  uint32_t key_id;
  uint32_t shard;
  uint32_t data_bytes;
  uint16_t key_bytes;
  uint8_t flags;  // kRetry, kStoredCopy
  // Without a key id (random keys, uniform ExplicitHashKeys) the hash it routes by, in halves
  // (an unsigned __int128 member would align the record to 16 bytes).
  uint64_t hash_high;
  uint64_t hash_low;
  Uint128 hash() const { return static_cast<Uint128>(hash_high) << 64 | hash_low; }
};

// A Kinesis record: an aggregate (or a lone user record) from its first user record until its
// call completes. Pooled; `records` keeps its capacity.
struct KplProducerGroup::KinesisRecord {
  std::vector<UserRecord> records;
  int64_t deadline_ns = kNeverNs;  // earliest of its records'
  int64_t expiry_ns = kNeverNs;    // earliest creation + RecordTtl of its records
  int64_t kinesis_bytes = 0;       // KPL accurate_size(): the aggregate, or a lone record's data
  int64_t put_bytes = 0;           // what the stream and the request limit count: + partition key
  int64_t data_bytes = 0;          // its user records' data (what de-aggregating readers get)
  uint32_t shard = 0;              // predicted from its first user record at epoch `epoch`
  uint32_t epoch = 0;
  uint32_t next = kNone;        // limiter queue link
  uint32_t aggregator = kNone;  // set while records are still being added
  uint32_t generation = 0;      // bumped when it closes or is freed: stale deadline entries
};

// One instance's state for one shard.
struct KplProducerGroup::ShardBuffer {
  WriteAdmissionState bucket;   // the limiter's token bucket
  int64_t collected_bytes = 0;  // accurate bytes of this shard in the collection
  uint32_t open = kNone;        // KinesisRecord being aggregated
  uint32_t held_head = kNone;   // limiter queue, FIFO
  uint32_t held_tail = kNone;
  int64_t held_expiry_ns = kNeverNs;  // earliest expiry in the limiter queue (may be stale low)
  bool listed_open = false;           // in Instance::open_shards
  bool listed_held = false;           // in Instance::held_shards
};

struct KplProducerGroup::DeadlineEntry {
  int64_t deadline_ns;
  uint32_t krec;
  uint32_t generation;
  bool operator>(const DeadlineEntry& o) const { return deadline_ns > o.deadline_ns; }
};

struct KplProducerGroup::Call {
  std::vector<uint32_t> krecs;  // KinesisRecords in request order
  uint32_t instance = 0;
  uint32_t next = kNone;  // queue of calls waiting for a connection
  SimTime sent;
  bool timed_out = false;
};

struct KplProducerGroup::Instance {
  std::optional<ArrivalGenerator> arrivals;
  UserRecord next{};                     // the next record to be created, drawn ahead
  bool has_next = false;                 // false once arrivals end before `end`
  int64_t horizon_ns = 0;                // creation time of the newest record taken in
  std::vector<ShardBuffer> shards;       // by ShardMap index
  std::vector<uint32_t> open_shards;     // shards that opened an aggregate since the last flush
  std::vector<uint32_t> held_shards;     // shards whose limiter queue is not empty
  std::vector<DeadlineEntry> deadlines;  // min-heap over open aggregates (lazy deletion)
  std::vector<uint32_t> collection;      // KinesisRecords of the next PutRecords call
  int64_t collection_bytes = 0;
  int64_t collection_deadline_ns = kNeverNs;
  std::vector<UserRecord> retries;    // throttled records waiting to rejoin the aggregators
  int64_t retry_ready_ns = kNeverNs;  // earliest deadline among them
  uint32_t waiting_head = kNone;      // calls waiting for one of MaxConnections
  uint32_t waiting_tail = kNone;
  int64_t in_flight = 0;  // calls out
  // The share of RecordMaxBufferedTime the next user record may wait: below 1 only for the
  // first under StartPhase::kRandom, as if the instance started before t = 0.
  double buffer_share = 1.0;
  EventHandle wake;
  int64_t wake_ns = kNeverNs;
  bool drain_scheduled = false;
};

KplProducerGroup::KplProducerGroup(const ProducerSpec& spec, const RateProfile& profile,
                                   const KeyModel& keys, SizeSampler sizes, Stream& stream,
                                   SimTime end, SimTime warmup, uint32_t group_index,
                                   const KeyRoutes* routes)
    : ProducerModel("producer/" + spec.name),
      spec_(spec),
      profile_(profile),
      keys_(keys),
      stream_(stream),
      routing_(stream.AttachKeys(keys, routes)),
      route_epoch_(routing_.epoch()),
      hashed_(keys.HashIsUniform()),
      group_index_(group_index),
      end_(end),
      warmup_(warmup),
      sizes_(std::move(sizes)),
      latency_(spec.api.call_latency),
      // The limiter mirrors the shard: records over its bytes rate come from burst capacity.
      limiter_(LimiterLimits(spec.api), stream.spec().max_record_size_bytes),
      // An aggregate is stored as itself plus its one-byte partition key: capped so that the two
      // fit the stream's record limit, whatever AggregationMaxSize says.
      aggregate_limit_(
          static_cast<size_t>(std::min(spec.api.aggregation_max_size_bytes,
                                       stream.spec().max_record_size_bytes - kAggregatedKeyBytes))),
      // A stored record counts its user records in 16 bits (StoredRecord::user_records).
      aggregate_max_count_(std::min<int64_t>(spec.api.aggregation_max_count, 65'535)) {
  SHARDSIM_CHECK(spec.api.type == ApiType::kKpl,
                 "PutRecord/PutRecords producers are ProducerGroup");
  SHARDSIM_CHECK(spec.api.aggregation_max_count >= 1 && spec.api.collection_max_count >= 1);
  if (keys.dist() == KeyDist::kExplicitHashKey) ehk_bytes_.assign(keys.key_count(), 0);
}

KplProducerGroup::~KplProducerGroup() = default;

void KplProducerGroup::Start(Context& ctx) {
  PublishProducerCounters(ctx.metrics(), spec_.name, n_);
  arrival_rng_.emplace(ctx.MakeRng("arrivals"));
  record_rng_.emplace(ctx.MakeRng("records"));
  // A key space hashed per record draws its keys 16 at a time from a stream of their own.
  if (routing_.routes().HashesPerRecord()) key_sampler_.emplace(routing_, ctx.MakeRng("keys"));
  latency_rng_.emplace(ctx.MakeRng("latency"));
  // A stream of its own, so that the phases change no other draw.
  Rng phase_rng = ctx.MakeRng("start_phase");
  const bool random_phase = spec_.start_phase == StartPhase::kRandom;
  const auto n = static_cast<size_t>(spec_.instances);
  instances_.resize(n);
  const size_t shards = stream_.shard_map().shards().size();
  const double share = 1.0 / static_cast<double>(spec_.instances);
  for (uint32_t i = 0; i < n; ++i) {
    Instance& in = instances_[i];
    in.arrivals.emplace(profile_, share);
    // The remaining share of the buffering cycle that was under way at t = 0: uniform in (0, 1].
    if (random_phase) in.buffer_share = 1.0 - phase_rng.NextDouble();
    in.shards.resize(shards);
    in.collection.reserve(static_cast<size_t>(spec_.api.collection_max_count));
    DrawNext(in);
    if (in.has_next) ScheduleWake(ctx, i, in.next.created_ns);
  }
}

// Draws the instance's next record: its creation time, key and size.
void KplProducerGroup::DrawNext(Instance& in) {
  const SimTime t = in.arrivals->Next(*arrival_rng_);
  in.has_next = t < end_;
  if (!in.has_next) return;
  const KeyDraw k = key_sampler_ ? key_sampler_->Next() : routing_.routes().Sample(*record_rng_);
  // A trace with a bytes column fixes the mean record size of its rows.
  const double trace_bytes = in.arrivals->MeanRecordBytes();
  const int64_t data = trace_bytes >= 0 ? std::llround(trace_bytes) : sizes_.Sample(*record_rng_);
  UserRecord& r = in.next;
  r.created_ns = t.nanos();
  r.deadline_ns = kNeverNs;
  r.key_id = k.key_id;
  r.shard = k.shard;
  r.data_bytes = static_cast<uint32_t>(std::min<int64_t>(data, UINT32_MAX));
  r.key_bytes = static_cast<uint16_t>(k.key_bytes);
  r.flags = 0;
  if (hashed_) {  // keyed records never read their hash: it keeps its last (initialised) value
    r.hash_high = static_cast<uint64_t>(k.hash >> 64);
    r.hash_low = static_cast<uint64_t>(k.hash);
  }
}

void KplProducerGroup::RouteAgain() {
  const KeyRoutes& routes = routing_.routes();
  for (Instance& in : instances_) {
    if (in.has_next) in.next.shard = routes.Route(in.next.key_id, in.next.hash());
    for (UserRecord& r : in.retries) r.shard = routes.Route(r.key_id, r.hash());
  }
  route_epoch_ = routing_.epoch();
}

void KplProducerGroup::OnEvent(Context& ctx, uint32_t tag) {
  if (routing_.epoch() != route_epoch_) [[unlikely]]
    RouteAgain();
  const uint32_t index = Tag::Index(tag);
  switch (Tag::KindOf(tag)) {
    case EventKind::kWake: {
      Instance& in = instances_[index];
      in.wake = EventHandle{};
      in.wake_ns = kNeverNs;
      Advance(ctx, index);
      return;
    }
    case EventKind::kDrain:
      Drain(ctx, index);
      return;
    case EventKind::kComplete:
      Complete(ctx, index);
      return;
  }
}

// Makes sure the instance wakes no later than `at_ns`. Usually it already does: the move of the
// wake is kept out of line so that the check inlines.
inline void KplProducerGroup::ScheduleWake(Context& ctx, uint32_t instance, int64_t at_ns) {
  at_ns = std::max(at_ns, ctx.Now().nanos());
  if (instances_[instance].wake_ns > at_ns) MoveWake(ctx, instance, at_ns);
}

void KplProducerGroup::MoveWake(Context& ctx, uint32_t instance, int64_t at_ns) {
  Instance& in = instances_[instance];
  if (in.wake.valid()) ctx.Cancel(in.wake);
  in.wake = ctx.Schedule(SimTime::FromNanos(at_ns), Tag::Pack(instance, EventKind::kWake));
  in.wake_ns = at_ns;
}

// The earliest deadline of an open aggregate (kNeverNs if none); drops stale heap entries.
int64_t KplProducerGroup::AggregateDeadline(Instance& in) {
  while (!in.deadlines.empty()) {
    const DeadlineEntry& top = in.deadlines.front();
    const KinesisRecord& kr = krecs_[top.krec];
    if (kr.generation == top.generation && kr.aggregator != kNone) return top.deadline_ns;
    std::pop_heap(in.deadlines.begin(), in.deadlines.end(), std::greater<>{});
    in.deadlines.pop_back();
  }
  return kNeverNs;
}

void KplProducerGroup::Advance(Context& ctx, uint32_t instance) {
  Instance& in = instances_[instance];
  const ApiSpec& api = spec_.api;
  const int64_t now = ctx.Now().nanos();
  // Records created up to now, in creation order; any of them may close an aggregate now.
  while (in.has_next && in.next.created_ns <= now) IngestNext(ctx, instance);
  // Throttled records rejoin the aggregators once every record taken in exists.
  if (!in.retries.empty() && in.retry_ready_ns <= now && in.horizon_ns <= now) {
    merge_buf_.swap(in.retries);
    in.retry_ready_ns = kNeverNs;
    for (const UserRecord& r : merge_buf_) Buffer(ctx, instance, r);
    merge_buf_.clear();
  }
  if (AggregateDeadline(in) <= now) {
    FlushAggregates(ctx, instance);
  } else if (in.collection_deadline_ns <= now) {
    SendCollection(ctx, instance);
  }
  // Take later records in while nothing observable happens before they are created.
  const bool calls_out = in.in_flight > 0 || in.waiting_head != kNone || !in.held_shards.empty();
  const int64_t cap = calls_out ? now + api.record_max_buffered_time.nanos() / 2 : kNeverNs;
  int64_t next = kNeverNs;
  while (in.has_next) {
    const int64_t t = in.next.created_ns;
    const int64_t flush_at = api.aggregation ? AggregateDeadline(in) : in.collection_deadline_ns;
    if (t > std::min(flush_at, cap) || WouldClose(in, in.next)) {
      next = t;
      break;
    }
    IngestNext(ctx, instance);
  }
  next = std::min({next, AggregateDeadline(in), in.collection_deadline_ns});
  if (!in.retries.empty()) next = std::min(next, std::max(in.retry_ready_ns, in.horizon_ns));
  if (next != kNeverNs) ScheduleWake(ctx, instance, next);
}

void KplProducerGroup::IngestNext(Context& ctx, uint32_t instance) {
  Instance& in = instances_[instance];
  UserRecord r = in.next;
  DrawNext(in);
  ++n_.produced;
  in.horizon_ns = std::max(in.horizon_ns, r.created_ns);
  // addUserRecord rejects it before buffering (ProducerGroup drops oversized records alike).
  if (static_cast<int64_t>(r.data_bytes) + r.key_bytes > stream_.spec().max_record_size_bytes) {
    ++n_.oversized;
    ++n_.dropped;
    return;
  }
  int64_t buffered_ns = spec_.api.record_max_buffered_time.nanos();
  if (in.buffer_share < 1.0) [[unlikely]] {
    buffered_ns = static_cast<int64_t>(in.buffer_share * static_cast<double>(buffered_ns));
    in.buffer_share = 1.0;
  }
  r.deadline_ns = r.created_ns + buffered_ns;
  Buffer(ctx, instance, r);
}

// Whether buffering `r` now would close an aggregate (or, without aggregation, send the
// collection): something the model must do at r's creation time, not earlier.
bool KplProducerGroup::WouldClose(const Instance& in, const UserRecord& r) {
  const ApiSpec& api = spec_.api;
  const int64_t put_bytes = static_cast<int64_t>(r.data_bytes) + r.key_bytes;
  if (put_bytes > stream_.spec().max_record_size_bytes) return false;  // dropped, changes nothing
  if (!api.aggregation) {
    return static_cast<int64_t>(in.collection.size()) + 1 >= api.collection_max_count ||
           in.collection_bytes + put_bytes >= api.collection_max_size_bytes;
  }
  const size_t limit = aggregate_limit_;
  const std::string_view pk = PartitionKeyText(r);
  const std::optional<std::string_view> ehk = ExplicitHashKeyText(r);
  const uint32_t open = r.shard < in.shards.size() ? in.shards[r.shard].open : kNone;
  if (open == kNone) {
    return aggregate_max_count_ <= 1 ||
           empty_aggregator_.SizeIfAdded(pk, ehk, r.data_bytes) > limit;
  }
  const KplAggregator& agg = aggregators_[krecs_[open].aggregator];
  return static_cast<int64_t>(agg.record_count()) + 1 >= aggregate_max_count_ ||
         agg.SizeIfAdded(pk, ehk, r.data_bytes) > limit;
}

// Adds a user record to its shard's aggregate (or, without aggregation, to the collection).
void KplProducerGroup::Buffer(Context& ctx, uint32_t instance, const UserRecord& r) {
  Instance& in = instances_[instance];
  const ApiSpec& api = spec_.api;
  if (r.shard >= in.shards.size()) in.shards.resize(r.shard + 1);  // resharding added shards
  const int64_t expiry = r.created_ns + api.record_ttl.nanos();
  if (!api.aggregation) {
    const uint32_t k = AllocateKinesisRecord(r.shard);
    KinesisRecord& kr = krecs_[k];
    kr.records.push_back(r);
    kr.deadline_ns = r.deadline_ns;
    kr.expiry_ns = expiry;
    kr.kinesis_bytes = r.data_bytes;
    kr.put_bytes = static_cast<int64_t>(r.data_bytes) + r.key_bytes;
    kr.data_bytes = r.data_bytes;
    Collect(ctx, instance, k);
    return;
  }
  const size_t limit = aggregate_limit_;
  const std::string_view pk = PartitionKeyText(r);
  const std::optional<std::string_view> ehk = ExplicitHashKeyText(r);
  bool added = false;
  if (in.shards[r.shard].open != kNone) {
    KinesisRecord& kr = krecs_[in.shards[r.shard].open];
    added = aggregators_[kr.aggregator].TryAdd(limit, pk, ehk, r.data_bytes);
    if (!added) CloseAggregate(ctx, instance, r.shard);
  }
  if (!added) {
    const uint32_t k = AllocateKinesisRecord(r.shard);
    const uint32_t a = aggregators_.Allocate();
    krecs_[k].aggregator = a;
    aggregators_[a].Add(pk, ehk, r.data_bytes);
    ShardBuffer& sb = in.shards[r.shard];
    sb.open = k;
    if (!sb.listed_open) {
      sb.listed_open = true;
      in.open_shards.push_back(r.shard);
    }
  }
  const uint32_t k = in.shards[r.shard].open;
  KinesisRecord& kr = krecs_[k];
  kr.records.push_back(r);
  kr.expiry_ns = std::min(kr.expiry_ns, expiry);
  if (r.deadline_ns < kr.deadline_ns) {
    kr.deadline_ns = r.deadline_ns;
    in.deadlines.push_back({r.deadline_ns, k, kr.generation});
    std::push_heap(in.deadlines.begin(), in.deadlines.end(), std::greater<>{});
  }
  const KplAggregator& agg = aggregators_[kr.aggregator];
  // Full by count, or a lone record too big to share (it goes unaggregated).
  if (static_cast<int64_t>(agg.record_count()) >= aggregate_max_count_ ||
      agg.size_bytes() > limit) {
    CloseAggregate(ctx, instance, r.shard);
  }
}

void KplProducerGroup::CloseAggregate(Context& ctx, uint32_t instance, uint32_t shard) {
  ShardBuffer& sb = instances_[instance].shards[shard];
  const uint32_t k = sb.open;
  sb.open = kNone;
  KinesisRecord& kr = krecs_[k];
  KplAggregator& agg = aggregators_[kr.aggregator];
  SHARDSIM_CHECK(agg.record_count() == kr.records.size(), "aggregate and its records disagree");
  kr.kinesis_bytes = static_cast<int64_t>(agg.KinesisRecordBytes());
  kr.put_bytes =
      kr.kinesis_bytes + (agg.record_count() == 1 ? kr.records[0].key_bytes : kAggregatedKeyBytes);
  SHARDSIM_CHECK(kr.put_bytes <= stream_.spec().max_record_size_bytes,
                 "the KPL built a Kinesis record over the stream's record limit");
  kr.data_bytes = 0;
  for (const UserRecord& r : kr.records) kr.data_bytes += r.data_bytes;
  agg.Reset();
  aggregators_.Free(kr.aggregator);
  kr.aggregator = kNone;
  ++kr.generation;
  LimiterPut(ctx, instance, k);
}

// The deadline of the oldest record passed: every aggregate closes, and the collection goes out.
void KplProducerGroup::FlushAggregates(Context& ctx, uint32_t instance) {
  Instance& in = instances_[instance];
  for (const uint32_t s : in.open_shards) {
    in.shards[s].listed_open = false;
    if (in.shards[s].open != kNone) CloseAggregate(ctx, instance, s);
  }
  in.open_shards.clear();
  in.deadlines.clear();
  SendCollection(ctx, instance);
}

void KplProducerGroup::LimiterPut(Context& ctx, uint32_t instance, uint32_t krec) {
  const uint32_t shard = krecs_[krec].shard;
  ShardBuffer& sb = instances_[instance].shards[shard];
  krecs_[krec].next = kNone;
  if (sb.held_tail == kNone) {
    sb.held_head = krec;
  } else {
    krecs_[sb.held_tail].next = krec;
  }
  sb.held_tail = krec;
  sb.held_expiry_ns = std::min(sb.held_expiry_ns, krecs_[krec].expiry_ns);
  DrainShard(ctx, instance, shard);
}

// Passes the shard's waiting Kinesis records to the collector while the token bucket allows.
void KplProducerGroup::DrainShard(Context& ctx, uint32_t instance, uint32_t shard) {
  Instance& in = instances_[instance];
  const SimTime now = ctx.Now();
  for (;;) {
    ShardBuffer& sb = in.shards[shard];
    const uint32_t k = sb.held_head;
    if (k == kNone) break;
    KinesisRecord& kr = krecs_[k];
    const bool expired = kr.expiry_ns <= now.nanos();
    if (!expired && limiter_.Admit(sb.bucket, now, kr.kinesis_bytes) != WriteLimit::kNone) break;
    sb.held_head = kr.next;
    if (sb.held_head == kNone) sb.held_tail = kNone;
    if (!expired) {
      Collect(ctx, instance, k);
      continue;
    }
    // "Expiration reached while waiting in limiter": expired records fail, the others retry.
    for (const UserRecord& r : kr.records) {
      RetryOrExpire(ctx, instance, r, kr.epoch != route_epoch_);
    }
    FreeKinesisRecord(k);
  }
  ShardBuffer& sb = in.shards[shard];
  if (sb.held_head == kNone) return;
  if (!sb.listed_held) {
    sb.listed_held = true;
    in.held_shards.push_back(shard);
  }
  if (!in.drain_scheduled) {
    in.drain_scheduled = true;
    ctx.Schedule(now + Nanos(kLimiterPollNs), Tag::Pack(instance, EventKind::kDrain));
  }
}

// Takes every expired Kinesis record out of the shard's limiter queue, wherever it waits: the
// queue is FIFO, but re-aggregated retries make a younger record expire behind an older one
// (the KPL's queue is indexed by expiration, limiter.h consume_expired).
void KplProducerGroup::ExpireHeld(Context& ctx, uint32_t instance, uint32_t shard) {
  const int64_t now = ctx.Now().nanos();
  ShardBuffer& sb = instances_[instance].shards[shard];
  if (sb.held_expiry_ns > now) return;
  int64_t earliest = kNeverNs;
  uint32_t prev = kNone;
  for (uint32_t k = sb.held_head; k != kNone;) {
    const uint32_t next = krecs_[k].next;
    if (krecs_[k].expiry_ns > now) {
      earliest = std::min(earliest, krecs_[k].expiry_ns);
      prev = k;
    } else {
      (prev == kNone ? sb.held_head : krecs_[prev].next) = next;
      if (sb.held_tail == k) sb.held_tail = prev;
      // Expired records fail, the others go back to the aggregator (Retrier::put).
      for (const UserRecord& r : krecs_[k].records) {
        RetryOrExpire(ctx, instance, r, krecs_[k].epoch != route_epoch_);
      }
      FreeKinesisRecord(k);
    }
    k = next;
  }
  sb.held_expiry_ns = earliest;
}

// The limiter's poll.
void KplProducerGroup::Drain(Context& ctx, uint32_t instance) {
  Instance& in = instances_[instance];
  in.drain_scheduled = false;
  // DrainShard appends only shards not yet listed, and these all are.
  for (size_t j = 0; j < in.held_shards.size(); ++j) {
    ExpireHeld(ctx, instance, in.held_shards[j]);
    DrainShard(ctx, instance, in.held_shards[j]);
  }
  size_t kept = 0;
  for (const uint32_t s : in.held_shards) {
    if (in.shards[s].held_head != kNone) {
      in.held_shards[kept++] = s;
    } else {
      in.shards[s].listed_held = false;
    }
  }
  in.held_shards.resize(kept);
  if (in.collection.empty()) return;
  if (in.collection_deadline_ns <= ctx.Now().nanos()) {
    SendCollection(ctx, instance);
  } else {
    ScheduleWake(ctx, instance, in.collection_deadline_ns);
  }
}

void KplProducerGroup::Collect(Context& ctx, uint32_t instance, uint32_t krec) {
  Instance& in = instances_[instance];
  const ApiSpec& api = spec_.api;
  const KinesisRecord& kr = krecs_[krec];
  if (!in.collection.empty() &&
      in.collection_bytes + kr.put_bytes > api.collection_max_size_bytes) {
    SendCollection(ctx, instance);
  }
  in.collection.push_back(krec);
  in.collection_bytes += kr.put_bytes;
  in.collection_deadline_ns = std::min(in.collection_deadline_ns, kr.deadline_ns);
  bool shard_full = false;
  if (api.aggregation) {
    ShardBuffer& sb = in.shards[kr.shard];
    sb.collected_bytes += kr.kinesis_bytes;
    shard_full = sb.collected_bytes >= kShardCollectionFlushBytes;
  }
  if (static_cast<int64_t>(in.collection.size()) >= api.collection_max_count ||
      in.collection_bytes >= api.collection_max_size_bytes || shard_full) {
    SendCollection(ctx, instance);
  }
}

// The collection becomes a PutRecords call: sent now, or queued for a free connection.
void KplProducerGroup::SendCollection(Context& ctx, uint32_t instance) {
  Instance& in = instances_[instance];
  if (in.collection.empty()) return;
  const uint32_t c = calls_.Allocate([&](Call& fresh) {
    fresh.krecs.reserve(static_cast<size_t>(spec_.api.collection_max_count));
  });
  Call& call = calls_[c];
  call.krecs.swap(in.collection);  // the two buffers trade capacity: no allocation
  call.instance = instance;
  call.next = kNone;
  call.timed_out = false;
  if (spec_.api.aggregation) {
    for (const uint32_t k : call.krecs) in.shards[krecs_[k].shard].collected_bytes = 0;
  }
  in.collection_bytes = 0;
  in.collection_deadline_ns = kNeverNs;
  if (in.in_flight < spec_.api.max_connections) {
    ++in.in_flight;
    Send(ctx, c);
  } else if (in.waiting_tail == kNone) {
    in.waiting_head = in.waiting_tail = c;
  } else {
    calls_[in.waiting_tail].next = c;
    in.waiting_tail = c;
  }
}

void KplProducerGroup::Send(Context& ctx, uint32_t call) {
  Call& c = calls_[call];
  c.sent = ctx.Now();
  const SimDuration latency = latency_.Sample(*latency_rng_);
  c.timed_out = latency.nanos() > kRequestTimeoutNs;
  ++n_.calls;
  ctx.ScheduleAfter(c.timed_out ? Nanos(kRequestTimeoutNs) : latency,
                    Tag::Pack(call, EventKind::kComplete));
}

// The call's response (or its timeout): each Kinesis record is offered to its shard in request
// order -- PutRecords decides per record (fact sheet 1) -- and the user records of the refused
// ones are retried or dropped.
void KplProducerGroup::Complete(Context& ctx, uint32_t call) {
  const SimTime now = ctx.Now();
  const uint32_t instance = calls_[call].instance;
  const bool timed_out = calls_[call].timed_out;
  if (calls_[call].sent >= warmup_) {
    n_.put_latency_ns.Record(static_cast<uint64_t>((now - calls_[call].sent).nanos()));
  }
  if (timed_out) ++n_.calls_timed_out;
  const Stream::Instant at = stream_.At(now);
  for (const uint32_t k : calls_[call].krecs) {
    const KinesisRecord& kr = krecs_[k];
    ++n_.kinesis_sent;
    // Demand counts a Kinesis record once: when none of its user records is a retry, at the
    // creation of its first user record.
    bool first = true;
    for (const UserRecord& r : kr.records) first = first && !(r.flags & kRetry);
    const SimTime created =
        kr.records.empty() ? now : SimTime::FromNanos(kr.records.front().created_ns);
    // An aggregate holds many keys: it is stored without a key identity (fact sheet 6:
    // ParallelizationFactor does not work with aggregation).
    const uint32_t key_id = kr.records.size() == 1 ? kr.records.front().key_id : kNoKey;
    const bool stale = kr.epoch != route_epoch_;
    const uint32_t shard =
        !stale || kr.records.empty()
            ? kr.shard
            : routing_.routes().Route(kr.records.front().key_id, kr.records.front().hash());
    const bool stored =
        stream_.Put(shard, at, kr.put_bytes, first, created, key_id, group_index_,
                    {kr.data_bytes, static_cast<uint32_t>(kr.records.size())}) == WriteLimit::kNone;
    if (stored) {
      ++n_.kinesis_accepted;
      n_.bytes_accepted += static_cast<uint64_t>(kr.put_bytes);
    }
    // By reference: a record is copied only when it is retried.
    for (const UserRecord& r : kr.records) {
      if (r.flags & kRetry) ++n_.retried;
      uint8_t flags = r.flags;
      if (stored) {
        if (flags & kStoredCopy) {
          ++n_.duplicates;
        } else {
          ++n_.accepted;
          if (r.created_ns >= warmup_.nanos()) {
            n_.record_latency_ns.Record(static_cast<uint64_t>(now.nanos() - r.created_ns));
          }
        }
        // After a timeout the client cannot know the record was stored: it sends it again.
        if (!timed_out) continue;
        flags |= kStoredCopy;
      } else {
        ++n_.throttled;
        if (spec_.api.fail_if_throttled && !timed_out) {
          if (!(flags & kStoredCopy)) ++n_.dropped;
          continue;
        }
      }
      UserRecord retry = r;
      retry.flags = flags;
      RetryOrExpire(ctx, instance, retry, stale);
    }
    FreeKinesisRecord(k);
  }
  calls_[call].krecs.clear();
  calls_.Free(call);
  Instance& in = instances_[instance];
  --in.in_flight;
  if (in.waiting_head != kNone) {
    const uint32_t c = in.waiting_head;
    in.waiting_head = calls_[c].next;
    if (in.waiting_head == kNone) in.waiting_tail = kNone;
    ++in.in_flight;
    Send(ctx, c);
  }
}

// Retrier::retry_not_expired: a record past its TTL fails, any other one goes back to the
// aggregator with deadline min(now + RecordMaxBufferedTime / 2, expiry) -- no backoff.
void KplProducerGroup::RetryOrExpire(Context& ctx, uint32_t instance, UserRecord r, bool stale) {
  Instance& in = instances_[instance];
  const int64_t now = ctx.Now().nanos();
  const int64_t expiry = r.created_ns + spec_.api.record_ttl.nanos();
  if (now >= expiry) {
    if (!(r.flags & kStoredCopy)) ++n_.dropped;
    return;
  }
  if (stale) r.shard = routing_.routes().Route(r.key_id, r.hash());
  r.flags |= kRetry;
  r.deadline_ns = std::min(now + spec_.api.record_max_buffered_time.nanos() / 2, expiry);
  in.retries.push_back(r);
  in.retry_ready_ns = std::min(in.retry_ready_ns, r.deadline_ns);
  ScheduleWake(ctx, instance, std::max(in.retry_ready_ns, in.horizon_ns));
}

uint32_t KplProducerGroup::AllocateKinesisRecord(uint32_t shard) {
  const uint32_t k = krecs_.Allocate();
  KinesisRecord& kr = krecs_[k];
  kr.records.clear();
  kr.deadline_ns = kNeverNs;
  kr.expiry_ns = kNeverNs;
  kr.kinesis_bytes = 0;
  kr.put_bytes = 0;
  kr.data_bytes = 0;
  kr.shard = shard;
  kr.epoch = route_epoch_;
  kr.next = kNone;
  kr.aggregator = kNone;
  return k;
}

void KplProducerGroup::FreeKinesisRecord(uint32_t krec) {
  KinesisRecord& kr = krecs_[krec];
  kr.records.clear();
  ++kr.generation;
  krecs_.Free(krec);
}

// ---------------------------------------------------------------- key texts

// The aggregator's sizes depend on a key only through its length and on whether it equals a key
// already in the aggregate. So a key of 4 bytes or more is stood in for by a string of the same
// length holding its 32-bit id (equal for equal keys, different for different ones); shorter keys
// are the real key, cached and found by a hash lookup (template keys that short number at most
// 1,110, so it allocates only while warming up). kNoKey gets a fresh
// identity each time: records whose keys are not tracked (random keys; the partition keys of
// explicit_hash_key producers) are taken as distinct, which overstates an aggregate by the key
// bytes of the rare repeats.
std::string_view KplProducerGroup::KeyText(uint32_t key_id, uint32_t bytes, bool ehk, char* buf) {
  if (bytes >= 4 || key_id == kNoKey) {
    const uint64_t v = key_id == kNoKey ? synthetic_keys_++ : key_id;
    const size_t n = std::min<size_t>(bytes, 8);
    for (size_t b = 0; b < n; ++b) buf[b] = static_cast<char>((v >> (8 * b)) & 0xFF);
    std::fill(buf + n, buf + bytes, '#');
    return {buf, bytes};
  }
  const uint64_t id = (ehk ? uint64_t{1} << 32 : 0) | key_id;
  auto it = short_keys_.find(id);
  if (it == short_keys_.end()) it = short_keys_.emplace(id, keys_.KeyString(key_id)).first;
  return it->second;
}

std::string_view KplProducerGroup::PartitionKeyText(const UserRecord& r) {
  SHARDSIM_CHECK(r.key_bytes <= pk_buf_.size(), "partition key longer than 256 characters");
  const bool tracked = keys_.dist() != KeyDist::kExplicitHashKey;
  return KeyText(tracked ? r.key_id : kNoKey, r.key_bytes, false, pk_buf_.data());
}

std::optional<std::string_view> KplProducerGroup::ExplicitHashKeyText(const UserRecord& r) {
  if (keys_.dist() != KeyDist::kExplicitHashKey) return std::nullopt;
  if (r.key_id == kNoKey) return KeyText(kNoKey, kUniformEhkBytes, true, ehk_buf_.data());
  uint8_t& bytes = ehk_bytes_[r.key_id];
  if (bytes == 0) bytes = static_cast<uint8_t>(keys_.KeyString(r.key_id).size());  // once per key
  return KeyText(r.key_id, bytes, true, ehk_buf_.data());
}

// ---------------------------------------------------------------- end of run

void KplProducerGroup::Finish(Context& ctx) {
  (void)ctx;
  // Records in aggregates, limiter queues, collections and calls, records waiting to be retried,
  // and those created before the end but not yet taken in (arrivals are drawn lazily).
  uint64_t in_flight = 0;
  for (uint32_t k = 0; k < krecs_.size(); ++k) {
    if (krecs_.live(k)) in_flight += RecordsInFlight(krecs_[k].records, kStoredCopy);
  }
  for (Instance& in : instances_) {
    in_flight += RecordsInFlight(in.retries, kStoredCopy);
    in_flight += DrawRemainingArrivals(in, *arrival_rng_, end_, &n_);
  }
  n_.in_flight_at_end = in_flight;
}

ProducerResult KplProducerGroup::Result() const {
  return n_.Result(spec_, std::string(Name(ApiType::kKpl)));
}

}  // namespace shardsim
