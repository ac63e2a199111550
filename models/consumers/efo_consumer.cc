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
        ctx.Schedule(SimTime::Zero() + spec_.starting_position.timestamp,
                     Tag::Pack(s, Kind::kRegister));
        continue;
      }
      Subscribe(s, ctx.Now());
    }
  }

  void OnEvent(Context& ctx, uint32_t tag) override {
    const uint32_t index = Tag::Index(tag);
    switch (Tag::KindOf(tag)) {
      case Kind::kWake:
        subs_[index].reader.Woke();
        Deliver(index, ctx.Now());
        return;
      case Kind::kRegister:
        Subscribe(index, ctx.Now());
        return;
      case Kind::kGroup:
        pushes_.Push(index, [&](uint32_t shard, int64_t instant_ns) {
          subs_[shard].reader.MakeDue(instant_ns);
          Deliver(shard, ctx.Now());
        });
        return;
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
      ctx_->Schedule(at, Tag::Pack(*g, Kind::kGroup),
                     at == arrival ? Phase::kObserve : Phase::kDefault);
    }
  }

  void Finish(Context& ctx) override {
    for (Subscription& s : subs_) {
      if (s.reader.subscribed()) {
        subscribe_calls_ += s.reader.Renew(ctx.Now(), spec_.efo.subscription_lifetime);
      }
    }
    ConsumerBase::Finish(ctx);
  }

  // A child shard is watched at once (its pushes make its records due) and subscribed to when
  // its parents are finished.
  void OnChildShard(uint32_t child, SimTime at) override {
    (void)at;
    SHARDSIM_CHECK(child == subs_.size(), "subscriptions stay dense by shard index");
    subs_.emplace_back();
    stream_.Watch(child, this);
  }
  void OnReadable(uint32_t shard, SimTime at) override { Subscribe(shard, at); }
  // A subscription already past the parent's last record gets no further push: it ends now, its
  // children after its last batch's processing.
  void OnShardClosed(uint32_t shard, SimTime at) override {
    ReaderState& r = readers_[shard];
    if (!subs_[shard].reader.subscribed() || r.ended || !stream_.log(shard).AtEnd(r.cursor)) {
      return;
    }
    EndShard(r, std::max(at, SimTime::FromNanos(subs_[shard].busy_until_ns)));
  }

 private:
  enum class Kind : uint32_t { kWake = 0, kRegister = 1, kGroup = 2 };
  using Tag = EventTag<Kind, 2>;  // index: the shard, or the push group (kGroup)

  struct Subscription {
    EfoReader reader;
    int64_t busy_until_ns = 0;  // processing of the last push ends
  };

  void Subscribe(uint32_t shard, SimTime now) {
    if (!readers_[shard].registered) {  // a child registered at the reshard, watched since
      Register(readers_[shard]);
      stream_.Watch(shard, this);
    }
    ++subscribe_calls_;
    ScheduleWake(shard, subs_[shard].reader.Subscribe(now, spec_.efo.subscription_lifetime));
  }

  void ScheduleWake(uint32_t shard, SimTime at) {
    subs_[shard].reader.ScheduleWake(*ctx_, at, end_, Tag::Pack(shard, Kind::kWake));
  }

  void Deliver(uint32_t shard, SimTime now) {
    ReaderState& r = readers_[shard];
    Subscription& s = subs_[shard];
    if (!s.reader.subscribed() || r.ended) return;
    if (now.nanos() < s.busy_until_ns)
      return ScheduleWake(shard, SimTime::FromNanos(s.busy_until_ns));
    const std::optional<SimTime> held =
        s.reader.Hold(now, outages_, spec_.efo.subscription_lifetime, &subscribe_calls_);
    if (held) return ScheduleWake(shard, *held);
    const uint64_t max_bytes = s.reader.Budget(now);
    if (max_bytes == 0) return ScheduleWake(shard, s.reader.paid_until());
    ExpireDue(r, now);
    ShardLog& log = stream_.log(shard);
    const ReadResult rr = s.reader.Read(log, r.cursor, now, kMaxRecordsPerEvent, max_bytes);
    if (rr.records.empty()) {
      // Past a closed shard's last record: the children follow the last processing.
      if (rr.end_of_shard) EndShard(r, std::max(now, SimTime::FromNanos(s.busy_until_ns)));
      return;  // else the push of the next stored instant wakes it
    }
    const SimTime done = outages_.Finish(
        now, processing_.Sample(*processing_rng_, static_cast<int64_t>(UserRecords(rr)),
                                static_cast<int64_t>(rr.bytes)));
    s.busy_until_ns = done.nanos();
    Account(r, rr, now, now, done, done <= end_ ? Fate::kProcessed : Fate::kInFlightAtEnd);
    SampleIteratorAge(r, now, rr.iterator_age);
    if (rr.end_of_shard) return EndShard(r, done);
    // Records already due but not pushed were held back by the byte budget (wait for a full
    // bucket: catching up moves about 2 MiB per push) or by the event size (push on when
    // processing ends).
    const EfoReader::Backlog left = s.reader.Left(log, r.position, rr, max_bytes);
    if (left == EfoReader::Backlog::kNone) return;
    ScheduleWake(shard, std::max(done, left == EfoReader::Backlog::kBudget ? s.reader.paid_until()
                                                                           : SimTime::Zero()));
  }

  void EndShard(ReaderState& r, SimTime done) {
    r.ended = true;
    FinishShard(r, done);
  }

  LatencySampler delay_;
  std::vector<Subscription> subs_;  // by shard
  PushGroups pushes_;
  std::optional<Rng> rng_, processing_rng_;
};

}  // namespace

std::unique_ptr<ConsumerBase> MakeEfoConsumer(const ConsumerSpec& spec,
                                              const ConsumerContext& context) {
  return std::make_unique<EfoConsumer>(spec, context);
}

}  // namespace shardsim
