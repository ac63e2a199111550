// Stream: a Kinesis data stream -- its shards (ShardMap) and their lifecycle (SplitShard,
// MergeShards), the routing of its producers' keys, per-shard admission against the 1 MiB/s and
// 1,000 records/s limits (fact sheet 1), the shard logs readers read, and per-shard statistics:
// totals, one-second peaks of accepted and offered traffic, and a time series per shard.
// Producers call Put() for every Kinesis record inside their call-completion events (no event
// per record). Memory: O(shards x series windows), independent of records simulated.
// Not thread-safe (one per simulation).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "models/keys/key_model.h"
#include "models/keys/routing.h"
#include "models/keys/shard_map.h"
#include "models/result/run_result.h"
#include "models/spec/scenario.h"
#include "models/stream/shard_log.h"
#include "models/stream/write_admission.h"
#include "sim/check.h"
#include "sim/metrics.h"
#include "sim/time.h"

namespace shardsim {

// Told when a shard it watches stores records: once per instant at which the shard stores any
// (enhanced fan-out subscriptions wait this way instead of polling). Called from Stream::Put.
class AppendWatcher {
 public:
  virtual ~AppendWatcher() = default;
  virtual void OnAppend(uint32_t shard, SimTime arrival) = 0;
};

// A SplitShard or MergeShards that took effect: its parents closed, its children opened (their
// ranges and lineage are in Stream::shard_map()).
struct Reshard {
  std::vector<uint32_t> parents;   // split: {parent}; merge: {shard, adjacent shard}
  std::vector<uint32_t> children;  // split: {lower, upper}; merge: {child}; new indexes, ascending
  SimTime at;
};

// Told when the stream's shard set changes, after the stream itself changed: the shard map, the
// routing, the closed parents' logs and the children's statistics, logs and read states are in
// place. Listeners hear in the order they were added.
class ShardListener {
 public:
  virtual ~ShardListener() = default;
  virtual void OnReshard(const Reshard& reshard) = 0;
};

// What a stored record holds for readers that de-aggregate (Stream::Put).
struct RecordContents {
  int64_t data_bytes = -1;    // the user data (no partition key, no aggregation framing); -1: all
  uint32_t user_records = 1;  // a KPL aggregate's user records; REQUIRES: 1..65,535
};

class Stream {
 public:
  // A PUT payload unit is each 25 KB chunk of a record (fact sheet 9); KB = 1,024 bytes is
  // UNCONFIRMED.
  static constexpr int64_t kPayloadUnitBytes = 25 * 1024;

  // Peaks ignore one-second windows that start before `warmup` (the warm-up of the scenario);
  // totals and series cover the whole run.
  Stream(const StreamSpec& spec, SimDuration series_interval,
         SimDuration warmup = SimDuration::Zero());
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  const StreamSpec& spec() const { return spec_; }
  const ShardMap& shard_map() const { return map_; }

  // Where the keys of a producer group writing here route (models/keys/routing.h): the group
  // attaches its key model once, with the model's routes on the initial map when it has them
  // (prepared once for many runs; built here otherwise), and draws and routes through the result
  // for the run. REQUIRES: `model` and `initial` outlive the stream.
  const KeyRouting& AttachKeys(const KeyModel& model, const KeyRoutes* initial = nullptr) {
    return routing_.Attach(model, initial, map_);
  }
  const RoutingTable& routing() const { return routing_; }
  // `holder` hears of each reshard of `model`'s routes before it (RoutingTable::Hold).
  void HoldRoutes(const KeyModel& model, RouteHolder* holder) { routing_.Hold(model, holder); }

  // ---- Shard lifecycle (fact sheet 3). SplitShard and MergeShards at `now`: on success the
  // shard map and the key routing change (producers route their held records again), the
  // parents close (their logs take no more records; readers that read past their last record are
  // at the end of the shard), the children get statistics and, with reads enabled, logs; then
  // every listener hears of it. Shard indexes are never reused: per-shard state only grows. A
  // request Kinesis would refuse changes nothing and returns its error. It takes effect at `now`:
  // the Resharder (models/stream/resharding.h) calls it at the end of the UPDATING time and checks
  // the call's other rules. REQUIRES: not called from a listener; `now` not before an earlier Put.
  ReshardResult Split(uint32_t shard, HashKey new_starting_hash_key, SimTime now);
  ReshardResult Merge(uint32_t shard, uint32_t adjacent_shard, SimTime now);
  // REQUIRES: `l` outlives the stream's use.
  void AddListener(ShardListener* l) { listeners_.push_back(l); }

