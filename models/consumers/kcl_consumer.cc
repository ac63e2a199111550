// KCL application (fact sheet 2): workers share the shards' leases; each leased shard has a
// record processor fed by a prefetcher that calls GetRecords, waits idle_time_between_reads and
// holds at most kMaxPendingBatches unprocessed batches. Checkpoints every N records or T seconds.
// A failed worker's leases expire after failover_time and move to the live workers with the
// fewest leases, which resume from the last checkpoint (the records since are processed again).
// Events: one per GetRecords call, one per worker failure and one per takeover.
#include <algorithm>
#include <array>
#include <limits>
#include <optional>

#include "models/consumers/consumer_base.h"
#include "sim/check.h"

namespace shardsim {
namespace {

constexpr uint32_t kMaxPendingBatches = 4;  // maxPendingProcessRecordsInput (fact sheet 2)

class KclConsumer final : public ConsumerBase {
 public:
  KclConsumer(const ConsumerSpec& spec, const ConsumerContext& context)
      : ConsumerBase(spec, context),
        latency_(spec.kcl.call_latency),
        max_records_(static_cast<uint32_t>(
            std::min(spec.kcl.max_records, context.limits->spec().max_records_per_call))),
        max_bytes_(static_cast<uint64_t>(context.limits->spec().max_bytes_per_call)),
        pinned_(!spec.kcl.worker_failures.empty()),
        leases_(readers_.size()),
        workers_(static_cast<size_t>(spec.kcl.workers)) {
    for (const WorkerFailure& f : spec.kcl.worker_failures) {
      Worker& w = workers_[static_cast<size_t>(f.worker)];
      w.fail_ns = std::min(w.fail_ns, f.at.nanos());
    }
  }

  void Start(Context& ctx) override {
    ctx_ = &ctx;
    rng_.emplace(ctx.MakeRng("reads"));
    processing_rng_.emplace(ctx.MakeRng("processing"));
    const auto workers = static_cast<uint32_t>(workers_.size());
    const SimDuration idle = spec_.kcl.idle_time_between_reads;
    for (uint32_t s = 0; s < leases_.size(); ++s) {
      // Round-robin: balanced to within one lease, capped by max_leases_per_worker.
      for (uint32_t k = 0; k < workers; ++k) {
        const uint32_t w = (s + k) % workers;
        if (workers_[w].leases < spec_.kcl.max_leases_per_worker) {
          Take(s, static_cast<int32_t>(w), SimTime::Zero());
          break;
        }
      }
      limits_->AddReader(s);
      const SimDuration jitter = SimDuration::Nanos(
          static_cast<int64_t>(rng_->Below(static_cast<uint64_t>(idle.nanos()))));
      if (spec_.starting_position.type == StartingPositionType::kAtTimestamp &&
          spec_.starting_position.timestamp > SimDuration::Zero()) {
        ctx.Schedule(SimTime::Zero() + spec_.starting_position.timestamp,
                     Tag::Pack(s, Kind::kRegister));
        continue;
      }
      RegisterLease(s);
      ScheduleFetch(ctx, s, SimTime::Zero() + jitter);
    }
    for (uint32_t w = 0; w < workers; ++w) {
      const int64_t fail = workers_[w].fail_ns;
      if (fail >= end_.nanos()) continue;
      ctx.Schedule(SimTime::FromNanos(fail), Tag::Pack(w, Kind::kFail));
      const SimTime takeover = SimTime::FromNanos(fail) + spec_.kcl.failover_time;
      if (takeover <= end_) ctx.Schedule(takeover, Tag::Pack(w, Kind::kTakeover));
    }
  }

  void OnEvent(Context& ctx, uint32_t tag) override {
    const uint32_t index = Tag::Index(tag);
    switch (Tag::KindOf(tag)) {
      case Kind::kFetch:
        leases_[index].fetch = EventHandle();
        Fetch(ctx, index);
        return;
      case Kind::kRegister:
        RegisterLease(index);
        ScheduleFetch(ctx, index, ctx.Now());
        return;
      case Kind::kFail:
        Fail(ctx, index);
        return;
      case Kind::kTakeover:
        Takeover(ctx, index);
        return;
    }
  }

