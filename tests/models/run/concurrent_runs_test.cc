// Runs on parallel threads give the bytes of serial runs (DESIGN: results are identical whatever
// the thread count). Every runnable example runs serially once, then three copies of each run at
// once on kThreads threads, interleaved so that different scenarios overlap: two copies share
// one PreparedScenario (runs of one prepared scenario may execute on parallel threads), the third
// prepares its own through RunScenario (file reading and key hashing on parallel threads).
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "models/run/prepared.h"
#include "models/spec/loader/scenario_loader.h"
#include "planner/session.h"
#include "reports/result_json.h"
#include "tests/models/run/example_scenarios.h"

namespace shardsim {
namespace {

constexpr int kCopies = 3;
constexpr int kThreads = 4;  // more than the 2 cores of CI, so runs are also preempted mid-way

struct Example {
  std::string name;
  Scenario scenario;
  std::unique_ptr<const PreparedScenario> prepared;
  PriceChoice prices;
  std::string serial_json;
};

struct Job {
  const Example* example = nullptr;
  bool own_prepare = false;  // RunScenario (prepares again) rather than the shared prepared
  std::string json;
};

TEST(ConcurrentRunsTest, ParallelRunsOfEveryExampleMatchSerialRunsByteForByte) {
  std::vector<Example> examples;
  for (const auto& file : ExampleScenarioFiles()) {
    LoadResult loaded = LoadScenarioFile(file.string());
    ASSERT_TRUE(loaded.ok()) << file;
    if (!Runnable(loaded)) continue;
    Example e{file.stem().string(), std::move(*loaded.scenario), nullptr, {}, ""};
    e.prices = ResolvePrices(e.scenario, "");
    PreparedScenario::Outcome p =
        PreparedScenario::Prepare(e.scenario, Seconds(kExampleRunSeconds));
    ASSERT_NE(p.prepared, nullptr) << e.name << ": inputs did not prepare";
    e.prepared = std::move(p.prepared);
    const RunOutcome serial = RunScenario(e.scenario, ShortRun());
    ASSERT_TRUE(serial.result.has_value()) << e.name;
    e.serial_json = ResultJsonText(*serial.result);
    examples.push_back(std::move(e));
  }
  ASSERT_GE(examples.size(), 5u);

  // Copy-major order: each thread's neighbours in the queue are other scenarios.
  std::vector<Job> jobs;
  for (int copy = 0; copy < kCopies; ++copy) {
    for (const Example& e : examples) jobs.push_back({&e, copy == kCopies - 1, ""});
  }
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < jobs.size(); i = next++) {
      Job& job = jobs[i];
      const Example& e = *job.example;
      if (job.own_prepare) {
        const RunOutcome out = RunScenario(e.scenario, ShortRun());
        if (out.result) job.json = ResultJsonText(*out.result);
      } else {
        job.json = ResultJsonText(RunPrepared(*e.prepared, e.prices, e.scenario.seed));
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();

  for (const Job& job : jobs) {
    // EXPECT_TRUE rather than EXPECT_EQ: a failure names the run without printing two files.
    EXPECT_TRUE(job.json == job.example->serial_json)
        << job.example->name << (job.own_prepare ? " (own prepare)" : " (shared prepare)")
        << ": a run on a parallel thread differs from the serial run";
  }
}

}  // namespace
}  // namespace shardsim
