// Analytic oracles for the kernel: single-server FIFO queues built as components on Simulation,
// with Poisson arrivals and exponential (M/M/1) or deterministic (M/D/1) service. The mean wait in
// queue must match Pollaczek-Khinchine, Wq = rho * E[S^2] / (2 E[S] (1 - rho)), inside the run's
// 95 % confidence interval from batch means.
#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <optional>
#include <vector>

#include "sim/random.h"
#include "sim/simulation.h"

namespace shardsim {
namespace {

constexpr uint32_t kArrival = 0;
constexpr uint32_t kDeparture = 1;

class SingleServerQueue : public Component {
 public:
  // Times in seconds; service_cv2 = 1 for exponential service, 0 for deterministic.
  SingleServerQueue(double arrival_rate, double mean_service, bool exponential_service,
                    uint64_t customers, uint64_t warmup, int batches)
      : Component("queue"),
        interarrival_(1.0 / arrival_rate * 1e9),
        service_(mean_service * 1e9),
        mean_service_ns_(mean_service * 1e9),
        exponential_service_(exponential_service),
        customers_(customers),
        warmup_(warmup),
        batch_size_((customers - warmup) / static_cast<uint64_t>(batches)),
        batch_sums_(static_cast<size_t>(batches), 0.0) {}

  void Start(Context& ctx) override {
    arrivals_rng_.emplace(ctx.MakeRng("arrivals"));
    service_rng_.emplace(ctx.MakeRng("service"));
    ctx.ScheduleAfter(Draw(interarrival_, *arrivals_rng_), kArrival);
  }

  void OnEvent(Context& ctx, uint32_t tag) override {
    if (tag == kArrival) {
      waiting_.push_back(ctx.Now());
      if (!busy_) StartService(ctx);
      if (++arrived_ < customers_) ctx.ScheduleAfter(Draw(interarrival_, *arrivals_rng_), kArrival);
    } else {
      busy_ = false;
      if (!waiting_.empty()) StartService(ctx);
    }
  }

  // Batch means of the wait in queue, in seconds.
  std::vector<double> BatchMeans() const {
    std::vector<double> means;
    for (double s : batch_sums_) means.push_back(s / static_cast<double>(batch_size_));
    return means;
  }
  uint64_t served() const { return served_; }

 private:
  static SimDuration Draw(const Exponential& e, Rng& rng) {
    return SimDuration::Nanos(std::llround(e.Sample(rng)));
  }
  void StartService(Context& ctx) {
    const SimTime arrived = waiting_.front();
    waiting_.pop_front();
    busy_ = true;
    const uint64_t index = served_++;
    if (index >= warmup_) {
      const uint64_t batch = (index - warmup_) / batch_size_;
      if (batch < batch_sums_.size()) batch_sums_[batch] += (ctx.Now() - arrived).seconds();
    }
    const SimDuration s = exponential_service_ ? Draw(service_, *service_rng_)
                                               : SimDuration::Nanos(std::llround(mean_service_ns_));
    ctx.ScheduleAfter(s, kDeparture);
  }

  Exponential interarrival_;
  Exponential service_;
  double mean_service_ns_;
  bool exponential_service_;
  uint64_t customers_;
  uint64_t warmup_;
  uint64_t batch_size_;
  std::vector<double> batch_sums_;
  std::optional<Rng> arrivals_rng_;
  std::optional<Rng> service_rng_;
  std::deque<SimTime> waiting_;
  bool busy_ = false;
  uint64_t arrived_ = 0;
  uint64_t served_ = 0;
};

struct QueueCase {
  const char* name;
  double rho;
  bool exponential_service;
  uint64_t customers;
};

class PollaczekKhinchineTest : public ::testing::TestWithParam<QueueCase> {};

TEST_P(PollaczekKhinchineTest, MeanWaitMatchesTheoryWithinTheRunsConfidenceInterval) {
  const QueueCase& c = GetParam();
  constexpr int kBatches = 30;
  constexpr double kT975With29Dof = 2.0452;
  const double mean_service = 0.001;  // 1 ms
  const double arrival_rate = c.rho / mean_service;
  Simulation sim({.seed = 20261122, .replication = 0});
  auto& q = sim.Emplace<SingleServerQueue>(arrival_rate, mean_service, c.exponential_service,
                                           c.customers, c.customers / 10, kBatches);
  sim.RunUntilEmpty();
  ASSERT_EQ(q.served(), c.customers);

  const std::vector<double> means = q.BatchMeans();
  double mean = 0;
  for (double m : means) mean += m;
  mean /= kBatches;
  double var = 0;
  for (double m : means) var += (m - mean) * (m - mean);
  var /= kBatches - 1;
  const double half_width = kT975With29Dof * std::sqrt(var / kBatches);

  // E[S^2] = 2 E[S]^2 for exponential service, E[S]^2 for deterministic.
  const double es2 = (c.exponential_service ? 2.0 : 1.0) * mean_service * mean_service;
  const double theory = c.rho * es2 / (2.0 * mean_service * (1.0 - c.rho));
  EXPECT_NEAR(mean, theory, half_width) << c.name << ": simulated " << mean << " s, theory "
                                        << theory << " s, 95% CI half-width " << half_width;
  // The interval must be informative, not so wide that any answer passes.
  EXPECT_LT(half_width, 0.1 * theory) << c.name;
}

INSTANTIATE_TEST_SUITE_P(Kernel, PollaczekKhinchineTest,
                         ::testing::Values(QueueCase{"MM1_rho050", 0.50, true, 600'000},
                                           QueueCase{"MM1_rho080", 0.80, true, 1'500'000},
                                           QueueCase{"MM1_rho095", 0.95, true, 6'000'000},
                                           QueueCase{"MD1_rho050", 0.50, false, 600'000},
                                           QueueCase{"MD1_rho080", 0.80, false, 1'500'000},
                                           QueueCase{"MD1_rho095", 0.95, false, 6'000'000}),
                         [](const auto& test_info) { return std::string(test_info.param.name); });

}  // namespace
}  // namespace shardsim
