// Determinism and fingerprint tests over the example scenarios: each runnable scenario, run
// twice with its seed, gives byte-identical result.json; and a checked-in table pins each
// scenario's result fingerprint (FNV-1a of result.json), so any change to a model's numbers is
// seen in review. Regenerate the table after an intended change with
//   SHARDSIM_UPDATE_FINGERPRINTS=1 build/tests/scenario_fingerprint_tests
// and review the diff of tests/models/run/scenario_fingerprints.txt.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "models/spec/loader/scenario_loader.h"
#include "planner/session.h"
#include "reports/result_json.h"
#include "sim/rng.h"

namespace shardsim {
namespace {

const std::string kSource = SHARDSIM_SOURCE_DIR;
const std::string kTable = kSource + "/tests/models/run/scenario_fingerprints.txt";

std::map<std::string, std::string> ReadTable() {
  std::map<std::string, std::string> table;
  std::ifstream in(kTable);
  std::string name, hash;
  while (in >> name >> hash) table[name] = hash;
  return table;
}

std::string Hex(uint64_t v) {
  std::ostringstream os;
  os << std::hex << v;
  return os.str();
}

TEST(ScenarioFingerprintTest, ExamplesAreDeterministicAndMatchTheirFingerprints) {
  const bool update = std::getenv("SHARDSIM_UPDATE_FINGERPRINTS") != nullptr;
  const std::map<std::string, std::string> expected = ReadTable();
  std::map<std::string, std::string> actual;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(kSource + "/scenarios")) {
    if (entry.path().extension() == ".json" && entry.path().filename() != "scenario.schema.json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  int runnable = 0;
  for (const auto& file : files) {
    const LoadResult loaded = LoadScenarioFile(file.string());
    ASSERT_TRUE(loaded.ok()) << file;
    if (!UnsupportedFeatures(loaded, ImplementedFeatures()).empty()) continue;
    ++runnable;
    RunOptions options;
    options.duration = Seconds(20);  // keep the suite quick; long runs belong to `run`
    const RunOutcome a = RunScenario(*loaded.scenario, options);
    const RunOutcome b = RunScenario(*loaded.scenario, options);
    ASSERT_TRUE(a.result.has_value() && b.result.has_value()) << file;
    const std::string ja = ResultJsonText(*a.result);
    EXPECT_EQ(ja, ResultJsonText(*b.result)) << file << ": same seed, different results";
    EXPECT_TRUE(a.result->conservation.ok) << file << ": " << a.result->conservation.detail;
    const std::string name = file.stem().string();
    actual[name] = Hex(Fnv1a64(ja));
    if (!update) {
      auto it = expected.find(name);
      ASSERT_NE(it, expected.end()) << name << " has no fingerprint: regenerate the table";
      EXPECT_EQ(it->second, actual[name]) << name << ": results changed; if intended, regenerate";
    }
  }
  EXPECT_GE(runnable, 5);
  if (update) {
    std::ofstream out(kTable);
    for (const auto& [name, hash] : actual) out << name << " " << hash << "\n";
  }
}

}  // namespace
}  // namespace shardsim
