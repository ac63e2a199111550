// ReadPath wiring and results, the shared consumer bookkeeping (ConsumerBase), and the plain
// GetRecords poller. KCL and enhanced fan-out live in kcl_consumer.cc and efo_consumer.cc.
#include "models/consumers/consumers.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <span>

#include "models/consumers/consumer_base.h"
#include "models/result/summarize.h"
#include "models/spec/enum_names.h"
#include "models/spec/units.h"
#include "sim/check.h"

namespace shardsim {

LatencySpec DefaultVisibilityDelay() { return LatencySpec::Lognormal(Millis(50), Millis(150)); }

// ---------------------------------------------------------------- OutageCalendar

OutageCalendar::OutageCalendar(const std::vector<OutageSpec>& outages) {
  for (const OutageSpec& o : outages) {
    if (o.to > o.from) periods_.emplace_back(o.from.nanos(), o.to.nanos());
  }
  std::sort(periods_.begin(), periods_.end());
}

SimTime OutageCalendar::ActiveSlow(SimTime t) const {
  int64_t ns = t.nanos();
  // First period starting after ns; the one before may hold ns, and back-to-back ones follow.
  auto it = std::upper_bound(periods_.begin(), periods_.end(),
                             std::make_pair(ns, std::numeric_limits<int64_t>::max()));
  if (it != periods_.begin() && std::prev(it)->second > ns) ns = std::prev(it)->second;
  while (it != periods_.end() && it->first <= ns) {
    ns = std::max(ns, it->second);
    ++it;
  }
  return SimTime::FromNanos(ns);
}

SimTime OutageCalendar::FinishSlow(SimTime start, SimDuration work) const {
  int64_t at = Active(start).nanos();
  int64_t left = work.nanos();
  auto it = std::upper_bound(periods_.begin(), periods_.end(),
                             std::make_pair(at, std::numeric_limits<int64_t>::max()));
  for (; it != periods_.end(); ++it) {
    if (at + left <= it->first) break;
    left -= it->first - at;
    at = it->second;
  }
  return SimTime::FromNanos(at + left);
}

// ---------------------------------------------------------------- ConsumerBase

ConsumerBase::ConsumerBase(const ConsumerSpec& spec, const ConsumerContext& context)
    : Component("consumer/" + spec.name),
      spec_(spec),
      stream_(*context.stream),
      limits_(context.limits),
      visibility_(context.visibility),
      end_(context.end),
      warmup_(context.warmup),
      outages_(spec.outages),
      processing_(spec.processing),
      series_ns_(context.series_interval.nanos()) {
  SHARDSIM_CHECK(series_ns_ > 0 && stream_.reads_enabled());
  windows_ =
      static_cast<size_t>(std::max<int64_t>(1, (end_.nanos() + series_ns_ - 1) / series_ns_));
  win_processed_.assign(windows_, 0);
  win_bytes_.assign(windows_, 0);
  win_throttles_.assign(windows_, 0);
  const size_t shards = stream_.shard_map().shards().size();
  readers_.resize(shards);
  for (size_t i = 0; i < shards; ++i) readers_[i].shard = static_cast<uint32_t>(i);
  stream_.AddListener(this);
}

void ConsumerBase::OnReshard(const Reshard& reshard) {
  for (uint32_t child : reshard.children) {
    SHARDSIM_CHECK(child == readers_.size(), "readers stay dense by shard index");
    readers_.emplace_back();
    ReaderState& r = readers_.back();
    r.shard = child;
    r.opened_ns = reshard.at.nanos();
    for (uint32_t p : reshard.parents) {
      readers_[p].children.push_back(child);
      if (!readers_[p].finished) ++r.parents_pending;
    }
    if (r.parents_pending == 0) r.readable_ns = r.opened_ns;
    Register(r);
  }
  for (uint32_t child : reshard.children) OnChildShard(child, reshard.at);
  for (uint32_t parent : reshard.parents) OnShardClosed(parent, reshard.at);
}

void ConsumerBase::FinishShard(ReaderState& r, SimTime at) {
  SHARDSIM_CHECK(r.ended && !r.finished, "a shard finishes once, after its end");
  r.finished = true;
  for (uint32_t child : r.children) {
    ReaderState& c = readers_[child];
    SHARDSIM_CHECK(c.parents_pending > 0);
    if (--c.parents_pending == 0) {
      c.readable_ns = std::max(at.nanos(), c.opened_ns);
      OnReadable(child, at);
    }
  }
}

void ConsumerBase::Register(ReaderState& r) {
  SHARDSIM_CHECK(!r.registered, "reader registered twice");
  StartPosition start = StartPosition::Latest();
  switch (spec_.starting_position.type) {
    case StartingPositionType::kLatest:
      break;
    case StartingPositionType::kTrimHorizon:
      start = StartPosition::TrimHorizon();
      break;
    case StartingPositionType::kAtTimestamp:
      start = StartPosition::AtTimestamp(SimTime::Zero() + spec_.starting_position.timestamp);
      break;
  }
  ShardLog& log = stream_.log(r.shard);
  r.cursor = log.Register(start);
  r.registered = true;
  r.start_sequence = log.cursor(r.cursor).position;
  r.position = r.start_sequence;
  r.processed_through = r.start_sequence;
}

// Records between the reader's last known position and `position` left through retention.
void ConsumerBase::NoteGap(ReaderState& r, uint64_t position) {
  if (position <= r.position) return;
  r.expired_all += position - r.position;
  const uint64_t first_unprocessed = std::max(r.position, r.processed_through);
  if (position > first_unprocessed) r.expired += position - first_unprocessed;
  r.position = position;
}

void ConsumerBase::Account(ReaderState& r, const ReadResult& rr, SimTime now, SimTime delivered,
                           SimTime done, Fate fate) {
  NoteGap(r, rr.first_sequence);
  SHARDSIM_CHECK(rr.first_sequence == r.position, "a read starts where the reader stood");
  const uint64_t n = rr.records.size();
  const uint64_t a = rr.first_sequence;
  const uint64_t b = a + n;
  r.position = b;
  r.read += n;
  r.bytes_read += rr.bytes;
  ++deliveries_;
  win_bytes_[Window(now)] += rr.bytes;
  if (n == 0) return;
  ++nonempty_deliveries_;
  const uint64_t dup = r.processed_through > a ? std::min(n, r.processed_through - a) : 0;
  const uint64_t unique = n - dup;
  switch (fate) {
    case Fate::kInFlightAtEnd:
      r.in_flight_end += unique;
      r.in_flight_all += n;
      return;
    case Fate::kDiscarded:
      r.discarded += n;
      r.discarded_pending += unique;
      return;
    case Fate::kProcessed:
      break;
  }
  r.reprocessed += dup;
  r.processed += unique;
  r.processed_through = std::max(r.processed_through, b);
  win_processed_[Window(done)] += unique;
  if (done > now && unique > 0) {
    while (r.pending_count > 0 && r.pending[r.pending_head].done_ns <= now.nanos()) {
      r.pending_head = (r.pending_head + 1) % r.pending.size();
      --r.pending_count;
    }
    SHARDSIM_CHECK(r.pending_count < r.pending.size(), "too many batches in processing");
    r.pending[(r.pending_head + r.pending_count) % r.pending.size()] = {done.nanos(), unique};
    ++r.pending_count;
  }
  // The per-record loop over unique records created after the warm-up. Records stored by one
  // producer call share an arrival time, hence a propagation delay: counted as one run.
  const int64_t done_ns = done.nanos();
  const int64_t delivered_ns = delivered.nanos();
  const int64_t warmup_ns = warmup_.nanos();
  int64_t run_arrival_ns = 0;
  uint64_t run_length = 0;
  uint64_t skip = dup;
  uint64_t user_records = 0;
  for (std::span<const StoredRecord> run : {rr.records.first(), rr.records.second()}) {
    if (skip >= run.size()) {
      skip -= run.size();
      continue;
    }
    for (const StoredRecord& x : run.subspan(skip)) {
      user_records += x.user_records;
      if (x.created_ns < warmup_ns) continue;
      latency_ns_.Record(static_cast<uint64_t>(done_ns - x.created_ns));
      if (x.arrival_ns == run_arrival_ns) {
        ++run_length;
        continue;
      }
      propagation_ns_.Record(static_cast<uint64_t>(delivered_ns - run_arrival_ns), run_length);
      run_arrival_ns = x.arrival_ns;
      run_length = 1;
    }
    skip = 0;
  }
  user_processed_ += user_records;
  propagation_ns_.Record(static_cast<uint64_t>(delivered_ns - run_arrival_ns), run_length);
}

// A reader's iterator age between two samples (or after its last): it grows 1 s per s from the
// last sample -- the position it read to gets older while nothing is read, as through an
// outage -- but never beyond `cap_ms` (the next sample, or how far behind the reader is at the
// end) nor below the last sample, so a caught-up reader that only reads now and then stays flat.
inline double GapAgeMs(int64_t last_ns, double last_ms, int64_t at_ns, double cap_ms) {
  const double grown = last_ms + static_cast<double>(at_ns - last_ns) * 1e-6;
  return std::min(grown, std::max(last_ms, cap_ms));
}

void ConsumerBase::SampleIteratorAge(ReaderState& r, SimTime now, SimDuration age) {
  const auto ns = static_cast<uint64_t>(std::max<int64_t>(0, age.nanos()));
  const size_t w = Window(now);
  const auto ms = static_cast<float>(static_cast<double>(ns) * 1e-6);
  if (r.age_ms.size() <= w) {
    // Windows since the last sample had none: fill them up to this one (per gap, not per record).
    const size_t gap_from = r.age_ms.size();
    r.age_ms.resize(w + 1, std::numeric_limits<float>::quiet_NaN());
    if (r.last_age_ns >= 0) {
      for (size_t g = gap_from; g < w; ++g) {
        const int64_t window_end = static_cast<int64_t>(g + 1) * series_ns_;
        r.age_ms[g] = static_cast<float>(GapAgeMs(r.last_age_ns, r.last_age_ms, window_end, ms));
      }
    }
  }
  if (!(r.age_ms[w] >= ms)) r.age_ms[w] = ms;  // NaN compares false: the first sample wins
  r.last_age_ns = now.nanos();
  r.last_age_ms = ms;
  if (!outages_.periods().empty()) [[unlikely]]
    NoteOutageSample(r, now.nanos(), ms);
  if (now < warmup_) return;
  age_ns_.Record(ns);
  r.age_max_ns = std::max(r.age_max_ns, ns);
}

// How long before an outage the iterator age counts as its level before, and how close to that
// level a shard must come back to count as caught up (model choices).
constexpr int64_t kLevelWindowNs = int64_t{60} * 1'000'000'000;
constexpr float kCaughtUpSlackMs = 1000.0F;

void ConsumerBase::NoteOutageSample(ReaderState& r, int64_t now_ns, float ms) {
  const std::vector<std::pair<int64_t, int64_t>>& periods = outages_.periods();
  while (next_outage_ < periods.size() && periods[next_outage_].first <= now_ns) ++next_outage_;
  if (r.outages.size() < periods.size()) r.outages.resize(periods.size());
  if (next_outage_ < periods.size() && now_ns >= periods[next_outage_].first - kLevelWindowNs) {
    ReaderState::Outage& o = r.outages[next_outage_];
    o.before_ms = std::max(o.before_ms, ms);
  }
  if (next_outage_ == 0 || now_ns < periods[next_outage_ - 1].second) return;
  ReaderState::Outage& o = r.outages[next_outage_ - 1];
  if (o.caught_up_ns >= 0) return;
  o.sampled_after = true;
  o.peak_ms = std::max(o.peak_ms, ms);
  if (ms <= o.before_ms + kCaughtUpSlackMs) o.caught_up_ns = now_ns;
}

void ConsumerBase::CountThrottle(ReaderState& r, SimTime now, ReadThrottle why) {
  ++r.throttles;
  ++throttled_by_[static_cast<int>(why)];
  ++win_throttles_[Window(now)];
}

void ConsumerBase::Rewind(ReaderState& r, uint64_t sequence) {
  ShardLog& log = stream_.log(r.shard);
  if (sequence < r.position) r.replayed += r.position - sequence;
  log.Seek(r.cursor, sequence);
  // Records between `sequence` and the trim horizon left through retention meanwhile.
  r.position = std::min(sequence, r.position);
  r.discarded_pending = 0;  // what the failed worker held is unread again (or expired below)
  const uint64_t now_at = log.cursor(r.cursor).position;
  if (now_at > sequence) {
    r.expired_all += now_at - sequence;
    const uint64_t first_unprocessed = std::max(sequence, r.processed_through);
    if (now_at > first_unprocessed) r.expired += now_at - first_unprocessed;
  }
  r.position = now_at;
}

void ConsumerBase::Finish(Context& ctx) {
  const SimTime now = ctx.Now();
  for (ReaderState& r : readers_) {
    if (!r.registered) continue;
    ShardLog& log = stream_.log(r.shard);
    log.Expire(now);
    NoteGap(r, log.cursor(r.cursor).position);
  }
}

uint64_t ConsumerBase::ProcessedBy(SimTime t) const {
  uint64_t n = 0;
  for (const ReaderState& r : readers_) {
    n += r.processed;
    for (uint32_t i = 0; i < r.pending_count; ++i) {
      const ReaderState::Pending& p = r.pending[(r.pending_head + i) % r.pending.size()];
      if (p.done_ns > t.nanos()) n -= p.records;
    }
  }
  return n;
}

namespace {

// Unique records of a reader not processed at the end: never read, read after a rewind but not
// yet processed, in a batch still in processing, or held by a failed worker.
uint64_t Unread(const ReaderState& r, uint64_t next) {
  const uint64_t from = std::max(r.position, r.processed_through);
  return (next > from ? next - from : 0) + r.in_flight_end + r.discarded_pending;
}

double Ms(uint64_t ns) { return static_cast<double>(ns) * 1e-6; }

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Least-squares slope of y over the second half of the series (windows with a value only).
double SecondHalfSlope(const std::vector<double>& y, double width_ms) {
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t w = y.size() / 2; w < y.size(); ++w) {
    if (std::isnan(y[w])) continue;
    const double x = static_cast<double>(w) * width_ms;
    n += 1;
    sx += x;
    sy += y[w];
    sxx += x * x;
    sxy += x * y[w];
  }
  const double den = n * sxx - sx * sx;
  return n >= 3 && den > 0 ? (n * sxy - sx * sy) / den : 0.0;
}

}  // namespace

