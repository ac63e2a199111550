// Golden terminal summaries: `shardsim run`'s text for five example scenarios at their full
// duration, compared byte for byte with tests/golden/<scenario>.summary.txt. Any change to a
// model's numbers, a finding's wording or the summary's layout shows up here as a reviewable diff.
// Regenerate after an intended change with
//   SHARDSIM_UPDATE_GOLDEN=1 build/tests/golden_summary_tests
// and review the diff of tests/golden/.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "models/spec/loader/scenario_loader.h"
#include "planner/session.h"
#include "reports/summary.h"
#include "tests/models/run/example_scenarios.h"

namespace shardsim {
namespace {

std::string GoldenPath(const std::string& scenario) {
  return kSourceDir + "/tests/golden/" + scenario + ".summary.txt";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The first line where `actual` departs from `expected`, for the failure message.
std::string FirstDifference(const std::string& expected, const std::string& actual) {
  const std::vector<std::string> e = Lines(expected), a = Lines(actual);
  for (size_t i = 0; i < std::max(e.size(), a.size()); ++i) {
    const std::string el = i < e.size() ? e[i] : "<end of file>";
    const std::string al = i < a.size() ? a[i] : "<end of file>";
    if (el != al) {
      return "line " + std::to_string(i + 1) + "\n  golden: " + el + "\n  actual: " + al;
    }
  }
  return "only in trailing bytes";
}

std::string GoldenRowName(const testing::TestParamInfo<std::string>& row) {
  return RowName(row.param);
}

class GoldenSummaryTest : public testing::TestWithParam<std::string> {};

TEST_P(GoldenSummaryTest, MatchesTheGoldenFileByteForByte) {
  const std::string& name = GetParam();
  const LoadResult loaded = LoadScenarioFile(kSourceDir + "/scenarios/" + name + ".json");
  ASSERT_TRUE(loaded.ok()) << name << " does not load";
  ASSERT_TRUE(Runnable(loaded)) << name << " is not runnable: pick a runnable example";
  const RunOutcome out = RunScenario(*loaded.scenario, RunOptions{});  // full duration, as `run`
  ASSERT_TRUE(out.result.has_value()) << name << ": inputs did not prepare";
  const std::string actual = SummaryText(*out.result);
  if (std::getenv("SHARDSIM_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(GoldenPath(name), std::ios::binary) << actual;
    return;
  }
  const std::string golden = ReadFile(GoldenPath(name));
  ASSERT_FALSE(golden.empty()) << GoldenPath(name) << " is missing: regenerate it";
  EXPECT_TRUE(actual == golden) << name << ": the summary differs from its golden file at "
                                << FirstDifference(golden, actual)
                                << "\nIf intended, regenerate with SHARDSIM_UPDATE_GOLDEN=1.";
}

// A write-path scenario (hot key, throttling, data loss), a managed-consumer one (Lambda table, a
// stalled shard, iterator age growing), a resharding one (a split at run time, its findings) and
// an on-demand one (the service's splits through a ramp, throttling past the doubling rule) and a
// capacity-mode switch (on-demand to provisioned, then UpdateShardCount: billing per mode).
INSTANTIATE_TEST_SUITE_P(Examples, GoldenSummaryTest,
                         testing::Values("write-hot-key", "lambda-poison-record",
                                         "reshard-hot-shard", "ondemand-diurnal",
                                         "mode-switch-launch"),
                         GoldenRowName);

}  // namespace
}  // namespace shardsim
