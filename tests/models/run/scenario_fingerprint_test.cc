// Determinism and fingerprint tests over the example scenarios, one row per scenario file: each
// runnable scenario, run twice with its seed, gives byte-identical result.json, and a checked-in
// table pins each scenario's result fingerprint (FNV-1a of result.json), so any change to a
// model's numbers is seen in review. A scenario that fails to load or has no fingerprint fails its
// own row only. Regenerate the table after an intended change with
//   SHARDSIM_UPDATE_FINGERPRINTS=1 build/tests/scenario_fingerprint_tests
// and review the diff of tests/models/run/scenario_fingerprints.txt.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "models/spec/loader/scenario_loader.h"
#include "planner/session.h"
#include "reports/result_json.h"
#include "sim/rng.h"
#include "tests/models/run/example_scenarios.h"

namespace shardsim {
namespace {

const std::string kTable = kSourceDir + "/tests/models/run/scenario_fingerprints.txt";

bool Updating() { return std::getenv("SHARDSIM_UPDATE_FINGERPRINTS") != nullptr; }

std::map<std::string, std::string> ReadTable() {
  std::map<std::string, std::string> table;
  std::ifstream in(kTable);
  std::string name, hash;
  while (in >> name >> hash) table[name] = hash;
  return table;
}

void WriteTable(const std::map<std::string, std::string>& table) {
  std::ofstream out(kTable);
  for (const auto& [name, hash] : table) out << name << " " << hash << "\n";
}

std::string Hex(uint64_t v) {
  std::ostringstream os;
  os << std::hex << v;
  return os.str();
}

class ScenarioFingerprintTest : public testing::TestWithParam<std::filesystem::path> {};

TEST_P(ScenarioFingerprintTest, IsDeterministicAndMatchesItsFingerprint) {
  const std::filesystem::path& file = GetParam();
  const std::string name = file.stem().string();
  const LoadResult loaded = LoadScenarioFile(file.string());
  ASSERT_TRUE(loaded.ok()) << file << " does not load";
  if (!Runnable(loaded)) GTEST_SKIP() << name << " uses features the models do not implement";
  const RunOutcome a = RunScenario(*loaded.scenario, ShortRun());
  const RunOutcome b = RunScenario(*loaded.scenario, ShortRun());
  ASSERT_TRUE(a.result.has_value() && b.result.has_value()) << file << ": inputs did not prepare";
  const std::string ja = ResultJsonText(*a.result);
  EXPECT_EQ(ja, ResultJsonText(*b.result)) << name << ": same seed, different results";
  EXPECT_TRUE(a.result->conservation.ok) << name << ": " << a.result->conservation.detail;
  const std::string actual = Hex(Fnv1a64(ja));
  if (Updating()) {
    std::map<std::string, std::string> table = ReadTable();
    table[name] = actual;
    WriteTable(table);
    return;
  }
  const std::map<std::string, std::string> expected = ReadTable();
  const auto it = expected.find(name);
  ASSERT_NE(it, expected.end()) << name << " has no fingerprint: regenerate the table";
  EXPECT_EQ(it->second, actual) << name << ": results changed; if intended, regenerate";
}

// A progress hook cuts the run into many steps (here of about 500 events); the result must not
// change, and the hook sees simulated time grow to the end.
TEST_P(ScenarioFingerprintTest, AProgressHookChangesNoResult) {
  const std::filesystem::path& file = GetParam();
  const LoadResult loaded = LoadScenarioFile(file.string());
  ASSERT_TRUE(loaded.ok()) << file << " does not load";
  if (!Runnable(loaded)) GTEST_SKIP() << file << " uses features the models do not implement";
  const PreparedScenario::Outcome p =
      PreparedScenario::Prepare(*loaded.scenario, Seconds(kExampleRunSeconds));
  ASSERT_TRUE(p.prepared != nullptr);
  std::vector<RunProgress> seen;
  ProgressHook hook;
  hook.report = [&seen](const RunProgress& r) { seen.push_back(r); };
  hook.events_between = 500;
  const PriceChoice prices = ResolvePrices(*loaded.scenario, "");
  const RunResult with = RunPrepared(*p.prepared, prices, loaded.scenario->seed, 0, &hook);
  const RunResult without = RunPrepared(*p.prepared, prices, loaded.scenario->seed);
  EXPECT_EQ(ResultJsonText(with), ResultJsonText(without));
  ASSERT_GT(seen.size(), 2u);
  for (size_t i = 1; i < seen.size(); ++i) {
    EXPECT_LT(seen[i - 1].now, seen[i].now);
    EXPECT_LE(seen[i - 1].events, seen[i].events);
    EXPECT_LE(seen[i - 1].records, seen[i].records);
  }
  EXPECT_EQ(seen.back().now, seen.back().end);
  EXPECT_EQ(seen.back().events, with.events_processed);
}

INSTANTIATE_TEST_SUITE_P(Examples, ScenarioFingerprintTest,
                         testing::ValuesIn(ExampleScenarioFiles()), RowNamer());

// The table names only runnable examples (a removed or renamed scenario leaves no stale row),
// and enough of them run for the rows above to mean something.
TEST(ScenarioFingerprintTableTest, NamesOnlyRunnableExamples) {
  std::map<std::string, std::string> table = ReadTable();
  std::map<std::string, std::string> kept;
  int runnable = 0;
  for (const std::filesystem::path& file : ExampleScenarioFiles()) {
    const LoadResult loaded = LoadScenarioFile(file.string());
    if (!Runnable(loaded)) continue;
    ++runnable;
    const auto it = table.find(file.stem().string());
    if (it != table.end()) kept.insert(*it);
  }
  EXPECT_GE(runnable, 5);
  if (Updating()) {
    WriteTable(kept);
    return;
  }
  for (const auto& [name, hash] : table) {
    EXPECT_TRUE(kept.count(name)) << name << " is in the table but is not a runnable example";
  }
}

}  // namespace
}  // namespace shardsim