double ConsumerBase::BehindAtEndMs(const ReaderState& r) const {
  if (!r.registered) return 0;
  const ShardLog& log = stream_.log(r.shard);
  if (r.position >= log.next_sequence() || r.position < log.trim_horizon()) return 0;
  return Ms(
      static_cast<uint64_t>(std::max<int64_t>(0, end_.nanos() - log.At(r.position).arrival_ns)));
}

double ConsumerBase::AgeInWindow(const ReaderState& r, size_t w, double tail_cap_ms) const {
  if (w < r.age_ms.size()) return r.age_ms[w];
  if (r.last_age_ns < 0) return kNaN;
  const int64_t window_end = std::min(static_cast<int64_t>(w + 1) * series_ns_, end_.nanos());
  return GapAgeMs(r.last_age_ns, r.last_age_ms, window_end, tail_cap_ms);
}

std::vector<double> ConsumerBase::MaxAgeSeries() const {
  std::vector<double> out(windows_, kNaN);
  for (const ReaderState& r : readers_) {
    const double cap = BehindAtEndMs(r);
    for (size_t w = 0; w < windows_; ++w) {
      const double age = AgeInWindow(r, w, cap);
      if (!std::isnan(age) && !(out[w] >= age)) out[w] = age;
    }
  }
  return out;
}

