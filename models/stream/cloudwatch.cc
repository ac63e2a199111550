// CloudWatchView: minute boundaries, deltas of running totals, the ring. See cloudwatch.h.
#include "models/stream/cloudwatch.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "sim/check.h"

namespace shardsim {
namespace {

constexpr const char* kSeriesNames[5] = {
    "IncomingBytes", "IncomingRecords", "WriteProvisionedThroughputExceeded",
    "ReadProvisionedThroughputExceeded", "GetRecords.IteratorAgeMilliseconds"};

uint64_t ReadThrottled(const SharedReadLimits* limits, uint32_t shard) {
  if (limits == nullptr || shard >= limits->shard_count()) return 0;
  uint64_t n = 0;
  for (uint64_t t : limits->counts(shard).throttled) n += t;
  return n;
}

}  // namespace

CloudWatchView::CloudWatchView(std::string name, Stream& stream,
                               const SharedReadLimits* read_limits, SimTime end,
                               CloudWatchOptions options)
    : Component(std::move(name)),
      stream_(stream),
      read_limits_(read_limits),
      end_(end),
      options_(options),
      ring_(options.keep_minutes) {
  SHARDSIM_CHECK(options.period > SimDuration::Zero() && options.keep_minutes >= 1);
  SHARDSIM_CHECK(options.publication_delay >= SimDuration::Zero());
}

void CloudWatchView::Start(Context& ctx) {
  for (int i = 0; i < 5; ++i) {
    series_[i] = &ctx.metrics().GetSeries(name() + "/" + kSeriesNames[i], options_.period);
  }
  next_boundary_ = SimTime::Zero() + options_.period;
  if (next_boundary_ <= end_) ctx.Schedule(next_boundary_, 0, Phase::kBoundary);
}

void CloudWatchView::OnEvent(Context& ctx, uint32_t tag) {
  (void)tag;
  Publish(ctx);
  next_boundary_ += options_.period;
  if (next_boundary_ <= end_) ctx.Schedule(next_boundary_, 0, Phase::kBoundary);
}

// The minute that ends now: each shard's totals against the previous boundary's (a shard added by
// a reshard starts from zero), the iterator-age maximum noted since.
void CloudWatchView::Publish(Context& ctx) {
  const SimTime now = ctx.Now();
  newest_ = count_ == 0 ? 0 : (newest_ + 1) % ring_.size();
  count_ = std::min(count_ + 1, ring_.size());
  ++published_;
  Minute& m = ring_[newest_];
  m.start = now - options_.period;
  m.readable_at = now + options_.publication_delay;
  m.stream = Metrics{};
  const auto shards = static_cast<uint32_t>(stream_.shard_map().shards().size());
  m.shards.assign(shards, Metrics{});
  last_.resize(shards);
  for (uint32_t s = 0; s < shards; ++s) {
    const Stream::ShardCounters c = stream_.counters(s);
    const uint64_t read_throttled = ReadThrottled(read_limits_, s);
    Totals& last = last_[s];
    Metrics& x = m.shards[s];
    x.incoming_records = static_cast<double>(c.records_in - last.records_in);
    x.incoming_bytes = static_cast<double>(c.bytes_in - last.bytes_in);
    x.write_throttled_records = static_cast<double>(c.throttled - last.throttled);
    x.read_throttled_calls = static_cast<double>(read_throttled - last.read_throttled);
    const int64_t age_ns = stream_.TakeGetRecordsAgeMax(s);  // the next minute's starts afresh
    if (age_ns >= 0) x.iterator_age_max_ms = static_cast<double>(age_ns) * 1e-6;
    last = {c.records_in, c.bytes_in, c.throttled, read_throttled};
    m.stream.incoming_records += x.incoming_records;
    m.stream.incoming_bytes += x.incoming_bytes;
    m.stream.write_throttled_records += x.write_throttled_records;
    m.stream.read_throttled_calls += x.read_throttled_calls;
    if (!std::isnan(x.iterator_age_max_ms) &&
        !(m.stream.iterator_age_max_ms >= x.iterator_age_max_ms)) {
      m.stream.iterator_age_max_ms = x.iterator_age_max_ms;
    }
  }
  series_[0]->Add(m.start, m.stream.incoming_bytes);
  series_[1]->Add(m.start, m.stream.incoming_records);
  series_[2]->Add(m.start, m.stream.write_throttled_records);
  series_[3]->Add(m.start, m.stream.read_throttled_calls);
  if (!std::isnan(m.stream.iterator_age_max_ms))
    series_[4]->Add(m.start, m.stream.iterator_age_max_ms);
}

const CloudWatchView::Minute& CloudWatchView::Slot(size_t age) const {
  return ring_[(newest_ + ring_.size() - age) % ring_.size()];
}

const CloudWatchView::Minute* CloudWatchView::Latest(SimTime now) const {
  for (size_t age = 0; age < count_; ++age) {
    const Minute& m = Slot(age);
    if (m.readable_at <= now) return &m;
  }
  return nullptr;
}

const CloudWatchView::Minute* CloudWatchView::Find(SimTime now, SimTime start) const {
  for (size_t age = 0; age < count_; ++age) {
    const Minute& m = Slot(age);
    if (m.start == start) return m.readable_at <= now ? &m : nullptr;
  }
  return nullptr;
}

}  // namespace shardsim