  void Finish(Context& ctx) override {
    for (Lease& l : leases_) Release(l, ctx.Now());
    ConsumerBase::Finish(ctx);
  }

 private:
  enum class Kind : uint32_t { kFetch = 0, kRegister = 1, kFail = 2, kTakeover = 3 };
  using Tag = EventTag<Kind, 2>;  // index: the shard, or the worker (kFail, kTakeover)

  struct Lease {
    int32_t owner = -1;  // worker index; -1 = nobody
    EventHandle fetch;
    ShardLog::CursorId pin = 0;  // a cursor held at the checkpoint, so a takeover can replay
    uint64_t checkpoint = 0;     // sequence the last checkpoint covers up to (exclusive)
    int64_t last_checkpoint_ns = 0;
    int64_t processor_free_ns = 0;
    std::array<int64_t, kMaxPendingBatches> starts{};  // processing starts of queued batches
    uint32_t head = 0, queued = 0;
    int64_t held_since_ns = -1;  // -1: no live worker holds it
    int64_t held_ns = 0;         // total time held, for lease renewals
  };
  struct Worker {
    int64_t fail_ns = kNeverNs;
    int64_t leases = 0;
  };

  bool Alive(int32_t w, SimTime now) const {
    return w >= 0 && workers_[static_cast<size_t>(w)].fail_ns > now.nanos();
  }

  void Take(uint32_t shard, int32_t worker, SimTime now) {
    Lease& l = leases_[shard];
    l.owner = worker;
    ++workers_[static_cast<size_t>(worker)].leases;
    l.held_since_ns = now.nanos();
    ++lease_takes_;
  }

  static void Release(Lease& l, SimTime now) {
    if (l.held_since_ns < 0) return;
    l.held_ns += now.nanos() - l.held_since_ns;
    l.held_since_ns = -1;
  }

  void RegisterLease(uint32_t shard) {
    ReaderState& r = readers_[shard];
    Register(r);
    Lease& l = leases_[shard];
    l.checkpoint = r.start_sequence;
    if (!pinned_) return;
    ShardLog& log = stream_.log(shard);
    l.pin = log.Register(StartPosition::Latest());
    log.Seek(l.pin, r.start_sequence);
  }

  void ScheduleFetch(Context& ctx, uint32_t shard, SimTime at) {
    Lease& l = leases_[shard];
    if (at > end_ || !Alive(l.owner, at)) return;
    l.fetch = ctx.Schedule(at, Tag::Pack(shard, Kind::kFetch));
  }