std::vector<OutageResult> ConsumerBase::OutageResults() const {
  std::vector<OutageResult> out;
  const std::vector<std::pair<int64_t, int64_t>>& periods = outages_.periods();
  for (size_t k = 0; k < periods.size(); ++k) {
    const auto [from, to] = periods[k];
    if (from >= end_.nanos()) break;
    OutageResult o;
    o.from_s = static_cast<double>(from) / 1e9;
    o.to_s = static_cast<double>(to) / 1e9;
    // Caught up by the end of the run and before the next outage; not while still down.
    bool caught_up = to < end_.nanos();
    int64_t at = to;
    for (const ReaderState& r : readers_) {
      const ReaderState::Outage x = k < r.outages.size() ? r.outages[k] : ReaderState::Outage{};
      o.iterator_age_before_ms = std::max<double>(o.iterator_age_before_ms, x.before_ms);
      o.iterator_age_peak_ms = std::max<double>(o.iterator_age_peak_ms, x.peak_ms);
      if (x.caught_up_ns >= 0) {
        at = std::max(at, x.caught_up_ns);
      } else if (x.sampled_after || BehindAtEndMs(r) > x.before_ms + kCaughtUpSlackMs) {
        caught_up = false;  // read after it but never back to its level, or still behind
      }
    }
    o.caught_up = caught_up;
    o.catch_up_s = caught_up ? static_cast<double>(at - to) / 1e9 : kNaN;
    out.push_back(o);
  }
  return out;
}

