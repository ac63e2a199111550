// KplProducerGroup: `instances` producer processes writing through the Kinesis Producer Library
// (fact sheet 8): per-shard aggregation, per-shard rate limiting, collection into PutRecords
// calls, RecordMaxBufferedTime flushes, MaxConnections, retries until RecordTtl without backoff.
//
// Events are per flush, limiter poll and call -- never per record. Arrivals are ingested ahead
// of time (like ProducerGroup's batches) and stop at the next thing observable: a deadline or a
// record that closes an aggregate. Memory: the records the KPL holds, plus one small state per
// (instance, shard) -- the KPL itself keeps a reducer and a token bucket per shard.
// Conservation (checked by the run): produced = accepted + dropped + in flight, counted in user
// records; an accepted copy stored again after a call timeout counts as a duplicate.
// Not thread-safe (one per simulation).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "models/keys/routing.h"
#include "models/producers/kpl_format.h"
#include "models/producers/producer_counters.h"
#include "models/producers/producer_model.h"
#include "models/result/run_result.h"
#include "models/spec/scenario.h"
#include "models/stream/stream.h"
#include "models/stream/write_admission.h"
#include "models/traffic/arrivals.h"
#include "models/traffic/samplers.h"
#include "sim/event_tag.h"
#include "sim/simulation.h"
#include "sim/slot_pool.h"
#include "sim/stats.h"

namespace shardsim {

class KplProducerGroup final : public ProducerModel {
 public:
  // `profile`, `keys`, `stream` and `routes` must outlive the group. `end` is the end of the run:
  // records are created at times < end. Latency statistics start at `warmup`. `routes`: the
  // keys' routes on the stream's initial map, if prepared (else built). REQUIRES:
  // spec.api.type == kKpl.
  KplProducerGroup(const ProducerSpec& spec, const RateProfile& profile, const KeyModel& keys,
                   SizeSampler sizes, Stream& stream, SimTime end, SimTime warmup = SimTime::Zero(),
                   uint32_t group_index = 0, const KeyRoutes* routes = nullptr);
  ~KplProducerGroup() override;

  void Start(Context& ctx) override;
  void OnEvent(Context& ctx, uint32_t tag) override;
  void Finish(Context& ctx) override;

  ProducerResult Result() const override;
  const KeyModel& keys() const override { return keys_; }
  const ProducerSpec& spec() const override { return spec_; }

 private:
  struct UserRecord;
  struct KinesisRecord;
  struct ShardBuffer;
  struct Instance;
  struct Call;
  struct DeadlineEntry;
  enum class EventKind : uint32_t { kWake = 0, kDrain = 1, kComplete = 2 };
  using Tag = EventTag<EventKind, 2>;  // index: the instance, or the call (kComplete)

  // Arrivals and ingestion.
  void DrawNext(Instance& in);
  // The stream resharded since the user records not yet in a Kinesis record were routed.
  void RouteAgain();
  void Advance(Context& ctx, uint32_t instance);
  void IngestNext(Context& ctx, uint32_t instance);
  bool WouldClose(const Instance& in, const UserRecord& r);
  void ScheduleWake(Context& ctx, uint32_t instance, int64_t at_ns);
  [[gnu::noinline]] void MoveWake(Context& ctx, uint32_t instance, int64_t at_ns);
  // Aggregation, limiter, collection.
  void Buffer(Context& ctx, uint32_t instance, const UserRecord& r);
  void CloseAggregate(Context& ctx, uint32_t instance, uint32_t shard);
  void FlushAggregates(Context& ctx, uint32_t instance);
  void LimiterPut(Context& ctx, uint32_t instance, uint32_t krec);
  void DrainShard(Context& ctx, uint32_t instance, uint32_t shard);
  void ExpireHeld(Context& ctx, uint32_t instance, uint32_t shard);
  void Drain(Context& ctx, uint32_t instance);
  void Collect(Context& ctx, uint32_t instance, uint32_t krec);
  void SendCollection(Context& ctx, uint32_t instance);
  // Calls and results.
  void Send(Context& ctx, uint32_t call);
  void Complete(Context& ctx, uint32_t call);
  // `stale`: r's shard is a route of an earlier epoch (its Kinesis record's).
  void RetryOrExpire(Context& ctx, uint32_t instance, UserRecord r, bool stale);
  int64_t AggregateDeadline(Instance& in);
  // Pools.
  uint32_t AllocateKinesisRecord(uint32_t shard);
  void FreeKinesisRecord(uint32_t krec);
  // Key texts for the aggregator's exact sizes, without allocating per record.
  std::string_view PartitionKeyText(const UserRecord& r);
  std::optional<std::string_view> ExplicitHashKeyText(const UserRecord& r);
  std::string_view KeyText(uint32_t key_id, uint32_t bytes, bool ehk, char* buf);

  ProducerSpec spec_;
  const RateProfile& profile_;
  const KeyModel& keys_;
  Stream& stream_;
  // Kinesis routes a record when it receives the request. User records outside Kinesis records
  // hold their route at epoch route_epoch_ (each event first routes them again after a reshard);
  // a Kinesis record keeps the shard its aggregate was predicted for and, if a reshard came
  // since, is routed at send by its first user record's key, as its ExplicitHashKey would be.
  const KeyRouting& routing_;
  uint32_t route_epoch_;
  bool hashed_;  // records carry no key id, only a hash (random keys, uniform ExplicitHashKeys)
  uint32_t group_index_;  // stored with each record (StoredRecord::producer)
  SimTime end_;
  SimTime warmup_;
  SizeSampler sizes_;
  LatencySampler latency_;
  WriteAdmitter limiter_;  // the KPL's per-shard token buckets (one state per instance and shard)
  // Largest aggregate (KplAggregator::size_bytes): AggregationMaxSize, or less so that aggregate
  // + partition key fit the stream's max record size.
  size_t aggregate_limit_;
  int64_t aggregate_max_count_;  // AggregationMaxCount, at most 65,535
  std::optional<Rng> arrival_rng_, record_rng_, latency_rng_;
  std::optional<KeySampler> key_sampler_;  // key spaces hashed per record only
  std::vector<Instance> instances_;
  SlotPool<KinesisRecord> krecs_;
  SlotPool<KplAggregator> aggregators_;  // by KinesisRecord while it is being aggregated
  KplAggregator empty_aggregator_;       // sizes of a record alone
  SlotPool<Call> calls_;
  std::vector<UserRecord> merge_buf_;  // retries being merged (keeps its capacity)

  // Key texts: synthetic strings with the real key's length and identity (see KeyText).
  std::array<char, 1024> pk_buf_{};  // 256 characters of up to 4 UTF-8 bytes
  std::array<char, 64> ehk_buf_{};
  uint64_t synthetic_keys_ = 0;  // identities for records whose key repeats are not tracked
  std::unordered_map<uint64_t, std::string> short_keys_;  // keys under 4 bytes, by (ehk, id)
  std::vector<uint8_t> ehk_bytes_;  // decimal length of each ExplicitHashKey id; 0 = not yet seen

  ProducerCounters n_;
};

}  // namespace shardsim
