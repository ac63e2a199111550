// ProducerGroup: `instances` producer processes that create records (arrival process, sizes,
// partition keys) and write them to the stream with PutRecord or PutRecords (fact sheet 1):
// producer-side batching with a linger time, a limit of calls in flight per instance, per-record
// results in request order, retries with capped exponential backoff and jitter, a record TTL, and
// call timeouts after which records the shard did store are sent again (duplicates).
//
// Events are per API call: a batch's flush, a call's completion and a retry's resend. Records are
// created lazily when a batch forms, so memory is bounded by records in batches and calls.
// Conservation (checked by the run): produced = accepted + dropped + in flight, where accepted
// counts a record once however many copies the stream stored; extra copies are `duplicates`.
// Not thread-safe (one per simulation).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "models/keys/routing.h"
#include "models/producers/producer_counters.h"
#include "models/producers/producer_model.h"
#include "models/result/run_result.h"
#include "models/spec/scenario.h"
#include "models/stream/stream.h"
#include "models/traffic/arrivals.h"
#include "models/traffic/samplers.h"
#include "sim/event_tag.h"
#include "sim/simulation.h"
#include "sim/slot_pool.h"
#include "sim/stats.h"

namespace shardsim {

class ProducerGroup final : public ProducerModel, private RouteHolder {
 public:
  // `profile`, `keys`, `stream` and `routes` must outlive the group. `end` is the end of the run:
  // records are created at times < end. Latency statistics start at `warmup`; counts cover the
  // run. `routes`: the keys' routes on the stream's initial map, if prepared (else built).
  // `key_identity`: some reader of the stream needs each stored record's key id (Lambda's
  // ParallelizationFactor, Firehose dynamic partitioning, poison keys). Without it, and with a
  // key space large enough for cell sampling (KeyRoutes::HasCells), records are drawn as a shard
  // and a key length only and stored without a key id; a reshard gives the held ones their key.
  ProducerGroup(const ProducerSpec& spec, const RateProfile& profile, const KeyModel& keys,
                SizeSampler sizes, Stream& stream, SimTime end, SimTime warmup = SimTime::Zero(),
                uint32_t group_index = 0, const KeyRoutes* routes = nullptr,
                bool key_identity = true);

  void Start(Context& ctx) override;
  void OnEvent(Context& ctx, uint32_t tag) override;
  void Finish(Context& ctx) override;

  ProducerResult Result() const override;
  const KeyModel& keys() const override { return keys_; }
  const ProducerSpec& spec() const override { return spec_; }

 private:
  // One user record while the producer holds it. 24 bytes. Records without a key id keep their
  // hash beside them (Call::hashes, Instance::next_hash), to be routed again after a reshard.
  struct Record {
    int64_t created_ns;
    uint32_t key_id;
    uint32_t shard;  // where it routes at routing epoch route_epoch_
    uint32_t data_bytes;
    uint16_t key_bytes;
    uint8_t attempts;  // attempts made so far
    uint8_t flags;     // kStoredCopy: the stream already stored this record; this is a copy
  };
  static constexpr uint8_t kStoredCopy = 1;

  // A PutRecords (or PutRecord) request with the records it still has to deliver. A call holds
  // its instance's in-flight slot from its first send until every record is settled, as an SDK
  // call does through its retries.
  struct Call {
    std::vector<Record> records;
    uint32_t instance = 0;
    int32_t retries = 0;           // resends so far
    SimDuration previous_backoff;  // decorrelated jitter's memory
    SimTime sent;
    bool timed_out = false;
    std::vector<Uint128> hashes;  // records[i]'s hash, for groups whose keys have no ids (last:
                                  // the fields every call reads share one cache line)
  };
  struct Instance {
    std::optional<ArrivalGenerator> arrivals;
    Record next;                      // the next record to be created, drawn ahead
    bool has_next = false;            // false once arrivals end before `end`
    uint32_t pending_call = kNoCall;  // formed batch waiting for its flush (or a slot)
    int32_t in_flight = 0;
    bool flush_due = false;  // pending batch's flush time passed while no slot was free
    // The share of a full batch (linger, records, bytes) the next batch may take: below 1 only
    // for the first batch under StartPhase::kRandom, as if the instance started before t = 0.
    double batch_share = 1.0;
    // next's hash, for groups whose keys have no ids; in halves and last, so that the fields of
    // every record keep their layout (an unsigned __int128 would align the struct to 16).
    uint64_t next_hash_high = 0, next_hash_low = 0;
    Uint128 next_hash() const { return static_cast<Uint128>(next_hash_high) << 64 | next_hash_low; }
  };
  enum class EventKind : uint32_t { kFlush = 0, kComplete = 1, kResend = 2 };
  using Tag = EventTag<EventKind, 2>;  // index: the instance (kFlush) or the call
  static constexpr uint32_t kNoCall = ~uint32_t{0};

  // The per-record code comes in two instances: records with key ids, and records that carry a
  // hash (hashed_), so that the common keyed loop has no per-record test or hash copy.
  template <bool kHashed>
  [[gnu::always_inline]] inline void DrawNext(Instance& in);
  // The stream resharded since the held records were routed: route them again.
  void RouteAgain();
  // Records drawn by cell get a key identity on the routes they were drawn on.
  void BeforeReshard(const KeyRoutes& old_routes) override;
  void FormBatch(Context& ctx, uint32_t instance) {
    hashed_ ? FormBatchOf<true>(ctx, instance) : FormBatchOf<false>(ctx, instance);
  }
  template <bool kHashed>
  void FormBatchOf(Context& ctx, uint32_t instance);
  void Send(Context& ctx, uint32_t call);
  void Complete(Context& ctx, uint32_t call) {
    hashed_ ? CompleteOf<true>(ctx, call) : CompleteOf<false>(ctx, call);
  }
  template <bool kHashed>
  void CompleteOf(Context& ctx, uint32_t call);
  void ReleaseSlot(Context& ctx, uint32_t instance);
  uint32_t AllocateCall(uint32_t instance);
  void FreeCall(uint32_t call);

  ProducerSpec spec_;
  const RateProfile& profile_;
  const KeyModel& keys_;
  Stream& stream_;
  // Kinesis routes a record when it receives the request: every held record's shard is its route
  // at epoch route_epoch_, and each event first routes them again if the stream resharded.
  const KeyRouting& routing_;
  uint32_t route_epoch_;
  bool hashed_;  // records carry no key id, only a hash (random keys, uniform ExplicitHashKeys)
  bool key_identity_;
  SimTime end_;
  SimTime warmup_;
  uint32_t group_index_;  // stored with each record (StoredRecord::producer)
  // A Direct PUT Firehose target (spec.target set) has no partition keys on the wire and caps a
  // PutRecordBatch at 4 MiB (fact sheet 7); its `stream_` is the Firehose's ingestion model.
  bool direct_put_;
  int64_t max_batch_bytes_;
  // PutRecord is a batch of one, sent as soon as the record exists.
  int64_t batch_records_;
  SimDuration linger_;
  SizeSampler sizes_;
  LatencySampler latency_;
  std::optional<Rng> arrival_rng_, record_rng_, latency_rng_, retry_rng_, phase_rng_, identity_rng_;
  std::optional<KeySampler> key_sampler_;
  std::vector<Instance> instances_;
  SlotPool<Call> calls_;

  ProducerCounters n_;
};

}  // namespace shardsim