ConsumerResult ConsumerBase::Result() const {
  ConsumerResult c;
  c.name = spec_.name;
  c.type = Name(spec_.type);
  c.starting_position = Name(spec_.starting_position.type);
  uint64_t records_delivered = 0;
  for (const ReaderState& r : readers_) {
    const ShardLog& log = stream_.log(r.shard);
    const uint64_t next = log.next_sequence();
    ConsumerShardResult s;
    s.shard_id = ShardIdString(static_cast<int>(r.shard));
    if (r.registered) {
      c.records_available += next - r.start_sequence;
      c.records_skipped += r.start_sequence;
      c.records_unread += Unread(r, next);
      s.behind_at_end_ms = BehindAtEndMs(r);
    } else {
      c.records_skipped += next;
    }
    c.records_processed += r.processed;
    c.records_reprocessed += r.reprocessed;
    c.records_expired += r.expired;
    c.bytes_read += r.bytes_read;
    c.get_records_calls += r.calls;
    c.read_throttles += r.throttles;
    records_delivered += r.read;
    s.records_processed = r.processed;
    s.records_expired = r.expired;
    s.read_throttles = r.throttles;
    s.iterator_age_max_ms = Ms(r.age_max_ns);
    if (r.opened_ns >= 0) {
      const int64_t readable = r.readable_ns >= 0 ? r.readable_ns : end_.nanos();
      s.parent_wait_ms = static_cast<double>(std::max<int64_t>(0, readable - r.opened_ns)) * 1e-6;
      c.parent_wait_max_ms = std::max(c.parent_wait_max_ms, s.parent_wait_ms);
    }
    c.behind_at_end_ms = std::max(c.behind_at_end_ms, s.behind_at_end_ms);
    c.shards.push_back(std::move(s));
  }
  c.read_throttles_by_call_rate = throttled_by_[static_cast<int>(ReadThrottle::kCallRate)];
  c.read_throttles_by_bytes = throttled_by_[static_cast<int>(ReadThrottle::kBytes)];
  c.read_throttles_by_penalty = throttled_by_[static_cast<int>(ReadThrottle::kPenalty)];
  c.subscribe_calls = subscribe_calls_;
  c.user_records_processed = user_processed_;
  c.deliveries = deliveries_;
  c.mean_batch_records = nonempty_deliveries_ > 0 ? static_cast<double>(records_delivered) /
                                                        static_cast<double>(nonempty_deliveries_)
                                                  : 0.0;
  c.latency = SummarizeNanos(latency_ns_);
  c.latency_histogram = ToSparseHistogram(latency_ns_, "ns");
  c.propagation = SummarizeNanos(propagation_ns_);
  c.iterator_age_histogram = ToSparseHistogram(age_ns_, "ns");
  c.iterator_age_max_ms = Ms(age_ns_.Max());
  c.iterator_age_p99_ms = Ms(age_ns_.Quantile(0.99));
  const double width_ms = static_cast<double>(series_ns_) * 1e-6;
  c.iterator_age_growth = SecondHalfSlope(MaxAgeSeries(), width_ms);
  c.outages = OutageResults();
  FillResult(c);
  return c;
}

