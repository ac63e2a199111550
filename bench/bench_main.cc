// shardsim_bench entry point: runs the registered benchmarks with Google Benchmark's own flags,
// then (console format only) prints the kernel's speed-up
// over the plain std::priority_queue hold loop at each pending-set size.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace {

// Forwards every report to the display reporter Google Benchmark's own flags select
// (--benchmark_format=console|json|csv, --benchmark_color, --benchmark_counters_tabular) and keeps
// each benchmark's items/s for the ratio table, which only the console format gets (JSON and CSV
// output stays machine-readable).
class RatioReporter : public benchmark::BenchmarkReporter {
 public:
  explicit RatioReporter(std::unique_ptr<benchmark::BenchmarkReporter> display)
      : display_(std::move(display)) {}

  bool ReportContext(const Context& context) override { return display_->ReportContext(context); }
  void ReportRuns(const std::vector<Run>& runs) override {
    display_->ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration || r.error_occurred) continue;
      auto it = r.counters.find("items_per_second");
      if (it != r.counters.end()) items_per_second_[r.benchmark_name()] = it->second.value;
    }
  }
  void Finalize() override { display_->Finalize(); }

  bool console() const {
    return dynamic_cast<const benchmark::ConsoleReporter*>(display_.get()) != nullptr;
  }

  void PrintRatios() const {
    bool header = false;
    for (const auto& [name, ips] : items_per_second_) {
      if (name.rfind("BM_KernelHold/", 0) != 0) continue;
      const std::string arg = name.substr(std::string("BM_KernelHold/").size());
      auto base = items_per_second_.find("BM_PlainPriorityQueueHold/" + arg);
      if (base == items_per_second_.end()) continue;
      if (!header) {
        std::printf("\nKernel hold model vs plain std::priority_queue loop (items/s):\n");
        header = true;
      }
      std::printf("  pending=%-8s kernel %.3g/s  plain %.3g/s  ratio %.2fx\n", arg.c_str(), ips,
                  base->second, ips / base->second);
    }
  }

 private:
  std::unique_ptr<benchmark::BenchmarkReporter> display_;
  std::map<std::string, double> items_per_second_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter(
      std::unique_ptr<benchmark::BenchmarkReporter>(benchmark::CreateDefaultDisplayReporter()));
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::fflush(stdout);
  if (reporter.console()) reporter.PrintRatios();
  benchmark::Shutdown();
  return 0;
}
