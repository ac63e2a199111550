// Enhanced fan-out consumer (fact sheet 2): one SubscribeToShard subscription per shard with its
// own 2 MiB/s, pushing records propagation_delay after their arrival; one event in flight per
// subscription (the consumer must finish processing before the next push: backpressure);
// subscriptions end after subscription_lifetime and are renewed.
// Events: subscriptions watch their shards (Stream::Watch); every shard that stores records at one
// instant shares one push event for that instant, so events follow producer calls, not records.
// A subscription held back (processing, byte budget, outage, renewal) wakes itself once.
#include <algorithm>
#include <limits>
#include <optional>
#include <vector>

#include "models/consumers/consumer_base.h"
#include "sim/check.h"

namespace shardsim {
namespace {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
// Records per push event, like a GetRecords response (UNCONFIRMED for SubscribeToShardEvent).
constexpr uint32_t kMaxRecordsPerEvent = 10'000;

class EfoConsumer final : public ConsumerBase, public AppendWatcher {
 public:
  EfoConsumer(const ConsumerSpec& spec, const ConsumerContext& context)
      : ConsumerBase(spec, context), delay_(spec.efo.propagation_delay), subs_(readers_.size()) {}

  void Start(Context& ctx) override {
    ctx_ = &ctx;
    rng_.emplace(ctx.MakeRng("push"));
    processing_rng_.emplace(ctx.MakeRng("processing"));
    for (uint32_t s = 0; s < subs_.size(); ++s) {
      if (spec_.starting_position.type == StartingPositionType::kAtTimestamp &&
          spec_.starting_position.timestamp > SimDuration::Zero()) {
        ctx.Schedule(SimTime::Zero() + spec_.starting_position.timestamp, Tag(s, kRegister));
        continue;
      }
      Subscribe(s, ctx.Now());
    }
  }

  void OnEvent(Context& ctx, uint32_t tag) override {
    const uint32_t index = tag >> 2;
    switch (static_cast<Kind>(tag & 3)) {
      case kWake:
        subs_[index].wake_ns = kNever;
        Deliver(index, ctx.Now());
        return;
      case kRegister:
        Subscribe(index, ctx.Now());
        return;
      case kGroup: {
        const PushGroups::Group& g = pushes_.group(index);
        for (uint32_t s : g.shards) {
          subs_[s].visible_ns = std::max(subs_[s].visible_ns, g.instant_ns);
          Deliver(s, ctx.Now());
        }
        pushes_.Release(index);
        return;
      }
    }
  }

  // A watched shard stored a record: push it, with every shard stored into at the same instant,
  // one propagation delay later.
  void OnAppend(uint32_t shard, SimTime arrival) override {
    const std::optional<uint32_t> g = pushes_.Add(shard, arrival);
    if (!g) return;
    const SimTime at = arrival + delay_.Sample(*rng_);
    // With no delay the push runs after every store of the instant (kObserve), so records
    // stored later in the instant travel with it.
    if (at <= end_) {
      ctx_->Schedule(at, Tag(*g, kGroup), at == arrival ? Phase::kObserve : Phase::kDefault);
    }
  }

  void Finish(Context& ctx) override {
    for (uint32_t s = 0; s < subs_.size(); ++s) {
      if (readers_[s].registered) Renew(subs_[s], ctx.Now());
    }
    ConsumerBase::Finish(ctx);
  }

 private:
  enum Kind : uint32_t { kWake = 0, kRegister = 1, kGroup = 2 };
  static uint32_t Tag(uint32_t index, Kind k) { return index << 2 | k; }

  struct Subscription {
    EventHandle wake;
    int64_t wake_ns = kNever;      // time of the pending wake, kNever if none
    int64_t busy_until_ns = 0;     // processing of the last push ends
    int64_t visible_ns = -kNever;  // pushes may include records that arrived by then
    EfoSubscription pipe;
  };

  void Subscribe(uint32_t shard, SimTime now) {
    Register(readers_[shard]);
    stream_.Watch(shard, this);
    Subscription& s = subs_[shard];
    s.visible_ns = now.nanos();  // what the shard holds already is due
    ++subscribe_calls_;
    s.pipe.Start(now, spec_.efo.subscription_lifetime);
    ScheduleWake(shard, s.pipe.gap_end());
  }

  // Subscriptions that ended by `now` were renewed at their end (a real consumer renews whether
  // or not records flow).
  void Renew(Subscription& s, SimTime now) {
    subscribe_calls_ += s.pipe.Renew(now, spec_.efo.subscription_lifetime);
  }

  void ScheduleWake(uint32_t shard, SimTime at) {
    Subscription& s = subs_[shard];
    if (s.wake_ns <= at.nanos() || at > end_) return;
    if (s.wake_ns != kNever) ctx_->Cancel(s.wake);
    // A wake for the current instant may be asked for from a kObserve push: run it after that.
    const bool now = at <= ctx_->Now();
    s.wake = ctx_->Schedule(now ? ctx_->Now() : at, Tag(shard, kWake),
                            now ? Phase::kObserve : Phase::kDefault);
    s.wake_ns = at.nanos();
  }

  void Deliver(uint32_t shard, SimTime now) {
    ReaderState& r = readers_[shard];
    Subscription& s = subs_[shard];
    if (!r.registered) return;
    if (now.nanos() < s.busy_until_ns)
      return ScheduleWake(shard, SimTime::FromNanos(s.busy_until_ns));
    const SimTime active = outages_.Active(now);
    if (active > now) return ScheduleWake(shard, active);
    Renew(s, now);
    if (now < s.pipe.gap_end()) return ScheduleWake(shard, s.pipe.gap_end());
    const uint64_t max_bytes = s.pipe.Budget(now);
    if (max_bytes == 0) return ScheduleWake(shard, s.pipe.paid_until());
    ExpireDue(r, now);
    ShardLog& log = stream_.log(shard);
    const ReadResult rr = log.Read(r.cursor, now, kMaxRecordsPerEvent, max_bytes,
                                   SimTime::FromNanos(std::min(s.visible_ns, now.nanos())));
    if (rr.records.empty()) return;  // the push of the next stored instant wakes it
    s.pipe.Pay(now, rr.bytes);
    const SimTime done = outages_.Finish(
        now, processing_.Sample(*processing_rng_, static_cast<int64_t>(rr.records.size()),
                                static_cast<int64_t>(rr.bytes)));
    s.busy_until_ns = done.nanos();
    Account(r, rr, now, now, done, done <= end_ ? Fate::kProcessed : Fate::kInFlightAtEnd);
    SampleIteratorAge(r, now, rr.iterator_age);
    // Records already due but not pushed were held back by the byte budget (wait for a full
    // bucket: catching up moves about 2 MiB per push) or by the event size (push on when
    // processing ends). Records not yet due come with their own instant's push.
    if (r.position >= log.next_sequence()) return;
    const StoredRecord& next = log.At(r.position);
    if (next.arrival_ns > s.visible_ns) return;
    const bool budget_bound = rr.bytes + next.bytes > max_bytes;
    ScheduleWake(shard, std::max(done, budget_bound ? s.pipe.paid_until() : SimTime::Zero()));
  }

  LatencySampler delay_;
  std::vector<Subscription> subs_;  // by shard
  PushGroups pushes_;
  Context* ctx_ = nullptr;
  std::optional<Rng> rng_, processing_rng_;
};

}  // namespace

std::unique_ptr<ConsumerBase> MakeEfoConsumer(const ConsumerSpec& spec,
                                              const ConsumerContext& context) {
  return std::make_unique<EfoConsumer>(spec, context);
}

}  // namespace shardsim