bool ConsumerBase::CheckConservation(std::string* detail) const {
  bool ok = true;
  for (const ReaderState& r : readers_) {
    if (!r.registered) continue;
    const ShardLog& log = stream_.log(r.shard);
    const CursorStats cs = log.cursor(r.cursor);
    const uint64_t available = log.next_sequence() - r.start_sequence;
    const uint64_t accounted = r.processed + Unread(r, log.next_sequence()) + r.expired;
    const std::string where =
        "consumer " + spec_.name + " on " + ShardIdString(static_cast<int>(r.shard)) + ": ";
    if (available != accounted) {
      ok = false;
      *detail += where + "available " + std::to_string(available) + " != processed " +
                 std::to_string(r.processed) + " + unread " +
                 std::to_string(Unread(r, log.next_sequence())) + " + expired " +
                 std::to_string(r.expired) + "; ";
    }
    if (cs.read != r.read || cs.expired != r.expired_all || cs.replayed != r.replayed ||
        cs.position != r.position) {
      ok = false;
      *detail += where + "the shard log counts read " + std::to_string(cs.read) + ", expired " +
                 std::to_string(cs.expired) + ", replayed " + std::to_string(cs.replayed) +
                 "; the consumer " + std::to_string(r.read) + ", " + std::to_string(r.expired_all) +
                 ", " + std::to_string(r.replayed) + "; ";
    }
    if (r.read != r.processed + r.reprocessed + r.in_flight_all + r.discarded) {
      ok = false;
      *detail += where + "read " + std::to_string(r.read) + " != processed " +
                 std::to_string(r.processed) + " + reprocessed " + std::to_string(r.reprocessed) +
                 " + in processing " + std::to_string(r.in_flight_all) + " + discarded " +
                 std::to_string(r.discarded) + "; ";
    }
  }
  return ok;
}

SeriesTable ConsumerBase::Series() const {
  SeriesTable t;
  t.name = "consumer-" + spec_.name;
  t.columns = {"time_s", "records_processed", "bytes_read", "read_throttles", "iterator_age_ms"};
  for (const ReaderState& r : readers_) {
    t.columns.push_back("iterator_age_ms_" + ShardIdString(static_cast<int>(r.shard)));
  }
  const std::vector<double> max_age = MaxAgeSeries();
  std::vector<double> caps;
  for (const ReaderState& r : readers_) caps.push_back(BehindAtEndMs(r));
  const double width_s = static_cast<double>(series_ns_) * 1e-9;
  t.rows.reserve(windows_);
  for (size_t w = 0; w < windows_; ++w) {
    std::vector<double> row = {
        static_cast<double>(w) * width_s, static_cast<double>(win_processed_[w]),
        static_cast<double>(win_bytes_[w]), static_cast<double>(win_throttles_[w]), max_age[w]};
    for (size_t i = 0; i < readers_.size(); ++i)
      row.push_back(AgeInWindow(readers_[i], w, caps[i]));
    t.rows.push_back(std::move(row));
  }
  return t;
}

