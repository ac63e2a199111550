// Memory bounded by what is in flight, not by simulated time: scenarios/bench/memory-10k.json
// (10,000 shards, 365-day retention, a reader that keeps up) run by the CLI for D and 2D has the
// same peak RSS within 10 %. Each run is a child process, its peak RSS taken from wait4. Slow
// (~6 s of CPU in Release, far more under sanitizers): ctest label "long".
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <cstdint>
#include <string>
#include <vector>

extern char** environ;

namespace shardsim {
namespace {

// Runs the CLI on the scenario for `duration`; returns its peak RSS in KiB, or -1 on failure.
int64_t PeakRssKib(const std::string& duration) {
  const std::string scenario =
      std::string(SHARDSIM_SOURCE_DIR) + "/scenarios/bench/memory-10k.json";
  // Without --out nothing is written.
  std::vector<std::string> args = {SHARDSIM_CLI, "run",    scenario,
                                   "--duration", duration, "--quiet"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, SHARDSIM_CLI, nullptr, nullptr, argv.data(), environ) != 0) return -1;
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return -1;
  }
  return usage.ru_maxrss;
}

TEST(MemoryFlatTest, PeakRssOfTenThousandShardsStaysFlatWhenTheRunDoubles) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "peak RSS is the sanitizer's under AddressSanitizer";
#endif
  const int64_t one = PeakRssKib("1min");
  const int64_t two = PeakRssKib("2min");
  ASSERT_GT(one, 0);
  ASSERT_GT(two, 0);
  // Records stay in the shard logs only until the reader has read them: 20,000 records/s held
  // for the run would add ~38 MB a simulated minute (+40 %).
  EXPECT_LT(static_cast<double>(two), 1.10 * static_cast<double>(one))
      << "peak RSS " << one << " KiB at 1 min, " << two << " KiB at 2 min";
}

}  // namespace
}  // namespace shardsim