  // The windows an instant falls in: computed once per call so that Put() divides nothing.
  struct Instant {
    SimTime now;
    int64_t second;  // one-second window (limits and peaks)
    int64_t window;  // series window
  };
  Instant At(SimTime now) const {
    return {now, now.nanos() / 1'000'000'000, now.nanos() / series_ns_};
  }

  // Offers one Kinesis record of `bytes` (data + partition key) to shard `shard` (a ShardMap
  // index of an open shard) at `at`, and accounts for it. `first_attempt` is false for retries:
  // offered load counts every attempt (as CloudWatch's IncomingRecords + throttled do), demand
  // only first attempts (what producers need, for sizing), counted in the second the record was
  // created so that a producer's backlog does not look like a burst. REQUIRES: time never
  // decreases; created <= at.now.
  // `key_id` (a KeyModel key id or kNoKey) and `producer` (the group index) travel with the stored
  // record for consumers that route by key (Lambda's ParallelizationFactor); `contents` says what
  // a de-aggregating reader gets out of it.
  [[gnu::always_inline]] WriteLimit Put(uint32_t shard, const Instant& at, int64_t bytes,
                                        bool first_attempt, SimTime created,
                                        uint32_t key_id = ~uint32_t{0}, uint32_t producer = 0,
                                        RecordContents contents = {}) {
    ShardStats& s = Offer(shard, at, bytes, first_attempt, created);
    const WriteLimit r = admitter_.Admit(s.admission, at.now, at.second, bytes);
    if (r == WriteLimit::kNone) {
      if (!reads_.empty()) Store(shard, at.now, bytes, created, key_id, producer, contents);
      ++s.records_in;
      s.bytes_in += static_cast<uint64_t>(bytes);
      if (static_cast<uint64_t>(bytes - 1) >= static_cast<uint64_t>(kPayloadUnitBytes)) [[unlikely]]
        s.payload_units_extra += (bytes + kPayloadUnitBytes - 1) / kPayloadUnitBytes - 1;
      s.kib_in += static_cast<uint64_t>(bytes + 1023) >> 10;
      ++s.sec_records;
      s.sec_bytes += bytes;
      ++s.win_records;
      s.win_bytes += bytes;
    } else {
      ++s.throttled;
      ++s.win_throttled;
      if (r == WriteLimit::kRecords) {
        ++s.throttled_by_records;
      } else {
        ++s.throttled_by_bytes;
      }
    }
    return r;
  }

  // A request refused as a whole before any record was considered (Firehose Direct PUT's
  // requests-per-second quota): each of its records counts as offered and throttled.
  void Refuse(uint32_t shard, const Instant& at, int64_t bytes, bool first_attempt,
              SimTime created);
  // Optional requests-per-second quota over the whole stream (fixed one-second windows): 0 = none.
  // AdmitCall() is asked once per request; a refused request must be Refuse()d record by record.
  void SetCallLimit(int64_t calls_per_sec) { call_limit_ = calls_per_sec; }
  bool AdmitCall(const Instant& at) {
    if (call_limit_ == 0) return true;
    if (at.second != call_second_) {
      call_second_ = at.second;
      calls_this_second_ = 0;
    }
    if (calls_this_second_ >= call_limit_) {
      ++calls_refused_;
      return false;
    }
    ++calls_this_second_;
    return true;
  }
  uint64_t calls_refused() const { return calls_refused_; }
  uint64_t throttled_by_calls() const { return throttled_by_calls_; }

  // Poison records (Lambda): the first record stored that was created at or after `at` and, when
  // `keys` is not empty, whose (producer, key_id) is one of `keys` is marked with the returned id
  // (1, 2, ...) beside its shard's log. A record matches at most one trigger (the earliest added).
  // REQUIRES: called before the first Put.
  struct PoisonKey {
    uint32_t producer;
    uint32_t key_id;
  };
  uint32_t AddPoison(SimTime at, std::vector<PoisonKey> keys);
  // The poison id of the record at `sequence` of `shard` (0: an ordinary record).
  uint32_t PoisonAt(uint32_t shard, uint64_t sequence) const;
  // The first sequence >= `from` of a poison record stored on `shard`, or UINT64_MAX: readers
  // compare each record's sequence with it (one compare per record, no lookup).
  uint64_t NextPoison(uint32_t shard, uint64_t from) const {
    return poison_marks_.empty() ? std::numeric_limits<uint64_t>::max()
                                 : NextPoisonSlow(shard, from);
  }

  // Closes the last windows at the end of the run.
  void Finish(SimTime end);

  // Read side. After EnableReads (before the first Put), every accepted record is appended to
  // its shard's log, which stores it only while some reader still needs it.
  void EnableReads(const ShardLogOptions& options);
  bool reads_enabled() const { return !reads_.empty(); }
  // REQUIRES: reads enabled; shard < shard_map().shards().size().
  ShardLog& log(uint32_t shard) { return reads_[shard].log; }
  const ShardLog& log(uint32_t shard) const { return reads_[shard].log; }
  // From now on `w` is told when the shard stores records (once per instant). REQUIRES: reads
  // enabled; `w` outlives the stream's use.
  void Watch(uint32_t shard, AppendWatcher* w) { reads_[shard].watchers.push_back(w); }

  // One ShardResult per shard ever created (top_keys and expected_share left empty), and one
  // series table per shard: time_s, records_in, bytes_in, throttled_records per window.
  std::vector<ShardResult> ShardResults() const;
  std::vector<SeriesTable> ShardSeries() const;

  // ---- What CloudWatch counts (models/stream/cloudwatch.h) and reads at minute boundaries.
  // Running totals of one shard since the start of the run.
  struct ShardCounters {
    uint64_t records_in = 0;  // accepted: IncomingRecords
    uint64_t bytes_in = 0;    // accepted data + partition keys: IncomingBytes
    uint64_t throttled = 0;   // records refused by the write limits
  };
  // REQUIRES: shard < shard_map().shards().size().
  ShardCounters counters(uint32_t shard) const {
    const ShardStats& s = shards_[shard];
    return {s.records_in, s.bytes_in, s.throttled};
  }
  // A GetRecords response at `at` on `shard` whose last record is `iterator_age` old (zero: none,
  // or caught up): GetRecords.IteratorAgeMilliseconds. One call, not one record, per note.
  void NoteGetRecordsAge(uint32_t shard, SimTime at, SimDuration iterator_age) {
    if (age_.size() <= shard) age_.resize(size_t{shard} + 1);
    AgeWindow& a = age_[shard];
    const int64_t window = at.nanos() / kAgeWindow.nanos();  // a constant: no division
    if (a.window != window) a = {window, -1};
    a.max_ns = std::max(a.max_ns, iterator_age.nanos());
  }

  // ---- Published metrics (sim/metrics.h), per shard (rows by shard index), under CloudWatch's
  // names (fact sheet 10) prefixed "<prefix>/": IncomingBytes, IncomingRecords and
  // WriteProvisionedThroughputExceeded (sums: the series windows, and running totals since the
  // start of the run, which CloudWatch's minutes difference) and GetRecords.IteratorAgeMilliseconds
  // (maximum over one-minute windows, CloudWatch's granularity; only each shard's newest window is
  // kept -- a reader reads a minute at its end). Views read the stream in place. REQUIRES: once,
  // before the run; the stream outlives the registry's reads.
  static constexpr SimDuration kAgeWindow = Minutes(1);
  void PublishMetrics(MetricsRegistry& registry, std::string_view prefix) const;
  // "kinesis/<stream name>": the prefix of the run's data stream (ModelGraph).
  static std::string MetricPrefix(std::string_view stream_name) {
    return "kinesis/" + std::string(stream_name);
  }

  // Stream-wide figures for findings: totals, and the busiest second of offered traffic
  // (accepted + throttled) summed over all shards.
  uint64_t total_records_in() const;
  // Sums over all shards so far of what billing counts (a capacity-mode switch splits them).
  struct BillingTotals {
    uint64_t records_in = 0, bytes_in = 0, kib_in = 0, payload_units = 0;
  };
  BillingTotals billing_totals() const;
  uint64_t total_throttled() const;
  // Busiest second of demand: first attempts by the second their records were created, summed
  // over all shards. Records larger than the bytes limit (max_record_size above it) are served
  // from burst capacity, which refills at the bytes limit: their bytes count at their mean rate
  // over the measured run (after the warm-up), added to the busiest second of the others, so a
  // single 5 MiB record does not read as five shards' worth of demand. REQUIRES (bytes): Finish.
  double peak_demand_records_per_s() const;
  double peak_demand_bytes_per_s() const;

 private:
  // 64-bit counts: a one-hour window passes 2^32 throttled records at ~1.2 million a second.
  struct Window {
    uint64_t records;
    uint64_t throttled;
    int64_t bytes;
  };
  struct Demand {
    int64_t records = 0;
    int64_t bytes = 0;
  };
  // A shard's demand by creation second, in a ring of its most recent seconds (anchored at the
  // newest creation second it saw, not at now: a producer backlog shifts it as a whole). A first
  // attempt more than a ring behind that (producers whose backlogs differ by over a minute) is
  // counted in the oldest second the ring still holds. 1 KiB per shard.
  static constexpr int64_t kShardDemandSeconds = 64;  // a power of two: slots by mask
  static_assert((kShardDemandSeconds & (kShardDemandSeconds - 1)) == 0);
  // The counters a Put touches come first, in the first two cache lines (120 bytes; the struct
  // is aligned to a line), then the admission state (its window fields open the third line),
  // then the cold peaks, series and the demand ring (one slot per first attempt). Derived, so
  // that they take no hot space: records offered = records_in + throttled (every offer is one or
  // the other); PUT payload units = records_in + payload_units_extra (almost every record is one
  // unit).
  struct alignas(64) ShardStats {
    int64_t second = 0;
    int64_t sec_records = 0, sec_bytes = 0, sec_offered_records = 0, sec_offered_bytes = 0;
    int64_t demand_newest = 0;  // newest creation second in `demand`
    int64_t window = 0;
    uint64_t win_records = 0, win_throttled = 0;
    int64_t win_bytes = 0;
    uint64_t records_in = 0, bytes_in = 0, first_attempts = 0;
    // The bytes in whole KiB per record (on-demand ingest rounding, fact sheet 9).
    uint64_t kib_in = 0;
    uint64_t throttled = 0;
    WriteAdmissionState admission;
    uint64_t throttled_by_records = 0, throttled_by_bytes = 0;
    // PUT payload units (fact sheet 9: each 25 KiB chunk, at least one) beyond one per record:
    // records over 25 KiB add their extra chunks, empty records (0 units) subtract one.
    int64_t payload_units_extra = 0;
    int64_t large_bytes = 0;  // of first attempts over the bytes limit created after the warm-up
    int64_t peak_records = 0, peak_bytes = 0, peak_offered_records = 0, peak_offered_bytes = 0;
    int64_t peak_demand_records = 0, peak_demand_bytes = 0;  // after Finish
    std::vector<Window> series;
    std::array<Demand, kShardDemandSeconds> demand{};
  };

  // Counts one offered record (and, for a first attempt, its demand); returns its shard.
  [[gnu::always_inline]] ShardStats& Offer(uint32_t shard, const Instant& at, int64_t bytes,
                                           bool first_attempt, SimTime created) {
    SHARDSIM_CHECK(!closed_[shard], "a record offered to a closed shard (producers route at send)");
    ShardStats& s = shards_[shard];
    if (at.second != s.second) CloseSecond(s, at.second);
    if (at.window != s.window) CloseWindow(s, at.window);
    ++s.sec_offered_records;
    s.sec_offered_bytes += bytes;
    if (first_attempt) {
      const int64_t created_second = created.nanos() / 1'000'000'000;
      // A large record (served from burst capacity) counts in its second's records, and its
      // bytes at their mean rate over the run (see peak_demand_bytes_per_s).
      if (bytes > large_record_bytes_) [[unlikely]] {
        if (created_second >= first_measured_second_) s.large_bytes += bytes;
        bytes = 0;
      }
      NoteDemand(created_second, bytes);
      ++s.first_attempts;
      if (created_second > s.demand_newest) AdvanceShardDemand(s, created_second);
      Demand& d = s.demand[static_cast<size_t>(std::max(
                               created_second, s.demand_newest - kShardDemandSeconds + 1)) &
                           (kShardDemandSeconds - 1)];
      ++d.records;
      d.bytes += bytes;
    }
    return s;
  }
  // Seconds that leave the shard's demand ring fold into its peaks (after the warm-up).
  void AdvanceShardDemand(ShardStats& s, int64_t newest) const;
  void CloseSecond(ShardStats& s, int64_t next_second) const;
  // Seconds from the end of the warm-up to the end of the run (at least 1).
  double MeasuredSeconds() const;
  static void CloseWindow(ShardStats& s, int64_t next_window);
  struct MetricViews;  // PublishMetrics' accessors (stream.cc)
  void Store(uint32_t shard, SimTime now, int64_t bytes, SimTime created, uint32_t key_id,
             uint32_t producer, const RecordContents& contents) {
    ShardReads& r = reads_[shard];
    StoredRecord rec;
    rec.created_ns = created.nanos();
    rec.arrival_ns = now.nanos();
    rec.bytes = static_cast<uint32_t>(bytes);
    rec.key_id = key_id;
    rec.producer = static_cast<uint16_t>(producer);
    rec.user_records = static_cast<uint16_t>(contents.user_records);
    rec.data_bytes = static_cast<uint32_t>(contents.data_bytes < 0 ? bytes : contents.data_bytes);
    if (rec.created_ns >= poison_next_ns_) MarkPoison(shard, rec);
    r.log.Append(rec);
    if (r.notified_ns != rec.arrival_ns && !r.watchers.empty()) {
      r.notified_ns = rec.arrival_ns;
      for (AppendWatcher* w : r.watchers) w->OnAppend(shard, now);
    }
  }

  void MarkPoison(uint32_t shard, const StoredRecord& rec);
  uint64_t NextPoisonSlow(uint32_t shard, uint64_t from) const;
  // After a successful ShardMap split or merge: routing, parents, children, listeners.
  void Reshaped(const ReshardResult& result, std::vector<uint32_t> parents, SimTime now);

  StreamSpec spec_;
  ShardMap map_;
  RoutingTable routing_;
  WriteAdmitter admitter_;
  int64_t series_ns_;
  int64_t first_measured_second_;  // peaks count seconds from here (after the warm-up)
  // Records over this many bytes are served from burst capacity (max: none are).
  int64_t large_record_bytes_;
  std::vector<ShardStats> shards_;  // by ShardMap index
  // By shard: closed by SplitShard / MergeShards. Apart from ShardStats, whose per-record fields
  // fill whole cache lines: this array stays in L1.
  std::vector<uint8_t> closed_;
  // By shard, for shard-hours: when it opened (0 for CreateStream's shards) and closed (-1: open).
  std::vector<int64_t> opened_ns_, closed_ns_;
  int64_t end_ns_ = 0;  // the run's end, set by Finish
  // Demand by creation second in a ring of the most recent seconds, so memory does not grow
  // with simulated time. A first attempt more than a ring behind the newest (a producer backlog
  // of over an hour) is counted in the oldest second the ring still holds.
  static constexpr int64_t kDemandSeconds = 4096;  // a power of two: slots by mask
  static_assert((kDemandSeconds & (kDemandSeconds - 1)) == 0);
  void NoteDemand(int64_t second, int64_t bytes) {
    if (second > demand_newest_) AdvanceDemand(second);
    second = std::max(second, demand_newest_ - kDemandSeconds + 1);
    Demand& d = demand_[static_cast<size_t>(second) & (kDemandSeconds - 1)];
    ++d.records;
    d.bytes += bytes;
  }
  void AdvanceDemand(int64_t newest);
  std::vector<Demand> demand_ = std::vector<Demand>(kDemandSeconds);
  int64_t demand_newest_ = 0;
  Demand demand_peak_;  // over seconds that left the ring (after the warm-up)
  struct ShardReads {
    ShardLog log;
    int64_t notified_ns = -1;  // the watchers heard of this instant already
    std::vector<AppendWatcher*> watchers;
  };
  std::vector<ShardReads> reads_;  // by ShardMap index; empty unless reads are enabled
  ShardLogOptions read_options_;   // for the logs of shards that resharding adds
  std::vector<ShardListener*> listeners_;
  // By shard: the largest iterator age noted in the newest one-minute window that had a note.
  struct AgeWindow {
    int64_t window = -1;  // index of the window (-1: none yet)
    int64_t max_ns = -1;
  };
  std::vector<AgeWindow> age_;
  struct PoisonTrigger {
    int64_t at_ns;
    std::vector<PoisonKey> keys;
    uint32_t id;
    bool done = false;
  };
  std::vector<PoisonTrigger> poison_;
  struct PoisonMark {
    uint32_t shard;
    uint32_t id;
    uint64_t sequence;
  };
  std::vector<PoisonMark> poison_marks_;  // in the order they were stored (few: one per trigger)
  int64_t poison_next_ns_ = std::numeric_limits<int64_t>::max();  // earliest pending trigger
  int64_t call_limit_ = 0;
  int64_t call_second_ = -1;
  int64_t calls_this_second_ = 0;
  uint64_t calls_refused_ = 0;
  uint64_t throttled_by_calls_ = 0;
};

}  // namespace shardsim