// ---------------------------------------------------------------- PollingConsumer

namespace {

// A plain SDK loop per shard: GetRecords, process the batch, sleep poll_interval, repeat. One
// event per call: the response, the processing end and the next call follow from the samples.
class PollingConsumer final : public ConsumerBase {
 public:
  PollingConsumer(const ConsumerSpec& spec, const ConsumerContext& context)
      : ConsumerBase(spec, context),
        latency_(spec.polling.call_latency),
        max_records_(static_cast<uint32_t>(
            std::min(spec.polling.max_records, context.limits->spec().max_records_per_call))),
        max_bytes_(static_cast<uint64_t>(context.limits->spec().max_bytes_per_call)) {}

  void Start(Context& ctx) override {
    ctx_ = &ctx;
    rng_.emplace(ctx.MakeRng("reads"));
    processing_rng_.emplace(ctx.MakeRng("processing"));
    const SimDuration interval = spec_.polling.poll_interval;
    for (ReaderState& r : readers_) {
      limits_->AddReader(r.shard);
      // Readers start at independent instants within one poll interval, as processes do.
      const SimDuration jitter = interval > SimDuration::Zero()
                                     ? SimDuration::Nanos(static_cast<int64_t>(
                                           rng_->Below(static_cast<uint64_t>(interval.nanos()))))
                                     : SimDuration::Zero();
      if (spec_.starting_position.type == StartingPositionType::kAtTimestamp &&
          spec_.starting_position.timestamp > SimDuration::Zero()) {
        ctx.Schedule(SimTime::Zero() + spec_.starting_position.timestamp,
                     Tag::Pack(r.shard, Kind::kRegister));
        continue;
      }
      Register(r);
      ctx.Schedule(SimTime::Zero() + jitter, Tag::Pack(r.shard, Kind::kCall));
    }
  }

  void OnEvent(Context& ctx, uint32_t tag) override {
    ReaderState& r = readers_[Tag::Index(tag)];
    if (Tag::KindOf(tag) == Kind::kRegister) {
      Register(r);
      Call(ctx, r);
      return;
    }
    Call(ctx, r);
  }

 private:
  enum class Kind : uint32_t { kCall = 0, kRegister = 1 };
  using Tag = EventTag<Kind, 1>;  // index: the shard

  void Next(Context& ctx, const ReaderState& r, SimTime at) {
    if (at <= end_) ctx.Schedule(at, Tag::Pack(r.shard, Kind::kCall));
  }

  void Call(Context& ctx, ReaderState& r) {
    const SimTime now = ctx.Now();
    const SimTime active = outages_.Active(now);
    if (active > now) return Next(ctx, r, active);
    if (AdmitGetRecords(r, now) != ReadThrottle::kNone) {
      return Next(ctx, r, now + ThrottleBackoff(spec_.polling.poll_interval, *rng_));
    }
    // Read at the call; the batch arrives with the response.
    const IssuedCall call = IssueGetRecords(now, latency_, *rng_);
    const ReadResult rr = ReadGetRecords(r, now, call.cutoff, max_records_, max_bytes_);
    const SimTime delivered = call.response;
    SimTime done = delivered;
    if (!rr.records.empty()) {
      done = outages_.Finish(
          delivered, processing_.Sample(*processing_rng_, static_cast<int64_t>(UserRecords(rr)),
                                        static_cast<int64_t>(rr.bytes)));
    }
    Account(r, rr, now, delivered, done, done <= end_ ? Fate::kProcessed : Fate::kInFlightAtEnd);
    SampleIteratorAge(r, now, rr.iterator_age);
    // At the end of a closed shard the children follow the last batch's processing.
    if (r.ended) return FinishShard(r, done);
    Next(ctx, r, done + spec_.polling.poll_interval);
  }

  void OnChildShard(uint32_t child, SimTime at) override {
    (void)at;
    limits_->AddReader(child);
  }
  void OnReadable(uint32_t shard, SimTime at) override {
    Next(*ctx_, readers_[shard], std::max(at, ctx_->Now()));
  }

  LatencySampler latency_;
  uint32_t max_records_;
  uint64_t max_bytes_;
  std::optional<Rng> rng_, processing_rng_;
};

}  // namespace

std::unique_ptr<ConsumerBase> MakePollingConsumer(const ConsumerSpec& spec,
                                                  const ConsumerContext& context) {
  return std::make_unique<PollingConsumer>(spec, context);
}

// ---------------------------------------------------------------- ReadPath

