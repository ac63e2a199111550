// CloudWatchView: minute boundaries, deltas of the published running totals, the ring. See
// cloudwatch.h.
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
constexpr int kReadThrottledView = 3;
constexpr int kAgeView = 4;

}  // namespace

CloudWatchView::CloudWatchView(std::string name, std::string metrics_prefix, SimTime end,
                               CloudWatchOptions options)
    : Component(std::move(name)),
      prefix_(std::move(metrics_prefix)),
      end_(end),
      options_(options),
      ring_(options.keep_minutes) {
  SHARDSIM_CHECK(options.period > SimDuration::Zero() && options.keep_minutes >= 1);
  SHARDSIM_CHECK(options.publication_delay >= SimDuration::Zero());
}

void CloudWatchView::Start(Context& ctx) {
  for (int i = 0; i < kViews; ++i) {
    views_[i] = ctx.metrics().FindView(prefix_ + "/" + kSeriesNames[i]);
    SHARDSIM_CHECK(views_[i] != nullptr || i == kReadThrottledView,
                   "the stream's metrics are published before the run");
    SHARDSIM_CHECK(views_[i] == nullptr || i == kAgeView || views_[i]->has_total());
    series_[i] = &ctx.metrics().GetSeries(name() + "/" + kSeriesNames[i], options_.period);
  }
  SHARDSIM_CHECK(views_[kAgeView]->width() == options_.period,
                 "iterator-age windows are the view's period");
  next_boundary_ = SimTime::Zero() + options_.period;
  if (next_boundary_ <= end_) ctx.Schedule(next_boundary_, 0, Phase::kBoundary);
}

void CloudWatchView::OnEvent(Context& ctx, uint32_t tag) {
  (void)tag;
  Publish(ctx);
  next_boundary_ += options_.period;
  if (next_boundary_ <= end_) ctx.Schedule(next_boundary_, 0, Phase::kBoundary);
}

// The minute that ends now: each shard's running totals against the previous boundary's (a shard
// added by a reshard starts from zero), its iterator-age window of the minute.
void CloudWatchView::Publish(Context& ctx) {
  const SimTime now = ctx.Now();
  newest_ = count_ == 0 ? 0 : (newest_ + 1) % ring_.size();
  count_ = std::min(count_ + 1, ring_.size());
  ++published_;
  Minute& m = ring_[newest_];
  m.start = now - options_.period;
  m.readable_at = now + options_.publication_delay;
  m.stream = Metrics{};
  const size_t shards = views_[0]->rows();
  m.shards.assign(shards, Metrics{});
  last_.resize(shards);
  const MetricView& age = *views_[kAgeView];
  const size_t age_window = age.WindowAt(m.start);
  for (size_t s = 0; s < shards; ++s) {
    Totals& last = last_[s];
    double delta[kViews - 1];
    for (int i = 0; i < kViews - 1; ++i) {
      const MetricView* v = views_[i];
      const double total = v != nullptr && s < v->rows() ? v->total(s) : 0;
      delta[i] = total - last.sums[i];
      last.sums[i] = total;
    }
    Metrics& x = m.shards[s];
    x.incoming_bytes = delta[0];
    x.incoming_records = delta[1];
    x.write_throttled_records = delta[2];
    x.read_throttled_calls = delta[kReadThrottledView];
    if (s < age.rows() && age_window < age.size(s)) {
      x.iterator_age_max_ms = age.value(s, age_window);  // NaN: no response in the minute
    }
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