  void Fetch(Context& ctx, uint32_t shard) {
    const SimTime now = ctx.Now();
    Lease& l = leases_[shard];
    ReaderState& r = readers_[shard];
    if (!Alive(l.owner, now) || !Readable(r) || r.finished) return;
    const SimTime active = outages_.Active(now);
    if (active > now) return ScheduleFetch(ctx, shard, active);
    while (l.queued > 0 && l.starts[l.head] <= now.nanos()) {
      l.head = (l.head + 1) % kMaxPendingBatches;
      --l.queued;
    }
    // The prefetcher blocks while its queue is full: retry when the oldest batch starts.
    if (l.queued == kMaxPendingBatches) {
      return ScheduleFetch(ctx, shard, SimTime::FromNanos(l.starts[l.head]));
    }
    const SimDuration idle = spec_.kcl.idle_time_between_reads;
    if (AdmitGetRecords(r, now) != ReadThrottle::kNone) {
      return ScheduleFetch(ctx, shard, now + ThrottleBackoff(idle, *rng_));
    }
    // Read at the call; the batch arrives with the response.
    const IssuedCall call = IssueGetRecords(now, latency_, *rng_);
    const ReadResult rr = ReadGetRecords(r, now, call.cutoff, max_records_, max_bytes_);
    const SimTime arrive = call.response;
    SimTime done = arrive;
    Fate fate = Fate::kProcessed;
    const auto n = static_cast<int64_t>(rr.records.size());
    if (n > 0) {  // KCL does not call processRecords for an empty batch by default
      const SimTime start =
          outages_.Active(std::max(arrive, SimTime::FromNanos(l.processor_free_ns)));
      done = outages_.Finish(
          start, processing_.Sample(*processing_rng_, static_cast<int64_t>(UserRecords(rr)),
                                    static_cast<int64_t>(rr.bytes)));
      l.processor_free_ns = done.nanos();
      l.starts[(l.head + l.queued) % kMaxPendingBatches] = start.nanos();
      ++l.queued;
      const int64_t fail = workers_[static_cast<size_t>(l.owner)].fail_ns;
      if (done.nanos() <= std::min(end_.nanos(), fail)) {
        fate = Fate::kProcessed;
      } else if (fail < done.nanos() && fail <= end_.nanos()) {
        fate = Fate::kDiscarded;  // the worker dies first; the next owner replays
      } else {
        fate = Fate::kInFlightAtEnd;
      }
    }
    Account(r, rr, now, arrive, done, fate);
    SampleIteratorAge(r, now, rr.iterator_age);
    if (r.ended) {
      // SHARD_END: the record processor checkpoints the end, the lease is done, and the child
      // leases are processed after it (parent leases first). A worker that fails first leaves
      // the end to the next owner, who replays from the last checkpoint.
      if (fate != Fate::kProcessed) return;
      ++checkpoints_;
      l.last_checkpoint_ns = done.nanos();
      l.checkpoint = rr.first_sequence + rr.records.size();
      if (pinned_) stream_.log(shard).Seek(l.pin, l.checkpoint);
      Release(l, done);
      --workers_[static_cast<size_t>(l.owner)].leases;  // the finished lease is deleted
      l.owner = -1;
      return FinishShard(r, done);
    }
    if (n > 0 && fate == Fate::kProcessed) {
      Checkpoint(shard, rr.first_sequence + rr.records.size(), done);
    }
    ScheduleFetch(ctx, shard, arrive + idle);
  }

  // A child shard gets a lease at once, taken by the live worker with the fewest leases (KCL
  // creates child leases at the parent's end; holding it earlier changes no record's fate).
  void OnChildShard(uint32_t child, SimTime at) override {
    SHARDSIM_CHECK(child == leases_.size(), "leases stay dense by shard index");
    leases_.emplace_back();
    const int32_t owner = LeastLoadedWorker(at);
    if (owner >= 0) Take(child, owner, at);
    limits_->AddReader(child);
    Lease& l = leases_[child];
    const ReaderState& r = readers_[child];
    l.checkpoint = r.start_sequence;
    if (pinned_) {
      ShardLog& log = stream_.log(child);
      l.pin = log.Register(StartPosition::Latest());
      log.Seek(l.pin, r.start_sequence);
    }
  }
  void OnReadable(uint32_t shard, SimTime at) override {
    ScheduleFetch(*ctx_, shard, std::max(at, ctx_->Now()));
  }

  // After a batch is processed (at `done`): checkpoint when due. Decided at read time, which is
  // sound because the batch is known to finish before its worker fails.
  void Checkpoint(uint32_t shard, uint64_t through, SimTime done) {
    Lease& l = leases_[shard];
    const CheckpointSpec& cp = spec_.kcl.checkpoint;
    const bool every_batch = cp.every_records == 0 && cp.every == SimDuration::Zero();
    const bool by_records = cp.every_records > 0 && through > l.checkpoint &&
                            through - l.checkpoint >= static_cast<uint64_t>(cp.every_records);
    const bool by_time =
        cp.every > SimDuration::Zero() && done.nanos() - l.last_checkpoint_ns >= cp.every.nanos();
    if (!(every_batch || by_records || by_time)) return;
    ++checkpoints_;
    l.last_checkpoint_ns = done.nanos();
    l.checkpoint = std::max(l.checkpoint, through);
    if (pinned_) stream_.log(shard).Seek(l.pin, l.checkpoint);
  }