ReadPath::ReadPath(const Scenario& scenario, Stream& stream, Simulation& sim, SimTime end,
                   const std::map<std::string, Stream*>& direct_put,
                   std::vector<const KeyModel*> key_models)
    : stream_spec_(scenario.stream),
      specs_(scenario.consumers),
      limits_(std::make_unique<SharedReadLimits>(scenario.stream.read_limits,
                                                 stream.shard_map().shards().size())) {
  ShardLogOptions options;
  options.retention = scenario.stream.retention;
  stream.EnableReads(options);
  stream.AddListener(this);
  ConsumerContext context;
  context.stream = &stream;
  context.limits = limits_.get();
  context.end = end;
  context.warmup = SimTime::Zero() + scenario.warmup;
  context.series_interval = scenario.series_interval;
  context.visibility = scenario.stream.propagation_delay.value_or(DefaultVisibilityDelay());
  context.key_models = std::move(key_models);
  context_ = context;
  limits_->PublishMetrics(sim.metrics(), Stream::MetricPrefix(scenario.stream.name));
  for (const ConsumerSpec& c : scenario.consumers) {
    std::unique_ptr<ConsumerBase> consumer;
    switch (c.type) {
      case ConsumerType::kPolling:
        consumer = MakePollingConsumer(c, context);
        break;
      case ConsumerType::kKcl:
        consumer = MakeKclConsumer(c, context);
        break;
      case ConsumerType::kEfo:
        consumer = MakeEfoConsumer(c, context);
        break;
      case ConsumerType::kLambda:
        consumer = MakeLambdaConsumer(c, context);
        break;
      case ConsumerType::kFirehose:
        if (c.firehose.source == FirehoseSource::kDirectPut) {
          const auto it = direct_put.find(c.name);
          SHARDSIM_CHECK(it != direct_put.end(), "a Direct PUT Firehose without its stream");
          ShardLogOptions own;
          own.retention = it->second->spec().retention;
          it->second->EnableReads(own);
          ConsumerContext direct = context;
          direct.stream = it->second;
          direct.limits = nullptr;
          consumer = MakeFirehoseConsumer(c, direct);
        } else {
          consumer = MakeFirehoseConsumer(c, context);
        }
        break;
    }
    consumer->PublishMetrics(sim.metrics());
    consumers_.push_back(consumer.get());
    sim.Add(std::move(consumer));
  }
}

ReadPath::~ReadPath() = default;

struct ConsumerBase::MetricViews {
  static const ConsumerBase& Of(const void* self) {
    return *static_cast<const ConsumerBase*>(self);
  }
  static size_t Rows(const void* self) { return Of(self).readers_.size(); }
  static size_t Windows(const void* self, size_t row) {
    return Of(self).readers_[row].age_ms.size();
  }
  static double Age(const void* self, size_t row, size_t window) {
    return Of(self).readers_[row].age_ms[window];
  }
  static constexpr MetricView::Source kAge = {Rows, Windows, Age, nullptr};
};

void ConsumerBase::PublishMetrics(MetricsRegistry& registry) const {
  registry.Publish("consumer/" + spec_.name + "/GetRecords.IteratorAgeMilliseconds",
                   MetricView(MetricViews::kAge, this, SimDuration::Nanos(series_ns_),
                              SimTime::Zero(), MetricView::Fold::kMax));
}

void ReadPath::OnReshard(const Reshard& reshard) {
  for (uint32_t child : reshard.children) limits_->Grow(size_t{child} + 1);
}

std::vector<ConsumerResult> ReadPath::Results() const {
  std::vector<ConsumerResult> out;
  for (const ConsumerBase* c : consumers_) out.push_back(c->Result());
  return out;
}

void ReadPath::CheckConservation(const Stream& stream, Conservation* c) const {
  uint64_t appended = 0;
  for (size_t s = 0; s < stream.shard_map().shards().size(); ++s) {
    appended += stream.log(static_cast<uint32_t>(s)).next_sequence();
  }
  if (appended != stream.total_records_in()) {
    c->ok = false;
    c->detail += "shard logs hold " + std::to_string(appended) + " records, the stream stored " +
                 std::to_string(stream.total_records_in()) + "; ";
  }
  for (const ConsumerBase* consumer : consumers_) {
    if (!consumer->CheckConservation(&c->detail)) c->ok = false;
  }
}

std::vector<SeriesTable> ReadPath::Series() const {
  std::vector<SeriesTable> out;
  for (const ConsumerBase* c : consumers_) out.push_back(c->Series());
  return out;
}

uint64_t ReadPath::ProcessedBy(size_t i, SimTime t) const {
  SHARDSIM_CHECK(i < consumers_.size());
  return consumers_[i]->ProcessedBy(t);
}

