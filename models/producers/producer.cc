// ProducerGroup: batching, calls, admission results, retries. See producer.h.
#include "models/producers/producer.h"

#include <algorithm>
#include <cmath>

#include "models/spec/enum_names.h"
#include "models/traffic/backoff.h"
#include "sim/check.h"

namespace shardsim {
ProducerGroup::ProducerGroup(const ProducerSpec& spec, const RateProfile& profile,
                             const KeyModel& keys, SizeSampler sizes, Stream& stream, SimTime end,
                             SimTime warmup, uint32_t group_index, const KeyRoutes* routes,
                             bool key_identity)
    : ProducerModel("producer/" + spec.name),
      spec_(spec),
      profile_(profile),
      keys_(keys),
      stream_(stream),
      routing_(stream.AttachKeys(keys, routes)),
      route_epoch_(routing_.epoch()),
      hashed_(keys.HashIsUniform()),
      key_identity_(key_identity || !spec.target.empty()),
      end_(end),
      warmup_(warmup),
      group_index_(group_index),
      direct_put_(!spec.target.empty()),
      max_batch_bytes_(direct_put_
                           ? std::min<int64_t>(spec.api.max_batch_bytes, kFirehoseBatchBytes)
                           : spec.api.max_batch_bytes),
      batch_records_(spec.api.type == ApiType::kPutRecord ? 1 : spec.api.max_batch_records),
      linger_(spec.api.type == ApiType::kPutRecord ? SimDuration::Zero() : spec.api.linger),
      sizes_(std::move(sizes)),
      latency_(spec.api.call_latency) {
  SHARDSIM_CHECK(spec.api.type != ApiType::kKpl, "KPL producers are a different model");
}

void ProducerGroup::Start(Context& ctx) {
  PublishProducerCounters(ctx.metrics(), spec_.name, n_);
  arrival_rng_.emplace(ctx.MakeRng("arrivals"));
  record_rng_.emplace(ctx.MakeRng("records"));
  latency_rng_.emplace(ctx.MakeRng("latency"));
  retry_rng_.emplace(ctx.MakeRng("retry"));
  key_sampler_.emplace(routing_, ctx.MakeRng("keys"), key_identity_);
  if (key_sampler_->cells()) {
    identity_rng_.emplace(ctx.MakeRng("key_identity"));
    stream_.HoldRoutes(keys_, this);
  }
  // A stream of its own, so that the phases change no other draw.
  phase_rng_.emplace(ctx.MakeRng("start_phase"));
  const bool random_phase = spec_.start_phase == StartPhase::kRandom;
  const auto n = static_cast<size_t>(spec_.instances);
  instances_.resize(n);
  const double share = 1.0 / static_cast<double>(spec_.instances);
  for (uint32_t i = 0; i < n; ++i) {
    Instance& in = instances_[i];
    in.arrivals.emplace(profile_, share);
    // The remaining share of the batch that was open at t = 0: uniform in (0, 1].
    if (random_phase) in.batch_share = 1.0 - phase_rng_->NextDouble();
    hashed_ ? DrawNext<true>(in) : DrawNext<false>(in);
    FormBatch(ctx, i);
  }
}

// Draws the instance's next record: its creation time, key and size.
template <bool kHashed>
void ProducerGroup::DrawNext(Instance& in) {
  const SimTime t = in.arrivals->Next(*arrival_rng_);
  in.has_next = t < end_;
  if (!in.has_next) return;
  const KeyDraw k = key_sampler_->Next();
  // A trace with a bytes column fixes the mean record size of its rows.
  const int64_t data = profile_.has_record_bytes()
                           ? std::max<int64_t>(0, std::llround(in.arrivals->MeanRecordBytes()))
                           : sizes_.Sample(*record_rng_);
  if constexpr (kHashed) {
    in.next_hash_high = static_cast<uint64_t>(k.hash >> 64);
    in.next_hash_low = static_cast<uint64_t>(k.hash);
  }
  // Saturated, never wrapped: a size past 32 bits stays over every record limit (dropped).
  in.next = Record{t.nanos(),
                   k.key_id,
                   k.shard,
                   static_cast<uint32_t>(std::min<int64_t>(data, UINT32_MAX)),
                   static_cast<uint16_t>(direct_put_ ? 0 : k.key_bytes),
                   0,
                   0};
}

uint32_t ProducerGroup::AllocateCall(uint32_t instance) {
  const uint32_t c = calls_.Allocate(
      [&](Call& fresh) { fresh.records.reserve(static_cast<size_t>(batch_records_)); });
  Call& call = calls_[c];
  call.records.clear();
  call.hashes.clear();
  call.instance = instance;
  call.retries = 0;
  call.previous_backoff = SimDuration::Zero();
  call.timed_out = false;
  return c;
}

void ProducerGroup::FreeCall(uint32_t call) {
  calls_[call].records.clear();
  calls_[call].hashes.clear();
  calls_.Free(call);
}

// Takes the instance's next records into a batch: up to max_batch_records and max_batch_bytes,
// created no later than the first record's time + linger (or now, if the instance fell behind),
// and schedules the batch's flush. Oversized records are dropped here: the SDK's validation
// rejects them before any call (fact sheet 1 and 10).
template <bool kHashed>
void ProducerGroup::FormBatchOf(Context& ctx, uint32_t instance) {
  Instance& in = instances_[instance];
  SHARDSIM_CHECK(in.pending_call == kNoCall);
  const int64_t max_record_bytes = stream_.spec().max_record_size_bytes;
  // A full batch, or the first one's share of it (start phase); at least one record.
  SimDuration linger = linger_;
  int64_t max_records = batch_records_;
  int64_t max_bytes = max_batch_bytes_;
  if (in.batch_share < 1.0) [[unlikely]] {
    linger = SimDuration::Nanos(
        static_cast<int64_t>(in.batch_share * static_cast<double>(linger_.nanos())));
    max_records = std::max<int64_t>(
        1, static_cast<int64_t>(std::ceil(in.batch_share * static_cast<double>(max_records))));
    max_bytes = static_cast<int64_t>(in.batch_share * static_cast<double>(max_bytes));
    in.batch_share = 1.0;
  }
  uint32_t c = kNoCall;
  int64_t batch_bytes = 0;
  SimTime flush;
  while (in.has_next) {
    const Record& r = in.next;
    const int64_t bytes = static_cast<int64_t>(r.data_bytes) + r.key_bytes;
    const SimTime created = SimTime::FromNanos(r.created_ns);
    if (c == kNoCall) {
      flush = std::max(created + linger, ctx.Now());
    } else if (created > flush || batch_bytes + bytes > max_bytes) {
      break;
    }
    ++n_.produced;
    if (bytes > max_record_bytes) {
      ++n_.oversized;
      ++n_.dropped;
    } else {
      if (c == kNoCall) c = AllocateCall(instance);
      calls_[c].records.push_back(r);
      if constexpr (kHashed) calls_[c].hashes.push_back(in.next_hash());
      batch_bytes += bytes;
    }
    const bool full = c != kNoCall && static_cast<int64_t>(calls_[c].records.size()) >= max_records;
    if (full) flush = std::max(created, ctx.Now());
    DrawNext<kHashed>(in);
    if (full) break;
  }
  if (c == kNoCall) return;  // arrivals ended
  // A batch that stopped on bytes flushes when the record that did not fit was created.
  if (in.has_next && calls_[c].records.size() < static_cast<size_t>(max_records)) {
    flush = std::min(flush, std::max(SimTime::FromNanos(in.next.created_ns), ctx.Now()));
  }
  in.pending_call = c;
  ctx.Schedule(flush, Tag::Pack(instance, EventKind::kFlush));
}

void ProducerGroup::Send(Context& ctx, uint32_t call) {
  Call& c = calls_[call];
  c.sent = ctx.Now();
  const SimDuration latency = latency_.Sample(*latency_rng_);
  c.timed_out = latency > spec_.retry.call_timeout;
  ++n_.calls;
  n_.kinesis_sent += c.records.size();
  ctx.ScheduleAfter(c.timed_out ? spec_.retry.call_timeout : latency,
                    Tag::Pack(call, EventKind::kComplete));
}

void ProducerGroup::OnEvent(Context& ctx, uint32_t tag) {
  if (routing_.epoch() != route_epoch_) [[unlikely]]
    RouteAgain();
  const uint32_t index = Tag::Index(tag);
  switch (Tag::KindOf(tag)) {
    case EventKind::kFlush: {
      Instance& in = instances_[index];
      if (in.in_flight >= spec_.api.max_in_flight_calls) {
        in.flush_due = true;
        return;
      }
      const uint32_t c = in.pending_call;
      in.pending_call = kNoCall;
      ++in.in_flight;
      Send(ctx, c);
      FormBatch(ctx, index);
      return;
    }
    case EventKind::kComplete:
      Complete(ctx, index);
      return;
    case EventKind::kResend:
      n_.retried += calls_[index].records.size();
      Send(ctx, index);
      return;
  }
}

// The call's response (or its timeout): every record is offered to its shard in request order
// -- PutRecords decides per record (fact sheet 1) -- then the failures are retried or dropped.
template <bool kHashed>
void ProducerGroup::CompleteOf(Context& ctx, uint32_t call) {
  Call& c = calls_[call];
  const SimTime now = ctx.Now();
  const bool measured = c.sent >= warmup_;
  if (measured) n_.put_latency_ns.Record(static_cast<uint64_t>((now - c.sent).nanos()));
  if (c.timed_out) ++n_.calls_timed_out;
  const RetrySpec& retry = spec_.retry;
  const Stream::Instant at = stream_.At(now);
  // Direct PUT's requests-per-second quota refuses a whole request (ServiceUnavailable).
  const bool call_admitted = !direct_put_ || stream_.AdmitCall(at);
  size_t kept = 0;
  for (const Record& sent : c.records) {
    Record r = sent;
    const bool first = r.attempts == 0;
    ++r.attempts;
    const int64_t bytes = static_cast<int64_t>(r.data_bytes) + r.key_bytes;
    WriteLimit result = WriteLimit::kRecords;
    if (call_admitted) {
      result = stream_.Put(r.shard, at, bytes, first, SimTime::FromNanos(r.created_ns), r.key_id,
                           group_index_, {static_cast<int64_t>(r.data_bytes), 1});
    } else {
      stream_.Refuse(r.shard, at, bytes, first, SimTime::FromNanos(r.created_ns));
    }
    if (result == WriteLimit::kNone) {
      n_.bytes_accepted += static_cast<uint64_t>(bytes);
      ++n_.kinesis_accepted;
      if (r.flags & kStoredCopy) {
        ++n_.duplicates;
      } else {
        ++n_.accepted;
        if (r.created_ns >= warmup_.nanos()) {
          n_.record_latency_ns.Record(static_cast<uint64_t>(now.nanos() - r.created_ns));
        }
      }
      // After a timeout the client cannot know the record was stored: it sends it again.
      if (!c.timed_out) continue;
      r.flags |= kStoredCopy;
    } else {
      ++n_.throttled;
    }
    const bool expired =
        retry.record_ttl.has_value() && now - SimTime::FromNanos(r.created_ns) > *retry.record_ttl;
    if (r.attempts >= retry.max_attempts || expired) {
      if (!(r.flags & kStoredCopy)) ++n_.dropped;
      continue;
    }
    if constexpr (kHashed) c.hashes[kept] = c.hashes[static_cast<size_t>(&sent - c.records.data())];
    c.records[kept++] = r;
  }
  c.records.resize(kept);
  if constexpr (kHashed) c.hashes.resize(kept);
  if (kept == 0) {
    const uint32_t instance = c.instance;
    FreeCall(call);
    ReleaseSlot(ctx, instance);
    return;
  }
  ++c.retries;
  const SimDuration delay = BackoffDelay(retry, c.retries, c.previous_backoff, *retry_rng_);
  c.previous_backoff = delay;
  ctx.ScheduleAfter(delay, Tag::Pack(call, EventKind::kResend));
}

void ProducerGroup::RouteAgain() {
  const KeyRoutes& routes = routing_.routes();
  for (Instance& in : instances_) {
    if (in.has_next) in.next.shard = routes.Route(in.next.key_id, in.next_hash());
  }
  for (uint32_t c = 0; c < calls_.size(); ++c) {
    if (!calls_.live(c)) continue;
    Call& call = calls_[c];
    for (size_t i = 0; i < call.records.size(); ++i) {
      Record& r = call.records[i];
      r.shard = routes.Route(r.key_id, hashed_ ? call.hashes[i] : Uint128{0});
    }
  }
  route_epoch_ = routing_.epoch();
}

void ProducerGroup::BeforeReshard(const KeyRoutes& old_routes) {
  auto identify = [&](Record& r) {
    if (r.key_id == kNoKey)
      r.key_id = old_routes.SampleInCell(*identity_rng_, r.shard, r.key_bytes).key_id;
  };
  for (Instance& in : instances_) {
    if (in.has_next) identify(in.next);
  }
  for (uint32_t c = 0; c < calls_.size(); ++c) {
    if (!calls_.live(c)) continue;
    for (Record& r : calls_[c].records) identify(r);
  }
}

void ProducerGroup::ReleaseSlot(Context& ctx, uint32_t instance) {
  Instance& in = instances_[instance];
  --in.in_flight;
  if (!in.flush_due) return;
  in.flush_due = false;
  const uint32_t c = in.pending_call;
  in.pending_call = kNoCall;
  ++in.in_flight;
  Send(ctx, c);
  FormBatch(ctx, instance);
}

void ProducerGroup::Finish(Context& ctx) {
  (void)ctx;
  // Records in batches, calls and backoff, plus those created before the end but not yet taken
  // into a batch (arrivals are drawn lazily).
  uint64_t in_flight = 0;
  for (uint32_t i = 0; i < calls_.size(); ++i) {
    if (calls_.live(i)) in_flight += RecordsInFlight(calls_[i].records, kStoredCopy);
  }
  for (Instance& in : instances_) in_flight += DrawRemainingArrivals(in, *arrival_rng_, end_, &n_);
  n_.in_flight_at_end = in_flight;
}

ProducerResult ProducerGroup::Result() const {
  return n_.Result(spec_, std::string(Name(spec_.api.type)));
}

}  // namespace shardsim