  void Fail(Context& ctx, uint32_t worker) {
    for (Lease& l : leases_) {
      if (l.owner != static_cast<int32_t>(worker)) continue;
      ctx.Cancel(l.fetch);
      Release(l, ctx.Now());
    }
  }

  void Takeover(Context& ctx, uint32_t worker) {
    const SimTime now = ctx.Now();
    for (uint32_t s = 0; s < leases_.size(); ++s) {
      Lease& l = leases_[s];
      if (l.owner != static_cast<int32_t>(worker)) continue;
      --workers_[worker].leases;
      l.owner = -1;
      const int32_t best = LeastLoadedWorker(now);
      if (best < 0) continue;  // nobody can hold it: the shard goes unread
      Take(s, best, now);
      ++takeovers_;
      l.queued = 0;
      l.processor_free_ns = now.nanos();
      ReaderState& r = readers_[s];
      // AT_TIMESTAMP still ahead: its registration starts reads; a child waits for its parents.
      if (!Readable(r)) continue;
      r.ended = false;  // the replay from the checkpoint reads up to the end again
      Rewind(r, stream_.log(s).cursor(l.pin).position);
      ScheduleFetch(ctx, s, now);
    }
  }

  // The live worker with the fewest leases that may take another, or -1.
  int32_t LeastLoadedWorker(SimTime now) const {
    int32_t best = -1;
    for (uint32_t w = 0; w < workers_.size(); ++w) {
      if (!Alive(static_cast<int32_t>(w), now) ||
          workers_[w].leases >= spec_.kcl.max_leases_per_worker) {
        continue;
      }
      if (best < 0 || workers_[w].leases < workers_[static_cast<size_t>(best)].leases) {
        best = static_cast<int32_t>(w);
      }
    }
    return best;
  }

  void FillResult(ConsumerResult& c) const override {
    c.workers = static_cast<int64_t>(workers_.size());
    const SimDuration renewal = SimDuration::Nanos(spec_.kcl.failover_time.nanos() / 3);
    uint64_t renewals = 0;
    for (size_t s = 0; s < leases_.size(); ++s) {
      const Lease& l = leases_[s];
      if (renewal > SimDuration::Zero()) {
        renewals += static_cast<uint64_t>(l.held_ns / renewal.nanos());
      }
      const bool held = Alive(l.owner, end_);
      c.shards[s].owner = held ? l.owner : -1;
      // A shard finished (read to its closed end) needs no owner any more.
      if (!held && !readers_[s].finished) ++c.unowned_shards;
    }
    for (size_t w = 0; w < workers_.size(); ++w) {
      if (Alive(static_cast<int32_t>(w), end_) && workers_[w].leases == 0) ++c.idle_workers;
    }
    c.checkpoints = checkpoints_;
    c.lease_takeovers = takeovers_;
    c.lease_table_writes = lease_takes_ + renewals + checkpoints_;
  }

  LatencySampler latency_;
  uint32_t max_records_;
  uint64_t max_bytes_;
  bool pinned_;                // worker failures are scheduled: keep records since each checkpoint
  std::vector<Lease> leases_;  // by shard
  std::vector<Worker> workers_;
  std::optional<Rng> rng_, processing_rng_;
  uint64_t checkpoints_ = 0, takeovers_ = 0, lease_takes_ = 0;
};

}  // namespace

std::unique_ptr<ConsumerBase> MakeKclConsumer(const ConsumerSpec& spec,
                                              const ConsumerContext& context) {
  return std::make_unique<KclConsumer>(spec, context);
}

}  // namespace shardsim