std::vector<Assumption> ReadPath::Assumptions() const {
  std::vector<Assumption> a;
  // Each consumer kind's own assumptions once (the first consumer of the kind states them).
  std::set<std::string> seen;
  for (const ConsumerBase* c : consumers_) {
    for (Assumption& x : c->Assumptions()) {
      if (seen.insert(x.name + "\n" + x.value).second) a.push_back(std::move(x));
    }
  }
  // The stream's read assumptions only where a consumer reads it (not Direct PUT Firehoses).
  const bool reads_stream = std::any_of(specs_.begin(), specs_.end(), [](const ConsumerSpec& c) {
    return c.type != ConsumerType::kFirehose || c.firehose.source != FirehoseSource::kDirectPut;
  });
  const ReadLimitsSpec& l = stream_spec_.read_limits;
  const bool default_visibility = !stream_spec_.propagation_delay.has_value();
  if (reads_stream) {
    a.push_back({"shard read limits (GetRecords)",
                 std::to_string(l.get_records_per_sec) + " calls in any trailing second and " +
                     FormatByteRate(static_cast<double>(l.bytes_per_sec)) +
                     " per shard, shared by every polling reader; <= " +
                     std::to_string(l.max_records_per_call) + " records and " +
                     FormatBytes(l.max_bytes_per_call) + " per call",
                 "fact sheet 2"});
    a.push_back({"read throttling",
                 "a response of " + FormatBytes(l.max_bytes_per_call) +
                     " throttles the shard for " + FormatDuration(l.penalty) +
                     "; a call that finds the byte budget (a bucket one second deep) spent "
                     "throttles the shard for 1s; the call-rate limit refuses only the excess call",
                 "fact sheet 2; the exact algorithm is UNCONFIRMED"});
    a.push_back({"throttled GetRecords",
                 "retried after max(1s, the reader's poll interval) plus a uniform jitter of up to "
                 "400ms",
                 "fact sheet 2: AWS recommends waiting 1 s; the jitter is UNCONFIRMED, chosen so "
                 "five readers polling one shard every 200ms average ~1s (fact sheet 2)"});
    a.push_back({"propagation delay (put to visible for GetRecords)",
                 default_visibility ? "lognormal median 50ms, p99 150ms, drawn per call"
                                    : "as configured, drawn per call",
                 default_visibility
                     ? "UNCONFIRMED: chosen so one reader polling every 200ms averages ~200ms and "
                       "five sharing a shard ~1s (fact sheet 2); configurable at "
                       "/stream/propagation_delay"
                     : "/stream/propagation_delay"});
  }
  bool any_kcl = false, any_efo = false, any_outage = false;
  for (const ConsumerSpec& c : specs_) {
    any_kcl = any_kcl || c.type == ConsumerType::kKcl;
    any_efo = any_efo || c.type == ConsumerType::kEfo;
    any_outage = any_outage || !c.outages.empty();
  }
  if (any_efo) {
    a.push_back({"enhanced fan-out delivery",
                 "pushed propagation_delay after arrival (70ms by default), 2 MiB/s per consumer "
                 "per shard (a bucket one second deep), one event in flight per subscription "
                 "(backpressure), re-subscribed every subscription_lifetime with a 50ms gap",
                 "fact sheet 2 (70 ms average, 2 MiB/s, 5 min subscriptions); distribution, event "
                 "batching and the renewal gap UNCONFIRMED"});
  }
  if (any_kcl) {
    a.push_back({"KCL retrieval",
                 "one record processor per leased shard; a prefetcher calls GetRecords, then "
                 "waits idle_time_between_reads, holding at most 4 unprocessed batches; leases "
                 "balanced round-robin at start, capped by max_leases_per_worker; a failed "
                 "worker's leases move after failover_time to the live workers with fewest "
                 "leases, which resume from the last checkpoint; processing runs in parallel "
                 "across leases (worker CPU is not modelled)",
                 "fact sheet 2 (KCL 2.x PollingConfig, LeaseManagementConfig)"});
    a.push_back({"KCL lease-table writes",
                 "initial lease takes, takeovers, renewals every "
                 "failover_time / 3 per held lease, and checkpoints",
                 "KCL leaseRenewalIntervalMillis = failoverTimeMillis / 3 (fact sheet 2)"});
  }
  if (any_outage) {
    a.push_back({"consumer outage",
                 "the consumer is paused: no calls, work in hand resumes after the outage, "
                 "nothing is replayed",
                 "model choice; a crash with replay is what kcl worker_failures models"});
  }
  a.push_back({"consumer record counts",
               "Kinesis records as stored (a KPL aggregate counts once); latency from the "
               "creation of its first user record",
               "model choice"});
  return a;
}

}  // namespace shardsim
