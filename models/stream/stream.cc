// Stream: end-of-window bookkeeping and results. See stream.h.
#include "models/stream/stream.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "sim/check.h"

namespace shardsim {

Stream::Stream(const StreamSpec& spec, SimDuration series_interval, SimDuration warmup)
    : spec_(spec),
      map_(ShardMap::CreateStream(static_cast<int>(spec.shards))),
      admitter_(spec.write_limits, spec.max_record_size_bytes),
      series_ns_(series_interval.nanos()),
      first_measured_second_((warmup.nanos() + 999'999'999) / 1'000'000'000),
      large_record_bytes_(admitter_.burst() ? spec.write_limits.bytes_per_sec
                                            : std::numeric_limits<int64_t>::max()),
      shards_(map_.shards().size()),
      closed_(map_.shards().size(), 0),
      opened_ns_(map_.shards().size(), 0),
      closed_ns_(map_.shards().size(), -1) {
  SHARDSIM_CHECK(series_ns_ > 0);
}

void Stream::CloseSecond(ShardStats& s, int64_t next_second) const {
  if (s.second < first_measured_second_) {
    s.sec_records = s.sec_bytes = s.sec_offered_records = s.sec_offered_bytes = 0;
    s.second = next_second;
    return;
  }
  s.peak_records = std::max(s.peak_records, s.sec_records);
  s.peak_bytes = std::max(s.peak_bytes, s.sec_bytes);
  s.peak_offered_records = std::max(s.peak_offered_records, s.sec_offered_records);
  s.peak_offered_bytes = std::max(s.peak_offered_bytes, s.sec_offered_bytes);
  s.sec_records = s.sec_bytes = s.sec_offered_records = s.sec_offered_bytes = 0;
  s.second = next_second;
}

void Stream::AdvanceShardDemand(ShardStats& s, int64_t newest) const {
  // Seconds (newest - kShardDemandSeconds, ...] stay; older ones leave the ring into the peaks.
  const int64_t first_kept = newest - kShardDemandSeconds + 1;
  const int64_t from = std::max(s.demand_newest - kShardDemandSeconds + 1, int64_t{0});
  for (int64_t sec = from; sec < first_kept && sec <= s.demand_newest; ++sec) {
    Demand& d = s.demand[static_cast<size_t>(sec) & (kShardDemandSeconds - 1)];
    if (sec >= first_measured_second_) {
      s.peak_demand_records = std::max(s.peak_demand_records, d.records);
      s.peak_demand_bytes = std::max(s.peak_demand_bytes, d.bytes);
    }
    d = Demand{};
  }
  s.demand_newest = newest;
}

void Stream::CloseWindow(ShardStats& s, int64_t next_window) {
  SHARDSIM_CHECK(next_window > s.window, "time went backwards");
  s.series.push_back({s.win_records, s.win_throttled, s.win_bytes});
  // Windows without traffic in between.
  while (static_cast<int64_t>(s.series.size()) < next_window) s.series.push_back({0, 0, 0});
  s.win_records = s.win_throttled = 0;
  s.win_bytes = 0;
  s.window = next_window;
}

void Stream::EnableReads(const ShardLogOptions& options) {
  SHARDSIM_CHECK(reads_.empty(), "reads enabled twice");
  read_options_ = options;
  reads_.reserve(map_.shards().size());
  for (size_t i = 0; i < map_.shards().size(); ++i) reads_.push_back({ShardLog(options), -1, {}});
}

ReshardResult Stream::Split(uint32_t shard, HashKey new_starting_hash_key, SimTime now) {
  const ReshardResult result = map_.Split(static_cast<int>(shard), new_starting_hash_key);
  if (result.ok()) Reshaped(result, {shard}, now);
  return result;
}

ReshardResult Stream::Merge(uint32_t shard, uint32_t adjacent_shard, SimTime now) {
  const ReshardResult result =
      map_.Merge(static_cast<int>(shard), static_cast<int>(adjacent_shard));
  if (result.ok()) Reshaped(result, {shard, adjacent_shard}, now);
  return result;
}

void Stream::Reshaped(const ReshardResult& result, std::vector<uint32_t> parents, SimTime now) {
  routing_.Reshard(map_);
  for (uint32_t p : parents) {
    closed_[p] = 1;
    closed_ns_[p] = now.nanos();
    if (!reads_.empty()) reads_[p].log.Close();
  }
  Reshard event;
  event.parents = std::move(parents);
  event.at = now;
  for (int child : result.children) {
    SHARDSIM_CHECK(static_cast<size_t>(child) == shards_.size(), "shard indexes are dense");
    shards_.emplace_back();
    closed_.push_back(0);
    opened_ns_.push_back(now.nanos());
    closed_ns_.push_back(-1);
    if (!reads_.empty()) reads_.push_back({ShardLog(read_options_), -1, {}});
    event.children.push_back(static_cast<uint32_t>(child));
  }
  for (ShardListener* l : listeners_) l->OnReshard(event);
}

void Stream::Refuse(uint32_t shard, const Instant& at, int64_t bytes, bool first_attempt,
                    SimTime created) {
  ShardStats& s = Offer(shard, at, bytes, first_attempt, created);
  ++s.throttled;
  ++s.win_throttled;
  ++throttled_by_calls_;
}

uint32_t Stream::AddPoison(SimTime at, std::vector<PoisonKey> keys) {
  const auto id = static_cast<uint32_t>(poison_.size() + 1);
  poison_.push_back({at.nanos(), std::move(keys), id});
  poison_next_ns_ = std::min(poison_next_ns_, at.nanos());
  return id;
}

// Slow path of Store: only records created after the earliest pending trigger come here.
void Stream::MarkPoison(uint32_t shard, const StoredRecord& rec) {
  int64_t next = std::numeric_limits<int64_t>::max();
  bool marked = false;
  for (PoisonTrigger& t : poison_) {
    if (t.done) continue;
    if (!marked && rec.created_ns >= t.at_ns) {
      const bool key_matches =
          t.keys.empty() || std::any_of(t.keys.begin(), t.keys.end(), [&](const PoisonKey& k) {
            return k.producer == rec.producer && k.key_id == rec.key_id;
          });
      if (key_matches) {
        poison_marks_.push_back({shard, t.id, reads_[shard].log.next_sequence()});
        marked = true;
        t.done = true;
        continue;
      }
    }
    next = std::min(next, t.at_ns);
  }
  poison_next_ns_ = next;
}

uint32_t Stream::PoisonAt(uint32_t shard, uint64_t sequence) const {
  for (const PoisonMark& m : poison_marks_) {
    if (m.shard == shard && m.sequence == sequence) return m.id;
  }
  return 0;
}

uint64_t Stream::NextPoisonSlow(uint32_t shard, uint64_t from) const {
  uint64_t next = std::numeric_limits<uint64_t>::max();
  for (const PoisonMark& m : poison_marks_) {
    if (m.shard == shard && m.sequence >= from) next = std::min(next, m.sequence);
  }
  return next;
}

void Stream::Finish(SimTime end) {
  end_ns_ = end.nanos();
  const int64_t windows = (end.nanos() + series_ns_ - 1) / series_ns_;
  for (ShardStats& s : shards_) {
    CloseSecond(s, s.second + 1);
    AdvanceShardDemand(s, s.demand_newest + kShardDemandSeconds);  // every second to the peaks
    if (static_cast<int64_t>(s.series.size()) < windows) CloseWindow(s, windows);
  }
}

double Stream::MeasuredSeconds() const {
  return std::max(
      1.0, static_cast<double>(end_ns_) * 1e-9 - static_cast<double>(first_measured_second_));
}

std::vector<ShardResult> Stream::ShardResults() const {
  std::vector<ShardResult> out;
  const double measured_s = MeasuredSeconds();
  for (const Shard& shard : map_.shards()) {
    const ShardStats& s = shards_[static_cast<size_t>(shard.index)];
    ShardResult r;
    r.index = shard.index;
    r.shard_id = ShardIdString(shard.index);
    r.starting_hash_key = shard.range.start.ToDecimal();
    r.ending_hash_key = shard.range.end.ToDecimal();
    const auto i = static_cast<size_t>(shard.index);
    r.state = shard.state == ShardState::kOpen ? "OPEN" : "CLOSED";
    // EXPIRED: closed for longer than the retention period, no longer listed by AWS (fact sheet 3).
    if (closed_ns_[i] >= 0 && end_ns_ - closed_ns_[i] >= spec_.retention.nanos()) {
      r.state = "EXPIRED";
    }
    if (shard.parent >= 0) {
      r.parent_shard_id = ShardIdString(shard.parent);
      r.parent_shard_ids.push_back(r.parent_shard_id);
      r.opened_at_s = static_cast<double>(opened_ns_[i]) / 1e9;
    }
    if (shard.adjacent_parent >= 0) {
      r.adjacent_parent_shard_id = ShardIdString(shard.adjacent_parent);
      r.parent_shard_ids.push_back(r.adjacent_parent_shard_id);
    }
    if (closed_ns_[i] >= 0) r.closed_at_s = static_cast<double>(closed_ns_[i]) / 1e9;
    r.records_in = s.records_in;
    r.bytes_in = s.bytes_in;
    r.put_payload_units =
        static_cast<uint64_t>(static_cast<int64_t>(s.records_in) + s.payload_units_extra);
    r.kib_rounded_in = s.kib_in;
    const int64_t until = closed_ns_[i] >= 0 ? closed_ns_[i] : end_ns_;
    r.open_hours = static_cast<double>(std::max<int64_t>(0, until - opened_ns_[i])) / 3.6e12;
    r.records_offered = s.records_in + s.throttled;
    r.first_attempts = s.first_attempts;
    r.peak_records_per_s = static_cast<double>(s.peak_records);
    r.peak_bytes_per_s = static_cast<double>(s.peak_bytes);
    r.peak_offered_records_per_s = static_cast<double>(s.peak_offered_records);
    r.peak_offered_bytes_per_s = static_cast<double>(s.peak_offered_bytes);
    r.peak_demand_records_per_s = static_cast<double>(s.peak_demand_records);
    r.peak_demand_bytes_per_s =
        static_cast<double>(s.peak_demand_bytes) + static_cast<double>(s.large_bytes) / measured_s;
    r.throttled_records = s.throttled;
    r.throttled_by_records_limit = s.throttled_by_records;
    r.throttled_by_bytes_limit = s.throttled_by_bytes;
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<SeriesTable> Stream::ShardSeries() const {
  std::vector<SeriesTable> out;
  const double width_s = static_cast<double>(series_ns_) * 1e-9;
  for (const Shard& shard : map_.shards()) {
    const ShardStats& s = shards_[static_cast<size_t>(shard.index)];
    SeriesTable t;
    t.name = ShardIdString(shard.index);
    t.columns = {"time_s", "records_in", "bytes_in", "throttled_records"};
    t.rows.reserve(s.series.size());
    for (size_t i = 0; i < s.series.size(); ++i) {
      const Window& w = s.series[i];
      t.rows.push_back({static_cast<double>(i) * width_s, static_cast<double>(w.records),
                        static_cast<double>(w.bytes), static_cast<double>(w.throttled)});
    }
    out.push_back(std::move(t));
  }
  return out;
}

uint64_t Stream::total_records_in() const {
  uint64_t n = 0;
  for (const ShardStats& s : shards_) n += s.records_in;
  return n;
}

Stream::BillingTotals Stream::billing_totals() const {
  BillingTotals t;
  for (const ShardStats& s : shards_) {
    t.records_in += s.records_in;
    t.bytes_in += s.bytes_in;
    t.kib_in += s.kib_in;
    t.payload_units += s.records_in + static_cast<uint64_t>(s.payload_units_extra);
  }
  return t;
}

void Stream::AdvanceDemand(int64_t newest) {
  // Seconds (newest - kDemandSeconds, ...] stay; older ones leave the ring into the peak.
  const int64_t first_kept = newest - kDemandSeconds + 1;
  const int64_t from = std::max(demand_newest_ - kDemandSeconds + 1, int64_t{0});
  for (int64_t sec = from; sec < first_kept && sec <= demand_newest_; ++sec) {
    Demand& d = demand_[static_cast<size_t>(sec % kDemandSeconds)];
    if (sec >= first_measured_second_) {
      demand_peak_.records = std::max(demand_peak_.records, d.records);
      demand_peak_.bytes = std::max(demand_peak_.bytes, d.bytes);
    }
    d = Demand{};
  }
  demand_newest_ = newest;
}

double Stream::peak_demand_records_per_s() const {
  int64_t peak = demand_peak_.records;
  for (int64_t sec = std::max(demand_newest_ - kDemandSeconds + 1, first_measured_second_);
       sec <= demand_newest_; ++sec) {
    peak = std::max(peak, demand_[static_cast<size_t>(sec % kDemandSeconds)].records);
  }
  return static_cast<double>(peak);
}

double Stream::peak_demand_bytes_per_s() const {
  int64_t peak = demand_peak_.bytes;
  for (int64_t sec = std::max(demand_newest_ - kDemandSeconds + 1, first_measured_second_);
       sec <= demand_newest_; ++sec) {
    peak = std::max(peak, demand_[static_cast<size_t>(sec % kDemandSeconds)].bytes);
  }
  int64_t large = 0;
  for (const ShardStats& s : shards_) large += s.large_bytes;
  return static_cast<double>(peak) + static_cast<double>(large) / MeasuredSeconds();
}

uint64_t Stream::total_throttled() const {
  uint64_t n = 0;
  for (const ShardStats& s : shards_) n += s.throttled;
  return n;
}

// The views of PublishMetrics: the series windows (the open one from the running window counts,
// windows a quiet shard has not closed yet as zeros) and the running totals.
struct Stream::MetricViews {
  static const Stream& Of(const void* self) { return *static_cast<const Stream*>(self); }
  static size_t Rows(const void* self) { return Of(self).shards_.size(); }
  static size_t Windows(const void* self, size_t row) {
    const Stream& st = Of(self);
    const size_t closed = st.shards_[row].series.size();
    return st.end_ns_ > 0 ? closed : closed + 1;  // after Finish every window is closed
  }
  template <int kField>
  static double Value(const void* self, size_t row, size_t window) {
    const ShardStats& s = Of(self).shards_[row];
    Window w{0, 0, 0};
    if (window < s.series.size()) {
      w = s.series[window];
    } else if (static_cast<int64_t>(window) == s.window) {
      w = {s.win_records, s.win_throttled, s.win_bytes};
    }
    if constexpr (kField == 0) return static_cast<double>(w.bytes);
    if constexpr (kField == 1) return static_cast<double>(w.records);
    return static_cast<double>(w.throttled);
  }
  template <int kField>
  static double Total(const void* self, size_t row) {
    const ShardStats& s = Of(self).shards_[row];
    if constexpr (kField == 0) return static_cast<double>(s.bytes_in);
    if constexpr (kField == 1) return static_cast<double>(s.records_in);
    return static_cast<double>(s.throttled);
  }
  static size_t AgeRows(const void* self) { return Of(self).age_.size(); }
  static size_t AgeWindows(const void* self, size_t row) {
    return static_cast<size_t>(Of(self).age_[row].window + 1);
  }
  static double Age(const void* self, size_t row, size_t window) {
    const AgeWindow& a = Of(self).age_[row];
    if (static_cast<int64_t>(window) != a.window || a.max_ns < 0) return std::nan("");
    return static_cast<double>(a.max_ns) * 1e-6;
  }
  static constexpr MetricView::Source kSources[4] = {
      {Rows, Windows, Value<0>, Total<0>},
      {Rows, Windows, Value<1>, Total<1>},
      {Rows, Windows, Value<2>, Total<2>},
      {AgeRows, AgeWindows, Age, nullptr},
  };
};

void Stream::PublishMetrics(MetricsRegistry& registry, std::string_view prefix) const {
  static constexpr const char* kNames[4] = {"IncomingBytes", "IncomingRecords",
                                            "WriteProvisionedThroughputExceeded",
                                            "GetRecords.IteratorAgeMilliseconds"};
  const std::string head = std::string(prefix) + "/";
  for (int i = 0; i < 3; ++i) {
    registry.Publish(head + kNames[i],
                     MetricView(MetricViews::kSources[i], this, SimDuration::Nanos(series_ns_),
                                SimTime::Zero(), MetricView::Fold::kSum));
  }
  registry.Publish(head + kNames[3], MetricView(MetricViews::kSources[3], this, kAgeWindow,
                                                SimTime::Zero(), MetricView::Fold::kMax));
}

}  // namespace shardsim
